import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl } from "./lfl-cli.ts";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ppoSummaryExperiment } from "../src/experiments/ppo-curves-experiment.ts";
import { runCell } from "../src/experiments/ppo-curves-cell.ts";

test("lfl reproduce ppo-curves: --seeds writes its own files; a plain run reuses the stored seed; --finished-only; bad flags exit 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-ppo-curves-"));
  try {
    const common = ["reproduce", "ppo-curves", "--scale", "pendulum-quick", "--store", join(dir, "store"), "--out-dir", join(dir, "out")];
    const one = lfl(...common, "--seeds", "1");
    assert.equal(one.code, 0, one.stderr);
    const j1 = JSON.parse(readFileSync(join(dir, "out", "ppo-pendulum-quick-seeds-1.json"), "utf8"));
    assert.deepEqual(j1.seeds, [1]);
    const all = lfl(...common);
    assert.equal(all.code, 0, all.stderr);
    const json = JSON.parse(readFileSync(join(dir, "out", "ppo-pendulum-quick.json"), "utf8"));
    assert.deepEqual(json.cells.map((c: { label: string; status: string }) => `${c.label.split("/").at(-1)} ${c.status}`), ["seed-0 computed", "seed-1 stored"]);
    assert.deepEqual(json.summary.map((s: { stochastic: { n: number } }) => s.stochastic.n), [2, 2, 2]);
    const assembled = lfl(...common, "--finished-only");
    assert.equal(assembled.code, 0, assembled.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "out", "ppo-pendulum-quick.json"), "utf8")).summary, json.summary);
    assert.equal(lfl(...common, "--seeds", "x").code, 2);
    assert.equal(lfl(...common, "--seeds", "").code, 2);
    assert.equal(lfl("reproduce", "ppo-curves", "--scale", "nope").code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ppo-summary plans the four MuJoCo curves and their uniform-random cells; the uniform cell scores Reacher as expected", async () => {
  const plan = ppoSummaryExperiment.plan({ scale: "full", options: {} });
  assert.deepEqual([...new Set(plan.cells.map((c) => c.env))], ["Reacher-v5", "Hopper-v5", "HalfCheetah-v5", "Ant-v5"]);
  const uniform = plan.cells.find((c) => c.env === "Reacher-v5" && c.stage === "uniform")!;
  const payload = uniform.payload as { spec: { evalEpisodes: number } };
  const cell = { ...uniform, payload: { ...payload, spec: { ...payload.spec, evalEpisodes: 2 } } };
  const r = (await runCell(cell, { progress: () => {}, inputs: new Map(), workDir: tmpdir() })) as { mean: number; returns: number[] };
  assert.equal(r.returns.length, 2);
  assert.ok(r.mean < -20 && r.mean > -80, `uniform random Reacher return ${r.mean} (50 steps of distance and control cost)`);
});
