import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { adamStep, gemmABt, sumRows, tanhBackward, tanhForward, transpose } from "./kernels.ts";

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
  const y = new Float64Array(xs.length);
  tanhForward(xs, y, xs.length);
  xs.forEach((x, i) => assert.ok(Math.abs(y[i]! - Math.tanh(x)) < 1e-15, `tanh(${x})`));
  const dy = new Float64Array(xs.length).fill(2);
  const dx = new Float64Array(xs.length);
  tanhBackward(y, dy, dx, xs.length);
  xs.forEach((x, i) => assert.ok(Math.abs(dx[i]! - 2 / Math.cosh(x) ** 2) < 1e-14, `tanh'(${x})`));
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
