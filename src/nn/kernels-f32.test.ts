/**
 * LFL_KERNELS=native-f32 (native/gemm_f32.c): the layer products in float32 with fused multiply-adds, everything
 * else in float64. Not bit-identical to the float64 backends by design, so it is checked against them within a
 * stated tolerance, and for its own determinism (the same bytes for every thread count, every code path the CPU
 * can run, and every repetition).
 *
 * The tolerance, per product entry c = Σ_{p<k} a_p·b_p (+ bias or + C):
 *   |c_f32 − c_f64| ≤ (k + 2) · 2⁻²⁴ · Σ_p |a_p·b_p|
 * — the classical bound for a float32 chain of k fused multiply-adds on operands rounded to float32 once (unit
 * roundoff 2⁻²⁴ = 6.0e-8); the float64 side's own error is 2²⁹ times smaller. Measured errors are far below it:
 * the test also requires the largest |c_f32 − c_f64| / Σ_p |a_p·b_p| to stay under 1e-6 (a random walk of k
 * roundings, ≈ √k · 2⁻²⁴). Gradient checks stay on the float64 backends (kernel-backends.test.ts says so).
 * Every test skips with the reason when the addon is not built (or was built before native-f32).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Rng } from "../core/rng.ts";
import { adamScalars, linearScratchSize, loadKernelBackend, selectKernelBackend, TS_KERNELS, type KernelBackend } from "./kernels.ts";
import { loadNativeAddon } from "./native-kernels.ts";

const U32 = 2 ** -24;
const MAX_MEASURED = 1e-6;

function rand(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** Why native-f32 is unavailable here, or null. */
function missing(): string | null {
  const addon = loadNativeAddon();
  if (!addon) return "native addon not built (scripts/build-native-kernels.sh)";
  if (!addon.f32) return "native addon built before native-f32 (rebuild it)";
  return null;
}

interface Problem { x: Float64Array; w: Float64Array; bias: Float64Array; dy: Float64Array; dw0: Float64Array; batch: number; inDim: number; outDim: number }

function problem(batch: number, inDim: number, outDim: number, seed: number): Problem {
  const rng = new Rng(seed);
  return { x: rand(batch * inDim, rng), w: rand(outDim * inDim, rng), bias: rand(outDim, rng), dy: rand(batch * outDim, rng), dw0: rand(outDim * inDim, rng), batch, inDim, outDim };
}

/** y, dW (accumulated onto dw0), dB, dx, and dW/dB again without dx; then tanh (forward and backward) and one Adam step on y. */
function run(k: KernelBackend, p: Problem): Float64Array[] {
  const { x, w, bias, dy, batch, inDim, outDim } = p;
  const scratch = new Float64Array(linearScratchSize(0, inDim, outDim)); // the forward's scratch, as Linear starts with
  const y = new Float64Array(batch * outDim);
  k.linearForward(x, w, bias, y, scratch, batch, inDim, outDim);
  const big = new Float64Array(linearScratchSize(batch, inDim, outDim));
  const dw = p.dw0.slice(), db = new Float64Array(outDim), dx = new Float64Array(batch * inDim);
  k.linearBackward(x, w, dy, dw, db, dx, big, batch, inDim, outDim);
  const dw2 = p.dw0.slice(), db2 = new Float64Array(outDim);
  k.linearBackward(x, w, dy, dw2, db2, null, big, batch, inDim, outDim);
  const t = new Float64Array(y.length), dt = new Float64Array(y.length);
  k.tanhForward(y, t, y.length);
  k.tanhBackward(t, dy, dt, y.length);
  const theta = w.slice(), m = new Float64Array(w.length), v = new Float64Array(w.length);
  const [stepSize, sqrtBc2] = adamScalars(1e-3, 0.9, 0.999, 1);
  k.adamUpdate(theta, dw, m, v, stepSize, 0.9, 0.999, 1e-8, sqrtBc2);
  return [y, dw, db, dx, dw2, db2, t, dt, theta, m, v, ...runFused(k, p, false)];
}

/** The layer + tanh forward, and the backward through the tanh that made the layer's input: fused when the backend has the kernels and `compose` is false, else the two calls. */
function runFused(k: KernelBackend, p: Problem, compose: boolean): Float64Array[] {
  const { x, w, bias, dy, batch, inDim, outDim } = p;
  const scratch = new Float64Array(linearScratchSize(0, inDim, outDim)), big = new Float64Array(linearScratchSize(batch, inDim, outDim));
  const y = new Float64Array(batch * outDim);
  if (k.linearForwardTanh && !compose) k.linearForwardTanh(x, w, bias, y, scratch, batch, inDim, outDim);
  else { k.linearForward(x, w, bias, y, scratch, batch, inDim, outDim); k.tanhForward(y, y, y.length); }
  const h = x.map(Math.tanh), dw = p.dw0.slice(), db = new Float64Array(outDim), dx = new Float64Array(batch * inDim);
  if (k.linearBackwardTanh && !compose) k.linearBackwardTanh(h, w, dy, dw, db, dx, big, batch, inDim, outDim);
  else { k.linearBackward(h, w, dy, dw, db, dx, big, batch, inDim, outDim); k.tanhBackward(h, dx, dx, dx.length); }
  return [y, dw, db, dx];
}

