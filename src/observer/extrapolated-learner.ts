/**
 * A second learner model for continuous control: the learner as KL-regularised policy improvement (mirror
 * descent, the step PPO approximates), π_{k+1}(a|s) ∝ π_k(a|s) · exp(η A_k(s, a)). Summed over the observed
 * window, ln π_K − ln π_1 = η Σ_k A_k + (terms of s only): the learner's PROGRESS over the window carries its
 * advantages, where the paper's soft-policy-improvement model reads the reward mainly off the LEVEL ln π_{k+1}.
 * For diagonal Gaussians with a common spread that progress is the shift of the mean, μ_K(s) − μ_1(s). If the
 * advantages persist, `horizon` more windows of learning reach the mean μ_K + h (μ_K − μ_1); the observer's reward
 * is the log-density of that extrapolated policy,
 *
 *   r(s, a) = ln N(a; μ_K(s) + h (μ_K(s) − μ_1(s)), σ_K²),
 *
 * with π̂_K the clone Algorithm 1 fitted to the last observed update and π̂_1 a clone of the first fitted the same
 * way (stage (i): early stopping, σ from held-out residuals) on the same fixed observation normalisation.
 * h = 0 is π̂_K's own log-density (the `bc-reward` control). Ours, not the paper's.
 */
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import type { PpoActorJson } from "../learners/ppo.ts";
import { DiagGaussian } from "../nn/gaussian.ts";
import { MLP } from "../nn/mlp.ts";
import { RunningMeanStd } from "../nn/running-mean-std.ts";
import { applyObsNorm, type FixedObsNorm } from "../rewards/neural-reward.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "../rewards/reward-fn.ts";
import { ALGORITHM1_DEFAULTS } from "./algorithm-1/algorithm-1-config.ts";
import { fitGaussianEarlyStop } from "./algorithm-1/algorithm-1-fit.ts";
import { gaussianNet } from "./algorithm-1/algorithm-1-losses.ts";

/** r(s, a) = ln N(a; (1 + h) μ_last(s) − h μ_first(s), σ_last²). */
export class ExtrapolatedPolicyReward implements RewardFn {
  readonly name: string;
  readonly obsDim: number;
  readonly actDim: number;
  private readonly last: MLP;
  private readonly first: MLP;
  private readonly gaussian: DiagGaussian;
  private readonly norm: FixedObsNorm;

  constructor(last: MLP, first: MLP, logStd: ArrayLike<number>, norm: FixedObsNorm, readonly horizon: number) {
    if (last.inDim !== first.inDim || last.outDim !== first.outDim || last.outDim !== logStd.length || last.inDim !== norm.stats.dim) {
      throw new InputError("E_INVALID_ARGUMENT", `ExtrapolatedPolicyReward: last ${last.inDim}→${last.outDim}, first ${first.inDim}→${first.outDim}, logStd ${logStd.length}, obsNorm ${norm.stats.dim}`);
    }
    if (!(horizon >= 0 && Number.isFinite(horizon))) throw new InputError("E_INVALID_ARGUMENT", `ExtrapolatedPolicyReward: horizon ${horizon} must be finite and ≥ 0`);
    this.last = last.clone();
    this.first = first.clone();
    this.gaussian = new DiagGaussian(last.outDim);
    this.gaussian.logStd.set(Array.from(logStd));
    this.norm = { stats: norm.stats.clone(), clip: norm.clip };
    this.obsDim = last.inDim;
    this.actDim = last.outDim;
    this.name = `ln π̂ extrapolated ${horizon} window(s) ahead (KL-step learner model)`;
  }

  /** The extrapolated mean (1 + h) μ_last − h μ_first on n normalised observations → [n, actDim]. */
  meanOf(x: Float64Array, n: number): Float64Array {
    const h = this.horizon, mean = this.last.forward(x, n).slice(), m1 = this.first.forward(x, n);
    for (let i = 0; i < mean.length; i++) mean[i] = (1 + h) * mean[i]! - h * m1[i]!;
    return mean;
  }

  evaluate(batch: TransitionBatch): Float64Array {
    checkBatch(this, batch);
    const out = new Float64Array(batch.n);
    if (batch.n === 0) return out;
    const x = applyObsNorm(this.norm, batch.obs, batch.n);
    this.gaussian.logProb(this.meanOf(x, batch.n), batch.actions, batch.n, out);
    return out;
  }
}

/**
 * The extrapolated-learner reward from a history's observed window and the clone of its last update (`last`, a
 * PPO actor with its observation normalisation, as Algorithm 1's `bcPolicy`): clones the first observed update
 * with Algorithm 1's stage (i) settings and stream `seed`, then builds the reward.
 */
export function extrapolatedLearnerReward(c: HistoryColumns, window: readonly number[], last: PpoActorJson, opts: { horizon: number; seed: number }): ExtrapolatedPolicyReward {
  if (window.length < 2) throw new InputError("E_INVALID_HISTORY", `extrapolated learner: needs ≥ 2 observed updates, got ${window.length}`);
  if (!last.obsNorm) throw new InputError("E_INVALID_ARGUMENT", "extrapolated learner: the clone has no observation normalisation");
  const D = c.meta.observationSpace.dim, A = c.meta.actionSpace.dim, u0 = Math.min(...window);
  const rows: number[] = [];
  for (let i = 0; i < c.n; i++) if (c.update[i] === u0) rows.push(i);
  if (rows.length < 2) throw new InputError("E_INVALID_HISTORY", `extrapolated learner: update ${u0} has ${rows.length} transitions`);
  const norm: FixedObsNorm = { stats: RunningMeanStd.fromJSON(last.obsNorm), clip: last.clipObs ?? ALGORITHM1_DEFAULTS.clipObs };
  const raw = new Float64Array(rows.length * D), actions = new Float64Array(rows.length * A);
  rows.forEach((r, i) => {
    raw.set(c.obs.subarray(r * D, (r + 1) * D), i * D);
    actions.set(c.actions.subarray(r * A, (r + 1) * A), i * A);
  });
  const cfg = ALGORITHM1_DEFAULTS, rng = new Rng(opts.seed);
  const g = gaussianNet(D, A, cfg.policyHidden, rng.split());
  fitGaussianEarlyStop(g, applyObsNorm(norm, raw, rows.length), actions, rows.length,
    { holdout: cfg.holdout, every: cfg.validateEvery, patience: cfg.patience, maxSteps: cfg.policySteps, lr: cfg.learningRate },
    rng.split(), (t) => `extrapolated learner: clone of update ${u0}, step ${t}`, () => {});
  return new ExtrapolatedPolicyReward(MLP.fromJSON(last.policy), g.net, last.logStd, norm, opts.horizon);
}
