import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.ts";
import { MLP } from "../../nn/mlp.ts";
import { fitConsistencyEarlyStop, heldOutConsistencyLoss, holdoutSplit, shiftPotentials, type ConsistencyEarlyStopOptions } from "./algorithm-1-consistency.ts";
import type { StackedImprovements } from "./algorithm-1-data.ts";
import { consistencyLoss, consistencyResiduals, gaussianNet, shapingPairs } from "./algorithm-1-losses.ts";

const D = 3, A = 2;

/** Stacked rows of K − 1 = sizes.length improvements: trajectories of a noisy linear system, a terminal row every 7th. */
function stacked(sizes: number[], seed: number): { st: StackedImprovements; target: Float64Array } {
  const rng = new Rng(seed);
  const M = sizes.reduce((s, n) => s + n, 0);
  const sS = new Float64Array(M * D), sNext = new Float64Array(M * D), aS = new Float64Array(M * A);
  const head = new Int32Array(M), weight = new Float64Array(M), notTerm = new Float64Array(M), target = new Float64Array(M);
  let s = [0.1, -0.2, 0.3];
  for (let k = 0, i = 0; k < sizes.length; k++) {
    for (let r = 0; r < sizes[k]!; r++, i++) {
      head[i] = k;
      weight[i] = 1 / sizes[k]!;
      sS.set(s, i * D);
      const a = [0.5 * s[0]! + 0.3 * rng.normal(), -0.4 * s[1]! + 0.3 * rng.normal()];
      aS.set(a, i * A);
      s = [0.9 * s[0]! + 0.1 * a[0]!, 0.9 * s[1]! + 0.1 * a[1]!, 0.8 * s[2]! + 0.1 * rng.normal()];
      sNext.set(s, i * D);
      notTerm[i] = (i + 1) % 7 === 0 ? 0 : 1;
      target[i] = -(s[0]! ** 2) - 0.5 * a[0]! ** 2 + 0.2 * k + 0.1 * rng.normal();
      if (notTerm[i] === 0) s = [rng.normal(), rng.normal(), rng.normal()];
    }
  }
  return { st: { M, head, weight, sS, sNext, aS, notTerm }, target };
}

test("consistencyResiduals: the residuals and loss of consistencyLoss bit for bit (state term, ψ scale, terminal rows), no gradient", () => {
  const sizes = [9, 8];
  const { st, target } = stacked(sizes, 1);
  const r = gaussianNet(D, A, [5], new Rng(2));
  r.net.params.set(r.net.params.map((x, i) => x + 0.1 * Math.sin(i)));
  r.dist.logStd.set([0.2, -0.3]);
  const psi = new MLP([D, 6, 2], { rng: new Rng(3) }), state = new MLP([D, 4, 1], { rng: new Rng(4) });
  const pairs = shapingPairs(st.sS, st.sNext, st.head, st.notTerm, 0.95, st.M, D);
  const e1 = new Float64Array(st.M), e2 = new Float64Array(st.M);
  const l1 = consistencyLoss(r, psi, st.sS, st.aS, pairs, st.weight, target, st.M, e1, 1.7, { state });
  for (const net of [r.net, psi, state]) net.zeroGrad();
  const l2 = consistencyResiduals(r, psi, st.sS, st.aS, pairs, st.weight, target, st.M, e2, 1.7, { state });
  assert.equal(l2, l1);
  assert.deepEqual(Array.from(e2), Array.from(e1));
  for (const net of [r.net, psi, state]) assert.ok(net.grads.every((g) => g === 0));
});

test("holdoutSplit: per Dk, disjoint increasing held-out and training rows covering Dk, round(holdout·|Dk|) held out", () => {
  const sizes = [10, 1, 7, 2];
  const { train, val } = holdoutSplit(sizes, 0.2, new Rng(5));
  for (let k = 0, off = 0; k < sizes.length; off += sizes[k]!, k++) {
    const all = [...train[k]!, ...val[k]!].sort((x, y) => x - y);
    assert.deepEqual(all, Array.from({ length: sizes[k]! }, (_, i) => off + i), `D${k}`);
    for (const xs of [train[k]!, val[k]!]) for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! > xs[i - 1]!);
  }
  assert.deepEqual(val.map((x) => x.length), [2, 0, 1, 1]);
});

function fit(seed: number, targetOverride?: (target: Float64Array, val: Int32Array[]) => void, opts: Partial<ConsistencyEarlyStopOptions> = {}) {
  const sizes = [40, 30];
  const { st, target } = stacked(sizes, 6);
  const o: ConsistencyEarlyStopOptions = { holdout: 0.25, batch: 16, every: 5, patience: 40, maxSteps: 400, lr: 3e-2, gamma: 0.9, psiScale: 1, ...opts };
  targetOverride?.(target, holdoutSplit(sizes, o.holdout, new Rng(seed)).val);
  const r = gaussianNet(D, A, [16], new Rng(7)), psi = new MLP([D, 16, 2], { rng: new Rng(8), hiddenGain: 5 / 3 });
  const scores: Array<[number, number]> = [], losses: number[] = [];
  const residual = new Float64Array(st.M);
  const res = fitConsistencyEarlyStop(r, psi, {}, st, target, sizes, { ...o, onValidate: (t, s) => scores.push([t, s]) }, new Rng(seed), residual, (t) => `step ${t}`, (_t, l) => losses.push(l));
  return { res, scores, losses, r, psi, residual, st, target, sizes };
}

