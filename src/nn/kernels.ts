/**
 * The hot loops of the neural-network code, behind ONE module: layer forward/backward, tanh and the Adam step
 * go to the backend chosen once per process by LFL_KERNELS:
 *   ts             the TypeScript loops (ts-kernels.ts) — the reference;
 *   wasm           WebAssembly SIMD, assembled at run time (wasm-kernels.ts) — for the browser / no addon;
 *   native         the N-API addon (native/lfl_kernels.c): AVX-512 / AVX2 / SSE2 code chosen at run time from
 *                  the CPU, rows of large products split over a small thread pool;
 *   native-scalar  the addon's previous kernels (one 4×8 block, no threads), kept to measure against;
 *   native-f32     opt-in, never chosen by auto: the addon's layer products and tanh in float32 (fused
 *                  multiply-adds, 16-float AVX-512 / 8-float AVX2 vectors; products with ≤ 8 outputs summed in
 *                  16 interleaved chains), tanh's backward, dB and Adam in float64; storage stays Float64Array;
 *   auto (default) native when built, else wasm when WebAssembly SIMD works, else ts.
 * Every float64 backend (FLOAT64_KERNEL_BACKENDS) computes each output entry with the same IEEE-754 operations in
 * the same order (one sum over the inner index from 0.0, no fused multiply-add, tanh through our own
 * `expBounded`), so all of them give bit-identical results for the same seed — tested in kernels.test.ts and
 * kernel-backends.test.ts. native-f32 is deterministic on its own terms (the same bytes for a seed on every CPU
 * and thread count) but differs from them by float32 rounding: within the tolerance its tests state
 * (kernels-f32.test.ts); gradient checks run on the float64 backends only.
 */
import { InputError } from "../core/errors.ts";
import { loadNativeKernels } from "./native-kernels.ts";
import * as ts from "./ts-kernels.ts";
import { createWasmKernels } from "./wasm-kernels.ts";

export { expBounded, gemmABt, linearScratchSize, scaleInPlace, sumRows, sumSquares, transpose } from "./ts-kernels.ts";

export const KERNEL_BACKEND_NAMES = ["ts", "wasm", "native", "native-scalar", "native-f32"] as const;
export type KernelBackendName = (typeof KERNEL_BACKEND_NAMES)[number];

/** The backends that give bit-identical results (float64 products); `auto` and `--backends all` choose among these. */
export const FLOAT64_KERNEL_BACKENDS: readonly KernelBackendName[] = ["ts", "wasm", "native", "native-scalar"];

/** Whether a backend is one of the bit-identical float64 ones (native-f32 is not). */
export function isFloat64Backend(name: string): boolean {
  return (FLOAT64_KERNEL_BACKENDS as readonly string[]).includes(name);
}

