/**
 * Loads the optional native kernel backend (native/lfl_kernels.c, an N-API addon built by
 * `scripts/build-native-kernels.sh`). It computes bit-identical results to the TypeScript kernels, only faster.
 * LFL_KERNELS=ts forces TypeScript, LFL_KERNELS=native requires the addon, unset/auto uses it when built.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LflError } from "../core/errors.ts";

export interface NativeKernels {
  linearForward(x: Float64Array, w: Float64Array, bias: Float64Array, y: Float64Array, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  linearBackward(x: Float64Array, w: Float64Array, dy: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null, scratch: Float64Array, batch: number, inDim: number, outDim: number): void;
  tanhForward(x: Float64Array, y: Float64Array, n: number): void;
  adamStep(theta: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, stepSize: number, beta1: number, beta2: number, eps: number, sqrtBc2: number): void;
}

/** The addon's path (it may not exist). */
export const NATIVE_KERNELS_PATH = fileURLToPath(new URL("../../native/build/Release/lfl_kernels.node", import.meta.url));

/** The native backend per LFL_KERNELS, or null for the TypeScript one. */
export function loadNativeKernels(): NativeKernels | null {
  const mode = process.env["LFL_KERNELS"] ?? "auto";
  if (mode === "ts") return null;
  if (mode !== "auto" && mode !== "native") throw new LflError("E_INVALID_CONFIG", `LFL_KERNELS must be ts, native or auto, got '${mode}'`);
  if (!existsSync(NATIVE_KERNELS_PATH)) {
    if (mode === "native") throw new LflError("E_INVALID_CONFIG", `LFL_KERNELS=native but ${NATIVE_KERNELS_PATH} is not built (run scripts/build-native-kernels.sh)`);
    return null;
  }
  return createRequire(import.meta.url)(NATIVE_KERNELS_PATH) as NativeKernels;
}
