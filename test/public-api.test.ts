// The package's public entry point loads and exposes the pipeline end to end (a smoke test of `exports`).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as lfl from "../src/index.ts";

test("the public API runs Table 1's pipeline: SPI step, Theorem 2 inversion, planning on r̄1→2", () => {
  const mdp = lfl.gridWorld();
  const pi1 = lfl.uniformPolicy(mdp.nS, mdp.nA);
  const pi2 = lfl.softPolicyImprovement(mdp, pi1, lfl.GRID_ALPHA);
  const rBar = lfl.invertSoftImprovement(mdp, pi1, pi2, lfl.GRID_ALPHA);
  const opt = lfl.softValueIteration(mdp, lfl.GRID_ALPHA);
  const planned = lfl.softValueIteration(mdp.withReward(rBar), lfl.GRID_ALPHA);
  const regret = lfl.softReturn(mdp, opt.pi, lfl.GRID_ALPHA) - lfl.softReturn(mdp, planned.pi, lfl.GRID_ALPHA);
  assert.ok(Math.abs(regret) < 1e-9, `regret ${regret}`);
  assert.ok(lfl.registeredEnvIds().includes("HalfCheetah-v5"));
});

test("the public API exposes the experiment engine: every experiment declared, Table 3's methods registered", () => {
  for (const n of ["table1", "table2", "table3", "ppo-curves", "ppo-summary", "tabular-benchmark"]) assert.ok(n in lfl.EXPERIMENTS, n);
  assert.equal(lfl.TABLE3_METHODS[0]!.id, "observer");
  const plan = lfl.EXPERIMENTS.table2!.plan({ scale: "quick", options: {} });
  assert.equal(plan.cells.length, 4 * 3);
  assert.ok(plan.cells.every((c) => /^[0-9a-f]{32}$/.test(c.key)));
});