/** What a backend implements; everything else (transposes, sums, clipping) stays in ts-kernels.ts. */
export interface KernelBackend {
  readonly name: KernelBackendName;
  /** y[batch, outDim] = x[batch, inDim]·Wᵀ + b with W [outDim, inDim]. */
  linearForward(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  /** dW += dyᵀ·x, dB += Σ_rows dy, dx = dy·W (when dx is not null). */
  linearBackward(x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  /** y = tanh(x) on the first n entries (in place allowed). */
  tanhForward(x: Float64Array, y: Float64Array, n: number): void;
  /** dx = dy·(1 − y²) on the first n entries (in place on dy allowed). */
  tanhBackward(y: Float64Array, dy: Float64Array, dx: Float64Array, n: number): void;
  /** Optional fused y = tanh(x·Wᵀ + b): the same bytes as linearForward then tanhForward(y, y), in one pass. */
  linearForwardTanh?(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  /** Optional fused linearBackward (dx required) then tanhBackward(x, dx, dx): the gradient through the tanh that produced x. */
  linearBackwardTanh?(x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  /** ts-kernels.ts's `adamUpdate`. */
  adamUpdate(theta: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, stepSize: number, beta1: number, beta2: number, eps: number, sqrtBc2: number): void;
}

export const TS_KERNELS: KernelBackend = {
  name: "ts",
  linearForward: ts.linearForward,
  linearBackward: ts.linearBackward,
  tanhForward: ts.tanhForward,
  tanhBackward: ts.tanhBackward,
  adamUpdate: ts.adamUpdate,
};

/** The named backend, or null when it is not available here (addon not built, no WebAssembly SIMD). */
export function loadKernelBackend(name: KernelBackendName): KernelBackend | null {
  if (name === "ts") return TS_KERNELS;
  if (name === "wasm") return createWasmKernels();
  return loadNativeKernels(name);
}

/**
 * The backend LFL_KERNELS asks for (see the module comment); throws InputError if it is unknown or unavailable.
 * `auto` only ever picks a float64 backend: native-f32 must be asked for by name.
 */
export function selectKernelBackend(mode: string = envKernels() ?? "auto"): KernelBackend {
  if (mode === "auto") return loadKernelBackend("native") ?? loadKernelBackend("wasm") ?? TS_KERNELS;
  if (!(KERNEL_BACKEND_NAMES as readonly string[]).includes(mode)) {
    throw new InputError("E_INVALID_CONFIG", `LFL_KERNELS must be ${KERNEL_BACKEND_NAMES.join(", ")} or auto, got '${mode}'`);
  }
  const b = loadKernelBackend(mode as KernelBackendName);
  if (!b) {
    const why = mode === "wasm" ? "WebAssembly SIMD is not available" : "the native addon is not built (run scripts/build-native-kernels.sh)";
    throw new InputError("E_INVALID_CONFIG", `LFL_KERNELS=${mode} but ${why}`);
  }
  return b;
}

function envKernels(): string | undefined {
  return typeof process === "undefined" ? undefined : process.env["LFL_KERNELS"];
}

const backend = selectKernelBackend();

/** Which backend the layer, tanh and Adam kernels of this process use. */
export const KERNEL_BACKEND: KernelBackendName = backend.name;

/** y[batch, outDim] = x[batch, inDim]·Wᵀ + b with W [outDim, inDim]. */
export function linearForward(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void {
  backend.linearForward(x, w, bias, y, scratch, batch, inDim, outDim);
}

/**
 * Backward of `linearForward` given x and dy = dL/dy: dW += dyᵀ·x (the sum over the batch, then added),
 * dB += dy row by row, and dx = dy·W if `dx` is not null. `scratch` has ≥ linearScratchSize entries.
 */
export function linearBackward(
  x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null,
  scratch: Float64Array, batch: number, inDim: number, outDim: number,
): void {
  backend.linearBackward(x, w, dy, dw, db, dx, scratch, batch, inDim, outDim);
}

/** y = tanh(x·Wᵀ + b): `linearForward` then `tanhForward(y, y)`, fused where the backend can (same bytes). */
export function linearForwardTanh(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void {
  if (backend.linearForwardTanh) return backend.linearForwardTanh(x, w, bias, y, scratch, batch, inDim, outDim);
  backend.linearForward(x, w, bias, y, scratch, batch, inDim, outDim);
  backend.tanhForward(y, y, batch * outDim);
}

/**
 * `linearBackward` with dx, then dx ← dx·(1 − x²): the gradient also goes back through the tanh whose output
 * is this layer's input x. Fused where the backend can (same bytes).
 */
export function linearBackwardTanh(
  x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array,
  scratch: Float64Array, batch: number, inDim: number, outDim: number,
): void {
  if (backend.linearBackwardTanh) return backend.linearBackwardTanh(x, w, dy, dw, db, dx, scratch, batch, inDim, outDim);
  backend.linearBackward(x, w, dy, dw, db, dx, scratch, batch, inDim, outDim);
  backend.tanhBackward(x, dx, dx, batch * inDim);
}

/**
 * y[i] = tanh(x[i]) for i < n (in place allowed), as 1 − 2/(e^{2v}+1) with `expBounded` and v = x clamped to
 * [−20, 20], where the formula already rounds to exactly ±1. Within 1e-15 of Math.tanh; NaN stays NaN.
 */
export function tanhForward(x: Float64Array, y: Float64Array, n: number): void {
  backend.tanhForward(x, y, n);
}

/** dx[i] = dy[i] · (1 − y[i]²) where y = tanh(x) (in place on dy allowed). */
export function tanhBackward(y: Float64Array, dy: Float64Array, dx: Float64Array, n: number): void {
  backend.tanhBackward(y, dy, dx, n);
}

/**
 * One Adam step (Kingma & Ba, 2015) on all entries, with PyTorch's placement of eps:
 *   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + eps).
 * `t` is the 1-based step count.
 */
export function adamStep(theta: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, lr: number, beta1: number, beta2: number, eps: number, t: number): void {
  const [stepSize, sqrtBc2] = adamScalars(lr, beta1, beta2, t);
  backend.adamUpdate(theta, g, m, v, stepSize, beta1, beta2, eps, sqrtBc2);
}

/** [lr/(1−β1^t), √(1−β2^t)]: the scalars of `adamUpdate` at step t. */
export function adamScalars(lr: number, beta1: number, beta2: number, t: number): [number, number] {
  return [lr / (1 - Math.pow(beta1, t)), Math.sqrt(1 - Math.pow(beta2, t))];
}
