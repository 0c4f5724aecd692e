import { test } from "node:test";
import assert from "node:assert/strict";
import { averageRanks, pearson, spearman } from "./correlation.ts";

test("average ranks give tied values the mean of their ranks", () => {
  assert.deepEqual(Array.from(averageRanks([3, 1, 3])), [2.5, 1, 2.5]);
  assert.deepEqual(Array.from(averageRanks([5, 5, 5, 5])), [2.5, 2.5, 2.5, 2.5]);
  assert.deepEqual(Array.from(averageRanks([0.2, -1, 7, 0.2, 0.2])), [3, 1, 5, 3, 3]);
});

test("Pearson: ±1 on affine relations, a hand-computed value, weights act as repetitions", () => {
  const x = [1, 2, 3, 4];
  assert.ok(Math.abs(pearson(x, x.map((v) => 3 * v - 7)) - 1) < 1e-15);
  assert.ok(Math.abs(pearson(x, x.map((v) => -0.5 * v)) + 1) < 1e-15);
  // x = 1..4, y = 1 3 2 4: cov = 1, var = 1.25 each → ρ = 0.8.
  assert.ok(Math.abs(pearson(x, [1, 3, 2, 4]) - 0.8) < 1e-15);
  assert.ok(Math.abs(pearson([1, 2, 3], [1, 3, 2], [2, 1, 1]) - pearson([1, 1, 2, 3], [1, 1, 3, 2])) < 1e-15);
  assert.throws(() => pearson([1, 1, 1], [1, 2, 3]), /first sample is constant/);
});

test("Spearman: 1 on any increasing relation; ties handled with average ranks", () => {
  const x = [0.1, 0.5, 2, 3, 10];
  assert.ok(Math.abs(spearman(x, x.map((v) => Math.exp(v))) - 1) < 1e-15);
  assert.ok(Math.abs(spearman(x, x.map((v) => -v * v * v)) + 1) < 1e-15);
  // x = 1 2 3 4, y = 1 2 2 3 → ranks 1 2.5 2.5 4: cov = 1.125, variances 1.25 and 1.125.
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 2, 2, 3]) - 1.125 / Math.sqrt(1.25 * 1.125)) < 1e-15);
});
