import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.ts";
import { garnet } from "../../envs/tabular/garnet.ts";
import { TABULAR_LEARNERS } from "../../learners/tabular-learners.ts";
import { softReturn, softValueIteration } from "../../solvers/soft-policy.ts";
import { observerFlags } from "./observer-flags.ts";
import { inferTabularReward, observerPolicy, TABULAR_LFL_DEFAULTS } from "./tabular-lfl.ts";

// A Garnet Q-learning history (tuning seed 102): the TD model predicts its actions better than SPI and SVI,
// and its last batch covers a fifth of the pairs.
const mdp = garnet({ seed: 102 });
const run = TABULAR_LEARNERS["q-learning"].train(mdp, {}, new Rng(102));

test("TD gate: its evidence is reported, and it switches to the TD model's reward exactly when both thresholds pass", () => {
  const off = inferTabularReward(run.history, mdp, { tdGate: false });
  assert.equal(off.learnerModel.tdGate, undefined, "no evidence when the gate is off");
  // tdPlanningScale 0: the gate's own switch, planned at the ordinary scale (§15's hotter plan is tested below).
  const open = inferTabularReward(run.history, mdp, { tdGate: true, tdGateMargin: 0, tdGateCoverage: 0, tdPlanningScale: 0 });
  const g = open.learnerModel.tdGate!;
  assert.ok(Number.isFinite(g.advantage) && g.coverage > 0 && g.coverage <= 1);
  assert.ok(["spi", "svi", "td(η=0.1)", "td(η=0.2)", "td(η=0.5)"].every((k) => Number.isFinite(g.logLikelihood[k])));
  assert.equal(g.used, g.advantage > 0, "margin 0 and coverage 0: used iff TD fits better");
  assert.ok(g.used, "this history's TD fit is the better one, so an open gate switches");
  assert.equal(open.learnerModel.kind, "td");
  // The same reward as asking for the TD model directly.
  assert.deepEqual(open.reward, inferTabularReward(run.history, mdp, { learnerModel: "td" }).reward);
  const shut = inferTabularReward(run.history, mdp, { tdGate: true, tdGateMargin: 0, tdGateCoverage: 1 });
  assert.equal(shut.learnerModel.tdGate!.used, false);
  assert.deepEqual(shut.reward, off.reward, "a closed gate leaves the default observer's reward");
});

test("TD gate (on by default) on a Q-learning Garnet history: the TD reward's plan is at least the gate-off observer's (true J)", () => {
  const J = (r: Float64Array): number => softReturn(mdp, observerPolicy(mdp, r, 0.3), 0.3);
  const def = inferTabularReward(run.history, mdp, { tdGate: false });
  const gated = inferTabularReward(run.history, mdp, {});
  assert.equal(gated.learnerModel.tdGate!.used, true, `advantage ${gated.learnerModel.tdGate!.advantage}, coverage ${gated.learnerModel.tdGate!.coverage}`);
  const optimal = softReturn(mdp, softValueIteration(mdp, 0.3).pi, 0.3);
  assert.ok(J(gated.reward) >= J(def.reward), `TD ${J(gated.reward)} vs default ${J(def.reward)} (J* ${optimal})`);
});

test("TD gate: never with an explicit state-only reward form or learner model (the user's assumption stands)", () => {
  assert.equal(inferTabularReward(run.history, mdp, { rewardForm: "state", tdGateMargin: 0, tdGateCoverage: 0 }).learnerModel.tdGate, undefined);
  assert.equal(inferTabularReward(run.history, mdp, { learnerModel: "svi", tdGateMargin: 0, tdGateCoverage: 0 }).learnerModel.kind, "svi");
});

test("TD gate: bad thresholds are one clear error", () => {
  assert.throws(() => inferTabularReward(run.history, mdp, { tdGate: true, tdGateCoverage: 2 }), /tdGateCoverage/);
});

test("TD gate, held-out rule: the forward-chaining advantage is reported and decides; it is not computed when coverage fails", () => {
  const open = inferTabularReward(run.history, mdp, { tdGateRule: "held-out", tdGateZ: 1, tdGateCoverage: 0, tdPlanningScale: 0 });
  const g = open.learnerModel.tdGate!;
  assert.equal(g.rule, "held-out");
  const h = g.heldOut!;
  assert.ok(Number.isFinite(h.advantage) && h.se > 0, `advantage ${h.advantage} ± ${h.se}`);
  assert.ok(["spi/state-action", "svi/state-action", "td(η=0.1)/state-action", "td(η=0.2)/state-action", "td(η=0.5)/state-action"].every((k) => Number.isFinite(h.scores[k])));
  assert.equal(g.used, h.advantage > h.se, "used iff the held-out advantage exceeds one standard error");
  assert.ok(g.used, "a Q-learning history: TD predicts the next update's actions better");
  assert.deepEqual(open.reward, inferTabularReward(run.history, mdp, { learnerModel: "td" }).reward, "the TD reward fitted on all the data");
  const shut = inferTabularReward(run.history, mdp, { tdGateRule: "held-out", tdGateCoverage: 1 }).learnerModel.tdGate!;
  assert.equal(shut.used, false);
  assert.equal(shut.heldOut, undefined, "no held-out fits when the coverage test fails");
});