/** Σ_p |a_p·b_p| of every entry of the three products (y, dW, dx) and their inner lengths k. */
function absSums(p: Problem): { y: Float64Array; dw: Float64Array; dx: Float64Array } {
  const { x, w, dy, batch, inDim, outDim } = p;
  const y = new Float64Array(batch * outDim), dw = new Float64Array(outDim * inDim), dx = new Float64Array(batch * inDim);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outDim; o++) {
      const g = Math.abs(dy[b * outDim + o]!);
      let s = 0;
      for (let i = 0; i < inDim; i++) {
        const xi = Math.abs(x[b * inDim + i]!), wi = Math.abs(w[o * inDim + i]!);
        s += xi * wi;
        dw[o * inDim + i] += g * xi;
        dx[b * inDim + i] += g * wi;
      }
      y[b * outDim + o] = s;
    }
  }
  return { y, dw, dx };
}

const SHAPES = [[1, 17, 64], [3, 17, 64], [64, 64, 64], [7, 3, 5], [64, 64, 6], [64, 6, 64], [9, 13, 11], [300, 64, 64], [2048, 64, 64], [2049, 67, 33], [13, 100, 131], [8, 128, 10], [300, 128, 1], [2, 37, 1]] as const;

test("native-f32: every product entry within (k + 2)·2⁻²⁴·Σ|a·b| of the TypeScript float64 kernels (measured ≤ 1e-6·Σ|a·b|) on every shape; dB bit-identical", (t) => {
  const why = missing();
  if (why) return void t.skip(why);
  const f32 = loadKernelBackend("native-f32")!;
  assert.equal(f32.name, "native-f32");
  let worst = 0, differs = 0;
  SHAPES.forEach(([batch, inDim, outDim], s) => {
    const p = problem(batch, inDim, outDim, 300 + s);
    const ref = run(TS_KERNELS, p), got = run(f32, p), sums = absSums(p);
    const check = (name: string, r: Float64Array, g: Float64Array, sum: Float64Array, k: number): void => {
      for (let j = 0; j < r.length; j++) {
        const err = Math.abs(g[j]! - r[j]!);
        if (err !== 0) differs++;
        assert.ok(err <= (k + 2) * U32 * sum[j]!, `${name}[${j}] for ${batch}×${inDim}→${outDim}: error ${err} over the bound ${(k + 2) * U32 * sum[j]!}`);
        if (sum[j]! > 0) worst = Math.max(worst, err / sum[j]!);
      }
    };
    check("y", ref[0]!, got[0]!, sums.y, inDim);
    check("dW", ref[1]!, got[1]!, sums.dw, batch);
    check("dx", ref[3]!, got[3]!, sums.dx, outDim);
    check("dW (no dx)", ref[4]!, got[4]!, sums.dw, batch);
    assert.ok(ref[2]!.every((v, j) => Object.is(v, got[2]![j])), `dB differs for ${batch}×${inDim}→${outDim}`);
    assert.ok(ref[5]!.every((v, j) => Object.is(v, got[5]![j])), `dB (no dx) differs for ${batch}×${inDim}→${outDim}`);
  });
  assert.ok(worst <= MAX_MEASURED, `largest error ${worst} of Σ|a·b|`);
  t.diagnostic(`largest |f32 − f64| / Σ|a·b|: ${worst.toExponential(2)}`);
  assert.ok(differs > 0, "no entry differs from float64: the products are not float32");
});

/** The stated bound of native-f32's float32 tanh, relative to Math.tanh of x rounded to float32: y's rounding (2⁻²⁴) and the formula's few roundings more (native/lfl_kernels.c: tanh_forward_f32). */
const TANH_REL = 4e-7;

