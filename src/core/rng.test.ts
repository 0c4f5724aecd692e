import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

test("same seed gives the same stream; different seeds differ", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 8 }, () => a.nextUint32());
  const xb = Array.from({ length: 8 }, () => b.nextUint32());
  const xc = Array.from({ length: 8 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("uniform() has mean 1/2 and variance 1/12 within 5 standard errors", () => {
  const rng = new Rng(1), n = 200_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { const u = rng.uniform(); assert.ok(u >= 0 && u < 1); s += u; s2 += u * u; }
  const mean = s / n, v = s2 / n - mean * mean;
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  assert.ok(Math.abs(v - 1 / 12) < 0.002, `variance ${v}`);
});

test("normal() has mean 0, variance 1 and normal tails", () => {
  const rng = new Rng(7), n = 200_000;
  let s = 0, s2 = 0, beyond2 = 0;
  for (let i = 0; i < n; i++) { const z = rng.normal(); s += z; s2 += z * z; if (Math.abs(z) > 2) beyond2++; }
  assert.ok(Math.abs(s / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
  // P(|Z| > 2) = 0.0455
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.003);
});

test("categorical() matches its weights (chi-square, 3 dof, p > 0.001)", () => {
  const rng = new Rng(3), w = [0.1, 0.2, 0.3, 0.4], n = 100_000, counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[rng.categorical(w)]!++;
  const chi2 = counts.reduce((acc, c, i) => acc + (c - n * w[i]!) ** 2 / (n * w[i]!), 0);
  assert.ok(chi2 < 16.27, `chi2 ${chi2}`);
  assert.throws(() => rng.categorical([0, 0]), RangeError);
});

test("int() is unbiased and in range; permutation() is a permutation", () => {
  const rng = new Rng(5), counts = new Array(7).fill(0);
  for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500);
  const p = Array.from(rng.permutation(50)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 50 }, (_, i) => i));
});

test("split() streams are reproducible and uncorrelated with the parent and each other", () => {
  const p1 = new Rng(9), p2 = new Rng(9);
  const [c1, d1] = p1.splitN(2), [c2] = p2.splitN(1);
  assert.equal(c1!.nextUint32(), c2!.nextUint32());
  const n = 50_000;
  let sxy = 0, sxz = 0;
  for (let i = 0; i < n; i++) {
    const x = c1!.uniform() - 0.5, y = d1!.uniform() - 0.5, z = p1.uniform() - 0.5;
    sxy += x * y; sxz += x * z;
  }
  // correlation of independent uniforms: sd ≈ 1/sqrt(n); cov = corr/12
  assert.ok(Math.abs((sxy / n) * 12) < 5 / Math.sqrt(n));
  assert.ok(Math.abs((sxz / n) * 12) < 5 / Math.sqrt(n));
});
