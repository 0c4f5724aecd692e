/** Small dense linear algebra on row-major Float64Arrays (tabular MDPs have at most a few thousand states). */

/**
 * Solves A x = b for square A (n×n, row-major) by Gaussian elimination with partial pivoting.
 * A and b are not modified. Throws if A is singular to working precision.
 */
export function solveLinear(A: Float64Array, b: Float64Array, n: number): Float64Array {
  if (A.length !== n * n || b.length !== n) throw new RangeError(`solveLinear: expected A ${n}×${n} and b ${n}, got ${A.length} and ${b.length}`);
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(M[col * n + col]!);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(M[r * n + col]!);
      if (v > best) { best = v; piv = r; }
    }
    if (best < 1e-300) throw new RangeError(`solveLinear: matrix is singular (column ${col})`);
    if (piv !== col) {
      for (let c = 0; c < n; c++) { const t = M[col * n + c]!; M[col * n + c] = M[piv * n + c]!; M[piv * n + c] = t; }
      const t = x[col]!; x[col] = x[piv]!; x[piv] = t;
    }
    const d = M[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = M[r * n + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) M[r * n + c] = M[r * n + c]! - f * M[col * n + c]!;
      x[r] = x[r]! - f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let c = r + 1; c < n; c++) s -= M[r * n + c]! * x[c]!;
    x[r] = s / M[r * n + r]!;
  }
  return x;
}

/** log Σ_i exp(x[offset + i]) for i < n, computed stably. */
export function logSumExp(x: ArrayLike<number>, offset: number, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, x[offset + i]!);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[offset + i]! - m);
  return m + Math.log(s);
}

/** Largest absolute entry of a − b. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
