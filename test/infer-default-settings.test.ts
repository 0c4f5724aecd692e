// `lfl infer`'s default on a Box history is ALGORITHM1_DEFAULTS (Table 3's); `--consistency-fit early-stopping`
// gives ALGORITHM1_INFER (issue 19: stage iv early-stopped with closed-form constant potentials, stage i patience
// 50); no Table 3 plan, at any scale, carries an infer-only setting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lfl } from "./lfl-cli.ts";
import { syntheticBoxHistory } from "../src/cli/bench-infer.ts";
import { writeHistoryColumns } from "../src/data/history-file.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { ALGORITHM1_DEFAULTS, ALGORITHM1_INFER, type Algorithm1Config } from "../src/observer/algorithm-1/algorithm-1.ts";

const STEP_KEYS = ["policySteps", "klSteps", "rewardInitSteps", "consistencySteps"] as const;
const withoutSteps = (c: Partial<Algorithm1Config>): object => Object.fromEntries(Object.entries(c).filter(([k]) => !(STEP_KEYS as readonly string[]).includes(k) && k !== "updates"));

test("lfl infer: ALGORITHM1_DEFAULTS by default, ALGORITHM1_INFER with --consistency-fit early-stopping (the recorded config)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-infer-default-"));
  try {
    const history = join(dir, "h.npz");
    writeHistoryColumns(history, syntheticBoxHistory(3, 96, 4, 2, 5, 50));
    const config = (flags: string[]): Partial<Algorithm1Config> => {
      const out = join(dir, "r.json");
      const r = lfl("infer", "--history", history, "--out", out, "--scale", "0.02", ...flags);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(readFileSync(out, "utf8")) as { info: { config: Partial<Algorithm1Config> } }).info.config;
    };
    assert.deepEqual(withoutSteps(config([])), withoutSteps(ALGORITHM1_DEFAULTS));
    assert.deepEqual(withoutSteps(config(["--consistency-fit", "fixed"])), withoutSteps(ALGORITHM1_DEFAULTS));
    assert.deepEqual(withoutSteps(config(["--consistency-fit", "early-stopping"])), withoutSteps(ALGORITHM1_INFER));
    const paper = config(["--paper", "--consistency-fit", "early-stopping"]);
    assert.equal(paper.policyFit, "paper");
    assert.equal(paper.consistencyShift, "closed-form");
    // --consistency-steps sets stage (iv)'s step count exactly (--scale does not change it) and nothing else.
    const fewer = config(["--consistency-steps", "7"]);
    assert.equal(fewer.consistencySteps, 7);
    assert.deepEqual(withoutSteps(fewer), withoutSteps(ALGORITHM1_DEFAULTS));
    assert.equal(config([]).consistencySteps, Math.round(ALGORITHM1_DEFAULTS.consistencySteps * 0.02));
    const zero = lfl("infer", "--history", history, "--out", join(dir, "x.json"), "--consistency-steps", "0");
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /E_USAGE.*--consistency-steps/);
    const bad = lfl("infer", "--history", history, "--out", join(dir, "x.json"), "--consistency-fit", "sometimes");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /E_USAGE.*--consistency-fit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Table 3 plans (every scale, ours and the paper's Algorithm 1) carry no infer-only setting", () => {
  for (const scale of ["quick", "small", "full", "paper"]) {
    for (const algorithm1 of ["ours", "paper"]) {
      const plan = EXPERIMENTS.table3!.plan({ scale, options: { algorithm1 } } as never);
      const configs = plan.cells.map((c) => (c.payload as { algorithm1?: unknown }).algorithm1).filter((x): x is object => typeof x === "object" && x !== null);
      assert.ok(configs.length > 0, `${scale}/${algorithm1}: Algorithm 1 cells`);
      for (const c of configs) {
        for (const k of ["consistencyFit", "consistencyShift", "consistencyBatch"]) assert.ok(!(k in c), `${scale}/${algorithm1}: ${k}`);
      }
    }
  }
});
