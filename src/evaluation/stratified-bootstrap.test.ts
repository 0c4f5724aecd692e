import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { aggregateMean } from "./aggregate-metrics.ts";
import { intervalOf, percentileInterval, sortedQuantile, stratifiedBootstrap, stratifiedResample } from "./stratified-bootstrap.ts";

test("quantiles interpolate linearly between order statistics (numpy's default)", () => {
  assert.equal(sortedQuantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(sortedQuantile([0, 10], 0.25), 2.5);
  assert.equal(sortedQuantile([7], 0.9), 7);
  assert.deepEqual(percentileInterval([4, 0, 3, 1, 2], 0.5), [1, 3]);
});

test("a stratified resample keeps each task's runs in that task, with the task's run count", () => {
  const scores = [[1, 2, 3], [10, 20], [100]];
  const rng = new Rng(3);
  for (let i = 0; i < 50; i++) {
    const r = stratifiedResample(scores, rng);
    assert.deepEqual(r.map((row) => row.length), [3, 2, 1]);
    r.forEach((row, t) => row.forEach((x) => assert.ok(scores[t]!.includes(x))));
  }
});

test("the same seed gives the same interval; resample count and level are honoured", () => {
  const scores = [[0.1, 0.5, 0.9, 1.3], [2, 2.5, 1.5, 3]];
  const a = intervalOf(scores, aggregateMean, new Rng(11), { resamples: 500 });
  const b = intervalOf(scores, aggregateMean, new Rng(11), { resamples: 500 });
  assert.deepEqual(a, b);
  assert.ok(a.ci[0] < a.point && a.point < a.ci[1]);
  const narrow = intervalOf(scores, aggregateMean, new Rng(11), { resamples: 500, level: 0.5 });
  assert.ok(narrow.ci[1] - narrow.ci[0] < a.ci[1] - a.ci[0]);
  const est = stratifiedBootstrap([scores], ([s]) => [aggregateMean(s!), s![0]![0]!], new Rng(1), { resamples: 10 });
  assert.equal(est.resamples, 10);
  assert.equal(est.point.length, 2);
  assert.throws(() => intervalOf(scores, aggregateMean, new Rng(0), { resamples: 0 }), /resamples/);
  assert.throws(() => intervalOf(scores, aggregateMean, new Rng(0), { level: 1 }), /level/);
});

test("95 % intervals of the mean over 4 tasks × 10 runs cover the true mean at about the nominal rate", () => {
  // Synthetic benchmark: task t has runs N(μ_t, σ_t²); the aggregate mean's true value is mean(μ).
  const mu = [0, 1, 2, 5], sigma = [1, 0.5, 2, 1];
  const truth = mu.reduce((s, x) => s + x, 0) / mu.length;
  const rng = new Rng(2021);
  const trials = 200;
  let covered = 0;
  for (let k = 0; k < trials; k++) {
    const scores = mu.map((m, t) => Array.from({ length: 10 }, () => m + sigma[t]! * rng.normal()));
    const { ci } = intervalOf(scores, aggregateMean, rng.split(), { resamples: 400 });
    if (ci[0] <= truth && truth <= ci[1]) covered++;
  }
  // Percentile intervals with 10 runs per task under-cover slightly (≈ 0.92); 200 trials have sd ≈ 0.02.
  const rate = covered / trials;
  assert.ok(rate >= 0.85 && rate <= 0.99, `coverage ${rate}`);
});
