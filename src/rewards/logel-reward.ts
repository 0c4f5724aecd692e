/**
 * LOGEL on continuous control (Ramponi, Drappo & Restelli 2020, "Inverse reinforcement learning from a
 * gradient-based learner", NeurIPS), from trajectories only. The learner is modelled as policy-gradient ascent on
 * a reward linear in features, r = ωᵀφ(s):
 *
 *   θ_{t+1} − θ_t ≈ α_t ∇_θ J(θ_t; ω) = α_t Ψ(θ_t) ω,   α_t ≥ 0,   Ψ(θ) = ∇_θ E[Σ_t γ^t φ(s_t)]   (P × d).
 *
 * Steps (LOGEL's trajectory-only version):
 *  1. θ̂_t: one Gaussian MLP policy per observed update by behaviour cloning, WARM-STARTED from the previous
 *     update's clone (LOGEL's code: one network trained through the updates, copied after each), so that
 *     θ̂_{t+1} − θ̂_t measures the change of policy rather than two independent fits (`cloneUpdates`);
 *  2. Ψ̂_t by GPOMDP from update t's own trajectories cut into segments, on the clone θ̂_t (logel-jacobian.ts);
 *  3. ω (|ω| = 1) and α_t ≥ 0 by LOGEL's alternating least squares (logel-fit.ts).
 *
 * Features (`logelFromHistory`): LOGEL takes hand-given features; we have none that would not be side
 * information, so φ(s) is the LAST HIDDEN LAYER of a T-REX reward network trained on the same window with
 * rankings from time (trex-reward.ts): a basis learned from the same data and side information (the learner
 * improves) whose span contains T-REX's own reward; LOGEL re-weights it by the gradient-learner model instead of
 * by rankings. The output reward r(s) = ωᵀφ(s) is standardised (mean 0, std 1) over the window's rows, like
 * T-REX's. No control penalty, no alive bonus; the environment's rewards are never read.
 * Randomness: one seeded `Rng` (T-REX, clone initialisation, minibatches).
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { Adam } from "../nn/adam.ts";
import { tanhForward } from "../nn/kernels.ts";
import { MLP } from "../nn/mlp.ts";
import { logelWeights, pairStats, type LogelFit } from "./logel-fit.ts";
import { cutSegments, gpomdpJacobian, type Segment } from "./logel-jacobian.ts";
import { applyObsNorm } from "./neural-reward.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "./reward-fn.ts";
import { trajectoriesByUpdate, trainTrex, type TrexConfig, type TrexReward } from "./trex-reward.ts";

export interface LogelConfig {
  /** Hidden widths of each clone's mean network (default [64, 64], the PPO actor's). */
  hidden?: number[];
  /** Adam steps of behaviour cloning for the first observed update (from scratch) and for each later one (warm). */
  firstCloneSteps?: number;
  cloneSteps?: number;
  /** Minibatch rows per cloning step, and Adam's learning rate (LOGEL's code: 200, 1e-3). */
  cloneBatch?: number;
  cloneLr?: number;
  /** GPOMDP segment length and discount (LOGEL's MuJoCo code: 50, 0.99). */
  segmentLength?: number;
  gamma?: number;
  /** Alternating least-squares iterations (LOGEL's code: 300). */
  iterations?: number;
  /** The T-REX network whose last hidden layer gives φ (T-REX's defaults otherwise). */
  trex?: TrexConfig;
}

export const LOGEL_MUJOCO_DEFAULTS: Required<Omit<LogelConfig, "trex">> = {
  hidden: [64, 64], firstCloneSteps: 500, cloneSteps: 200, cloneBatch: 200, cloneLr: 1e-3, segmentLength: 50, gamma: 0.99, iterations: 300,
};

/** One observed update's data for LOGEL: normalised observations x [n, inDim], actions [n, A], features [n, d], segments. */
export interface LogelUpdateData {
  x: Float64Array;
  actions: Float64Array;
  features: Float64Array;
  n: number;
  segments: Segment[];
}

/** A Gaussian policy: mean network on normalised observations, state-independent log-stds. */
export interface GaussianPolicyParams {
  net: MLP;
  logStd: Float64Array;
}

/**
 * Behaviour clones θ̂_0 … θ̂_K, one per update, each warm-started from the previous one (one Adam through all,
 * as LOGEL's code): Adam on the mean Gaussian negative log-likelihood of random minibatches, mean net and
 * log-stds together. Returns independent copies.
 */
