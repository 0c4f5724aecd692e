/**
 * The reward model Algorithm 1 recovers on continuous control (paper §5.4 and §6.3), as a `RewardFn`:
 *
 *   r_φ(s, a) = ln π_φ(a | s) = Σ_j [ −½ ((a_j − μ_φ(s̃)_j) / σ_j)² − ln σ_j − ½ ln 2π ],   s̃ = norm(s),
 *
 * a diagonal-Gaussian LOG-DENSITY with an MLP mean μ_φ and state-independent log-stds ln σ (the PPO actor's
 * shape; the paper initialises r_φ as the log-likelihood of the last observed policy and keeps this form while
 * fitting Eq. 5). It depends on (s, a) only: s′ and `terminated` are ignored.
 *
 * Two optional extensions (version 2 of the JSON; observer/algorithm-1.ts `rewardForm`, `normaliseReward`):
 *   r(s, a) = scale · (ln N(a; μ_φ(s̃), σ²) + g(s̃) − shift)
 * with a STATE TERM g (an MLP s̃ → 1; absent = 0) and an affine normalisation (shift 0, scale 1 = none).
 *
 * `norm` is a FIXED observation normalisation clip((s − mean)/√(var + ε), ±clip) computed once from the observed
 * data and stored in the JSON, so the observer applies exactly the transform the reward was fitted with
 * (the authors' code normalised with drifting running statistics — research/authors-code.md §4 bug 10).
 * It is the same formula as PPO's frozen `RunningMeanStd.normalize`, with the same ε and clip.
 */
import { InputError } from "../core/errors.ts";
import { MLP, type MlpJson } from "../nn/mlp.ts";
import { DiagGaussian } from "../nn/gaussian.ts";
import { RunningMeanStd, type RunningMeanStdJson } from "../nn/running-mean-std.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "./reward-fn.ts";

/** The `kind` of a reward file written by `GaussianLogDensityReward.toJSON`. */
export const NEURAL_REWARD_KIND = "lfl-gaussian-log-density-reward";

/** A fixed observation normalisation (the PPO actor's `obsNorm` + `clipObs` fields, with ε = 1e-8). */
export interface FixedObsNorm {
  stats: RunningMeanStd;
  clip: number;
}

export const OBS_NORM_EPS = 1e-8;

/** Mean and (population) variance of the rows x[n, dim], as RunningMeanStd statistics with count n. */
export function fixedObsNorm(x: Float64Array, n: number, dim: number, clip = 10): FixedObsNorm {
  const stats = new RunningMeanStd(dim);
  for (let j = 0; j < dim; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + j]!;
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * dim + j]! - m) ** 2;
    stats.mean[j] = m;
    stats.var[j] = v / n;
  }
  stats.count = n;
  return { stats, clip };
}

/** out[n, dim] = clip((x − mean)/√(var + ε), ±clip). */
export function applyObsNorm(norm: FixedObsNorm, x: Float64Array, n: number, out = new Float64Array(n * norm.stats.dim)): Float64Array {
  norm.stats.normalize(x, out, n, norm.clip, OBS_NORM_EPS);
  return out;
}

export interface GaussianLogDensityRewardJson {
  kind: typeof NEURAL_REWARD_KIND;
  /** 1 = the paper's log-density only; 2 = with `state`, `shift`, `scale` (each optional when loading). */
  version: 1 | 2;
  obsDim: number;
  actDim: number;
  /** μ_φ: normalised observation → action mean. */
  mean: MlpJson;
  /** ln σ_j. */
  logStd: number[];
  obsNorm: RunningMeanStdJson;
  clipObs: number;
  /** The state term g: normalised observation → 1 (version 2). */
  state?: MlpJson;
  /** r = scale · (ln N + g − shift) (version 2; defaults 0 and 1). */
  shift?: number;
  scale?: number;
  /** Free-form provenance (config, diagnostics); ignored when loading. */
  info?: unknown;
}

export class GaussianLogDensityReward implements RewardFn {
  readonly name = "lfl-algorithm-1 r̄φ(s,a) = ln πφ(a|s)";
  readonly obsDim: number;
  readonly actDim: number;
  readonly net: MLP;
  readonly gaussian: DiagGaussian;
  readonly norm: FixedObsNorm;
  /** The optional state term g(s̃) and normalisation r = scale · (ln N + g − shift). */
  readonly state: MLP | null;
  readonly shift: number;
  readonly scale: number;
  info: unknown = undefined;

  /** Takes ownership of (copies of) the networks and log-stds. */
  constructor(net: MLP, logStd: ArrayLike<number>, norm: FixedObsNorm, extra: { state?: MLP | null; shift?: number; scale?: number } = {}) {
    if (net.outDim !== logStd.length || net.inDim !== norm.stats.dim) {
      throw new InputError("E_INVALID_ARGUMENT", `GaussianLogDensityReward: net is ${net.inDim}→${net.outDim}, logStd has ${logStd.length}, obsNorm has ${norm.stats.dim}`);
    }
    const { state = null, shift = 0, scale = 1 } = extra;
    if (state && (state.inDim !== net.inDim || state.outDim !== 1)) {
      throw new InputError("E_INVALID_ARGUMENT", `GaussianLogDensityReward: state term is ${state.inDim}→${state.outDim}, expected ${net.inDim}→1`);
    }
    if (!Number.isFinite(shift) || !(scale > 0 && Number.isFinite(scale))) {
      throw new InputError("E_INVALID_ARGUMENT", `GaussianLogDensityReward: shift ${shift} must be finite and scale ${scale} finite and > 0`);
    }
    this.state = state ? state.clone() : null;
    this.shift = shift;
    this.scale = scale;
    this.net = net.clone();
    this.gaussian = new DiagGaussian(net.outDim);
    this.gaussian.logStd.set(Array.from(logStd));
    this.norm = { stats: norm.stats.clone(), clip: norm.clip };
    this.obsDim = net.inDim;
    this.actDim = net.outDim;
  }

