import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import type { RewardFn, TransitionBatch } from "../rewards/reward-fn.ts";
import { canonicalizeTabular, epicDistanceSampled, epicDistanceTabular } from "./epic-distance.ts";

const nS = 4, nA = 3, gamma = 0.9;
const rng = new Rng(7);
const R = Float64Array.from({ length: nS * nA * nS }, () => rng.normal());
const phi = Float64Array.from({ length: nS }, () => 5 * rng.normal());
/** a·R + γΦ(s′) − Φ(s). */
const shaped = (r: Float64Array, a: number, p: Float64Array): Float64Array =>
  r.map((v, i) => a * v + gamma * p[i % nS]! - p[Math.floor(i / (nA * nS))]!);
const opts = { nS, nA, gamma };

test("tabular EPIC: 0 for R itself and for a·R + potential shaping (exactly), 1 for −R, symmetric", () => {
  assert.equal(epicDistanceTabular(R, R, opts).distance, 0);
  const d = epicDistanceTabular(R, shaped(R, 3.5, phi), opts);
  assert.ok(d.distance < 1e-7 && Math.abs(d.rho - 1) < 1e-14, `${d.distance}`);
  // Canonicalisation removes the shaping exactly (up to round-off): C(aR + shaping) = a·C(R).
  const c = canonicalizeTabular(R, opts), cs = canonicalizeTabular(shaped(R, 3.5, phi), opts);
  cs.forEach((v, i) => assert.ok(Math.abs(v - 3.5 * c[i]!) < 1e-12));
  assert.ok(Math.abs(epicDistanceTabular(R, R.map((v) => -v), opts).distance - 1) < 1e-7);
  const other = Float64Array.from({ length: R.length }, () => rng.normal());
  const ab = epicDistanceTabular(R, other, opts), ba = epicDistanceTabular(other, R, opts);
  assert.equal(ab.distance, ba.distance);
  assert.ok(ab.distance > 0.3 && ab.distance < 1);
  // Shaping one side does not move the distance to a third reward.
  assert.ok(Math.abs(epicDistanceTabular(shaped(R, 0.2, phi), other, opts).distance - ab.distance) < 1e-12);
});

test("tabular EPIC on a hand-computed example (γ = 0, uniform D): r = a vs r = a + [a ≠ s]", () => {
  // nS = 2, nA = 2, r[s, a]. With γ = 0, C(R)(s, a, s′) = R(s, a) − E_A R(s, A).
  // C(a) = a − ½ and C([a ≠ s]) = [a ≠ s] − ½ are uncorrelated (EPIC √½); their sum has ρ = 1/√2 with C(a).
  const o = { nS: 2, nA: 2, gamma: 0 };
  const rA = [0, 1, 0, 1], rXor = [0, 1, 1, 0], rSum = [0, 2, 1, 1];
  assert.ok(Math.abs(epicDistanceTabular(rA, rXor, o).distance - Math.sqrt(0.5)) < 1e-15);
  assert.ok(Math.abs(epicDistanceTabular(rA, rSum, o).distance - Math.sqrt((1 - Math.SQRT1_2) / 2)) < 1e-15);
  // A reward of the state alone is pure shaping at γ = 0 (Φ = −r): equivalent to 0, and to any other such reward.
  assert.deepEqual(epicDistanceTabular([1, 1, 5, 5], [0, 0, -2, -2], o), { distance: 0, rho: 1 });
  assert.throws(() => epicDistanceTabular([1, 1, 5, 5], rA, o), /constant/);
});

test("tabular EPIC with γ > 0: r[s, a] and r[s, a, s′] layouts agree, and D_S, D_A, coverage are honoured", () => {
  const rSA = Float64Array.from({ length: nS * nA }, () => rng.normal());
  const expanded = Float64Array.from({ length: nS * nA * nS }, (_, i) => rSA[Math.floor(i / nS)]!);
  const other = Float64Array.from({ length: R.length }, () => rng.normal());
  const dS = [0.1, 0.2, 0.3, 0.4], dA = [0.5, 0.25, 0.25];
  const o = { ...opts, stateDist: dS, actionDist: dA };
  assert.equal(epicDistanceTabular(rSA, other, o).distance, epicDistanceTabular(expanded, other, o).distance);
  // Shaping invariance holds under any D_S, D_A and any coverage D.
  const coverage = Float64Array.from({ length: R.length }, () => rng.uniform());
  assert.ok(epicDistanceTabular(R, shaped(R, 0.01, phi), { ...o, coverage }).distance < 1e-6);
  assert.notEqual(epicDistanceTabular(R, other, { ...o, coverage }).distance, epicDistanceTabular(R, other, o).distance);
  assert.throws(() => epicDistanceTabular(R, other, { ...opts, stateDist: [1, 1] }), /stateDist has 2 entries/);
  assert.throws(() => epicDistanceTabular([1, 2], other, opts), /rA has 2 entries/);
});