test("native-f32: tanh in float32 is within 4e-7 (relative) of Math.tanh of x rounded to float32, exactly ±1 from |x| ≥ 10, odd, NaN stays NaN; tanh backward and Adam are the float64 kernels (bit-identical)", (t) => {
  const why = missing();
  if (why) return void t.skip(why);
  const f32 = loadKernelBackend("native-f32")!;
  const rng = new Rng(9);
  const grid = Array.from({ length: 40001 }, (_, i) => (i - 20000) * 6e-4); // −12 … 12, 0 included
  const special = [1e-30, -1e-30, 1e-8, -3e-6, 0.2999, 0.3001, 9.99, 10, -10, 25, -25, Infinity, -Infinity, 5e-324];
  const x = Float64Array.from([...grid, ...special, ...Array.from({ length: 1037 }, () => rng.uniformIn(-25, 25))]);
  const n = x.length;
  const y = new Float64Array(n);
  f32.tanhForward(x, y, n);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const want = Math.tanh(Math.fround(x[i]!)); // x rounded to float32 first, as the kernel reads it
    if (Math.abs(x[i]!) >= 10) assert.equal(y[i], Math.sign(x[i]!), `tanh(${x[i]}) = ${y[i]}`);
    if (want === 0) { assert.equal(Math.abs(y[i]!), 0, `tanh(${x[i]})`); continue; }
    const rel = Math.abs(y[i]! - want) / Math.abs(want);
    assert.ok(rel <= TANH_REL, `tanh(${x[i]}) = ${y[i]}, Math.tanh ${want}: relative error ${rel}`);
    worst = Math.max(worst, rel);
  }
  const neg = new Float64Array(n);
  f32.tanhForward(x.map((v) => -v), neg, n);
  assert.ok(neg.every((v, i) => v === -y[i]!), "float32 tanh is odd");
  const nan = new Float64Array(1);
  f32.tanhForward(Float64Array.of(NaN), nan, 1);
  assert.ok(Number.isNaN(nan[0]), "NaN stays NaN");
  t.diagnostic(`largest relative error of the float32 tanh: ${worst.toExponential(2)}`);
  const m = 1037;
  const xb = Float64Array.from({ length: m }, () => rng.uniformIn(-3, 3)).map(Math.tanh), dy = rand(m, rng);
  const outs = [TS_KERNELS, f32].map((k) => {
    const dx = new Float64Array(m);
    k.tanhBackward(xb, dy, dx, m);
    const theta = rand(m, new Rng(4)), mo = rand(m, new Rng(5)), v = Float64Array.from(rand(m, new Rng(6)), Math.abs);
    const [stepSize, sqrtBc2] = adamScalars(1e-3, 0.9, 0.999, 3);
    k.adamUpdate(theta, dy, mo, v, stepSize, 0.9, 0.999, 1e-5, sqrtBc2);
    return [dx, theta, mo, v];
  });
  outs[0]!.forEach((r, i) => assert.ok(r.every((v, j) => Object.is(v, outs[1]![i]![j])), `output ${i} differs`));
});

test("native-f32: the same bytes with 1, 2 and 3 threads (threshold 0), on every code path this CPU runs (avx512 / avx2 / generic), and when repeated", (t) => {
  const why = missing();
  if (why) return void t.skip(why);
  const addon = loadNativeAddon()!;
  const f32 = loadKernelBackend("native-f32")!;
  const paths = ["avx512", "avx2", "generic"].filter((name) => addon.f32!.setPath(name));
  addon.f32!.setPath("auto");
  const chosen = addon.f32!.path;
  assert.ok(paths.includes(chosen), `the chosen path ${chosen} is one this CPU runs (${paths.join(", ")})`);
  const saved = addon.threads ?? 1, savedMinWork = addon.minWork ?? -1, savedAdaptive = addon.adaptive === false ? 0 : 1;
  try {
    for (const [batch, inDim, outDim] of [[203, 37, 29], [2049, 67, 33], [64, 17, 64], [5, 17, 6], [2051, 128, 1], [203, 37, 2]] as const) {
      const p = problem(batch, inDim, outDim, 7);
      addon.setThreading?.(1, 0, 0);
      const ref = run(f32, p);
      for (const path of paths) {
        assert.ok(addon.f32!.setPath(path));
        for (const threads of [1, 2, 3, 1]) {
          addon.setThreading?.(threads, 0, 0);
          const got = run(f32, p);
          ref.forEach((r, i) => assert.ok(r.every((v, j) => Object.is(v, got[i]![j])), `output ${i} of ${batch}×${inDim}→${outDim} differs on ${path} with ${threads} threads`));
        }
      }
    }
  } finally {
    addon.f32!.setPath("auto");
    addon.setThreading?.(saved, savedMinWork, savedAdaptive);
  }
  assert.equal(addon.f32!.path, chosen);
});

