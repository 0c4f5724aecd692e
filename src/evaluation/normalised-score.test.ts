import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { normalisedScore, pooledNormalisedScore } from "./normalised-score.ts";

test("normalised score on hand-made numbers: 0 at the first observed policy, 1 at the last", () => {
  // Reacher-like returns: first −40, last −10.
  assert.equal(normalisedScore(-40, -40, -10), 0);
  assert.equal(normalisedScore(-10, -40, -10), 1);
  assert.equal(normalisedScore(5, -40, -10), 1.5); // 45/30
  assert.equal(normalisedScore(-55, -40, -10), -0.5);
  // HalfCheetah-like: first 1000, last 1500, observer 2200 → 2.4.
  assert.equal(normalisedScore(2200, 1000, 1500), 2.4);
  // A learner that got worse (−10 → −30) flips the scale: a policy better than both (0) reads as negative.
  assert.equal(normalisedScore(0, -10, -30), -0.5);
  assert.equal(normalisedScore(-20, -10, -30), 0.5);
});

test("pooled normalisation uses the means over seeds", () => {
  // means: score 2, first 0, last 4 → 0.5 (per seed: 1 and 3/7).
  assert.equal(pooledNormalisedScore([1, 3], [0, 0], [1, 7]), 0.5);
  assert.throws(() => pooledNormalisedScore([1], [0, 0], [1, 2]), InputError);
});

test("normalised score refuses an undefined scale and non-finite inputs", () => {
  assert.throws(() => normalisedScore(1, 2, 2), InputError);
  assert.throws(() => normalisedScore(NaN, 0, 1), /score is NaN/);
  assert.throws(() => normalisedScore(0, 0, Infinity), /last is Infinity/);
});
