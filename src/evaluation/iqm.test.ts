import { test } from "node:test";
import assert from "node:assert/strict";
import { fractionalIqm, iqm, trimmedMean } from "./iqm.ts";

test("IQM of a multiple of 4 values is the mean of the middle half (both definitions)", () => {
  const xs = [8, 1, 100, 3, -50, 5, 6, 2]; // sorted: -50 1 2 3 5 6 8 100 → middle 2 3 5 6
  assert.equal(iqm(xs), 4);
  assert.equal(fractionalIqm(xs), 4);
  assert.equal(iqm([1, 2, 3, 4]), 2.5);
});

test("rliable's IQM drops ⌊n/4⌋ whole values at each end (scipy trim_mean), the fractional one weights the quartile values", () => {
  const xs = [10, 0, 10, 1, 0, 10, 2, 0, 10]; // sorted: 0 0 0 1 2 10 10 10 10
  // ⌊9/4⌋ = 2 dropped at each end: mean of 0 1 2 10 10 = 23/5.
  assert.equal(iqm(xs), 23 / 5);
  // [2.25, 6.75): 0.75·0 + 1 + 2 + 10 + 0.75·10 over 4.5.
  assert.ok(Math.abs(fractionalIqm(xs) - 20.5 / 4.5) < 1e-15);
  // n = 5: ⌊1.25⌋ = 1 dropped; fractional weights 0.75, 1, 0.75.
  assert.equal(iqm([1, 2, 3, 4, 100]), 3);
  assert.ok(Math.abs(fractionalIqm([1, 2, 3, 4, 20]) - (0.75 * 2 + 3 + 0.75 * 4) / 2.5) < 1e-15);
  // n < 4 trims nothing in rliable's definition.
  assert.equal(iqm([1, 2, 9]), 4);
  assert.equal(fractionalIqm([5]), 5);
});

test("scipy.stats.trim_mean's documented examples", () => {
  const x = Array.from({ length: 20 }, (_, i) => i);
  assert.equal(trimmedMean(x, 0.1), 9.5);
  assert.equal(trimmedMean([0, 4, 8, 12, 16], 0.25), 8); // the first column of the docs' 5×4 example
  assert.throws(() => trimmedMean(x, 0.5), /proportion/);
  assert.throws(() => iqm([]), /empty/);
  assert.throws(() => iqm([1, NaN]), /not finite/);
});
