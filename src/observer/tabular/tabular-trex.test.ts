import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../core/rng.ts";
import { sampleTabularTrajectory } from "../../data/tabular-sampling.ts";
import { GRID_ALPHA, GRID_GOAL, gridWorld } from "../../envs/tabular/grid-world.ts";
import { tabularRun } from "../../learners/tabular-learner.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../../solvers/soft-policy.ts";
import { planOnReward } from "./plan-on-reward.ts";
import { likelihoodScale } from "./reward-scale.ts";
import { demosByUpdate, snippetPairs, tabularTrexReward, trainTabularTrex } from "./tabular-trex.ts";
import { visitCounts, tabularBatches } from "./tabular-policy-estimation.ts";

/** π ∝ π*^c · exp(noise·ε), ε ~ N(0, 1) per (s, a): a point near the U(A) → π* temperature path. */
function noisyPathPolicy(piStar: Float64Array, nA: number, c: number, noise: number, rng: Rng): Float64Array {
  const pi = piStar.map((p) => Math.exp(c * Math.log(p) + noise * rng.normal()));
  for (let s = 0; s < pi.length / nA; s++) {
    let z = 0;
    for (let a = 0; a < nA; a++) z += pi[s * nA + a]!;
    for (let a = 0; a < nA; a++) pi[s * nA + a] = pi[s * nA + a]! / z;
  }
  return pi;
}

test("snippet pairs: the better-ranked snippet counts +1, the worse −1, over a common length", () => {
  const demos = [{ states: Int32Array.from([0, 0, 0, 0]), rank: 0 }, { states: Int32Array.from([1, 2, 1]), rank: 5 }];
  const X = snippetPairs(3, demos, 10, 20, new Rng(3));
  for (let p = 0; p < 20; p++) {
    // L = min(10, 4, 3) = 3: the worse demo contributes three visits of state 0, the better one its whole run.
    assert.deepEqual(Array.from(X.subarray(p * 3, p * 3 + 3)), [-3, 2, 1]);
  }
  assert.throws(() => snippetPairs(3, [demos[0]!, { ...demos[0]!, rank: 0 }], 10, 1, new Rng(0)), /two different ranks/);
});

test("competence: given rankings by TRUE return, the policy planned on the T-REX reward is within 10% of (J* − J(U)) of J* on the paper's grid", () => {
  const mdp = gridWorld();
  const piStar = softValueIteration(mdp, GRID_ALPHA).pi;
  const Jstar = softReturn(mdp, piStar, GRID_ALPHA), JU = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), GRID_ALPHA);
  // T-REX's own setting: many episodes from the start state (200 × 20 steps) by policies of mixed quality,
  // ranked by their true returns; snippets are whole episodes (L = min(50, 20)).
  const rng = new Rng(1);
  const episodes = Array.from({ length: 200 }, () => sampleTabularTrajectory(mdp, noisyPathPolicy(piStar, mdp.nA, rng.uniform(), 1, rng), 20, rng));
  const demos = episodes.map((tr) => ({ states: Int32Array.from(tr.observations.subarray(0, tr.length)), rank: tr.rewards.reduce((a, b) => a + b, 0) }));
  const fit = trainTabularTrex(mdp.nS, demos, {}, rng);
  assert.ok(fit.pairAccuracy > 0.95, `pair accuracy ${fit.pairAccuracy}`);
  assert.equal(fit.reward.indexOf(Math.max(...fit.reward)), GRID_GOAL);
  // Scale for planning: the likelihood of the best-ranked episode's actions (as tabularTrexReward does with the last update).
  const best = episodes[demos.reduce((b, d, i) => (d.rank > demos[b]!.rank ? i : b), 0)]!;
  const counts = new Float64Array(mdp.nS * mdp.nA);
  for (let t = 0; t < best.length; t++) counts[best.observations[t]! * mdp.nA + best.actions[t]!]!++;
  const { scale } = likelihoodScale(mdp, fit.reward, counts, GRID_ALPHA);
  const J = softReturn(mdp, planOnReward(mdp, fit.reward.map((v) => scale * v), GRID_ALPHA).pi, GRID_ALPHA);
  assert.ok(Jstar - J <= 0.1 * (Jstar - JU), `J = ${J}, J* = ${Jstar}, J(U) = ${JU}`);
  // The starting point θ = 0 (uniform play) is far outside that band: the score comes from the fit.
  const J0 = softReturn(mdp, planOnReward(mdp, new Float64Array(mdp.nS), GRID_ALPHA).pi, GRID_ALPHA);
  assert.ok(Jstar - J0 > 0.1 * (Jstar - JU));
});

test("rankings from time on a tabular history: update k ranks k, the reward rises with later updates' states, deterministic per seed", () => {
  const mdp = gridWorld();
  const piStar = softValueIteration(mdp, GRID_ALPHA).pi;
  const rng = new Rng(5);
  const policies = [0, 0.25, 0.5, 0.75, 1].map((c) => noisyPathPolicy(piStar, mdp.nA, c, 0, rng));
  const run = tabularRun(mdp, "test", {}, policies.map((pi, k) => sampleTabularTrajectory(mdp, pi, 1000, rng, k)), policies);
  const demos = demosByUpdate(run.history, mdp.nS, mdp.nA);
  assert.deepEqual(demos.map((d) => d.rank), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(demos[2]!.states.subarray(0, 5)), Array.from(run.history.updates[2]!.trajectories[0]!.observations.subarray(0, 5)));
  const a = tabularTrexReward(mdp, run.history, { alpha: GRID_ALPHA, pairs: 2000 }, new Rng(11));
  const b = tabularTrexReward(mdp, run.history, { alpha: GRID_ALPHA, pairs: 2000 }, new Rng(11));
  assert.deepEqual(a.planningReward, b.planningReward);
  assert.ok(a.scale > 0);
  assert.ok(a.pairAccuracy > 0.5, `pair accuracy ${a.pairAccuracy}`);
  // The goal, visited more and more as the learner improves, gets the highest reward.
  assert.equal(a.reward.indexOf(Math.max(...a.reward)), GRID_GOAL);
  // Predicted return per step rises from the first update's stream to the last one's.
  const batches = tabularBatches(run.history, mdp.nS, mdp.nA);
  const perStep = batches.map((bt) => { const n = visitCounts(bt, mdp.nS, mdp.nA); let s = 0; for (let i = 0; i < n.length; i++) s += n[i]! * a.reward[Math.floor(i / mdp.nA)]!; return s / bt.s.length; });
  assert.ok(perStep[4]! > perStep[0]!, `per-step predicted returns ${perStep.join(", ")}`);
});