/** A tabular reward seen as a RewardFn over one-hot states and one-hot actions. */
function oneHotReward(r: Float64Array, name: string): RewardFn {
  const idx = (x: Float64Array, off: number, n: number): number => {
    for (let i = 0; i < n; i++) if (x[off + i] === 1) return i;
    throw new Error("not one-hot");
  };
  return {
    name, obsDim: nS, actDim: nA,
    evaluate: (b: TransitionBatch) => Float64Array.from({ length: b.n }, (_, i) => r[(idx(b.obs, i * nS, nS) * nA + idx(b.actions, i * nA, nA)) * nS + idx(b.nextObs, i * nS, nS)]!),
  };
}

function oneHots(ids: number[], n: number): Float64Array {
  const out = new Float64Array(ids.length * n);
  ids.forEach((id, i) => (out[i * n + id] = 1));
  return out;
}

test("sample-based EPIC equals the exact tabular value when the samples enumerate the distributions", () => {
  const other = Float64Array.from({ length: R.length }, () => rng.normal());
  // Transitions: every (s, a, s′) once (uniform coverage); (A, S′) samples: every (a, x) pair once (uniform D_A × D_S).
  const sIds: number[] = [], aIds: number[] = [], nIds: number[] = [];
  for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) for (let y = 0; y < nS; y++) (sIds.push(s), aIds.push(a), nIds.push(y));
  const transitions: TransitionBatch = { n: sIds.length, obs: oneHots(sIds, nS), actions: oneHots(aIds, nA), nextObs: oneHots(nIds, nS), terminated: new Uint8Array(sIds.length) };
  const pairA: number[] = [], pairS: number[] = [];
  for (let a = 0; a < nA; a++) for (let x = 0; x < nS; x++) (pairA.push(a), pairS.push(x));
  const samples = { gamma, transitions, states: oneHots(pairS, nS), actions: oneHots(pairA, nA), maxBatch: 20 };
  const sampled = epicDistanceSampled(oneHotReward(R, "R"), oneHotReward(other, "other"), samples);
  assert.ok(Math.abs(sampled.distance - epicDistanceTabular(R, other, opts).distance) < 1e-12);
  assert.equal(sampled.n, nS * nA * nS);
  assert.equal(sampled.m, nA * nS);
});

test("sample-based EPIC on a continuous reward: 0 under scaling + shaping, 1 under negation, symmetric", () => {
  const obsDim = 3, actDim = 2;
  const base: RewardFn = {
    name: "base", obsDim, actDim,
    evaluate: (b) => Float64Array.from({ length: b.n }, (_, i) => {
      const s = b.obs.subarray(i * obsDim, (i + 1) * obsDim), a = b.actions.subarray(i * actDim, (i + 1) * actDim), y = b.nextObs.subarray(i * obsDim, (i + 1) * obsDim);
      return Math.sin(s[0]!) * a[0]! - a[1]! * a[1]! + y[2]! * s[1]! + (b.terminated[i] ? -1 : 0);
    }),
  };
  const pot = (x: Float64Array): number => x[0]! * x[0]! - 2 * Math.cos(x[1]! + x[2]!);
  const transform = (name: string, scale: number, shaping: number): RewardFn => ({
    name, obsDim, actDim,
    evaluate: (b) => {
      const r = base.evaluate(b);
      return r.map((v, i) => scale * v + shaping * (gamma * pot(b.nextObs.subarray(i * obsDim, (i + 1) * obsDim)) - pot(b.obs.subarray(i * obsDim, (i + 1) * obsDim))));
    },
  });
  const g = new Rng(99);
  const n = 300, M = 64;
  const draw = (k: number): Float64Array => Float64Array.from({ length: k }, () => g.normal());
  const transitions: TransitionBatch = { n, obs: draw(n * obsDim), actions: draw(n * actDim), nextObs: draw(n * obsDim), terminated: Uint8Array.from({ length: n }, (_, i) => (i % 50 === 49 ? 1 : 0)) };
  const samples = { gamma, transitions, states: draw(M * obsDim), actions: draw(M * actDim), maxBatch: 1000 };
  assert.ok(epicDistanceSampled(base, base, samples).distance < 1e-7);
  assert.ok(epicDistanceSampled(base, transform("shaped", 2.5, 1), samples).distance < 1e-6);
  assert.ok(Math.abs(epicDistanceSampled(base, transform("negated", -1, 0), samples).distance - 1) < 1e-7);
  const noisy = transform("other", 1, 0);
  const other: RewardFn = { ...noisy, name: "other", evaluate: (b) => noisy.evaluate(b).map((v, i) => v + Math.cos(7 * b.actions[i * actDim]!)) };
  const ab = epicDistanceSampled(base, other, samples).distance, ba = epicDistanceSampled(other, base, samples).distance;
  assert.equal(ab, ba);
  assert.ok(ab > 0.05 && ab < 0.9, `${ab}`);
  assert.throws(() => epicDistanceSampled(base, base, { ...samples, actions: draw(5) }), /need M·3 and M·2/);
});