  evaluate(batch: TransitionBatch): Float64Array {
    checkBatch(this, batch);
    const out = new Float64Array(batch.n);
    if (batch.n === 0) return out;
    const x = applyObsNorm(this.norm, batch.obs, batch.n);
    const mean = this.net.forward(x, batch.n);
    this.gaussian.logProb(mean, batch.actions, batch.n, out);
    const g = this.state?.forward(x, batch.n);
    if (g || this.shift !== 0 || this.scale !== 1) for (let i = 0; i < batch.n; i++) out[i] = this.scale * (out[i]! + (g ? g[i]! : 0) - this.shift);
    return out;
  }

  /** True when the reward is the paper's plain log-density (JSON version 1). */
  get plain(): boolean {
    return this.state === null && this.shift === 0 && this.scale === 1;
  }

  toJSON(): GaussianLogDensityRewardJson {
    return {
      kind: NEURAL_REWARD_KIND, version: this.plain ? 1 : 2, obsDim: this.obsDim, actDim: this.actDim,
      mean: this.net.toJSON(), logStd: Array.from(this.gaussian.logStd),
      obsNorm: this.norm.stats.toJSON(), clipObs: this.norm.clip,
      ...(this.state ? { state: this.state.toJSON() } : {}),
      ...(this.plain ? {} : { shift: this.shift, scale: this.scale }),
      ...(this.info === undefined ? {} : { info: this.info }),
    };
  }
}

/** Rebuilds a reward from `toJSON` output (or a parsed reward file), validating every field. */
export function loadRewardModel(json: unknown): GaussianLogDensityReward {
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_REWARD", `reward JSON: ${msg}`);
  };
  if (typeof json !== "object" || json === null) return bad("not an object");
  const o = json as Record<string, unknown>;
  if (o["kind"] !== NEURAL_REWARD_KIND) bad(`kind must be "${NEURAL_REWARD_KIND}", got ${JSON.stringify(o["kind"])}`);
  const version = o["version"];
  if (version !== 1 && version !== 2) bad(`version must be 1 or 2, got ${JSON.stringify(version)}`);
  if (version === 1) for (const f of ["state", "shift", "scale"]) if (o[f] !== undefined) bad(`${f} needs version 2`);
  const net = MLP.fromJSON(o["mean"]);
  const finiteArray = (name: string, v: unknown, len: number, positive = false): number[] => {
    if (!Array.isArray(v) || v.length !== len) return bad(`${name} must be an array of ${len} numbers`);
    v.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isFinite(x) || (positive && x < 0)) bad(`${name}[${i}] is ${JSON.stringify(x)}, not a finite${positive ? " non-negative" : ""} number`);
    });
    return v as number[];
  };
  const obsDim = o["obsDim"], actDim = o["actDim"];
  if (obsDim !== net.inDim || actDim !== net.outDim) bad(`obsDim/actDim (${String(obsDim)}, ${String(actDim)}) do not match the mean network ${net.inDim}→${net.outDim}`);
  const logStd = finiteArray("logStd", o["logStd"], net.outDim);
  const rawNorm = o["obsNorm"];
  if (typeof rawNorm !== "object" || rawNorm === null) return bad("obsNorm must be an object {mean, var, count}");
  const n = rawNorm as Record<string, unknown>;
  const stats = RunningMeanStd.fromJSON({
    mean: finiteArray("obsNorm.mean", n["mean"], net.inDim),
    var: finiteArray("obsNorm.var", n["var"], net.inDim, true),
    count: typeof n["count"] === "number" && n["count"] > 0 ? n["count"] : bad("obsNorm.count must be a positive number"),
  });
  const clip = o["clipObs"];
  if (typeof clip !== "number" || !(clip > 0)) return bad(`clipObs must be a positive number, got ${JSON.stringify(clip)}`);
  const state = o["state"] === undefined ? null : MLP.fromJSON(o["state"]);
  if (state && (state.inDim !== net.inDim || state.outDim !== 1)) bad(`state must be a network ${net.inDim}→1, got ${state.inDim}→${state.outDim}`);
  const num = (name: string, dflt: number, positive: boolean): number => {
    const v = o[name] ?? dflt;
    if (typeof v !== "number" || !Number.isFinite(v) || (positive && !(v > 0))) return bad(`${name} must be a finite${positive ? " positive" : ""} number, got ${JSON.stringify(v)}`);
    return v;
  };
  const r = new GaussianLogDensityReward(net, logStd, { stats, clip }, { state, shift: num("shift", 0, false), scale: num("scale", 1, true) });
  if (o["info"] !== undefined) r.info = o["info"];
  return r;
}
