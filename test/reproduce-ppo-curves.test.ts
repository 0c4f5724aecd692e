import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl } from "./lfl-cli.ts";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PPO_CURVES } from "../src/experiments/ppo-curves.ts";

test("lfl reproduce ppo-curves: --seeds stores runs without results; a plain run combines them; --partial; bad --seeds exits 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-ppo-curves-"));
  try {
    const runs = join(dir, "runs"), out = join(dir, "out");
    const common = ["reproduce", "ppo-curves", "--curve", "pendulum-quick", "--run-dir", runs, "--out-dir", out];
    const one = lfl(...common, "--seeds", "1");
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(readdirSync(runs), ["rl-zoo-seed1.json"]);
    assert.ok(!existsSync(join(out, "ppo-pendulum-quick.json")), "a seed subset writes no results");
    assert.match(one.stderr, /subset/);

    const all = lfl(...common);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /seed 0/);
    assert.doesNotMatch(all.stderr, /seed 1/, "seed 1 was stored, not retrained");
    const json = JSON.parse(readFileSync(join(out, "ppo-pendulum-quick.json"), "utf8"));
    assert.deepEqual(Object.keys(json.runRevisions).sort(), ["rl-zoo/0", "rl-zoo/1"]);
    assert.deepEqual(json.summary.map((s: { stochastic: { n: number } }) => s.stochastic.n), [2, 2, 2]);

    const partial = lfl(...common, "--partial");
    assert.equal(partial.code, 0, partial.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(out, "ppo-pendulum-quick.json"), "utf8")).summary, json.summary);

    assert.equal(lfl(...common, "--seeds", "x").code, 2);
    assert.equal(lfl("reproduce", "ppo-curves", "--curve", "nope").code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lfl reproduce ppo-curves --summary: each results file beside the uniform random policy", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-ppo-summary-"));
  try {
    const spec = { ...PPO_CURVES["reacher"]!, evalEpisodes: 2 };
    const stats = { mean: -5, std: 0.1, sampleStd: 0.1, ci95: [-5.1, -4.9], n: 3 };
    const summary = [0, 200000, 500000, 1000000].map((checkpoint) => ({ setting: "sb3-defaults", checkpoint, deterministic: stats, stochastic: stats }));
    writeFileSync(join(dir, "ppo-reacher.json"), JSON.stringify({ command: "test", gitRevision: "abc", spec, points: [], summary, stepsPerSecond: [], incomplete: [] }));
    const r = lfl("reproduce", "ppo-curves", "--summary", "--out-dir", dir);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(readFileSync(join(dir, "ppo-summary.json"), "utf8"));
    assert.deepEqual(json.envs.map((e: { envId: string }) => e.envId), ["Reacher-v5"]);
    const u = json.envs[0].uniformRandom;
    assert.equal(u.episodes, 2);
    assert.ok(u.mean < -20 && u.mean > -80, `uniform random Reacher return ${u.mean} (50 steps of distance and control cost)`);
    assert.match(readFileSync(join(dir, "ppo-summary.md"), "utf8"), /\| Reacher-v5 +\|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
