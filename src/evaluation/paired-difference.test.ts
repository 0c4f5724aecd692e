import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { pairedDifferences } from "./paired-difference.ts";

test("a constant per-seed improvement gives that difference, a degenerate interval and the exact sign-flip p", () => {
  const a1 = [1, 5, 2, 8], a2 = [0.3, 0.1, 0.9];
  const res = pairedDifferences([
    { task: "A", seeds: [0, 1, 2, 3], a: a1, b: a1.map((x) => x - 2) },
    { task: "B", a: a2, b: a2.map((x) => x - 1) },
  ], new Rng(0), { resamples: 300 });
  assert.deepEqual(res.perTask.map((t) => [t.task, t.n, t.meanDiff]), [["A", 4, 2], ["B", 3, 1]]);
  assert.deepEqual(res.perTask[0]!.ci, [2, 2]);
  assert.equal(res.perTask[0]!.pValue, 1 / 16);
  assert.equal(res.pooled.meanDiff, 1.5);
  assert.deepEqual(res.pooled.ci, [1.5, 1.5]);
  // 7 positive pairs: only "no flip" reaches the observed mean: p = 2^-7.
  assert.equal(res.pooled.pValue, 1 / 128);
  assert.equal(res.pooled.pairs, 7);
});

test("pooling weighs tasks equally and pairs runs seed by seed", () => {
  // Unpaired, b would look better on task X (mean 3 vs 2.5) — paired, a beats b on every seed by 0.5… except seed 2.
  const res = pairedDifferences([
    { task: "X", a: [1, 3, 3.5], b: [0.5, 2.5, 6] },
    { task: "Y", a: [10, 10], b: [9, 9] },
  ], new Rng(4), { resamples: 500 });
  assert.ok(Math.abs(res.perTask[0]!.meanDiff - (0.5 + 0.5 - 2.5) / 3) < 1e-15);
  assert.ok(Math.abs(res.pooled.meanDiff - ((-1.5 / 3) + 1) / 2) < 1e-15);
  assert.ok(res.pooled.ci[0] <= res.pooled.meanDiff && res.pooled.meanDiff <= res.pooled.ci[1]);
  assert.deepEqual(pairedDifferences([{ task: "X", a: [1, 3, 3.5], b: [0.5, 2.5, 6] }], new Rng(9)), pairedDifferences([{ task: "X", a: [1, 3, 3.5], b: [0.5, 2.5, 6] }], new Rng(9)));
});

test("mismatched pairs and repeated seeds are refused", () => {
  assert.throws(() => pairedDifferences([{ task: "A", a: [1, 2], b: [1] }], new Rng(0)), /paired task 0 \(A\)/);
  assert.throws(() => pairedDifferences([{ task: "A", a: [1, 2], b: [1, 2], seeds: [3, 3] }], new Rng(0)), /repeated seed/);
  assert.throws(() => pairedDifferences([], new Rng(0)), /no tasks/);
});

test("more than 16 pairs (Monte Carlo sign flips): the observed signs count as one draw, so p is never 0", () => {
  const a = Array.from({ length: 30 }, (_, i) => 2 + i), b = a.map((x) => x - 1);
  const res = pairedDifferences([{ task: "A", a: a.slice(0, 15), b: b.slice(0, 15) }, { task: "B", a: a.slice(15), b: b.slice(15) }], new Rng(1), { resamples: 200 });
  assert.equal(res.pooled.pairs, 30);
  assert.equal(res.pooled.pValue, 1 / 20001, "only the observed arrangement reaches the observed mean (2^-30 ≪ 1/20001)");
});
