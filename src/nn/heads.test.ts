import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { Adam } from "./adam.ts";
import { DiagGaussian } from "./gaussian.ts";
import { bceWithLogitsLoss, mseLoss, ppoClipLoss } from "./losses.ts";
import { numericGrad, relError } from "./grad-check.ts";

const rng = new Rng(11);
const randn = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => s * rng.normal());

test("DiagGaussian: log-prob matches the density formula; gradient check for μ and log σ (incl. entropy term)", () => {
  const d = 3, batch = 4;
  const g = new DiagGaussian(d);
  g.logStd.set([-0.5, 0.2, 0.7]);
  const mean = randn(batch * d), actions = randn(batch * d);
  const lp = new Float64Array(batch);
  g.logProb(mean, actions, batch, lp);
  for (let i = 0; i < batch; i++) {
    let p = 1;
    for (let j = 0; j < d; j++) {
      const s = Math.exp(g.logStd[j]!);
      p *= Math.exp(-0.5 * ((actions[i * d + j]! - mean[i * d + j]!) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    }
    assert.ok(Math.abs(lp[i]! - Math.log(p)) < 1e-12);
  }
  const w = randn(batch);
  const entCoef = 0.3;
  const loss = (): number => {
    g.logProb(mean, actions, batch, lp);
    let s = 0;
    for (let i = 0; i < batch; i++) s += w[i]! * lp[i]!;
    return s + entCoef * g.entropy();
  };
  const dMean = new Float64Array(batch * d);
  g.logStdGrad.fill(0);
  g.backward(mean, actions, w, batch, dMean, entCoef);
  assert.ok(relError(dMean, numericGrad(mean, loss)) < 1e-6);
  assert.ok(relError(g.logStdGrad, numericGrad(g.logStd, loss)) < 1e-6);
});

test("DiagGaussian.sample has the right mean and std (z-test on 20k draws) and is reproducible", () => {
  const g = new DiagGaussian(2);
  g.logStd.set([Math.log(0.5), Math.log(2)]);
  const n = 20000;
  const mean = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) mean.set([1, -3], 2 * i);
  const out = new Float64Array(2 * n);
  g.sample(mean, n, new Rng(1), out);
  for (const [j, mu, sd] of [[0, 1, 0.5], [1, -3, 2]] as const) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) s += out[2 * i + j]!;
    const m = s / n;
    for (let i = 0; i < n; i++) s2 += (out[2 * i + j]! - m) ** 2;
    const sdHat = Math.sqrt(s2 / (n - 1));
    assert.ok(Math.abs(m - mu) < 4 * sd / Math.sqrt(n), `mean ${m}`);
    assert.ok(Math.abs(sdHat - sd) < 4 * sd / Math.sqrt(2 * n), `std ${sdHat}`);
  }
  const again = new Float64Array(2 * n);
  g.sample(mean, n, new Rng(1), again);
  assert.deepEqual(again, out);
});

test("losses: MSE, BCE-with-logits and the PPO clipped surrogate pass gradient checks (rel. error < 1e-6)", () => {
  const n = 7;
  const pred = randn(n), target = randn(n);
  const mse = mseLoss(pred, target, n, 0.5);
  assert.ok(relError(mse.grad, numericGrad(pred, () => mseLoss(pred, target, n, 0.5).loss)) < 1e-6);
  const logits = randn(n, 3), labels = Float64Array.from({ length: n }, (_, i) => (i % 3) / 2);
  const bce = bceWithLogitsLoss(logits, labels, n);
  assert.ok(relError(bce.grad, numericGrad(logits, () => bceWithLogitsLoss(logits, labels, n).loss)) < 1e-6);
  assert.ok(Math.abs(bceWithLogitsLoss(Float64Array.of(800), Float64Array.of(0), 1).loss - 800) < 1e-9, "stable for large logits");
  // PPO: ratios spread over clipped and unclipped regions, none within 1e-3 of a kink.
  const oldLogp = randn(n);
  const logp = Float64Array.from(oldLogp, (v, i) => v + [-0.5, -0.1, 0, 0.05, 0.4, 0.4, -0.3][i]!);
  const adv = Float64Array.from([1, -1, 0.5, -2, 1.5, -0.7, -0.3]);
  const r = ppoClipLoss(logp, oldLogp, adv, n, 0.2);
  assert.ok(relError(r.grad, numericGrad(logp, () => ppoClipLoss(logp, oldLogp, adv, n, 0.2).loss)) < 1e-6);
  assert.ok(r.grad.some((g) => g === 0) && r.grad.some((g) => g !== 0), "both clipped and unclipped entries");
  assert.equal(r.clipFraction, 4 / 7);
});

test("Adam clips the global norm across groups to maxGradNorm and refuses a non-finite gradient", () => {
  const a = { params: new Float64Array(2), grads: Float64Array.of(3, 0) };
  const b = { params: new Float64Array(1), grads: Float64Array.of(4) };
  const opt = new Adam([a, b], { lr: 0.1, maxGradNorm: 0.5 });
  assert.equal(opt.step(), 5);
  assert.ok(Math.abs(Math.hypot(a.grads[0]!, a.grads[1]!, b.grads[0]!) - 0.5) < 1e-6);
  b.grads[0] = NaN;
  const before = a.params.slice();
  assert.throws(() => opt.step("update 3, stage optimise"), /non-finite gradient norm NaN at update 3, stage optimise/);
  assert.deepEqual(a.params, before);
});