test("fitConsistencyEarlyStop: keeps the weights of the best held-out score, stops by patience, reports the loss over all rows at them", () => {
  const { res, scores, losses, r, psi, residual, st, target } = fit(9);
  const best = scores.reduce((a, b) => (b[1] < a[1] ? b : a));
  assert.deepEqual([res.bestStep, res.heldOutLoss], best);
  assert.ok(res.steps < 400 && res.steps - res.bestStep >= 40, `stopped at ${res.steps}, best ${res.bestStep}`);
  assert.ok(res.bestStep > 0 && scores[scores.length - 1]![1] > res.heldOutLoss, "the held-out score rose after the kept step");
  assert.equal(losses.length, res.steps);
  // The kept weights are in place: the loss and residuals over all rows recomputed from the networks agree.
  const e = new Float64Array(st.M);
  const all = consistencyResiduals(r, psi, st.sS, st.aS, shapingPairs(st.sS, st.sNext, st.head, st.notTerm, 0.9, st.M, D), st.weight, target, st.M, e);
  assert.ok(Math.abs(all - res.loss) < 1e-12 * Math.max(1, all));
  for (let i = 0; i < st.M; i++) assert.ok(Math.abs(e[i]! - residual[i]!) < 1e-12, `row ${i}`);
  assert.ok(r.net.grads.every((g) => g === 0) && psi.grads.every((g) => g === 0), "gradients left at 0");
});

test("fitConsistencyEarlyStop: training never reads the held-out pairs; same seed, same result", () => {
  const a = fit(10), b = fit(10);
  assert.deepEqual(b.losses, a.losses);
  assert.deepEqual(b.res, a.res);
  // Held-out targets moved: every training step's loss is unchanged (only the scores, hence the stopping, can differ).
  const c = fit(10, (target, val) => { for (const rows of val) for (const i of rows) target[i] += 3; }, { patience: 1000, maxSteps: 60 });
  const d = fit(10, undefined, { patience: 1000, maxSteps: 60 });
  assert.deepEqual(c.losses, d.losses);
  assert.notDeepEqual(c.scores, d.scores);
});

test("heldOutConsistencyLoss: with the fit's rng state, the early-stopped fit's held-out score at the kept weights, bit for bit; other rows, another value", () => {
  const { res, r, psi, st, target, sizes } = fit(11);
  assert.equal(heldOutConsistencyLoss(r, psi, {}, st, target, sizes, 0.25, 0.9, 1, new Rng(11)), res.heldOutLoss);
  assert.notEqual(heldOutConsistencyLoss(r, psi, {}, st, target, sizes, 0.25, 0.9, 1, new Rng(12)), res.heldOutLoss);
});

test("shiftPotentials: each head's bias moves to its least-squares optimum (Σ w e (1 − discount) = 0 per head after), the loss does not rise", () => {
  const sizes = [30, 25];
  const { st, target } = stacked(sizes, 13);
  for (let i = 0; i < st.M; i++) target[i] += 2 + st.head[i]!; // constant offsets per improvement
  const r = gaussianNet(D, A, [8], new Rng(14)), psi = new MLP([D, 8, 2], { rng: new Rng(15) });
  const pairs = shapingPairs(st.sS, st.sNext, st.head, st.notTerm, 0.9, st.M, D);
  const batch = { n: st.M, head: st.head, weight: st.weight, pairs };
  const e = new Float64Array(st.M);
  const before = consistencyResiduals(r, psi, st.sS, st.aS, pairs, st.weight, target, st.M, e, 1.3);
  shiftPotentials(psi, [batch], [e], 1.3);
  const after = consistencyResiduals(r, psi, st.sS, st.aS, pairs, st.weight, target, st.M, e, 1.3);
  assert.ok(after < before, `${after} < ${before}`);
  for (let k = 0; k < 2; k++) {
    let g = 0;
    for (let i = 0; i < st.M; i++) if (st.head[i] === k) g += st.weight[i]! * e[i]! * (1 - pairs.discount[i]!);
    assert.ok(Math.abs(g) < 1e-9, `head ${k}: ${g}`);
  }
});

test("fitConsistencyEarlyStop with shift 'closed-form': a lower held-out loss than Adam alone on targets with a large constant offset", () => {
  const offset = (target: Float64Array): void => { for (let i = 0; i < target.length; i++) target[i] -= 5; };
  const o = { maxSteps: 100, patience: 1000, gamma: 0.99, lr: 1e-3 };
  const plain = fit(16, offset, o), shifted = fit(16, offset, { ...o, shift: "closed-form" });
  // (every 7th s′ of the fixture is terminal, where a constant potential counts fully, so it absorbs only part of the offset)
  assert.ok(shifted.res.heldOutLoss < 0.9 * plain.res.heldOutLoss, `${shifted.res.heldOutLoss} vs ${plain.res.heldOutLoss}`);
});