test("native-f32: the fused layer + tanh kernels (tanh split over the pool with the product) give the same bytes as the product then tanh, for 1, 2 and 3 threads", (t) => {
  const why = missing();
  if (why) return void t.skip(why);
  const addon = loadNativeAddon()!;
  const f32 = loadKernelBackend("native-f32")!;
  assert.ok(f32.linearForwardTanh && f32.linearBackwardTanh, "native-f32 has the fused kernels");
  const saved = addon.threads ?? 1, savedMinWork = addon.minWork ?? -1, savedAdaptive = addon.adaptive === false ? 0 : 1;
  try {
    for (const threads of [1, 2, 3]) {
      addon.setThreading?.(threads, 0, 0);
      SHAPES.forEach(([batch, inDim, outDim], s) => {
        const p = problem(batch, inDim, outDim, 500 + s);
        const fused = runFused(f32, p, false), composed = runFused(f32, p, true);
        ["tanh(y)", "dW", "dB", "dx through tanh"].forEach((name, i) =>
          assert.ok(composed[i]!.every((v, j) => Object.is(v, fused[i]![j])), `fused ${name} differs for ${batch}×${inDim}→${outDim} with ${threads} threads`));
      });
    }
  } finally {
    addon.setThreading?.(saved, savedMinWork, savedAdaptive);
  }
});

test("native-f32 is opt-in: auto never picks it", () => {
  assert.notEqual(selectKernelBackend("auto").name, "native-f32");
});

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

/**
 * Trains a 17-64-64-6 tanh MLP with clipped Adam (lr 1e-3) on 2048 rows of a fixed smooth target for 200
 * full-batch steps; prints the final training loss, the loss on 1024 held-out rows and the parameters' SHA-256.
 */
const TRAIN_SCRIPT = `
import { createHash } from "node:crypto";
import { Rng } from ${JSON.stringify(here("../core/rng.ts"))};
import { MLP } from ${JSON.stringify(here("./mlp.ts"))};
import { Adam } from ${JSON.stringify(here("./adam.ts"))};
const rng = new Rng(21);
const C = Float64Array.from({ length: 17 * 6 }, () => rng.normal() / Math.sqrt(17));
const data = (n) => {
  const x = Float64Array.from({ length: n * 17 }, () => rng.normal());
  const y = new Float64Array(n * 6);
  for (let b = 0; b < n; b++) for (let j = 0; j < 6; j++) {
    let s = 0;
    for (let i = 0; i < 17; i++) s += x[b * 17 + i] * C[i * 6 + j];
    y[b * 6 + j] = Math.sin(2 * s) + 0.5 * s;
  }
  return { x, y, n };
};
const train = data(2048), held = data(1024);
const net = new MLP([17, 64, 64, 6], { rng });
const adam = new Adam([net], { lr: 1e-3, maxGradNorm: 0.5 });
const mse = (d) => { const out = net.forward(d.x, d.n); let s = 0; for (let i = 0; i < out.length; i++) s += (out[i] - d.y[i]) ** 2; return s / out.length; };
let loss = 0, initial = 0;
for (let step = 0; step < 200; step++) {
  adam.zeroGrad();
  const out = net.forward(train.x, train.n);
  loss = 0;
  const dy = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) { const r = out[i] - train.y[i]; loss += r * r; dy[i] = (2 * r) / out.length; }
  loss /= out.length;
  if (step === 0) initial = loss;
  net.backward(dy, true);
  adam.step();
}
process.stdout.write(JSON.stringify({ initial, loss, heldOut: mse(held), sha: createHash("sha256").update(net.params).digest("hex") }));
`;

function trainUnder(backend: string): { initial: number; loss: number; heldOut: number; sha: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", TRAIN_SCRIPT], { env: { ...process.env, LFL_KERNELS: backend }, encoding: "utf8" });
  assert.equal(r.status, 0, `${backend}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { initial: number; loss: number; heldOut: number; sha: string };
}

test("native-f32: a short MLP training run (200 full-batch Adam steps on 2048 rows) ends within 1e-4 (relative) of float64's training and held-out loss; two runs learn the same bytes", (t) => {
  const why = missing();
  if (why) return void t.skip(why);
  const f64 = trainUnder("native"); // bit-identical to ts (kernel-backends.test.ts), and faster
  const a = trainUnder("native-f32"), b = trainUnder("native-f32");
  assert.equal(a.sha, b.sha, "native-f32 is not reproducible");
  assert.notEqual(a.sha, f64.sha, "native-f32 learned float64's exact bytes: its products are not float32");
  const rel = (x: number, y: number): number => Math.abs(x - y) / y;
  assert.ok(f64.loss < 0.5 * f64.initial, `float64 training did not learn: ${f64.initial} → ${f64.loss}`);
  assert.ok(rel(a.loss, f64.loss) <= 1e-4, `training loss ${a.loss} vs float64 ${f64.loss}`);
  assert.ok(rel(a.heldOut, f64.heldOut) <= 1e-4, `held-out loss ${a.heldOut} vs float64 ${f64.heldOut}`);
});
