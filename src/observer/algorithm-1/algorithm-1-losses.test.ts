import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.ts";
import { MLP } from "../../nn/mlp.ts";
import { numericGrad, relError } from "../../nn/grad-check.ts";
import { consistencyLoss, gaussianMlLoss, gaussianNet, headRegressionLoss, shapingPairs } from "./algorithm-1-losses.ts";

const rng = new Rng(11);
const randn = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => s * rng.normal());

test("gaussianMlLoss: analytic gradient (mean net and log-std, with entropy bonus) matches finite differences", () => {
  const n = 7, D = 3, A = 2;
  const g = gaussianNet(D, A, [5], new Rng(1));
  g.net.params.set(randn(g.net.params.length, 0.5));
  g.dist.logStd.set([0.3, -0.4]);
  const x = randn(n * D), a = randn(n * A);
  g.net.zeroGrad();
  g.dist.logStdGrad.fill(0);
  gaussianMlLoss(g, x, a, n, 0.05);
  const f = (): number => gaussianMlLoss(g, x, a, n, 0.05);
  const gNet = g.net.grads.slice(), gStd = g.dist.logStdGrad.slice();
  assert.ok(relError(gNet, numericGrad(g.net.params, f)) < 1e-6);
  assert.ok(relError(gStd, numericGrad(g.dist.logStd, f)) < 1e-6);
});

test("headRegressionLoss: gradient matches finite differences; only each row's own head is fitted", () => {
  const n = 9, D = 3, H = 3;
  const net = new MLP([D, 6, H], { rng: new Rng(2) });
  const x = randn(n * D), target = randn(n), weight = randn(n).map(Math.abs);
  const head = Int32Array.from({ length: n }, (_, i) => i % H);
  net.zeroGrad();
  headRegressionLoss(net, x, head, weight, target, n);
  const analytic = net.grads.slice();
  const numeric = numericGrad(net.params, () => headRegressionLoss(net, x, head, weight, target, n));
  assert.ok(relError(analytic, numeric) < 1e-6);
  // The output row of an unused head gets no gradient.
  const onlyHead0 = new Int32Array(n);
  net.zeroGrad();
  headRegressionLoss(net, x, onlyHead0, weight, target, n);
  const outLayer = net.layers[1]!;
  for (let j = 0; j < 6; j++) assert.equal(outLayer.weightGrad[1 * 6 + j], 0);
});

test("shapingPairs: s′ is each row's OWN next_obs (never the next row's obs); continuing rows are reused; terminal s′ has discount 0", () => {
  const D = 2;
  // Rows 0→1 continue (obs[1] = next_obs[0]); row 1's next_obs differs from obs[2] (a reset); row 2 is the last
  // of head 0 and row 3 (head 1) happens to start at row 2's next_obs: heads differ, so no reuse; row 3 terminal.
  const obs = Float64Array.from([0, 0, 1, 1, 5, 5, 2, 2]);
  const nextObs = Float64Array.from([1, 1, 9, 9, 2, 2, 7, 7]);
  const head = Int32Array.from([0, 0, 0, 1]);
  const notTerminal = Float64Array.from([1, 1, 1, 0]);
  const p = shapingPairs(obs, nextObs, head, notTerminal, 0.9, 4, D);
  assert.deepEqual(Array.from(p.nextRow), [1, 4, 5, 6]);
  assert.equal(p.rows, 7);
  for (let i = 0; i < 4; i++) {
    const j = p.nextRow[i]!;
    assert.deepEqual(Array.from(p.inputs.subarray(j * D, (j + 1) * D)), Array.from(nextObs.subarray(i * D, (i + 1) * D)), `row ${i}`);
  }
  assert.deepEqual(Array.from(p.discount), [0.9, 0.9, 0.9, 0]);
});

test("consistencyLoss: gradient w.r.t. r_φ (mean net, log-std) and ψ matches finite differences (reused rows, terminal rows, ψ scale)", () => {
  const n = 8, D = 3, A = 2, H = 2;
  const r = gaussianNet(D, A, [4], new Rng(3));
  r.net.params.set(randn(r.net.params.length, 0.5));
  r.dist.logStd.set([0.2, -0.1]);
  const psi = new MLP([D, 5, H], { rng: new Rng(4) });
  const obs = randn(n * D), actions = randn(n * A), nextObs = randn(n * D);
  for (const i of [0, 1, 4]) nextObs.set(obs.subarray((i + 1) * D, (i + 2) * D), i * D); // continuing rows
  const head = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
  const notTerminal = Float64Array.from([1, 1, 0, 1, 1, 1, 0, 1]);
  const pairs = shapingPairs(obs, nextObs, head, notTerminal, 0.9, n, D);
  assert.ok(pairs.rows < 2 * n);
  const weight = new Float64Array(n).fill(1 / 4), target = randn(n);
  const f = (): number => consistencyLoss(r, psi, obs, actions, pairs, weight, target, n, undefined, 2.5);
  for (const net of [r.net, psi]) net.zeroGrad();
  r.dist.logStdGrad.fill(0);
  f();
  const gR = r.net.grads.slice(), gS = r.dist.logStdGrad.slice(), gPsi = psi.grads.slice();
  assert.ok(relError(gR, numericGrad(r.net.params, f)) < 1e-6);
  assert.ok(relError(gS, numericGrad(r.dist.logStd, f)) < 1e-6);
  assert.ok(relError(gPsi, numericGrad(psi.params, f)) < 1e-6);
  // Against a direct evaluation of Eq. 5 with s′ from next_obs and f(terminal s′) = 0.
  const residual = new Float64Array(n);
  consistencyLoss(r, psi, obs, actions, pairs, weight, target, n, residual, 2.5);
  const lp = new Float64Array(n);
  r.dist.logProb(r.net.forward(obs, n), actions, n, lp);
  const fs = psi.forward(obs, n).slice(), fn = psi.forward(nextObs, n).slice();
  for (let i = 0; i < n; i++) {
    const k = head[i]!;
    const e = lp[i]! + 2.5 * fs[i * H + k]! - 0.9 * notTerminal[i]! * 2.5 * fn[i * H + k]! - target[i]!;
    assert.ok(Math.abs(e - residual[i]!) < 1e-12, `row ${i}: ${e} vs ${residual[i]}`);
  }
});

test("gaussianMlLoss in chunks (c = 1/total, λ on one chunk) sums to the whole batch's loss and gradient", () => {
  const n = 10, D = 2, A = 2;
  const g = gaussianNet(D, A, [4], new Rng(5));
  g.net.params.set(randn(g.net.params.length, 0.5));
  const x = randn(n * D), a = randn(n * A);
  const whole = (): [number, Float64Array, Float64Array] => {
    g.net.zeroGrad();
    g.dist.logStdGrad.fill(0);
    const l = gaussianMlLoss(g, x, a, n, 0.1);
    return [l, g.net.grads.slice(), g.dist.logStdGrad.slice()];
  };
  const [l1, gn1, gs1] = whole();
  g.net.zeroGrad();
  g.dist.logStdGrad.fill(0);
  const l2 = gaussianMlLoss(g, x.subarray(0, 4 * D), a.subarray(0, 4 * A), 4, 0.1, 1 / n) + gaussianMlLoss(g, x.subarray(4 * D), a.subarray(4 * A), 6, 0, 1 / n);
  assert.ok(Math.abs(l1 - l2) < 1e-12);
  assert.ok(relError(gn1, g.net.grads) < 1e-12);
  assert.ok(relError(gs1, g.dist.logStdGrad) < 1e-12);
});
