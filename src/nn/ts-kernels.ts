/**
 * The TypeScript NN kernels: the reference every other backend (wasm-kernels.ts, native-kernels.ts) must match
 * bit for bit, and the backend of last resort. Every matrix is a row-major Float64Array; shapes are [rows, cols].
 *
 * Products are all arranged as C = A·Bᵀ so that the inner loop is a contiguous dot product of a row of A with a
 * row of B; the kernel is blocked 2 rows × 4 columns (8 independent accumulators), which measured 2–3× faster
 * than naive loops on this machine (research/stack-probe.md §1). Each output entry is one sum over the inner
 * index in increasing order starting from 0, then the bias (or +0, or added into C): the contract the faster
 * backends keep, whatever their vector width or thread count.
 */

/** Scratch size (Float64 entries) that `linearForward`/`linearBackward` need for these sizes. */
export function linearScratchSize(batch: number, inDim: number, outDim: number): number {
  return (inDim + outDim) * batch + inDim * outDim;
}

/** y[batch, outDim] = x[batch, inDim]·Wᵀ + b with W [outDim, inDim]. */
export function linearForward(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void {
  gemmABt(x, w, y, batch, outDim, inDim, bias);
}

/**
 * Backward of `linearForward` given x and dy = dL/dy: dW += dyᵀ·x (the sum over the batch, then added),
 * dB += dy row by row, and dx = dy·W if `dx` is not null. `scratch` has ≥ linearScratchSize entries.
 */
export function linearBackward(
  x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null,
  scratch: Float64Array, batch: number, inDim: number, outDim: number,
): void {
  const dyT = scratch.subarray(0, outDim * batch);
  const xT = scratch.subarray(outDim * batch, (outDim + inDim) * batch);
  transpose(dy, dyT, batch, outDim);
  transpose(x, xT, batch, inDim);
  gemmABt(dyT, xT, dw, outDim, inDim, batch, undefined, true);
  sumRows(dy, db, batch, outDim, true);
  if (dx) {
    const wT = scratch.subarray((outDim + inDim) * batch, (outDim + inDim) * batch + inDim * outDim);
    transpose(w, wT, outDim, inDim);
    gemmABt(dy, wT, dx, batch, inDim, outDim);
  }
}

/**
 * C[m, n] = A[m, k] · B[n, k]ᵀ (+ bias[n] on every row if given, or += into C if `accumulate`).
 * A, B, C must not alias.
 */
export function gemmABt(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  n: number,
  k: number,
  bias?: Float64Array,
  accumulate = false,
): void {
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  for (let i = 0; i < m2; i += 2) {
    const a0 = i * k, a1 = a0 + k;
    const c0 = i * n, c1 = c0 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!;
        const w0 = b[b0 + p]!, w1 = b[b1 + p]!, w2 = b[b2 + p]!, w3 = b[b3 + p]!;
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
      }
      if (accumulate) {
        c[c0 + j] += s00; c[c0 + j + 1] += s01; c[c0 + j + 2] += s02; c[c0 + j + 3] += s03;
        c[c1 + j] += s10; c[c1 + j + 1] += s11; c[c1 + j + 2] += s12; c[c1 + j + 3] += s13;
      } else {
        const b0v = bias ? bias[j]! : 0, b1v = bias ? bias[j + 1]! : 0, b2v = bias ? bias[j + 2]! : 0, b3v = bias ? bias[j + 3]! : 0;
        c[c0 + j] = s00 + b0v; c[c0 + j + 1] = s01 + b1v; c[c0 + j + 2] = s02 + b2v; c[c0 + j + 3] = s03 + b3v;
        c[c1 + j] = s10 + b0v; c[c1 + j + 1] = s11 + b1v; c[c1 + j + 2] = s12 + b2v; c[c1 + j + 3] = s13 + b3v;
      }
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) {
        const w = b[bj + p]!;
        s0 += a[a0 + p]! * w;
        s1 += a[a1 + p]! * w;
      }
      if (accumulate) {
        c[c0 + j] += s0;
        c[c1 + j] += s1;
      } else {
        const bv = bias ? bias[j]! : 0;
        c[c0 + j] = s0 + bv;
        c[c1 + j] = s1 + bv;
      }
    }
  }
  for (let i = m2; i < m; i++) {
    const a0 = i * k, c0 = i * n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p]!;
        s0 += x * b[b0 + p]!; s1 += x * b[b1 + p]!; s2 += x * b[b2 + p]!; s3 += x * b[b3 + p]!;
      }
      if (accumulate) {
        c[c0 + j] += s0; c[c0 + j + 1] += s1; c[c0 + j + 2] += s2; c[c0 + j + 3] += s3;
      } else {
        c[c0 + j] = s0 + (bias ? bias[j]! : 0);
        c[c0 + j + 1] = s1 + (bias ? bias[j + 1]! : 0);
        c[c0 + j + 2] = s2 + (bias ? bias[j + 2]! : 0);
        c[c0 + j + 3] = s3 + (bias ? bias[j + 3]! : 0);
      }
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[bj + p]!;
      if (accumulate) c[c0 + j] += s;
      else c[c0 + j] = s + (bias ? bias[j]! : 0);
    }
  }
}

