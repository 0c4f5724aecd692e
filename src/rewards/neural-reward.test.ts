// Analytic property of Algorithm 1's reward form (docs/table3.md, "What the paper's reward form allows"): with
// state-independent log-stds, r̄φ(s, ·) peaks at a = μφ(s) with the SAME value in every state, so on a fixed-horizon
// task the deterministic policy μφ maximises the return under r̄φ whatever the dynamics; a state term g(s) (the
// optional `rewardForm: "log-density+state"`) is what lets the per-state maximum vary.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../core/rng.ts";
import { MLP } from "../nn/mlp.ts";
import { applyObsNorm, fixedObsNorm, GaussianLogDensityReward } from "./neural-reward.ts";

const OBS = 5, ACT = 3, N = 64;

function setup(seed: number): { rng: Rng; net: MLP; logStd: number[]; obs: Float64Array; norm: ReturnType<typeof fixedObsNorm> } {
  const rng = new Rng(seed);
  const net = new MLP([OBS, 16, ACT], { rng: rng.split() });
  const logStd = Array.from({ length: ACT }, () => 0.5 * rng.normal() - 0.5);
  const obs = Float64Array.from({ length: N * OBS }, () => 2 * rng.normal());
  return { rng, net, logStd, obs, norm: fixedObsNorm(obs, N, OBS) };
}

/** r(s_i, a_i) for the given actions. */
function rewards(r: GaussianLogDensityReward, obs: Float64Array, actions: Float64Array): Float64Array {
  return r.evaluate({ n: N, obs, actions, nextObs: obs, terminated: new Uint8Array(N) });
}

test("r̄φ = scale·(ln N(a; μφ(s), σ²) − shift): the per-state maximum is at μφ(s) and is the same number in every state", () => {
  const { rng, net, logStd, obs, norm } = setup(1);
  const shift = -1.3, scale = 0.7;
  const r = new GaussianLogDensityReward(net, logStd, norm, { shift, scale });
  const mu = net.forward(applyObsNorm(r.norm, obs, N), N);
  const atMean = rewards(r, obs, mu);
  const peak = scale * (logStd.reduce((s, l) => s - l, 0) - (ACT / 2) * Math.log(2 * Math.PI) - shift);
  for (let i = 0; i < N; i++) assert.ok(Math.abs(atMean[i]! - peak) < 1e-12, `state ${i}: ${atMean[i]} vs ${peak}`);
  // Any other action scores less, in every state.
  for (let trial = 0; trial < 5; trial++) {
    const other = Float64Array.from(mu, (m) => m + 0.3 * rng.normal());
    const rr = rewards(r, obs, other);
    for (let i = 0; i < N; i++) assert.ok(rr[i]! < peak, `state ${i}: ${rr[i]} ≥ ${peak}`);
  }
});

test("with a state term g(s) the per-state maximum varies with the state (what the paper's form cannot express)", () => {
  const { rng, net, logStd, obs, norm } = setup(2);
  const state = new MLP([OBS, 16, 1], { rng: rng.split(), outputGain: 1 });
  const r = new GaussianLogDensityReward(net, logStd, norm, { state });
  const x = applyObsNorm(r.norm, obs, N);
  const atMean = rewards(r, obs, net.forward(x, N));
  const g = state.forward(x, N);
  const peak0 = logStd.reduce((s, l) => s - l, 0) - (ACT / 2) * Math.log(2 * Math.PI);
  for (let i = 0; i < N; i++) assert.ok(Math.abs(atMean[i]! - (peak0 + g[i]!)) < 1e-12);
  assert.ok(Math.max(...atMean) - Math.min(...atMean) > 0.1, "the maxima differ across states");
});
