/**
 * The fitting procedures of Algorithm 1's policy stages: early stopping keeps the best held-out step of a fit
 * that over-fits, and the closed-form Gaussian KL agrees with a Monte-Carlo estimate.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.ts";
import { fitGaussianEarlyStop, gaussianKl } from "./algorithm-1-fit.ts";
import { gaussianLogProb, gaussianNet } from "./algorithm-1-losses.ts";

test("early stopping keeps the weights of the best held-out score on a fit that over-fits", () => {
  // 100 pairs, 8-dim states, actions = 0.5·s_0 + unit noise: a 64-64 net at lr 1e-2 memorises the 80 training rows.
  const rng = new Rng(3), n = 100, D = 8, A = 2;
  const obs = Float64Array.from({ length: n * D }, () => rng.normal());
  const actions = Float64Array.from({ length: n * A }, (_, i) => 0.5 * obs[Math.floor(i / A) * D]! + rng.normal());
  const g = gaussianNet(D, A, [64, 64], new Rng(4));
  const scores: Array<[number, number]> = [];
  let trainLoss = NaN;
  const res = fitGaussianEarlyStop(g, obs, actions, n, { holdout: 0.2, every: 10, patience: 200, maxSteps: 3000, lr: 1e-2, onValidate: (t, s) => scores.push([t, s]) },
    new Rng(5), (t) => `step ${t}`, (_t, l) => (trainLoss = l));
  const [bestStep, bestScore] = scores.reduce((b, x) => (x[1] < b[1] ? x : b));
  assert.equal(res.bestStep, bestStep, "the kept step is the argmin of the held-out scores");
  assert.ok(res.bestStep > 0, "the fit improved on the initial weights");
  assert.ok(res.steps < 3000 && res.steps - res.bestStep >= 200, `stopped by patience (steps ${res.steps}, best ${res.bestStep})`);
  // It did over-fit: the held-out score at the stop is clearly worse than the best, and the training NLL is below the held-out NLL.
  assert.ok(scores[scores.length - 1]![1] > bestScore + 0.05, `held-out score rose after the best: ${bestScore} → ${scores[scores.length - 1]![1]}`);
  const halfLog2piE = 0.5 * (1 + Math.log(2 * Math.PI));
  assert.ok(trainLoss < res.loss, `training NLL ${trainLoss} < held-out NLL ${res.loss}`);
  // ln σ is set from the held-out residuals of the kept weights, so the reported loss is Σ ln σ_j + A·½ ln(2πe).
  const sumLogStd = Array.from(g.dist.logStd).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(res.loss - (sumLogStd + A * halfLog2piE)) < 1e-9);
  assert.ok(Math.abs(res.loss - (bestScore + A * halfLog2piE)) < 1e-9);
});

test("the exact Gaussian KL equals a Monte-Carlo estimate E_{a~p}[ln p(a|s) − ln q(a|s)], and is 0 at terminal states", () => {
  const D = 3, A = 2, states = 4, samples = 100_000;
  const p = gaussianNet(D, A, [16], new Rng(1)), q = gaussianNet(D, A, [16], new Rng(2));
  // Make the means differ visibly (the PPO init's output gain 0.01 makes them nearly 0) and the σ's differ.
  for (const [g, w] of [[p, 30], [q, -20]] as const) for (let i = 0; i < g.net.params.length; i++) g.net.params[i] *= i % 2 === 0 ? w : 1;
  p.dist.logStd.set([-0.3, 0.2]);
  q.dist.logStd.set([0.1, -0.4]);
  const rng = new Rng(7);
  const obs = Float64Array.from({ length: states * D }, () => rng.normal());
  const exact = gaussianKl(p, q, obs, states);
  const mean = Float64Array.from(p.net.forward(obs, states));
  for (let s = 0; s < states; s++) {
    const x = new Float64Array(samples * D), a = new Float64Array(samples * A);
    for (let i = 0; i < samples; i++) {
      x.set(obs.subarray(s * D, (s + 1) * D), i * D);
      for (let j = 0; j < A; j++) a[i * A + j] = mean[s * A + j]! + Math.exp(p.dist.logStd[j]!) * rng.normal();
    }
    const lp = gaussianLogProb(p, x, a, samples), lq = gaussianLogProb(q, x, a, samples);
    let m = 0, v = 0;
    for (let i = 0; i < samples; i++) m += (lp[i]! - lq[i]!) / samples;
    for (let i = 0; i < samples; i++) v += (lp[i]! - lq[i]! - m) ** 2 / (samples - 1);
    const se = Math.sqrt(v / samples);
    assert.ok(exact[s]! > 0.05, `a visible divergence at state ${s}: ${exact[s]}`);
    assert.ok(Math.abs(exact[s]! - m) < 4 * se, `state ${s}: exact ${exact[s]} vs Monte-Carlo ${m} ± ${se}`);
  }
  assert.deepEqual(Array.from(gaussianKl(p, q, obs, states, Float64Array.from([1, 0, 1, 0]))), [exact[0], 0, exact[2], 0]);
  assert.ok(Math.abs(gaussianKl(p, p, obs, states)[1]!) < 1e-12, "KL(p‖p) = 0");
});
