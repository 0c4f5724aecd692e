import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { MLP } from "../nn/mlp.ts";
import { RunningMeanStd } from "../nn/running-mean-std.ts";
import { GaussianLogDensityReward, type FixedObsNorm } from "../rewards/neural-reward.ts";
import { ExtrapolatedPolicyReward, extrapolatedLearnerReward } from "./extrapolated-learner.ts";

const D = 3, A = 2;
const norm = (): FixedObsNorm => {
  const stats = new RunningMeanStd(D);
  stats.mean.set([0.5, -1, 2]);
  stats.var.set([4, 0.25, 1]);
  return { stats, clip: 10 };
};
const batchOf = (rng: Rng, n: number) => ({
  n, obs: Float64Array.from({ length: n * D }, () => rng.normal() * 2), actions: Float64Array.from({ length: n * A }, () => rng.normal()),
  nextObs: new Float64Array(n * D), terminated: new Uint8Array(n),
});

test("ExtrapolatedPolicyReward: ln N(a; (1 + h) μ_last − h μ_first, σ²) against the formula; h = 0 is the last clone's own log-density", () => {
  const last = new MLP([D, 8, A], { rng: new Rng(1) }), first = new MLP([D, 8, A], { rng: new Rng(2) });
  const logStd = [-0.3, 0.2], b = batchOf(new Rng(3), 50), h = 1.5;
  const r = new ExtrapolatedPolicyReward(last, first, logStd, norm(), h).evaluate(b);
  const x = new Float64Array(b.n * D);
  norm().stats.normalize(b.obs, x, b.n, 10, 1e-8);
  const mL = last.forward(x, b.n).slice(), mF = first.forward(x, b.n).slice();
  for (let i = 0; i < b.n; i++) {
    let want = 0;
    for (let j = 0; j < A; j++) {
      const mu = (1 + h) * mL[i * A + j]! - h * mF[i * A + j]!, s = Math.exp(logStd[j]!);
      want += -0.5 * ((b.actions[i * A + j]! - mu) / s) ** 2 - logStd[j]! - 0.5 * Math.log(2 * Math.PI);
    }
    assert.ok(Math.abs(r[i]! - want) < 1e-10, `row ${i}: ${r[i]} vs ${want}`);
  }
  const own = new GaussianLogDensityReward(last, logStd, norm()).evaluate(b);
  assert.deepEqual([...new ExtrapolatedPolicyReward(last, first, logStd, norm(), 0).evaluate(b)], [...own]);
  assert.throws(() => new ExtrapolatedPolicyReward(last, first, logStd, norm(), -1), (e: Error & { code?: string }) => e.code === "E_INVALID_ARGUMENT");
  assert.throws(() => new ExtrapolatedPolicyReward(last, new MLP([D, 4, 1]), logStd, norm(), 1), (e: Error & { code?: string }) => e.code === "E_INVALID_ARGUMENT");
});

/** Two observed updates of a learner whose action mean moved from 0.2 to 0.6 (state-independent), σ = 0.1. */
function movingLearner(): HistoryColumns {
  const rng = new Rng(11), perUpdate = 400, n = 2 * perUpdate, means = [0.2, 0.6];
  const obs = Float64Array.from({ length: n * D }, () => rng.normal());
  const actions = Float64Array.from({ length: n * A }, (_, i) => means[Math.floor(i / (perUpdate * A))]! + 0.1 * rng.normal());
  const update = Float64Array.from({ length: n }, (_, i) => (i < perUpdate ? 3 : 4));
  return {
    meta: { envId: "point", learner: "test", observationSpace: { kind: "box", dim: D } as never, actionSpace: { kind: "box", dim: A } as never },
    updates: [3, 4], n, obs, nextObs: new Float64Array(n * D), actions, rewards: new Float64Array(n).fill(NaN),
    terminated: new Uint8Array(n), truncated: new Uint8Array(n), update, episode: Float64Array.from(update),
  };
}

test("extrapolatedLearnerReward: clones the first observed update and extrapolates the mean along the learner's progress (0.2 → 0.6, h = 1 → 1.0); deterministic per seed, env rewards never read", () => {
  const c = movingLearner();
  const last = new MLP([D, A]);
  last.layers[0]!.bias.fill(0.6);
  const stats = new RunningMeanStd(D);
  stats.var.fill(1);
  const clone = { policy: last.toJSON(), logStd: [Math.log(0.1), Math.log(0.1)], obsNorm: stats.toJSON(), clipObs: 10 };
  const r = extrapolatedLearnerReward(c, [3, 4], clone, { horizon: 1, seed: 5 });
  const x = new Float64Array(20 * D);
  stats.normalize(c.obs.subarray(0, 20 * D), x, 20, 10, 1e-8);
  const mean = r.meanOf(x, 20);
  const avg = mean.reduce((s, v) => s + v, 0) / mean.length;
  assert.ok(Math.abs(avg - 1.0) < 0.05, `extrapolated mean ${avg}, expected ≈ 1.0 = 0.6 + (0.6 − 0.2)`);
  const b = { n: 20, obs: c.obs.subarray(0, 20 * D), actions: c.actions.subarray(0, 20 * A), nextObs: c.nextObs.subarray(0, 20 * D), terminated: new Uint8Array(20) };
  assert.deepEqual([...extrapolatedLearnerReward(c, [3, 4], clone, { horizon: 1, seed: 5 }).evaluate(b)], [...r.evaluate(b)], "same seed → same reward");
  assert.throws(() => extrapolatedLearnerReward(c, [4], clone, { horizon: 1, seed: 5 }), (e: Error & { code?: string }) => e.code === "E_INVALID_HISTORY");
});
