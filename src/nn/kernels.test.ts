import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { existsSync } from "node:fs";
import {
  adamScalars, adamStep, expBounded, FLOAT64_KERNEL_BACKENDS, gemmABt, linearScratchSize, loadKernelBackend, selectKernelBackend, sumRows,
  tanhBackward, tanhForward, transpose, TS_KERNELS, type KernelBackend,
} from "./kernels.ts";
import { loadNativeAddon, NATIVE_KERNELS_PATH } from "./native-kernels.ts";
import { wasmKernelsModules } from "./wasm-kernels.ts";

function rand(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

test("gemmABt matches the naive triple loop for every remainder of the 2×4 blocking, with bias and accumulate", () => {
  const rng = new Rng(1);
  for (const [m, n, k] of [[1, 1, 1], [2, 4, 3], [3, 5, 7], [5, 7, 2], [64, 64, 17], [7, 1, 9]] as const) {
    const a = rand(m * k, rng), b = rand(n * k, rng), bias = rand(n, rng);
    const c = new Float64Array(m * n);
    gemmABt(a, b, c, m, n, k, bias);
    const c2 = rand(m * n, rng);
    const c2Before = c2.slice();
    gemmABt(a, b, c2, m, n, k, undefined, true);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
        assert.ok(Math.abs(c[i * n + j]! - (s + bias[j]!)) < 1e-12, `C[${i},${j}] for ${m}×${n}×${k}`);
        assert.ok(Math.abs(c2[i * n + j]! - (c2Before[i * n + j]! + s)) < 1e-12, `accumulated C[${i},${j}]`);
      }
    }
  }
});

test("transpose and sumRows", () => {
  const a = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2×3
  const t = new Float64Array(6);
  transpose(a, t, 2, 3);
  assert.deepEqual(Array.from(t), [1, 4, 2, 5, 3, 6]);
  const s = new Float64Array(3);
  sumRows(a, s, 2, 3);
  assert.deepEqual(Array.from(s), [5, 7, 9]);
});

test("tanhForward agrees with Math.tanh, saturates, and tanhBackward is 1 − tanh²", () => {
  const xs = Float64Array.from([-50, -20.5, -3, -1e-9, 0, 0.3, 2, 19.9, 25]);
  const nan = new Float64Array(1);
  tanhForward(Float64Array.of(NaN), nan, 1);
  assert.ok(Number.isNaN(nan[0]), "NaN propagates");
  const y = new Float64Array(xs.length);
  tanhForward(xs, y, xs.length);
  xs.forEach((x, i) => assert.ok(Math.abs(y[i]! - Math.tanh(x)) < 1e-15, `tanh(${x})`));
  const dy = new Float64Array(xs.length).fill(2);
  const dx = new Float64Array(xs.length);
  tanhBackward(y, dy, dx, xs.length);
  xs.forEach((x, i) => assert.ok(Math.abs(dx[i]! - 2 / Math.cosh(x) ** 2) < 1e-14, `tanh'(${x})`));
});

test("expBounded is within 4 ulp-ish (4e-16 relative) of Math.exp on [−40, 40]", () => {
  const rng = new Rng(7);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const x = rng.uniformIn(-40, 40);
    worst = Math.max(worst, Math.abs(expBounded(x) / Math.exp(x) - 1));
  }
  for (const x of [0, -0, 1, -1, 40, -40, Math.LN2 / 2, -Math.LN2 / 2]) worst = Math.max(worst, Math.abs(expBounded(x) / Math.exp(x) - 1));
  assert.ok(worst < 4e-16, `worst relative error ${worst}`);
});

test("adamStep: first step moves every parameter by lr·sign(g) (bias correction), and matches the formula at t = 2", () => {
  const theta = Float64Array.from([1, -1, 0.5]);
  const g = Float64Array.from([0.3, -2, 1e-3]);
  const m = new Float64Array(3), v = new Float64Array(3);
  adamStep(theta, g, m, v, 0.1, 0.9, 0.999, 1e-12, 1);
  assert.ok(Math.abs(theta[0]! - 0.9) < 1e-9 && Math.abs(theta[1]! + 0.9) < 1e-9 && Math.abs(theta[2]! - 0.4) < 1e-6);
  const g2 = Float64Array.from([1, 1, 1]);
  const before = theta.slice();
  adamStep(theta, g2, m, v, 0.1, 0.9, 0.999, 1e-8, 2);
  for (let i = 0; i < 3; i++) {
    const mi = 0.9 * (0.1 * g[i]!) + 0.1 * 1;
    const vi = 0.999 * (0.001 * g[i]! ** 2) + 0.001 * 1;
    const expected = before[i]! - (0.1 * (mi / (1 - 0.81))) / (Math.sqrt(vi / (1 - 0.999 ** 2)) + 1e-8);
    assert.ok(Math.abs(theta[i]! - expected) < 1e-12, `theta[${i}]`);
  }
});

