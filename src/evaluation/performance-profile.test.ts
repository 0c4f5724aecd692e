import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { performanceProfile, scoreDistribution, tauGrid } from "./performance-profile.ts";

const scores = [[0, 1, 2, 3], [0.5, 1.5, 2.5, 3.5]]; // task means 1.5 and 2

test("the run-score distribution is the fraction of runs strictly above τ", () => {
  assert.deepEqual(scoreDistribution(scores, [-1, 0, 1, 2.5, 4]), [1, 7 / 8, 5 / 8, 2 / 8, 0]);
  assert.deepEqual(scoreDistribution(scores, [1, 1.5, 1.9, 2], "task-means"), [1, 0.5, 0.5, 0]);
});

test("the profile's band contains the point, is [0, 0] / [1, 1] where every resample agrees, and is reproducible", () => {
  const taus = tauGrid(-1, 4, 11);
  assert.deepEqual(taus.slice(0, 3), [-1, -0.5, 0]);
  const p = performanceProfile(scores, taus, new Rng(1), { resamples: 300 });
  assert.equal(p.kind, "runs");
  for (let i = 0; i < taus.length; i++) assert.ok(p.lo[i]! <= p.fraction[i]! && p.fraction[i]! <= p.hi[i]!, `τ = ${taus[i]}`);
  assert.deepEqual([p.fraction[0], p.lo[0], p.hi[0]], [1, 1, 1]);
  assert.deepEqual([p.fraction.at(-1), p.lo.at(-1), p.hi.at(-1)], [0, 0, 0]);
  // A score distribution is non-increasing in τ.
  for (let i = 1; i < taus.length; i++) assert.ok(p.fraction[i]! <= p.fraction[i - 1]!);
  assert.deepEqual(performanceProfile(scores, taus, new Rng(1), { resamples: 300 }), p);
  assert.throws(() => performanceProfile(scores, [], new Rng(0)), /thresholds/);
  assert.throws(() => tauGrid(1, 1, 5), /min < max/);
});