/** T[cols, rows] = A[rows, cols]ᵀ. */
export function transpose(a: Float64Array, t: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const ai = i * cols;
    for (let j = 0; j < cols; j++) t[j * rows + i] = a[ai + j]!;
  }
}

/** out[j] (+)= Σ_i A[i, j] over the rows of A[rows, cols] (the bias gradient). */
export function sumRows(a: Float64Array, out: Float64Array, rows: number, cols: number, accumulate = false): void {
  if (!accumulate) out.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const ai = i * cols;
    for (let j = 0; j < cols; j++) out[j] += a[ai + j]!;
  }
}

// exp on [−40, 40] by our own range reduction and polynomial, so that every backend
// computes tanh with identical operations (Math.exp and the C library's exp may differ in the last bit).
export const LN2_HI = 6.93147180369123816490e-1; // ln 2 rounded to 32 significant bits: k·LN2_HI is exact for |k| < 2^20
export const LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
export const INV_LN2 = 1.44269504088896338700;
/** 2^k for k = −64 … 64 (exact). */
const POW2 = Float64Array.from({ length: 129 }, (_, i) => 2 ** (i - 64));

/**
 * e^x for |x| ≤ 40 with error of a few ulp: x = k ln 2 + r with |r| ≤ ½ ln 2 (Cody–Waite reduction), then
 * e^r by its Taylor polynomial of degree 13 (truncation < 1e-17) in Horner form, scaled by 2^k.
 */
export function expBounded(x: number): number {
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = 1 / 6227020800; // 1/13!
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * POW2[k + 64]!;
}

/**
 * y[i] = tanh(x[i]) for i < n (in place allowed), as 1 − 2/(e^{2v}+1) with `expBounded` and v = x clamped to
 * [−20, 20], where the formula already rounds to exactly ±1. Within 1e-15 of Math.tanh; NaN stays NaN.
 */
export function tanhForward(x: Float64Array, y: Float64Array, n: number): void {
  tanhRange(x, y, 0, n);
}

/** `tanhForward` on the entries from ≤ i < to. */
export function tanhRange(x: Float64Array, y: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v0 = x[i]!;
    const v = v0 > 20 ? 20 : v0 < -20 ? -20 : v0; // NaN passes through
    y[i] = 1 - 2 / (expBounded(2 * v) + 1);
  }
}

/** dx[i] = dy[i] · (1 − y[i]²) where y = tanh(x) (in place on dy allowed). */
export function tanhBackward(y: Float64Array, dy: Float64Array, dx: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    dx[i] = dy[i]! * (1 - t * t);
  }
}

/** Σ g[i]² (for global-norm gradient clipping). */
export function sumSquares(g: Float64Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return s;
}

/** g[i] *= c. */
export function scaleInPlace(g: Float64Array, c: number): void {
  for (let i = 0; i < g.length; i++) g[i] *= c;
}

/**
 * The Adam update of kernels.ts's `adamStep` once its scalars are known (stepSize = lr/(1−β1^t),
 * sqrtBc2 = √(1−β2^t)): m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − stepSize·m / (√v / sqrtBc2 + eps).
 */
export function adamUpdate(
  theta: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array,
  stepSize: number, beta1: number, beta2: number, eps: number, sqrtBc2: number,
): void {
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    theta[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
