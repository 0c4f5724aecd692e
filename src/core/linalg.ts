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

/**
 * Least squares: argmin_x ‖A x − b‖² for A (m×n, row-major), by the normal equations (AᵀA + λI) x = Aᵀb
 * solved with Cholesky. A tiny ridge λ = `ridge`·max diag(AᵀA) (default 1e-12) picks, among the minimisers of
 * a rank-deficient problem (e.g. reward + shaping, whose constant is unidentifiable), one of near-minimal norm
 * (identified combinations are exact; the unidentified directions are pinned only to ≈ ε/ridge).
 */
export function leastSquares(A: Float64Array, b: Float64Array, m: number, n: number, ridge = 1e-12): Float64Array {
  if (A.length !== m * n || b.length !== m) throw new RangeError(`leastSquares: expected A ${m}×${n} and b ${m}, got ${A.length} and ${b.length}`);
  const G = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const bi = b[i]!;
    for (let j = 0; j < n; j++) {
      const aij = A[row + j]!;
      if (aij === 0) continue;
      g[j] = g[j]! + aij * bi;
      for (let k = j; k < n; k++) G[j * n + k] = G[j * n + k]! + aij * A[row + k]!;
    }
  }
  let maxDiag = 0;
  for (let j = 0; j < n; j++) maxDiag = Math.max(maxDiag, G[j * n + j]!);
  const lambda = ridge * (maxDiag || 1);
  for (let j = 0; j < n; j++) {
    G[j * n + j] = G[j * n + j]! + lambda;
    for (let k = 0; k < j; k++) G[j * n + k] = G[k * n + j]!;
  }
  // Cholesky plus two steps of iterative refinement: the ridge makes G ill-conditioned along the unidentified
  // directions, and refinement removes the rounding error that would otherwise leak into them.
  const L = cholesky(G, n);
  const x = choleskyBackSolve(L, g, n);
  for (let step = 0; step < 2; step++) {
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = g[i]!;
      for (let k = 0; k < n; k++) s -= G[i * n + k]! * x[k]!;
      r[i] = s;
    }
    const dx = choleskyBackSolve(L, r, n);
    for (let i = 0; i < n; i++) x[i] = x[i]! + dx[i]!;
  }
  return x;
}

/** Solves G x = g for symmetric positive definite G (n×n) by Cholesky factorisation. */
export function choleskySolve(G: Float64Array, g: Float64Array, n: number): Float64Array {
  return choleskyBackSolve(cholesky(G, n), g, n);
}

/** Lower-triangular L with G = L Lᵀ. */
function cholesky(G: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = G[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    if (!(d > 0)) throw new RangeError(`choleskySolve: matrix is not positive definite (pivot ${j} = ${d})`);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = G[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solves L Lᵀ x = g. */
function choleskyBackSolve(L: Float64Array, g: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = g[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}