/** Outputs of every backend kernel on one problem: the four layer results, tanh and one Adam step. */
function runAll(k: KernelBackend, batch: number, inDim: number, outDim: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  const x = rand(batch * inDim, rng), w = rand(outDim * inDim, rng), bias = rand(outDim, rng), dy = rand(batch * outDim, rng);
  const scratch = new Float64Array(linearScratchSize(batch, inDim, outDim));
  const y = new Float64Array(batch * outDim), dw = rand(outDim * inDim, rng), db = rand(outDim, rng), dx = new Float64Array(batch * inDim);
  k.linearForward(x, w, bias, y, scratch, batch, inDim, outDim);
  k.linearBackward(x, w, dy, dw, db, dx, scratch, batch, inDim, outDim);
  const dwNoDx = rand(outDim * inDim, rng), dbNoDx = new Float64Array(outDim);
  k.linearBackward(x, w, dy, dwNoDx, dbNoDx, null, scratch, batch, inDim, outDim);
  const t = Float64Array.from({ length: batch * outDim + 1 }, () => rng.uniformIn(-25, 25));
  t[3] = NaN;
  t[4] = -0;
  const tanh = new Float64Array(t.length);
  k.tanhForward(t, tanh, t.length);
  const inPlace = y.slice();
  k.tanhForward(inPlace, inPlace, inPlace.length);
  const dtanh = new Float64Array(tanh.length);
  k.tanhBackward(tanh, t, dtanh, t.length);
  const dtanhInPlace = t.slice();
  k.tanhBackward(tanh, dtanhInPlace, dtanhInPlace, t.length);
  const n = outDim * inDim + 1;
  const theta = rand(n, rng), g = rand(n, rng), m = rand(n, rng), v = Float64Array.from(rand(n, rng), Math.abs);
  const [stepSize, sqrtBc2] = adamScalars(1e-3, 0.9, 0.999, 3);
  k.adamUpdate(theta, g, m, v, stepSize, 0.9, 0.999, 1e-5, sqrtBc2);
  // The fused layer + tanh kernels where the backend has them; the reference (ts) composes the two calls.
  const yTanh = new Float64Array(batch * outDim);
  if (k.linearForwardTanh) k.linearForwardTanh(x, w, bias, yTanh, scratch, batch, inDim, outDim);
  else { k.linearForward(x, w, bias, yTanh, scratch, batch, inDim, outDim); k.tanhForward(yTanh, yTanh, batch * outDim); }
  const h = x.map(Math.tanh), dwT = rand(outDim * inDim, rng), dbT = rand(outDim, rng), dxT = new Float64Array(batch * inDim);
  if (k.linearBackwardTanh) k.linearBackwardTanh(h, w, dy, dwT, dbT, dxT, scratch, batch, inDim, outDim);
  else { k.linearBackward(h, w, dy, dwT, dbT, dxT, scratch, batch, inDim, outDim); k.tanhBackward(h, dxT, dxT, batch * inDim); }
  return [y, dw, db, dx, dwNoDx, dbNoDx, tanh, inPlace, dtanh, dtanhInPlace, theta, m, v, yTanh, dwT, dbT, dxT];
}

const SHAPES = [[1, 17, 64], [3, 17, 64], [64, 64, 64], [7, 3, 5], [64, 64, 6], [64, 6, 64], [9, 13, 11], [300, 64, 64], [2048, 64, 64], [2049, 67, 33], [2048, 128, 1], [5, 13, 1]] as const; // one output column: the heads of MLP.forwardAtHeads
const NAMES = [
  "y", "dW", "db", "dx", "dW (no dx)", "db (no dx)", "tanh", "tanh in place", "tanh backward", "tanh backward in place", "Adam θ", "Adam m", "Adam v",
  "fused tanh(y)", "fused dW", "fused db", "fused dx through tanh",
];

