import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../core/errors.ts";
import { LearningHistory } from "../../data/learning-history.ts";
import { tabularHistoryMeta } from "../../data/tabular-sampling.ts";
import { Trajectory } from "../../data/trajectory.ts";
import { gridWorld } from "../../envs/tabular/grid-world.ts";
import { estimatePolicy, estimateTransitionModel, tabularBatches } from "./tabular-policy-estimation.ts";

/** The per-state objective Σ_a n_a ln π_a + λN H(π). */
function objective(n: number[], pi: number[], lambda: number): number {
  const N = n.reduce((a, b) => a + b, 0);
  return n.reduce((acc, na, a) => acc + na * Math.log(pi[a]!), 0) - lambda * N * pi.reduce((acc, p) => acc + p * Math.log(p), 0);
}

test("π̂ solves the ML-with-entropy-bonus problem: stationarity holds and no perturbation on the simplex does better", () => {
  const counts = Float64Array.of(30, 5, 0, 1, /**/ 0, 0, 0, 0, /**/ 1000, 0, 0, 0);
  for (const lambda of [0.01, 0.3, 2]) {
    const pi = estimatePolicy(counts, 3, 4, lambda);
    for (let s = 0; s < 3; s++) {
      const row = Array.from(pi.subarray(4 * s, 4 * s + 4));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.ok(row.every((p) => p > 0), "full support");
      const n = Array.from(counts.subarray(4 * s, 4 * s + 4));
      const N = n.reduce((a, b) => a + b, 0);
      if (N === 0) { assert.deepEqual(row, [0.25, 0.25, 0.25, 0.25]); continue; }
      // n_a/π_a − λN(ln π_a + 1) is the same μ for every action.
      const mus = row.map((p, a) => n[a]! / p - lambda * N * (Math.log(p) + 1));
      for (const mu of mus) assert.ok(Math.abs(mu - mus[0]!) < 1e-6 * Math.max(1, Math.abs(mus[0]!)), `λ=${lambda} s=${s}: μ ${mus}`);
      const best = objective(n, row, lambda);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        const q = row.slice(); const eps = 1e-4 * q[j]!; q[i]! += eps; q[j]! -= eps;
        assert.ok(objective(n, q, lambda) <= best + 1e-9);
      }
    }
  }
});

test("a larger bonus λ gives a flatter π̂", () => {
  const counts = Float64Array.of(30, 5, 0, 1);
  const ent = (p: Float64Array) => -p.reduce((a, x) => a + x * Math.log(x), 0);
  assert.ok(ent(estimatePolicy(counts, 1, 4, 0.01)) < ent(estimatePolicy(counts, 1, 4, 0.3)));
  assert.ok(ent(estimatePolicy(counts, 1, 4, 0.3)) < ent(estimatePolicy(counts, 1, 4, 3)));
  assert.throws(() => estimatePolicy(counts, 1, 4, 0), InputError);
});

function history(obs: number[], acts: number[]): LearningHistory {
  const tr = new Trajectory({ observations: Float64Array.from(obs), actions: Float64Array.from(acts), rewards: new Float64Array(acts.length), obsDim: 1, actDim: 1 });
  return new LearningHistory(tabularHistoryMeta(gridWorld(), "test", {}), [{ index: 0, trajectories: [tr] }]);
}

test("P̂: empirical frequencies where visited, uniform where never visited", () => {
  const batches = tabularBatches(history([0, 5, 0, 5, 6], [0, 1, 0, 3]), 25, 4);
  const { P, visits } = estimateTransitionModel(batches, 25, 4);
  assert.equal(visits[0 * 4 + 0], 2);
  assert.equal(P[(0 * 4 + 0) * 25 + 5], 1);
  assert.equal(P[(5 * 4 + 1) * 25 + 0], 1);
  assert.equal(P[(5 * 4 + 3) * 25 + 6], 1);
  assert.equal(P[(7 * 4 + 2) * 25 + 13], 1 / 25);
});

test("states or actions outside the MDP are rejected naming the update, array and row", () => {
  assert.throws(() => tabularBatches(history([0, 5, 0], [0, 4]), 25, 4), /update 0 trajectory 0: actions row 1 = 4/);
  assert.throws(() => tabularBatches(history([0, 25, 0], [0, 1]), 25, 4), /observations row 1 = 25/);
  assert.throws(() => tabularBatches(history([0, 1.5, 0], [0, 1]), 25, 4), /observations row 1 = 1.5/);
});

test("per-state entropy bonus: the same solution as the per-action one with λ/N(s), so its bias fades with visits while the per-action λ's does not", () => {
  const counts = (scale: number): Float64Array => Float64Array.from([6, 3, 1, 0].map((c) => c * scale));
  const freq = [0.6, 0.3, 0.1, 0];
  const dist = (pi: Float64Array): number => Math.max(...freq.map((f, a) => Math.abs(pi[a]! - f)));
  // κ H per state equals (κ / N) N H: the per-action estimator at λ = κ / N.
  const kappa = 3, n = counts(1);
  const perState = estimatePolicy(n, 1, 4, kappa, true), same = estimatePolicy(n, 1, 4, kappa / 10);
  perState.forEach((p, a) => assert.ok(Math.abs(p - same[a]!) < 1e-12, `action ${a}: ${p} vs ${same[a]}`));
  const gaps = [1, 10, 100].map((s) => dist(estimatePolicy(counts(s), 1, 4, kappa, true)));
  assert.ok(gaps[0]! > gaps[1]! && gaps[1]! > gaps[2]! && gaps[2]! < 0.01, `per-state gaps ${gaps}`);
  const fixed = [1, 100].map((s) => dist(estimatePolicy(counts(s), 1, 4, 0.3)));
  assert.ok(Math.abs(fixed[0]! - fixed[1]!) < 1e-9 && fixed[0]! > 0.05, `per-action gaps ${fixed}`);
});
