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
 *   5. Learner model (`learnerModel`, learner-model-selection.ts): the paper's SPI inversion above ("spi"), or
 *      a reward fitted by maximum likelihood under another learner model — sampled soft value iteration ("svi"),
 *      online Q-learning ("td") — or the model chosen from the data ("auto": SPI unless SVI predicts the
 *      learner's actions better by more than `selectionMargin` nats per action). The residual diagnostics are
 *      those of the SPI fit, the non-improving flags use the chosen reward; `paperReward` is always the SPI answer.
 *   6. Reward form and pessimism: with `rewardForm: "state"` the chosen model is refitted with a state-only reward
 *      ρ(s) (the paper's §4.3 option); the returned `reward` is a lower confidence bound for planning,
 *        r̂(s,a) − β / √(n(s,a) + 1),      n(s,a) = the pair's observed actions over the whole history,
 *      so that actions the learner (almost) never took cannot lure the planner into a loop (`fittedReward` is r̂).
 *      Both were chosen on tuning seeds 100–199 and validated on 200–229 (docs/observer-tabular.md).
 * The observer then plays the optimal soft policy of `reward` under the true dynamics with α = 0.3
 * (`observerPolicy`). Nothing here reads the trajectories' rewards.
 *
 * Usage: `const res = inferTabularReward(history, { nS, nA, gamma }, {}); const pi = observerPolicy(mdp, res.reward);`
 */
import { InputError } from "../../core/errors.ts";
import type { LearningHistory } from "../../data/learning-history.ts";
import { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { softReturn } from "../../solvers/soft-policy.ts";
import { planOnReward } from "./plan-on-reward.ts";
import { candidateName, selectLearnerModel, type LearnerModelKind, type RewardForm } from "./learner-model-selection.ts";
import { invertSoftImprovement } from "./soft-policy-inversion.ts";
import { fitConsistentReward } from "./tabular-consistent-reward.ts";
import { estimatePolicy, estimateStart, estimateTransitionModel, tabularBatches, visitCounts, type TabularBatch } from "./tabular-policy-estimation.ts";

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
  /** Learner-update model: the paper's "spi", "svi", "td", or "auto" (chosen from the data). */
  learnerModel: "spi" | "svi" | "td" | "auto";
  /** Nats per observed action another model must gain over SPI to be chosen by "auto" (tuned on seeds 100–129). */
  selectionMargin: number;
  /** Step sizes η tried by the "td" model. */
  tdSteps: readonly number[];
  /** L-BFGS iterations of the svi / td maximum-likelihood fits, and of the spi fit that only scores SPI. */
  mlIterations: number;
  spiScoreIterations: number;
  /** Pessimistic reward prior of the svi / td fits, in observed actions (learner-model-selection.ts); 0 = none. */
  priorVisits: number;
  /** "state": refit the chosen learner model with a state-only reward ρ(s); "state-action": keep r(s,a). */
  rewardForm: RewardForm;
  /** L-BFGS iterations of the state-only refit. */
  stateIterations: number;
  /** β of the planning lower confidence bound r̂ − β/√(n + 1) (in units of the recovered reward); 0 = none. */
  pessimism: number;
}

/** The models "auto" compares ("td" is left out: measured on tuning seeds, see docs/observer-tabular.md). */
export const AUTO_LEARNER_MODELS: readonly LearnerModelKind[] = ["spi", "svi"];

export const TABULAR_LFL_DEFAULTS: TabularLflConfig = { alphaModel: 0.7, lambda: 0.3, nonImprovingTolerance: 0.05, learnerModel: "auto", selectionMargin: 0.075, tdSteps: [0.1, 0.2, 0.5], mlIterations: 150, spiScoreIterations: 50, priorVisits: 0, rewardForm: "state", stateIterations: 50, pessimism: 0.5 };

/** Which learner model gave the reward, and how every candidate scored. */
export interface LearnerModelReport {
  /** Name of the chosen model, e.g. "svi" or "td(η=0.2)". */
  chosen: string;
  kind: LearnerModelKind;
  /** η of a chosen "td" model. */
  eta?: number;
  /** Mean log-likelihood per observed action of D_1..D_K, by candidate name. */
  logLikelihood: Record<string, number>;
}

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
  /** The reward the observer plans on: the fitted reward lowered by the confidence penalty β/√(n + 1), nS×nA. */
  reward: Float64Array;
  /** The recovered reward under the chosen learner model (and reward form), before the penalty. */
  fittedReward: Float64Array;
  /** The paper's SPI (Theorem 2) reward r̄φ, whatever the learner model. */
  paperReward: Float64Array;
  learnerModel: LearnerModelReport;
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

/**
 * Step 5: the reward under the configured learner model, from a model MDP (reward ignored), the batches, their
 * counts, policies and the paper's SPI reward. With exact policies, expected counts and the true model it gives
 * the noise-free ceiling of the selected-model observer.
 */
export function recoverWithLearnerModel(model: TabularMdp, batches: readonly TabularBatch[], counts: readonly Float64Array[], policies: readonly Float64Array[], spiReward: Float64Array, config: TabularLflConfig): { reward: Float64Array; learnerModel: LearnerModelReport } {
  if (config.learnerModel === "spi" && config.rewardForm === "state-action") return { reward: spiReward, learnerModel: { chosen: "spi", kind: "spi", logLikelihood: {} } };
  const models = config.learnerModel === "auto" ? AUTO_LEARNER_MODELS : [config.learnerModel];
  const sel = selectLearnerModel({ model, batches, counts, policies, spiReward, alphaModel: config.alphaModel }, { models, margin: config.selectionMargin, tdSteps: config.tdSteps, iterations: config.mlIterations, spiIterations: config.spiScoreIterations, priorVisits: config.priorVisits, rewardForm: config.rewardForm, stateIterations: config.stateIterations });
  return { reward: sel.chosen.reward, learnerModel: { chosen: candidateName(sel.chosen), kind: sel.chosen.kind, ...(sel.chosen.eta !== undefined ? { eta: sel.chosen.eta } : {}), logLikelihood: Object.fromEntries(sel.candidates.map((c) => [candidateName(c), c.logLikelihood])) } };
}

export function inferTabularReward(history: LearningHistory, spec: TabularSpec, config: Partial<TabularLflConfig> = {}): TabularLflResult {
  const c: TabularLflConfig = { ...TABULAR_LFL_DEFAULTS, ...config };
  if (!(c.alphaModel > 0)) throw new InputError("E_INVALID_CONFIG", `alphaModel must be > 0, got ${c.alphaModel}`);
  if (!["state", "state-action"].includes(c.rewardForm)) throw new InputError("E_INVALID_CONFIG", `rewardForm must be state or state-action, got ${String(c.rewardForm)}`);
  if (!["spi", "svi", "td", "auto"].includes(c.learnerModel)) throw new InputError("E_INVALID_CONFIG", `learnerModel must be spi, svi, td or auto, got ${String(c.learnerModel)}`);
  const { nS, nA, gamma } = spec;
  // 1. Data → counts, model, policies.
  const batches = tabularBatches(history, nS, nA);
  const counts = batches.map((b) => visitCounts(b, nS, nA));
  const { P, visits } = estimateTransitionModel(batches, nS, nA);
  const start = estimateStart(batches, nS);
  const policies = counts.map((n) => estimatePolicy(n, nS, nA, c.lambda));
  const model0 = new TabularMdp({ nS, nA, P, r: new Float64Array(nS * nA), start, gamma, name: "estimated-model" });
  // 2–3. Targets and the consistent reward.
  const { reward: paperReward, shapings, targets, residuals } = recoverFromPolicies(model0, policies, c.alphaModel);
  // 5. The learner model.
  const { reward: fittedReward, learnerModel } = recoverWithLearnerModel(model0, batches, counts, policies, paperReward, c);
  const reward = pessimisticReward(fittedReward, visits, c.pessimism);
  const model = model0.withReward(fittedReward);
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
  return { reward, fittedReward, paperReward, learnerModel, shapings, targets, policies, model, visits, diagnostics };
}

/**
 * Lower confidence bound for planning: r̂(s,a) − β/√(n(s,a) + 1), n(s,a) = observed actions of the pair over the
 * whole history. A pair the learner tried a handful of times has a reward the data barely determines; planning on
 * r̂ alone lets such a pair (e.g. a wall bump next to the goal) lure the observer into a loop forever.
 */
export function pessimisticReward(reward: Float64Array, visits: Float64Array, beta: number): Float64Array {
  if (!(beta >= 0)) throw new InputError("E_INVALID_CONFIG", `pessimism must be ≥ 0, got ${beta}`);
  return reward.map((r, i) => r - beta / Math.sqrt(visits[i]! + 1));
}

/** The observer's policy: optimal soft policy of r̄φ under the TRUE dynamics of `mdp` at entropy weight α. */
export function observerPolicy(mdp: TabularMdp, reward: Float64Array, alpha = 0.3): Float64Array {
  return planOnReward(mdp, reward, alpha).pi;
}
