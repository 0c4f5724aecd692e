/**
 * Learning from a learner on a tabular MDP, from sampled trajectories only (paper §5, §6.1 Table 2, §6.3).
 *
 *   1. P̂ from all observed transitions; π̂_k per update by maximum likelihood with entropy bonus λ
 *      (tabular-policy-estimation.ts).
 *   2. Theorem-2 targets with the ESTIMATED policies and model and the modelled entropy weight α_model (0.7):
 *        r̄_k(s,a) = α_model ln π̂_{k+1}(a|s) + α_model γ E_{s′~P̂}[KL(π̂_k(·|s′) ‖ π̂_{k+1}(·|s′))].
 *   3. One reward r̄φ(s,a) + one shaping f_k per improvement, exact least squares over all improvements
 *      (tabular-consistent-reward.ts).
 *   4. Diagnostics: per-improvement residual RMS (over all pairs and over the pairs the learner visited in D_k),
 *      and a flag on updates that look non-improving under r̄φ: J_{r̄φ,P̂}(π̂_{k+1}) clearly below J_{r̄φ,P̂}(π̂_k)
 *      (soft returns with α_model from the empirical start distribution).
 * The observer then plays the optimal soft policy of r̄φ under the true dynamics with α = 0.3 (`observerPolicy`).
 * Nothing here reads the trajectories' rewards.
 *
 * Usage: `const res = inferTabularReward(history, { nS, nA, gamma }, {}); const pi = observerPolicy(mdp, res.reward);`
 */
import { InputError } from "../core/errors.ts";
import type { LearningHistory } from "../data/learning-history.ts";
import { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { softReturn } from "../solvers/soft-policy.ts";
import { planOnReward } from "./plan-on-reward.ts";
import { invertSoftImprovement } from "./soft-policy-inversion.ts";
import { fitConsistentReward } from "./tabular-consistent-reward.ts";
import { estimatePolicy, estimateStart, estimateTransitionModel, tabularBatches, visitCounts } from "./tabular-policy-estimation.ts";

export interface TabularLflConfig {
  /** α_model: the entropy weight the observer assumes the learner's soft improvements use (paper: 0.7). */
  alphaModel: number;
  /** λ: entropy bonus of the per-update policy maximum likelihood (docs/learners-tabular.md for the measured choice). */
  lambda: number;
  /**
   * A non-improving flag needs J(π̂_{k+1}) < J(π̂_k) − tolerance·(max_j J(π̂_j) − min_j J(π̂_j)) under the recovered
   * reward: a drop larger than this fraction of the spread over the whole history (smaller drops are sampling noise).
   */
  nonImprovingTolerance: number;
}

export const TABULAR_LFL_DEFAULTS: TabularLflConfig = { alphaModel: 0.7, lambda: 0.3, nonImprovingTolerance: 0.05 };

/** What the observer knows about the MDP besides the data: sizes and discount. */
export interface TabularSpec {
  nS: number;
  nA: number;
  gamma: number;
}

export interface ImprovementDiagnostic {
  /** Update indices of the improvement π̂_from → π̂_to. */
  from: number;
  to: number;
  /** RMS of the fit residual over all state–action pairs. */
  residualRms: number;
  /** RMS of the fit residual over the pairs visited in D_from (NaN if none). */
  residualRmsVisited: number;
  /** Soft returns (α_model) of π̂_from and π̂_to under r̄φ and P̂, from the empirical start distribution. */
  returnFrom: number;
  returnTo: number;
  /** True when the update looks non-improving under the recovered reward. */
  nonImproving: boolean;
}

export interface TabularLflResult {
  /** r̄φ(s,a), row-major nS×nA. */
  reward: Float64Array;
  /** f_k(s) per improvement. */
  shapings: Float64Array[];
  /** Theorem-2 targets r̄_k per improvement. */
  targets: Float64Array[];
  /** π̂_k per update. */
  policies: Float64Array[];
  /** The estimated model (P̂, empirical start, γ; reward = r̄φ). */
  model: TabularMdp;
  /** n(s,a) over all updates. */
  visits: Float64Array;
  diagnostics: ImprovementDiagnostic[];
}

/** Steps 2–4 from given policies and a model MDP (its reward is ignored). Used with exact policies for the ceiling. */
export function recoverFromPolicies(model: TabularMdp, policies: readonly Float64Array[], alphaModel: number): { reward: Float64Array; shapings: Float64Array[]; targets: Float64Array[]; residuals: Float64Array[] } {
  if (policies.length < 2) throw new InputError("E_INVALID_HISTORY", `LfL needs at least two policy updates (one improvement), got ${policies.length}`);
  const targets: Float64Array[] = [];
  for (let k = 0; k + 1 < policies.length; k++) targets.push(invertSoftImprovement(model, policies[k]!, policies[k + 1]!, alphaModel));
  return { ...fitConsistentReward(targets, model.P, model.nS, model.nA, model.gamma), targets };
}

export function inferTabularReward(history: LearningHistory, spec: TabularSpec, config: Partial<TabularLflConfig> = {}): TabularLflResult {
  const c: TabularLflConfig = { ...TABULAR_LFL_DEFAULTS, ...config };
  if (!(c.alphaModel > 0)) throw new InputError("E_INVALID_CONFIG", `alphaModel must be > 0, got ${c.alphaModel}`);
  const { nS, nA, gamma } = spec;
  // 1. Data → counts, model, policies.
  const batches = tabularBatches(history, nS, nA);
  const counts = batches.map((b) => visitCounts(b, nS, nA));
  const { P, visits } = estimateTransitionModel(batches, nS, nA);
  const start = estimateStart(batches, nS);
  const policies = counts.map((n) => estimatePolicy(n, nS, nA, c.lambda));
  const model0 = new TabularMdp({ nS, nA, P, r: new Float64Array(nS * nA), start, gamma, name: "estimated-model" });
  // 2–3. Targets and the consistent reward.
  const { reward, shapings, targets, residuals } = recoverFromPolicies(model0, policies, c.alphaModel);
  const model = model0.withReward(reward);
  // 4. Diagnostics.
  const J = policies.map((pi) => softReturn(model, pi, c.alphaModel));
  const drop = c.nonImprovingTolerance * (Math.max(...J) - Math.min(...J));
  const diagnostics = residuals.map((res, k): ImprovementDiagnostic => {
    let all = 0, vis = 0, nVis = 0;
    for (let i = 0; i < res.length; i++) {
      all += res[i]! ** 2;
      if (counts[k]![i]! > 0) { vis += res[i]! ** 2; nVis++; }
    }
    return {
      from: history.updates[k]!.index,
      to: history.updates[k + 1]!.index,
      residualRms: Math.sqrt(all / res.length),
      residualRmsVisited: nVis > 0 ? Math.sqrt(vis / nVis) : Number.NaN,
      returnFrom: J[k]!,
      returnTo: J[k + 1]!,
      nonImproving: J[k + 1]! < J[k]! - drop,
    };
  });
  return { reward, shapings, targets, policies, model, visits, diagnostics };
}

/** The observer's policy: optimal soft policy of r̄φ under the TRUE dynamics of `mdp` at entropy weight α. */
export function observerPolicy(mdp: TabularMdp, reward: Float64Array, alpha = 0.3): Float64Array {
  return planOnReward(mdp, reward, alpha).pi;
}