// native-f32 is not bit-identical by design: its tolerance tests are in kernels-f32.test.ts.
for (const name of FLOAT64_KERNEL_BACKENDS) {
  if (name === "ts") continue;
  test(`${name} backend: bit-identical to the TypeScript kernels on every shape, and the same bytes when repeated`, (t) => {
    const k = loadKernelBackend(name);
    if (!k) {
      assert.throws(() => selectKernelBackend(name), /LFL_KERNELS=/, "asking for a missing backend must fail loudly");
      t.skip(`${name} not available here`);
      return;
    }
    assert.equal(k.name, name);
    SHAPES.forEach(([batch, inDim, outDim], s) => {
      const ref = runAll(TS_KERNELS, batch, inDim, outDim, 100 + s);
      const got = runAll(k, batch, inDim, outDim, 100 + s);
      const again = runAll(k, batch, inDim, outDim, 100 + s);
      ref.forEach((r, i) => {
        assert.ok(r.every((v, j) => Object.is(v, got[i]![j])), `${NAMES[i]} differs from ts for ${batch}×${inDim}→${outDim}`);
        assert.ok(got[i]!.every((v, j) => Object.is(v, again[i]![j])), `${NAMES[i]} not reproducible for ${batch}×${inDim}→${outDim}`);
      });
    });
  });
}

test("native addon: threads never change a bit (1, 2 and 3 threads, threshold 0; 2 threads with the fall-back to one thread), and it reports its instruction set", (t) => {
  const addon = loadNativeAddon();
  if (!addon?.setThreading) {
    t.skip(existsSync(NATIVE_KERNELS_PATH) ? "addon without a thread pool" : "addon not built");
    return;
  }
  const k = loadKernelBackend("native")!;
  assert.match(addon.isa ?? "", /^(avx512|avx2|sse2|baseline)$/);
  const saved = addon.threads ?? 1, savedMinWork = addon.minWork ?? -1, savedAdaptive = addon.adaptive === false ? 0 : 1;
  try {
    assert.ok(k.linearForwardTanh && k.linearBackwardTanh, "the current native set has the fused layer + tanh kernels");
    for (const [batch, inDim, outDim] of [[203, 37, 29], [1029, 17, 64]] as const) {
      const ref = runAll(TS_KERNELS, batch, inDim, outDim, 5);
      for (const threads of [1, 2, 3]) {
        addon.setThreading(threads, 0, 0);
        const got = runAll(k, batch, inDim, outDim, 5);
        ref.forEach((r, i) => assert.ok(r.every((v, j) => Object.is(v, got[i]![j])), `${NAMES[i]} differs with ${threads} threads (${batch}×${inDim}→${outDim})`));
      }
      // With the fall-back on, the pool times 32 products split, then 32 alone, then uses the faster way: runs of
      // well over 64 products cross every phase, and every product stays the same bytes.
      addon.setThreading(2, 0, 1);
      for (let rep = 0; rep < 12; rep++) {
        const got = runAll(k, batch, inDim, outDim, 5);
        ref.forEach((r, i) => assert.ok(r.every((v, j) => Object.is(v, got[i]![j])), `${NAMES[i]} differs with the fall-back on, repetition ${rep}`));
      }
    }
  } finally {
    addon.setThreading(saved, savedMinWork, savedAdaptive);
    assert.equal(addon.minWork, savedMinWork);
    assert.equal(addon.adaptive, savedAdaptive === 1, "the fall-back setting is restored");
  }
});

test("selectKernelBackend: auto picks the fastest available, unknown names are refused", () => {
  const auto = selectKernelBackend("auto");
  assert.equal(auto.name, loadKernelBackend("native") ? "native" : loadKernelBackend("wasm") ? "wasm" : "ts");
  assert.equal(selectKernelBackend("ts"), TS_KERNELS);
  assert.throws(() => selectKernelBackend("cuda"), /LFL_KERNELS must be/);
});

test("the WebAssembly modules are generated deterministically (the same bytes on every build), each under 4 KiB", () => {
  const as = wasmKernelsModules(), bs = wasmKernelsModules();
  assert.equal(as.length, 2);
  assert.deepEqual(as, bs);
  for (const a of as) {
    assert.deepEqual([...a.subarray(0, 8)], [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    // Older Chromium refuses synchronous compilation of larger modules on the main thread (the backend would
    // then fall back to the TypeScript kernels there).
    assert.ok(a.length <= 4096, `module is ${a.length} bytes`);
  }
});
