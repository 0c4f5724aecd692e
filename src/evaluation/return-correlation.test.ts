import { test } from "node:test";
import assert from "node:assert/strict";
import { returnCorrelation } from "./return-correlation.ts";

test("a recovered return that is a positive affine function of the true one correlates perfectly", () => {
  const truth = [-3, 10, 4.5, 0, 7];
  const r = returnCorrelation(truth.map((g) => 0.2 * g + 11), truth);
  assert.equal(r.n, 5);
  assert.ok(Math.abs(r.pearson - 1) < 1e-12 && Math.abs(r.spearman - 1) < 1e-12);
});

test("a monotone but non-linear recovery: Spearman 1, Pearson below 1; the reverse order gives −1", () => {
  const truth = [0, 1, 2, 3, 4, 5];
  const r = returnCorrelation(truth.map((g) => Math.exp(2 * g)), truth);
  assert.ok(Math.abs(r.spearman - 1) < 1e-12);
  assert.ok(r.pearson < 0.9);
  assert.ok(Math.abs(returnCorrelation(truth.map((g) => -g), truth).spearman + 1) < 1e-12);
});

test("ties, too few rollouts, mismatched lengths and a constant recovered return", () => {
  // recovered 1 2 2 3 (ranks 1 2.5 2.5 4) vs true 1..4.
  assert.ok(Math.abs(returnCorrelation([1, 2, 2, 3], [1, 2, 3, 4]).spearman - 1.125 / Math.sqrt(1.25 * 1.125)) < 1e-15);
  assert.throws(() => returnCorrelation([1, 2], [1, 2]), /at least 3/);
  assert.throws(() => returnCorrelation([1, 2, 3], [1, 2]), /3 recovered returns for 2/);
  assert.throws(() => returnCorrelation([4, 4, 4], [1, 2, 3]), /constant/);
});