test("TD gate, rule both (§14): TD only when the in-sample AND the held-out test pass; the held-out fits run only after the in-sample test", () => {
  const both = inferTabularReward(run.history, mdp, { tdGateRule: "both", tdGateCoverage: 0 }).learnerModel.tdGate!;
  const held = inferTabularReward(run.history, mdp, { tdGateRule: "held-out", tdGateCoverage: 0 }).learnerModel.tdGate!;
  assert.equal(both.rule, "both");
  assert.deepEqual(both.heldOut, held.heldOut, "the same held-out evidence as the held-out rule");
  assert.equal(both.used, both.advantage > TABULAR_LFL_DEFAULTS.tdGateMargin && held.used);
  assert.ok(both.used, "a Q-learning history passes both");
  // A margin no fit can pass: the in-sample test fails, so the held-out comparison is not run.
  const strict = inferTabularReward(run.history, mdp, { tdGateRule: "both", tdGateCoverage: 0, tdGateMargin: 10 }).learnerModel.tdGate!;
  assert.equal(strict.used, false);
  assert.equal(strict.heldOut, undefined);
});

test("TD gate, held-out rule: a soft-policy-iteration history keeps its SPI reward (TD predicts its next updates worse)", () => {
  const spiRun = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(102));
  const g = inferTabularReward(spiRun.history, mdp, { tdGateRule: "held-out", tdGateCoverage: 0 }).learnerModel.tdGate!;
  assert.ok(g.heldOut!.advantage < 0 && !g.used, `held-out advantage ${g.heldOut!.advantage}`);
  assert.throws(() => inferTabularReward(spiRun.history, mdp, { tdGateRule: "sometimes" as "held-out" }), /tdGateRule/);
});

test("a reward planned on the TD model is bootstrapped too (bootstrapTd, on by default), so the UNCERTAIN flag can fire", () => {
  const gated = inferTabularReward(run.history, mdp, {});
  assert.equal(gated.learnerModel.kind, "td");
  assert.equal(gated.bootstrap!.rewards.length, TABULAR_LFL_DEFAULTS.bootstrap);
  assert.ok(gated.bootstrap!.rewards.every((r) => r.every(Number.isFinite)));
  assert.ok(Number.isFinite(observerFlags(mdp, gated, 0.3).winFraction));
  assert.equal(inferTabularReward(run.history, mdp, { bootstrapTd: false }).bootstrap, undefined);
});

test("tdPlanningScale and tdPlanningCoverage (§15): a TD reward whose held-out test passes is planned at α / tdPlanningScale, else at α / planningScale", () => {
  const c = TABULAR_LFL_DEFAULTS, none = inferTabularReward(run.history, mdp, { tdPlanningScale: 0, bootstrap: 0 });
  assert.equal(none.learnerModel.tdGate!.planningScale, undefined, "0 = none: no scale reported, no held-out fits");
  assert.equal(none.learnerModel.tdGate!.heldOut, undefined);
  const hot = inferTabularReward(run.history, mdp, { tdPlanningScale: 0.5, bootstrap: 0 }), g = hot.learnerModel.tdGate!;
  assert.ok(g.used && g.heldOut!.advantage > c.tdGateZ * g.heldOut!.se, "a Q-learning history: TD-like out of sample too");
  assert.equal(g.planningScale, 0.5);
  // The planning reward is linear in the scale: the same fitted reward, × 0.5 instead of × 0.8.
  hot.reward.forEach((r, i) => assert.ok(Math.abs(r - (none.reward[i]! / c.planningScale) * 0.5) < 1e-12, `entry ${i}`));
  // A held-out bar no fit can pass keeps the ordinary scale (the gate itself, in-sample, stays open).
  const strict = inferTabularReward(run.history, mdp, { tdPlanningScale: 0.5, tdGateZ: 1e9, bootstrap: 0 });
  assert.equal(strict.learnerModel.tdGate!.planningScale, c.planningScale);
  assert.deepEqual(strict.reward, none.reward);
  // tdPlanningCoverage: a last batch showing more of the pairs than the limit keeps the ordinary scale too.
  const cov = g.coverage;
  assert.equal(inferTabularReward(run.history, mdp, { tdPlanningScale: 0.5, tdPlanningCoverage: cov, bootstrap: 0 }).learnerModel.tdGate!.planningScale, 0.5);
  assert.equal(inferTabularReward(run.history, mdp, { tdPlanningScale: 0.5, tdPlanningCoverage: cov / 2, bootstrap: 0 }).learnerModel.tdGate!.planningScale, c.planningScale);
  assert.throws(() => inferTabularReward(run.history, mdp, { tdPlanningScale: 0.5, tdPlanningCoverage: 2 }), /tdPlanningCoverage/);
  assert.throws(() => inferTabularReward(run.history, mdp, { tdPlanningScale: -1 }), (e: Error & { code?: string }) => e.code === "E_INVALID_CONFIG" && /tdPlanningScale/.test(e.message));
});
