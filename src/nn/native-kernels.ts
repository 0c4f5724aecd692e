/**
 * Loads the optional native kernel backend (native/lfl_kernels.c, an N-API addon built by
 * `scripts/build-native-kernels.sh`), which computes bit-identical results to the TypeScript kernels, only
 * faster. The addon carries three kernel sets: its current ones ("native": SIMD code chosen at run time from the
 * CPU's features, a thread pool for large products), the previous ones ("native-scalar", kept to measure
 * against) and the opt-in float32 products ("native-f32", native/gemm_f32.c: NOT bit-identical to the others;
 * its tanh is float32 too; tanh's backward, dB and Adam are the current set's float64 ones). kernels.ts chooses
 * between backends (LFL_KERNELS).
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { KernelBackend } from "./kernels.ts";
import { tanhBackward } from "./ts-kernels.ts";

/** One kernel set of the addon. */
export interface NativeKernelSet {
  linearForward(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  linearBackward(x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  tanhForward(x: Float64Array, y: Float64Array, n: number): void;
  /** Fused layer + tanh (the current set only; kernels.ts composes the two calls for the others). */
  linearForwardTanh?(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  linearBackwardTanh?(x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  /** Absent in the previous kernel set (native-scalar uses the TypeScript loop, as before). */
  tanhBackward?(y: Float64Array, dy: Float64Array, dx: Float64Array, n: number): void;
  adamStep(theta: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, stepSize: number, beta1: number, beta2: number, eps: number, sqrtBc2: number): void;
}

/** The float32 set: its products' code path, and a setter to force one (tests). */
export interface NativeF32KernelSet extends NativeKernelSet {
  /** "avx512" (16 floats per vector), "avx2" (8, with FMA) or "generic" (scalar fmaf). */
  readonly path: string;
  /** Forces "avx512" | "avx2" | "generic" | "auto"; false if this CPU cannot run it. Every path gives the same bytes. */
  setPath(name: string): boolean;
}

/** The addon's exports: the current set, plus the previous one, the float32 one and what the run-time dispatch chose. */
export interface NativeAddon extends NativeKernelSet {
  scalar?: NativeKernelSet;
  /** Absent in addons built before native-f32. */
  f32?: NativeF32KernelSet;
  /** The instruction set the SIMD kernels use on this CPU ("avx512", "avx2", "sse2"; "baseline" off x86-64). */
  isa?: string;
  /** Threads the products may use (1 = no pool). */
  threads?: number;
  /** The minimum multiply-adds (m·n·k) of a product that uses the pool. */
  minWork?: number;
  /** Whether the pool falls back to computing alone while splitting does not pay (LFL_NATIVE_ADAPT; default true). */
  adaptive?: boolean;
  /**
   * Sets the number of threads (1 … 8), the minimum multiply-adds per product to use them and (optional) the
   * fall-back above; for benchmarks and tests. minWork < 0 keeps the threshold.
   */
  setThreading?(threads: number, minWork: number, adaptive?: 0 | 1): void;
}

/** The addon's path (it may not exist). */
export const NATIVE_KERNELS_PATH = fileURLToPath(new URL("../../native/build/Release/lfl_kernels.node", import.meta.url));

/** The addon itself, or null when it is not built. */
export function loadNativeAddon(): NativeAddon | null {
  if (!existsSync(NATIVE_KERNELS_PATH)) return null;
  return createRequire(import.meta.url)(NATIVE_KERNELS_PATH) as NativeAddon;
}

/**
 * The native backend ("native": current kernels; "native-scalar": the previous ones; "native-f32": float32
 * products), or null when not built (or built before that set existed).
 */
export function loadNativeKernels(variant: "native" | "native-scalar" | "native-f32"): KernelBackend | null {
  const addon = loadNativeAddon();
  const set = variant === "native" ? addon : variant === "native-scalar" ? addon?.scalar : addon?.f32;
  if (!set) return null;
  return {
    name: variant,
    linearForward: set.linearForward,
    linearBackward: set.linearBackward,
    tanhForward: set.tanhForward,
    tanhBackward: set.tanhBackward ?? tanhBackward,
    adamUpdate: set.adamStep,
    ...(set.linearForwardTanh && set.linearBackwardTanh ? { linearForwardTanh: set.linearForwardTanh, linearBackwardTanh: set.linearBackwardTanh } : {}),
  };
}
