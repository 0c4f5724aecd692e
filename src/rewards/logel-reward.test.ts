import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { MLP } from "../nn/mlp.ts";
import { cloneUpdates, LOGEL_MUJOCO_DEFAULTS, logelFromHistory, logelFromPolicies, type GaussianPolicyParams, type LogelUpdateData } from "./logel-reward.ts";

/**
 * LOGEL's own setting in miniature: a known linear-feature reward r = ω*ᵀφ(s) on a 2-D point mass
 * (s′ = clip(s + 0.1 a, ±2), 20 steps from s₀ ~ U[−0.5, 0.5]²), φ four Gaussian bumps; the learner is a
 * Gaussian MLP policy (2 → 16 → 2 tanh, σ = 0.5 fixed) doing REINFORCE steps (whole-episode discounted return,
 * mean-return baseline — a different estimator from LOGEL's GPOMDP) of random size on its own episodes, which
 * are what the observer sees.
 */
const T = 20, D = 4, GAMMA = 0.99, LOG_STD = Math.log(0.5);
const CENTRES = [[1, 1], [-1, 1], [1, -1], [-1, -1]] as const;
const OMEGA_STAR = (() => { const w = [1, -0.6, 0.3, -0.8]; const n = Math.hypot(...w); return w.map((v) => v / n); })();

function phiOf(s: ArrayLike<number>, out: Float64Array, o: number): void {
  CENTRES.forEach(([cx, cy], j) => { out[o + j] = Math.exp(-((s[0]! - cx) ** 2 + (s[1]! - cy) ** 2) / (2 * 0.6 ** 2)); });
}

interface Batch extends LogelUpdateData { nextObs: Float64Array; returns: number[] }

/** M episodes of the policy; rows are (s_t, a_t) for t < T. */
function rollout(net: MLP, M: number, rng: Rng): Batch {
  const n = M * T, x = new Float64Array(n * 2), nextObs = new Float64Array(n * 2), actions = new Float64Array(n * 2), features = new Float64Array(n * D);
  const returns: number[] = [];
  for (let i = 0; i < M; i++) {
    const s = [rng.uniformIn(-0.5, 0.5), rng.uniformIn(-0.5, 0.5)];
    let R = 0;
    for (let t = 0; t < T; t++) {
      const row = i * T + t;
      x.set(s, row * 2);
      phiOf(s, features, row * D);
      let r = 0;
      for (let j = 0; j < D; j++) r += OMEGA_STAR[j]! * features[row * D + j]!;
      R += GAMMA ** t * r;
      const mu = net.forward(Float64Array.from(s), 1);
      for (let k = 0; k < 2; k++) {
        const a = mu[k]! + Math.exp(LOG_STD) * rng.normal();
        actions[row * 2 + k] = a;
        s[k] = Math.max(-2, Math.min(2, s[k]! + 0.1 * a));
      }
      nextObs.set(s, row * 2);
    }
    returns.push(R);
  }
  return { x, actions, features, n, nextObs, returns, segments: Array.from({ length: M }, (_, i) => ({ start: i * T, length: T })) };
}

/** REINFORCE: (1/M) Σ_i (R_i − R̄) Σ_t ∇ ln π(a_t|s_t). */
function reinforce(net: MLP, b: Batch): Float64Array {
  const M = b.returns.length, mean = b.returns.reduce((s, v) => s + v, 0) / M;
  const mu = net.forward(b.x, b.n), dOut = new Float64Array(b.n * 2);
  for (let row = 0; row < b.n; row++) {
    const adv = (b.returns[Math.floor(row / T)]! - mean) / M;
    for (let k = 0; k < 2; k++) dOut[row * 2 + k] = adv * (b.actions[row * 2 + k]! - mu[row * 2 + k]!) * Math.exp(-2 * LOG_STD);
  }
  net.zeroGrad();
  net.backward(dOut);
  return net.grads.slice();
}

/** K policies of the gradient learner and the batch each produced. */
function gradientLearner(K: number, M: number, seed: number): { policies: GaussianPolicyParams[]; batches: Batch[]; meanReturn: number[] } {
  const rng = new Rng(seed);
  const net = new MLP([2, 16, 2], { rng: rng.split(), outputGain: 0.1 });
  const policies: GaussianPolicyParams[] = [], batches: Batch[] = [], meanReturn: number[] = [];
  for (let k = 0; k < K; k++) {
    const b = rollout(net, M, rng);
    policies.push({ net: net.clone(), logStd: new Float64Array(2).fill(LOG_STD) });
    batches.push(b);
    meanReturn.push(b.returns.reduce((s, v) => s + v, 0) / M);
    const g = reinforce(net, b), gn = Math.hypot(...g);
    const step = 0.4 * rng.uniformIn(0.5, 1.5) / gn;
    for (let p = 0; p < g.length; p++) net.params[p] = net.params[p]! + step * g[p]!;
  }
  return { policies, batches, meanReturn };
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i]! * b[i]!; aa += a[i]! ** 2; bb += b[i]! ** 2; }
  return ab / Math.sqrt(aa * bb);
};

test("competence (LOGEL's first setting): given the gradient learner's parameters, GPOMDP Jacobians from its episodes and the alternating least squares recover ω* (cosine ≥ 0.9)", () => {
  const { policies, batches, meanReturn } = gradientLearner(10, 100, 1);
  assert.ok(meanReturn[9]! > meanReturn[0]!, `the learner improves: ${meanReturn[0]!.toFixed(2)} → ${meanReturn[9]!.toFixed(2)}`);
  const fit = logelFromPolicies(policies, batches, D, { gamma: GAMMA, iterations: 300 });
  const cos = cosine(fit.omega, OMEGA_STAR);
  console.log(`given θ: cos ${cos.toFixed(3)} residual ${fit.relativeResidual.toFixed(3)} α ${fit.stepSizes.map((a) => a.toFixed(2)).join(" ")}`);
  assert.ok(cos >= 0.9, `cosine(ω̂, ω*) = ${cos.toFixed(3)}`);
  assert.ok(fit.stepSizes.every((a) => a >= 0));
});

test("competence (trajectories only): warm-started behaviour clones of the same learner's episodes recover ω*", () => {
  const { batches } = gradientLearner(10, 100, 1);
  for (const [fitK, prox, s1, s2] of [["adam", 0, 1000, 1000], ["lbfgs", 0, 300, 300], ["lbfgs", 1e-3, 300, 300], ["lbfgs", 1e-2, 300, 300], ["lbfgs", 0, 300, 100]] as const) {
  const cfg = { ...LOGEL_MUJOCO_DEFAULTS, hidden: [16], cloneFit: fitK, cloneProx: prox, firstCloneSteps: s1, cloneSteps: s2 };
  const clones = cloneUpdates(batches, 2, 2, cfg, new Rng(5));
  const fit = logelFromPolicies(clones, batches, D, { gamma: GAMMA, iterations: 300 });
  const cos = cosine(fit.omega, OMEGA_STAR);
  console.log(`${fitK} ${prox} ${s1} ${s2} clones: cos ${cos.toFixed(3)} residual ${fit.relativeResidual.toFixed(3)} α ${fit.stepSizes.map((a) => a.toFixed(2)).join(" ")}`);
  }
});
