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

test("trajectories only (LOGEL's second setting): warm-started clones give α_t ≥ 0, |ω| = 1, the same fit for the same seed — and do NOT recover ω* here (measured, not asserted as a competence)", () => {
  const { batches } = gradientLearner(10, 100, 1);
  const cfg = { ...LOGEL_MUJOCO_DEFAULTS, hidden: [16], firstCloneSteps: 1000, cloneSteps: 1000 };
  const fitOf = (seed: number) => logelFromPolicies(cloneUpdates(batches, 2, 2, cfg, new Rng(seed)), batches, D, { gamma: GAMMA, iterations: 300 });
  const fit = fitOf(5);
  assert.ok(fit.stepSizes.every((a) => a >= 0));
  assert.ok(Math.abs(Math.hypot(...fit.omega) - 1) < 1e-12);
  assert.deepEqual([...fitOf(5).omega], [...fit.omega], "deterministic per seed");
  // Measured at this commit: cosine 0.477, relative residual 0.806 — the clones' parameter differences are
  // dominated by cloning noise, not by the learner's gradient step (docs/baselines.md §4b).
  console.log(`clones: cos ${cosine(fit.omega, OMEGA_STAR).toFixed(3)} residual ${fit.relativeResidual.toFixed(3)}`);
});

/** The same learner's episodes as a history file's columns (Box spaces, rewards NaN: LOGEL must never read them). */
function asHistory(batches: readonly Batch[]): HistoryColumns {
  const n = batches.reduce((s, b) => s + b.n, 0), cat = (f: (b: Batch) => Float64Array) => { const out = new Float64Array(batches.reduce((s, b) => s + f(b).length, 0)); let o = 0; for (const b of batches) { out.set(f(b), o); o += f(b).length; } return out; };
  const update = new Float64Array(n), episode = new Float64Array(n), truncated = new Uint8Array(n);
  let row = 0;
  batches.forEach((b, k) => { for (let i = 0; i < b.n; i++, row++) { update[row] = k; episode[row] = k * 1000 + Math.floor(i / T); truncated[row] = i % T === T - 1 ? 1 : 0; } });
  return {
    meta: { envId: "point-mass", learner: "reinforce", observationSpace: { kind: "box", dim: 2 } as never, actionSpace: { kind: "box", dim: 2 } as never },
    updates: batches.map((_, k) => k), n, obs: cat((b) => b.x), nextObs: cat((b) => b.nextObs), actions: cat((b) => b.actions),
    rewards: new Float64Array(n).fill(NaN), terminated: new Uint8Array(n), truncated, update, episode,
  };
}

test("logelFromHistory (the Table 3 method's path): T-REX features, clones, Jacobians on a window; standardised over the window, deterministic per seed, env rewards never read; bad inputs give one stable code", () => {
  const { batches } = gradientLearner(4, 20, 2);
  const c = asHistory(batches);
  const config = { hidden: [8], firstCloneSteps: 50, cloneSteps: 20, trex: { steps: 30, snippetLength: 10 } };
  const stages = new Set<string>();
  const r = logelFromHistory(c, [1, 2, 3], { seed: 9, config, onProgress: (s) => stages.add(s) });
  assert.deepEqual([...stages].sort(), ["clones", "jacobians", "t-rex features"]);
  assert.equal(r.fit.stepSizes.length, 2, "3 observed updates → 2 pairs");
  assert.ok(r.fit.stepSizes.every((a) => a >= 0) && Math.abs(Math.hypot(...r.omega) - 1) < 1e-12);
  const rows = c.n - batches[0]!.n, off = batches[0]!.n;
  const v = r.evaluate({ n: rows, obs: c.obs.subarray(off * 2), actions: c.actions.subarray(off * 2), nextObs: c.nextObs.subarray(off * 2), terminated: new Uint8Array(rows) });
  const mean = v.reduce((s, x) => s + x, 0) / rows, sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / rows);
  assert.ok(v.every(Number.isFinite) && Math.abs(mean) < 1e-9 && Math.abs(sd - 1) < 1e-9, `standardised over the window: mean ${mean}, sd ${sd}`);
  assert.deepEqual([...logelFromHistory(c, [1, 2, 3], { seed: 9, config }).omega], [...r.omega], "same seed → same ω");
  assert.throws(() => logelFromHistory(c, [2], { seed: 9, config }), (e: Error & { code?: string }) => e.code === "E_INVALID_HISTORY");
  const discrete = { ...c, meta: { ...c.meta, actionSpace: { kind: "discrete", n: 4 } as never } };
  assert.throws(() => logelFromHistory(discrete, [1, 2, 3], { seed: 9, config }), (e: Error & { code?: string }) => e.code === "E_INVALID_HISTORY");
});
