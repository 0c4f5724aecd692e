import { test } from "node:test";
import assert from "node:assert/strict";
import { EnvelopeLeastSquares } from "./envelope-least-squares.ts";
import { leastSquares, maxAbsDiff } from "./linalg.ts";
import { Rng } from "./rng.ts";

test("envelope least squares equals the dense weighted solution on a random sparse chain-plus-dense problem", () => {
  const rng = new Rng(4);
  const n = 30, rows = 120;
  const A = new Float64Array(rows * n), b = new Float64Array(rows);
  const ls = new EnvelopeLeastSquares(n);
  for (let i = 0; i < rows; i++) {
    // a local block (chain unknowns 0..24) plus one of the last five (dense) unknowns
    const j = rng.int(24), d = 25 + rng.int(5), w = 0.5 + rng.uniform();
    const cols = [j, j + 1, d], vals = [rng.normal(), rng.normal(), rng.normal()];
    const y = rng.normal();
    ls.addRow(cols, vals, y, w);
    const sw = Math.sqrt(w);
    cols.forEach((c, q) => { A[i * n + c] = A[i * n + c]! + sw * vals[q]!; });
    b[i] = sw * y;
  }
  const x = ls.solve(1e-10);
  const ref = leastSquares(A, b, rows, n, 1e-14);
  assert.ok(maxAbsDiff(x, ref) < 1e-7, `${maxAbsDiff(x, ref)}`);
});

test("envelope least squares rejects bad rows and reports a singular system", () => {
  const ls = new EnvelopeLeastSquares(3);
  assert.throws(() => ls.addRow([0, 3], [1, 1], 0), RangeError);
  assert.throws(() => ls.addRow([0], [1, 2], 0), RangeError);
  assert.throws(() => ls.addRow([0], [Number.NaN], 0), RangeError);
  ls.addRow([0, 1], [1, 1], 2);
  assert.throws(() => ls.solve(0), /not positive definite/);
  assert.equal(ls.rows, 1);
});
