// The cross-validated choice of assumptions: held-out updates, and the reward form recovered on MDPs whose reward
// form is known (a Garnet's reward depends on the action; the paper's grid's on the state only).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.ts";
import { garnet } from "../../envs/tabular/garnet.ts";
import { gridWorld } from "../../envs/tabular/grid-world.ts";
import { TABULAR_LEARNERS } from "../../learners/tabular-learners.ts";
import { heldOutUpdates } from "./assumption-selection.ts";
import { inferTabularReward, TABULAR_LFL_DEFAULTS } from "./tabular-lfl.ts";

test("held-out updates: in the second half, always the last, never update 0 or 1", () => {
  assert.deepEqual(heldOutUpdates(3, 3), [2, 3]);
  assert.deepEqual(heldOutUpdates(20, 3), [13, 17, 20]);
  assert.deepEqual(heldOutUpdates(1, 3), []);
  for (const K of [2, 5, 9, 50]) { const hs = heldOutUpdates(K, 3); assert.equal(hs[hs.length - 1], K); assert.ok(hs.every((h) => h >= 2 && h <= K)); }
});

test("the reward form is chosen from the data: state–action on a Garnet (SPI learner), state-only on the grid (SPI learner), with the evidence reported", () => {
  const g = garnet({ seed: 101 });
  const rg = inferTabularReward(TABULAR_LEARNERS["soft-policy-iteration"].train(g, {}, new Rng(101)).history, g, { bootstrap: 0, robust: false });
  assert.equal(rg.learnerModel.rewardForm, "state-action");
  const sel = rg.learnerModel.selection!;
  assert.equal(sel.scores.length, 4);
  for (const s of sel.scores) assert.equal(rg.learnerModel.logLikelihood[s.name], s.heldOut);
  // The state-only candidates predict the held-out actions clearly worse on an action-dependent reward.
  for (const s of sel.scores.filter((x) => x.form === "state")) assert.ok(s.diffToBest < -3 * s.diffSe, `${s.name}: ${s.diffToBest} ± ${s.diffSe}`);
  const grid = gridWorld();
  const rs = inferTabularReward(TABULAR_LEARNERS["soft-policy-iteration"].train(grid, {}, new Rng(100)).history, grid, { bootstrap: 0, robust: false });
  assert.equal(rs.learnerModel.rewardForm, "state");
});

test("one set of defaults: {} means TABULAR_LFL_DEFAULTS (auto form and model, bootstrap, guard)", () => {
  assert.equal(TABULAR_LFL_DEFAULTS.rewardForm, "auto");
  assert.equal(TABULAR_LFL_DEFAULTS.learnerModel, "auto");
  const grid = gridWorld();
  const h = TABULAR_LEARNERS["soft-policy-iteration"].train(grid, {}, new Rng(102)).history;
  const a = inferTabularReward(h, grid, {}), b = inferTabularReward(h, grid, { ...TABULAR_LFL_DEFAULTS });
  assert.deepEqual(a.reward, b.reward);
  assert.equal(a.bootstrap?.rewards.length, TABULAR_LFL_DEFAULTS.bootstrap);
});
