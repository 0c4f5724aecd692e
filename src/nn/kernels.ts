/**
 * The hot loops of the neural-network code, and nothing else: a faster backend (WASM-SIMD, an N-API addon)
 * can replace this one module. Every matrix is a row-major Float64Array; shapes are given as [rows, cols].
 *
 * Products are all arranged as C = A·Bᵀ so that the inner loop is a contiguous dot product of a row of A with a
 * row of B; the kernel is blocked 2 rows × 4 columns (8 independent accumulators), which measured 2–3× faster
 * than naive loops on this machine (research/stack-probe.md §1).
 *
 * Backends: the TypeScript loops below, or the optional native addon (native/lfl_kernels.c, see
 * native-kernels.ts) which performs the same floating-point operations in the same order, so results are
 * bit-identical whichever backend runs (tested in kernels.test.ts when the addon is built).
 */
import { loadNativeKernels } from "./native-kernels.ts";

const native = loadNativeKernels();

/** Which backend the layer and Adam kernels use. */
export const KERNEL_BACKEND: "native" | "ts" = native ? "native" : "ts";

/** Scratch size (Float64 entries) that `linearForward`/`linearBackward` need for these sizes. */
export function linearScratchSize(batch: number, inDim: number, outDim: number): number {
  return (inDim + outDim) * batch + inDim * outDim;
}

/** y[batch, outDim] = x[batch, inDim]·Wᵀ + b with W [outDim, inDim]. */
export function linearForward(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void {
  if (native) native.linearForward(x, w, bias, y, scratch, batch, inDim, outDim);
  else gemmABt(x, w, y, batch, outDim, inDim, bias);
}

/**
 * Backward of `linearForward` given x and dy = dL/dy: dW += dyᵀ·x (the sum over the batch, then added),
 * dB += dy row by row, and dx = dy·W if `dx` is not null. `scratch` has ≥ linearScratchSize entries.
 */
export function linearBackward(
  x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null,
  scratch: Float64Array, batch: number, inDim: number, outDim: number,
): void {
  if (native) {
    native.linearBackward(x, w, dy, dw, db, dx, scratch, batch, inDim, outDim);
    return;
  }
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

/**
 * y[i] = tanh(x[i]) for i < n (in place allowed), via 1 − 2/(e^{2x}+1): cheaper than Math.tanh and within
 * 3e-16 of it on [−2, 2]; saturates exactly to ±1 for |x| > 20.
 */
export function tanhForward(x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v > 20) y[i] = 1;
    else if (v < -20) y[i] = -1;
    else y[i] = 1 - 2 / (Math.exp(2 * v) + 1);
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
 * One Adam step (Kingma & Ba, 2015) on all entries, with PyTorch's placement of eps:
 *   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + eps).
 * `t` is the 1-based step count.
 */
export function adamStep(
  theta: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  t: number,
): void {
  const bc1 = 1 - Math.pow(beta1, t);
  const bc2 = 1 - Math.pow(beta2, t);
  const stepSize = lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  if (native) {
    native.adamStep(theta, g, m, v, stepSize, beta1, beta2, eps, sqrtBc2);
    return;
  }
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    theta[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
