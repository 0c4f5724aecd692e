import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { adamStep, expBounded, gemmABt, KERNEL_BACKEND, linearScratchSize, sumRows, tanhBackward, tanhForward, transpose } from "./kernels.ts";
import { loadNativeKernels, NATIVE_KERNELS_PATH, type NativeKernels } from "./native-kernels.ts";

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

test("native backend (when built) is bit-identical to the TypeScript kernels; otherwise auto falls back and 'native' refuses", () => {
  if (!existsSync(NATIVE_KERNELS_PATH)) {
    const saved = process.env["LFL_KERNELS"];
    try {
      process.env["LFL_KERNELS"] = "auto";
      assert.equal(loadNativeKernels(), null);
      process.env["LFL_KERNELS"] = "native";
      assert.throws(() => loadNativeKernels(), /is not built/);
    } finally {
      if (saved === undefined) delete process.env["LFL_KERNELS"];
      else process.env["LFL_KERNELS"] = saved;
    }
    return;
  }
  const nat = createRequire(import.meta.url)(NATIVE_KERNELS_PATH) as NativeKernels;
  const rng = new Rng(21);
  for (const [batch, inDim, outDim] of [[1, 17, 64], [64, 64, 64], [7, 3, 5], [64, 64, 6]] as const) {
    const x = rand(batch * inDim, rng), w = rand(outDim * inDim, rng), bias = rand(outDim, rng), dy = rand(batch * outDim, rng);
    // TypeScript reference, from the TS loops directly.
    const yTs = new Float64Array(batch * outDim);
    gemmABt(x, w, yTs, batch, outDim, inDim, bias);
    const dwTs = rand(outDim * inDim, rng), dbTs = rand(outDim, rng);
    const dwN = dwTs.slice(), dbN = dbTs.slice();
    const dyT = new Float64Array(outDim * batch), xT = new Float64Array(inDim * batch), wT = new Float64Array(inDim * outDim);
    transpose(dy, dyT, batch, outDim);
    transpose(x, xT, batch, inDim);
    gemmABt(dyT, xT, dwTs, outDim, inDim, batch, undefined, true);
    sumRows(dy, dbTs, batch, outDim, true);
    transpose(w, wT, outDim, inDim);
    const dxTs = new Float64Array(batch * inDim);
    gemmABt(dy, wT, dxTs, batch, inDim, outDim);
    // Native.
    const scratch = new Float64Array(linearScratchSize(batch, inDim, outDim));
    const yN = new Float64Array(batch * outDim), dxN = new Float64Array(batch * inDim);
    nat.linearForward(x, w, bias, yN, scratch, batch, inDim, outDim);
    nat.linearBackward(x, w, dy, dwN, dbN, dxN, scratch, batch, inDim, outDim);
    for (const [name, a, b] of [["y", yTs, yN], ["dW", dwTs, dwN], ["db", dbTs, dbN], ["dx", dxTs, dxN]] as const) {
      assert.ok(a.every((v, i) => Object.is(v, b[i])), `${name} differs for ${batch}×${inDim}→${outDim}`);
    }
  }
  const xs = Float64Array.from({ length: 5000 }, () => rng.uniformIn(-25, 25));
  const tN = new Float64Array(xs.length);
  nat.tanhForward(xs, tN, xs.length);
  const tTs = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) tTs[i] = 1 - 2 / (expBounded(2 * Math.max(-20, Math.min(20, xs[i]!))) + 1);
  assert.ok(xs.every((_, i) => Object.is(tN[i], tTs[i])), "tanh differs");
  const theta = rand(50, rng), g = rand(50, rng), m = rand(50, rng), v = Float64Array.from(rand(50, rng), Math.abs);
  const t2 = theta.slice(), m2 = m.slice(), v2 = v.slice();
  const savedBackend = KERNEL_BACKEND;
  if (savedBackend === "native") {
    // adamStep dispatches to native here: compare with the formula evaluated in TS.
    adamStep(theta, g, m, v, 1e-3, 0.9, 0.999, 1e-5, 3);
    const bc1 = 1 - 0.9 ** 3, bc2 = 1 - 0.999 ** 3;
    for (let i = 0; i < 50; i++) {
      const mi = 0.9 * m2[i]! + (1 - 0.9) * g[i]!;
      const vi = 0.999 * v2[i]! + (1 - 0.999) * g[i]! * g[i]!;
      t2[i] -= ((1e-3 / bc1) * mi) / (Math.sqrt(vi) / Math.sqrt(bc2) + 1e-5);
    }
    assert.ok(theta.every((x, i) => Object.is(x, t2[i])), "Adam step differs");
  } else {
    nat.adamStep(t2, g, m2, v2, 1e-3 / (1 - 0.9 ** 3), 0.9, 0.999, 1e-5, Math.sqrt(1 - 0.999 ** 3));
    adamStep(theta, g, m, v, 1e-3, 0.9, 0.999, 1e-5, 3);
    assert.ok(theta.every((x, i) => Object.is(x, t2[i])), "Adam step differs");
  }
});
