import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { bootstrapCi, mean, pairedComparison, populationStd, sampleStd, seedStats } from "./seed-stats.ts";

test("mean, population std (numpy's default) and sample std", () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(xs), 5);
  assert.equal(populationStd(xs), 2);
  assert.ok(Math.abs(sampleStd(xs) - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(sampleStd([3]), 0);
  assert.throws(() => mean([]));
});

test("bootstrap CI of the mean brackets the mean, shrinks with n, and is reproducible from the seed", () => {
  const rng = new Rng(1);
  const small = Array.from({ length: 10 }, () => rng.normal());
  const large = Array.from({ length: 1000 }, () => rng.normal());
  const [lo, hi] = bootstrapCi(small, new Rng(2));
  assert.ok(lo < mean(small) && mean(small) < hi);
  const [lo2, hi2] = bootstrapCi(large, new Rng(2));
  assert.ok(hi2 - lo2 < (hi - lo) / 3);
  // For N(0,1) data the 95% half-width is ≈ 1.96/√n.
  assert.ok(Math.abs((hi2 - lo2) / 2 - 1.96 / Math.sqrt(1000)) < 0.02);
  assert.deepEqual(bootstrapCi(small, new Rng(7)), bootstrapCi(small, new Rng(7)));
  const st = seedStats(small, new Rng(3));
  assert.equal(st.n, 10);
  assert.equal(st.std, populationStd(small));
});

test("paired sign-flip test: exact p for all-positive differences is 2^-n", () => {
  const a = [1, 2, 3, 4, 5, 6], b = a.map((x) => x - 1);
  const c = pairedComparison(a, b, new Rng(0));
  assert.equal(c.meanDiff, 1);
  assert.equal(c.pValue, 1 / 64);
  const none = pairedComparison(b, a, new Rng(0));
  assert.equal(none.pValue, 1);
  assert.throws(() => pairedComparison([1], [1, 2], new Rng(0)));
});
