/**
 * Weighted least squares with sparse rows, solved through the normal equations with an envelope (skyline)
 * Cholesky factorisation: min_x Σ_i w_i (a_iᵀx − y_i)² + ridge·‖x‖².
 *
 * Each row has a few nonzeros. The normal matrix N = Σ_i w_i a_i a_iᵀ is stored by rows from its first nonzero
 * column to the diagonal (the envelope); the Cholesky factor of N has the same envelope, so a problem whose
 * unknowns only couple to nearby ones (e.g. a chain of per-step unknowns) plus a few dense ones ordered LAST
 * costs O(n·bandwidth² + n·dense²) instead of O(n³). Two steps of iterative refinement clean the rounding error
 * the ridge lets into weakly identified directions.
 *
 * Usage: `const ls = new EnvelopeLeastSquares(n); ls.addRow([0, 3], [1, -0.5], y, w); const x = ls.solve(1e-9);`
 */
export class EnvelopeLeastSquares {
  readonly n: number;
  private readonly rowCols: Int32Array[] = [];
  private readonly rowVals: Float64Array[] = [];
  private readonly rowY: number[] = [];
  private readonly rowW: number[] = [];

  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`EnvelopeLeastSquares: n must be a positive integer, got ${n}`);
    this.n = n;
  }

  /** Adds the row Σ_j vals[j]·x[cols[j]] ≈ y with weight w ≥ 0 (repeated columns are summed). */
  addRow(cols: ArrayLike<number>, vals: ArrayLike<number>, y: number, w = 1): void {
    if (cols.length !== vals.length) throw new RangeError(`EnvelopeLeastSquares.addRow: ${cols.length} columns but ${vals.length} values`);
    if (!(w >= 0) || !Number.isFinite(y)) throw new RangeError(`EnvelopeLeastSquares.addRow: row ${this.rowY.length} has weight ${w}, target ${y}`);
    if (w === 0) return;
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j]!;
      if (!(Number.isInteger(c) && c >= 0 && c < this.n) || !Number.isFinite(vals[j]!)) throw new RangeError(`EnvelopeLeastSquares.addRow: row ${this.rowY.length} entry ${j}: column ${c}, value ${vals[j]}`);
    }
    this.rowCols.push(Int32Array.from(cols));
    this.rowVals.push(Float64Array.from(vals));
    this.rowY.push(y);
    this.rowW.push(w);
  }

  /** Number of rows with positive weight. */
  get rows(): number {
    return this.rowY.length;
  }

  /** The minimiser; `ridge` is added to every diagonal entry of the normal matrix (absolute, not relative). */
  solve(ridge: number): Float64Array {
    const n = this.n;
    // 1. Envelope: first[i] = smallest column row i of N couples to.
    const first = Int32Array.from({ length: n }, (_, i) => i);
    for (const cols of this.rowCols) {
      let lo = n;
      for (const c of cols) lo = Math.min(lo, c);
      for (const c of cols) first[c] = Math.min(first[c]!, lo);
    }
    const off = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) off[i + 1] = off[i]! + i - first[i]! + 1;
    const at = (i: number, j: number): number => off[i]! + j - first[i]!; // j in [first[i], i]
    // 2. Normal equations N x = g (lower envelope of N), plus the ridge.
    const N = new Float64Array(off[n]!);
    const g = new Float64Array(n);
    this.rowCols.forEach((cols, r) => {
      const vals = this.rowVals[r]!, w = this.rowW[r]!, y = this.rowY[r]!;
      for (let p = 0; p < cols.length; p++) {
        const i = cols[p]!, wi = w * vals[p]!;
        g[i] = g[i]! + wi * y;
        for (let q = 0; q < cols.length; q++) {
          const j = cols[q]!;
          if (j <= i) N[at(i, j)] = N[at(i, j)]! + wi * vals[q]!;
        }
      }
    });
    for (let i = 0; i < n; i++) N[at(i, i)] = N[at(i, i)]! + ridge;
    // 3. Envelope Cholesky N = L Lᵀ (L overwrites a copy of N).
    const L = Float64Array.from(N);
    for (let i = 0; i < n; i++) {
      const fi = first[i]!;
      for (let j = fi; j <= i; j++) {
        const fj = first[j]!, k0 = Math.max(fi, fj);
        let s = L[at(i, j)]!;
        const oi = off[i]! - fi, oj = off[j]! - fj;
        for (let k = k0; k < j; k++) s -= L[oi + k]! * L[oj + k]!;
        if (j < i) L[at(i, j)] = s / L[at(j, j)]!;
        else {
          if (!(s > 0)) throw new RangeError(`EnvelopeLeastSquares: normal matrix not positive definite at pivot ${i} (${s}); add a ridge`);
          L[at(i, i)] = Math.sqrt(s);
        }
      }
    }
    const backSolve = (b: Float64Array): Float64Array => {
      const z = Float64Array.from(b);
      for (let i = 0; i < n; i++) {
        let s = z[i]!;
        const oi = off[i]! - first[i]!;
        for (let k = first[i]!; k < i; k++) s -= L[oi + k]! * z[k]!;
        z[i] = s / L[at(i, i)]!;
      }
      for (let i = n - 1; i >= 0; i--) {
        const xi = (z[i] = z[i]! / L[at(i, i)]!);
        const oi = off[i]! - first[i]!;
        for (let k = first[i]!; k < i; k++) z[k] = z[k]! - L[oi + k]! * xi;
      }
      return z;
    };
    const multiplyN = (x: Float64Array): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const oi = off[i]! - first[i]!;
        let s = 0;
        for (let k = first[i]!; k < i; k++) { s += N[oi + k]! * x[k]!; out[k] = out[k]! + N[oi + k]! * x[i]!; }
        out[i] = out[i]! + s + N[at(i, i)]! * x[i]!;
      }
      return out;
    };
    // 4. Solve and refine.
    const x = backSolve(g);
    for (let step = 0; step < 2; step++) {
      const Nx = multiplyN(x);
      const dx = backSolve(g.map((v, i) => v - Nx[i]!));
      for (let i = 0; i < n; i++) x[i] = x[i]! + dx[i]!;
    }
    return x;
  }
}
