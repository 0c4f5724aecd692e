// The state-only reparameterisation of a simulated learner: it reproduces the wrapped learner at r(s,a) = ρ(s),
// its gradient is right, and a state-only fit recovers the grid's (state-only) reward from exact SVI policies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { maxAbsDiff } from "../../core/linalg.ts";
import { Rng } from "../../core/rng.ts";
import { gridStateReward, gridWorld } from "../../envs/tabular/grid-world.ts";
import { TABULAR_LEARNERS } from "../../learners/tabular-learners.ts";
import { softReturn } from "../../solvers/soft-policy.ts";
import { qLearningSimulator } from "./q-learning-inversion.ts";
import { fitSimulatedLearner, softmaxLogLikelihood } from "./simulated-learner-fit.ts";
import { expandStateReward, stateOnlyLearner, stateOnlyStart } from "./state-only-learner.ts";
import { sviSimulator } from "./svi-inversion.ts";
import { observerPolicy, pessimisticReward } from "./tabular-lfl.ts";
import { tabularBatches, visitCounts } from "./tabular-policy-estimation.ts";

const mdp = gridWorld();
const { nS, nA, gamma } = mdp;

test("expandStateReward / stateOnlyStart: r(s,a) = ρ(s) and the start is the state mean of a state–action reward", () => {
  const rho = Float64Array.from({ length: nS + 1 }, (_, i) => i - 3);
  const r = expandStateReward(rho, nS, nA);
  for (let i = 0; i < nS * nA; i++) assert.equal(r[i], rho[Math.floor(i / nA)]);
  const sa = Float64Array.from({ length: nS * nA }, (_, i) => i % nA);
  const start = stateOnlyStart(sa, -2, nS, nA);
  assert.equal(start.length, nS + 1);
  for (let s = 0; s < nS; s++) assert.equal(start[s], 1.5);
  assert.equal(start[nS], -2);
});

test("the state-only Q-learning replay equals the state–action one at r(s,a) = ρ(s), and its gradient matches finite differences", () => {
  const run = TABULAR_LEARNERS["q-learning"].train(mdp, { improvements: 5 }, new Rng(3));
  const batches = tabularBatches(run.history, nS, nA);
  const counts = batches.map((b) => visitCounts(b, nS, nA));
  const inner = qLearningSimulator(batches, 5, 0.2, nS, nA, gamma), learner = stateOnlyLearner(inner, nS, nA);
  const rng = new Rng(4);
  const theta = Float64Array.from({ length: nS + 1 }, () => rng.normal());
  const full = new Float64Array(nS * nA + 1);
  full.set(expandStateReward(theta, nS, nA));
  full[nS * nA] = theta[nS]!;
  const a = learner.forward(theta), b = inner.forward(full);
  for (let k = 0; k < a.length; k++) assert.ok(maxAbsDiff(a[k]!, b[k]!) === 0);
  const ll = (t: Float64Array): number => softmaxLogLikelihood(learner.forward(t), counts, 0.7, nS, nA).ll;
  const g = learner.backward(theta, softmaxLogLikelihood(learner.forward(theta), counts, 0.7, nS, nA).dQ);
  for (const i of [0, 7, 18, 24, nS]) {
    const tp = theta.slice(), tm = theta.slice();
    tp[i] = tp[i]! + 1e-5; tm[i] = tm[i]! - 1e-5;
    const num = (ll(tp) - ll(tm)) / 2e-5;
    assert.ok(Math.abs(num - g[i]!) <= 1e-5 * Math.max(1, Math.abs(num)), `θ[${i}]: numeric ${num}, reverse-mode ${g[i]}`);
  }
});

test("a state-only SVI fit to exact SVI policies recovers the grid reward's ranking: the observer plays at the SPI-like ceiling", () => {
  const run = TABULAR_LEARNERS["soft-value-iteration"].train(mdp, {}, new Rng(102));
  const batches = tabularBatches(run.history, nS, nA);
  const K = run.policies.length - 1;
  // Expected counts N_k(s)·π_k(a|s) from the exact policies (no sampling noise).
  const counts = batches.map((b, k) => { const n = visitCounts(b, nS, nA); return n.map((_, i) => { const o = i - (i % nA); let N = 0; for (let a = 0; a < nA; a++) N += n[o + a]!; return N * run.policies[k]![i]!; }); });
  const learner = stateOnlyLearner(sviSimulator(batches, K, nS, nA, gamma, 0.7), nS, nA);
  const fit = fitSimulatedLearner(learner, counts, 0.7, nS, nA, stateOnlyStart(new Float64Array(nS * nA), 0, nS, nA), 300);
  const r = expandStateReward(fit.theta, nS, nA);
  const J = softReturn(mdp, observerPolicy(mdp, r, 0.3), 0.3);
  assert.ok(J > 4.8, `J = ${J}`);
  // The goal's reward is the largest, the top-right trap's the lowest (gridStateReward: +10 and −12).
  const rho = Array.from(fit.theta.subarray(0, nS)), truth = Array.from(gridStateReward());
  assert.equal(rho.indexOf(Math.max(...rho)), truth.indexOf(10));
});

test("pessimisticReward: r − β/√(n+1); β = 0 is the identity; β < 0 is refused", () => {
  const r = Float64Array.from([1, 2, 3]), n = Float64Array.from([0, 3, 99]);
  assert.deepEqual(Array.from(pessimisticReward(r, n, 0.5)), [1 - 0.5, 2 - 0.25, 3 - 0.05]);
  assert.deepEqual(pessimisticReward(r, n, 0), r);
  assert.throws(() => pessimisticReward(r, n, -1), /pessimism/);
});