export function cloneUpdates(
  updates: readonly Pick<LogelUpdateData, "x" | "actions" | "n">[], inDim: number, actDim: number, cfg: Pick<Required<LogelConfig>, "hidden" | "firstCloneSteps" | "cloneSteps" | "cloneBatch" | "cloneLr">, rng: Rng,
  onProgress?: (done: number, total: number) => void,
): GaussianPolicyParams[] {
  for (const [k, v] of [["firstCloneSteps", cfg.firstCloneSteps], ["cloneSteps", cfg.cloneSteps], ["cloneBatch", cfg.cloneBatch]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError("E_INVALID_CONFIG", `LOGEL: ${k} must be an integer ≥ 1, got ${v}`);
  }
  if (!(cfg.cloneLr > 0)) throw new InputError("E_INVALID_CONFIG", `LOGEL: cloneLr must be > 0, got ${cfg.cloneLr}`);
  const net = new MLP([inDim, ...cfg.hidden, actDim], { rng: rng.split(), outputGain: 0.01 });
  const logStd = new Float64Array(actDim), logStdGrad = new Float64Array(actDim);
  const adam = new Adam([{ params: net.params, grads: net.grads }, { params: logStd, grads: logStdGrad }], { lr: cfg.cloneLr });
  const mb = rng.split(), A = actDim;
  const out: GaussianPolicyParams[] = [];
  updates.forEach((u, k) => {
    if (u.n < 1) throw new InputError("E_INVALID_HISTORY", `LOGEL: observed update ${k} has no rows to clone`);
    const B = Math.min(cfg.cloneBatch, u.n), steps = k === 0 ? cfg.firstCloneSteps : cfg.cloneSteps;
    const xb = new Float64Array(B * inDim), ab = new Float64Array(B * A), dOut = new Float64Array(B * A);
    for (let step = 0; step < steps; step++) {
      for (let b = 0; b < B; b++) {
        const i = B === u.n ? b : mb.int(u.n);
        xb.set(u.x.subarray(i * inDim, (i + 1) * inDim), b * inDim);
        ab.set(u.actions.subarray(i * A, (i + 1) * A), b * A);
      }
      const mu = net.forward(xb, B);
      logStdGrad.fill(0);
      for (let b = 0; b < B; b++) {
        for (let a = 0; a < A; a++) {
          // −ln N(a; μ, σ²) = ½ z² + ln σ + const, z = (a − μ)/σ.
          const iv = Math.exp(-2 * logStd[a]!), r = ab[b * A + a]! - mu[b * A + a]!;
          dOut[b * A + a] = -r * iv / B;
          logStdGrad[a] = logStdGrad[a]! + (1 - r * r * iv) / B;
        }
      }
      net.zeroGrad();
      net.backward(dOut);
      adam.step(`LOGEL clone of observed update ${k}, step ${step + 1}`);
    }
    out.push({ net: net.clone(), logStd: logStd.slice() });
    onProgress?.(k + 1, updates.length);
  });
  return out;
}

/** LOGEL steps 2–3 on given policies θ_0 … θ_K (the learner's own, LOGEL's first setting, or clones) and their updates' data. */
export function logelFromPolicies(
  policies: readonly GaussianPolicyParams[], updates: readonly LogelUpdateData[], d: number, opts: { gamma: number; iterations: number; onProgress?: (done: number, total: number) => void },
): LogelFit {
  if (policies.length !== updates.length) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: ${policies.length} policies for ${updates.length} updates`);
  if (policies.length < 2) throw new InputError("E_INVALID_HISTORY", `LOGEL: needs at least two observed updates, got ${policies.length}`);
  if (!(opts.gamma > 0 && opts.gamma <= 1)) throw new InputError("E_INVALID_CONFIG", `LOGEL: gamma must be in (0, 1], got ${opts.gamma}`);
  const pairs = [];
  for (let t = 0; t + 1 < policies.length; t++) {
    const p = policies[t]!, u = updates[t]!;
    const psi = gpomdpJacobian(p.net, p.logStd, { x: u.x, actions: u.actions, features: u.features, d, n: u.n, segments: u.segments, gamma: opts.gamma });
    const delta = policies[t + 1]!.net.params.map((v, i) => v - p.net.params[i]!);
    pairs.push(pairStats(psi, delta, d));
    opts.onProgress?.(t + 1, policies.length - 1);
  }
  return logelWeights(pairs, d, opts.iterations);
}

/** φ(s): the last hidden layer (after tanh) of a T-REX reward network, on its own input rows. */
export class TrexLastLayerFeatures {
  readonly d: number;
  private readonly body: MLP;
  constructor(readonly trex: TrexReward) {
    const sizes = trex.net.sizes;
    if (sizes.length < 3) throw new InputError("E_INVALID_CONFIG", "LOGEL: the T-REX network needs a hidden layer to give features");
    this.body = new MLP(sizes.slice(0, -1));
    this.body.params.set(trex.net.params.subarray(0, this.body.params.length)); // layers are stored in order
    this.d = sizes[sizes.length - 2]!;
  }

  /** φ for n (obs, actions) rows → [n, d]. */
  of(obs: Float64Array, actions: Float64Array, n: number): Float64Array {
    const h = this.body.forward(this.trex.features(obs, actions, n), n).slice();
    tanhForward(h, h, h.length);
    return h;
  }
}

/** The recovered reward r = (ωᵀφ(s) − shift)/scale. */
export class LogelReward implements RewardFn {
  readonly name = "logel ωᵀφ(s) (T-REX features)";
  constructor(
    readonly features: TrexLastLayerFeatures,
    readonly omega: Float64Array,
    readonly fit: LogelFit,
    readonly obsDim: number,
    readonly actDim: number,
    readonly shift = 0,
    readonly scale = 1,
  ) {}

  /** ωᵀφ before standardisation. */
  raw(obs: Float64Array, actions: Float64Array, n: number): Float64Array {
    const phi = this.features.of(obs, actions, n), d = this.omega.length, r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += this.omega[j]! * phi[i * d + j]!;
      r[i] = s;
    }
    return r;
  }

  evaluate(batch: TransitionBatch): Float64Array {
    checkBatch(this, batch);
    const r = this.raw(batch.obs, batch.actions, batch.n);
    for (let i = 0; i < r.length; i++) r[i] = (r[i]! - this.shift) / this.scale;
    return r;
  }
}

export interface LogelOptions {
  seed: number;
  config?: LogelConfig;
  /** Progress of each stage ("t-rex features", "clones", "jacobians"). */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** LOGEL on the observed window of a Box history: T-REX features, warm-started clones, GPOMDP Jacobians, ω. */
export function logelFromHistory(c: HistoryColumns, window: readonly number[], opts: LogelOptions): LogelReward {
  if (c.meta.observationSpace.kind === "discrete" || c.meta.actionSpace.kind === "discrete") {
    throw new InputError("E_INVALID_HISTORY", "LOGEL: needs a Box observation and action space (the tabular LOGEL is observer/tabular/logel.ts)");
  }
  const cfg = { ...LOGEL_MUJOCO_DEFAULTS, ...opts.config };
  const dObs = c.meta.observationSpace.dim, dAct = c.meta.actionSpace.dim;
  const rng = new Rng(opts.seed);
  const trajs = trajectoriesByUpdate(c, window);
  const trex = trainTrex(trajs, dObs, dAct, { seed: rng.split().nextUint32(), ...(opts.config?.trex ? { config: opts.config.trex } : {}), onProgress: (k, n) => opts.onProgress?.("t-rex features", k, n) });
  const phi = new TrexLastLayerFeatures(trex);
  // Per observed update (in window order): its rows, normalised as T-REX's input (state-only: the observation part).
  const updates: LogelUpdateData[] = [];
  for (const u of [...new Set(window)].sort((a, b) => a - b)) {
    const ts = trajs.filter((t) => t.rank === u);
    const n = ts.reduce((s, t) => s + t.length, 0);
    if (n === 0) continue;
    const obs = new Float64Array(n * dObs), actions = new Float64Array(n * dAct);
    let row = 0;
    for (const t of ts) { obs.set(t.obs.subarray(0, t.length * dObs), row * dObs); actions.set(t.actions.subarray(0, t.length * dAct), row * dAct); row += t.length; }
    updates.push({ x: applyObsNorm(trex.norm, obs, n), actions, features: phi.of(obs, actions, n), n, segments: cutSegments(ts.map((t) => t.length), cfg.segmentLength) });
  }
  if (updates.length < 2) throw new InputError("E_INVALID_HISTORY", `LOGEL: needs at least two observed updates with transitions, got ${updates.length}`);
  const clones = cloneUpdates(updates, dObs, dAct, cfg, rng.split(), (k, n) => opts.onProgress?.("clones", k, n));
  const fit = logelFromPolicies(clones, updates, phi.d, { gamma: cfg.gamma, iterations: cfg.iterations, onProgress: (k, n) => opts.onProgress?.("jacobians", k, n) });
  // Standardise over the window's rows.
  const reward = new LogelReward(phi, fit.omega, fit, dObs, dAct);
  let s = 0, s2 = 0, N = 0;
  for (const t of trajs) {
    const r = reward.raw(t.obs.subarray(0, t.length * dObs), t.actions.subarray(0, t.length * dAct), t.length);
    for (const v of r) { s += v; s2 += v * v; }
    N += t.length;
  }
  const mean = s / N, sd = Math.sqrt(Math.max(s2 / N - mean * mean, 0));
  if (!Number.isFinite(mean)) throw new NumericalError("LOGEL: non-finite recovered reward");
  return new LogelReward(phi, fit.omega, fit, dObs, dAct, mean, sd > 1e-12 ? sd : 1);
}

