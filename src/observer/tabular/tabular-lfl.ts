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
 *   5. Assumptions (`learnerModel`, `rewardForm`, both "auto" by default; assumption-selection.ts): every candidate
 *      (learner model spi/svi × reward form state/state-action) is fitted by maximum likelihood as a simulated
 *      learner on updates 1..h−1 and scored on the held-out actions of update h (cross-validation over updates).
 *      Default (`modelSelection: "margin"`): the reward form is the simpler form of the best-predicting model unless
 *      its other form is better by more than one standard error; the learner model is SPI unless SVI's likelihood
 *      is better by `selectionMargin` (the first pass's rule). `modelSelection: "cv"` takes the model from the
 *      cross-validation too (measured worse, docs/observer-tabular.md §8). The choice and every candidate's
 *      held-out log-likelihood are reported (`learnerModel`). `paperReward` is always the SPI answer.
 *   6. Planning reward: the lower confidence bound r̂(s,a) − β/√(n(s,a) + 1) (n = the pair's observed actions), so
 *      that actions the learner (almost) never took cannot lure the planner into a loop (`fittedReward` is r̂);
 *      optional planning within the data's support (`supportVisits`) and an ensemble guard (`robust`), both off;
 *      finally × `planningScale` (0.8: the observer, planning at α, plans on r̂ at 1.25 α; docs §10.1), or × 0.5
 *      (`tdPlanningScale`, plan at 2 α) for a TD-gated reward whose held-out test passes and whose last batch shows
 *      ≤ 50% of the pairs (`tdPlanningCoverage`; docs §15).
 *   7. Uncertainty (`bootstrap` replicates, reward-bootstrap.ts): the chosen assumptions refitted on resampled
 *      pairs; an update is flagged non-improving only if it drops by more than the tolerance AND drops in every
 *      replicate; observer-flags.ts flags a planned policy that leaves the data's support or is not better than
 *      π̂_K under most replicates.
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
import { bootstrapRewards, type RewardBootstrap } from "./reward-bootstrap.ts";
import { robustAssumption } from "./assumption-ensemble.ts";
import { checkStateForm, type FormCheck } from "./form-check.ts";
import { ASSUMPTION_CANDIDATES, crossValidateAssumptions, type AssumptionSelection } from "./assumption-selection.ts";
import { candidateName, selectLearnerModel, type LearnerModelCandidate, type LearnerModelKind, type RewardForm } from "./learner-model-selection.ts";
import { fitSimulatedLearner } from "./simulated-learner-fit.ts";
import { invertSoftImprovement } from "./soft-policy-inversion.ts";
import { spiSimulator } from "./spi-simulation.ts";
import { fitConsistentReward } from "./tabular-consistent-reward.ts";
import { heldOutPasses, heldOutTdAdvantage, tdGate, type TdGateReport } from "./td-gate.ts";
import { TABULAR_LFL_DEFAULTS, type TabularLflConfig } from "./tabular-lfl-config.ts";
import { estimatePolicy, estimateStart, estimateTransitionModel, tabularBatches, visitCounts, type TabularBatch } from "./tabular-policy-estimation.ts";

export { TABULAR_LFL_DEFAULTS, type TabularLflConfig } from "./tabular-lfl-config.ts";


/** Which learner model and reward form gave the reward, and the evidence for the choice. */
export interface LearnerModelReport {
  /** Name of the chosen model, e.g. "svi" or "td(η=0.2)". */
  chosen: string;
  kind: LearnerModelKind;
  /** The reward form used ("state" or "state-action"). */
  rewardForm: RewardForm;
  /** η of a chosen "td" model. */
  eta?: number;
  /**
   * Held-out log-likelihood per action of the next update's actions, by candidate "model/form" (the evidence of the
   * cross-validated choice; empty when nothing was chosen from the data).
   */
  logLikelihood: Record<string, number>;
  /** The full cross-validation (held-out updates, per-fold scores, paired differences), when it ran. */
  selection?: AssumptionSelection;
  /** The robust choice's evidence: worst-case normalised advantage over π̂_K of each candidate's policy. */
  ensemble?: Record<string, number>;
  /** The state-form check (SPI model, state form chosen): the state plan's loss under r̄φ and whether r̄φ replaced it. */
  formCheck?: FormCheck;
  /** The TD gate's evidence (config.tdGate): TD's likelihood advantage, the last batch's coverage, whether TD was used. */
  tdGate?: TdGateReport;
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
  /**
   * True when the update looks non-improving under the recovered reward: a drop larger than the tolerance, and
   * (with a bootstrap) a drop in EVERY bootstrap replicate (re-estimated π̂, P̂ and reward), i.e. not sampling noise.
   */
  nonImproving: boolean;
  /** Fraction of bootstrap replicates in which the update drops (NaN without a bootstrap). */
  dropFraction: number;
}

export interface TabularLflResult {
  /** The reward the observer plans on: the fitted reward lowered by the confidence penalty β/√(n + 1), × planningScale, nS×nA. */
  reward: Float64Array;
  /** The recovered reward under the chosen learner model (and reward form), before the penalty. */
  fittedReward: Float64Array;
  /** The paper's observer: its SPI (Theorem 2) reward r̄φ from the estimated policies and dynamics P̂ (§6.3), whatever the learner model and `dynamics`. */
  paperReward: Float64Array;
  learnerModel: LearnerModelReport;
  /** f_k(s) per improvement. */
  shapings: Float64Array[];
  /** Theorem-2 targets r̄_k per improvement. */
  targets: Float64Array[];
  /** π̂_k per update. */
  policies: Float64Array[];
  /** The dynamics the observer's reward was recovered under: the MDP's own P, or P̂ estimated from the data. */
  dynamics: "known" | "estimated";
  /** The model the reward was recovered under (P or P̂ per `dynamics`, empirical start, γ; reward = the fitted reward). */
  model: TabularMdp;
  /** n(s,a) over all updates. */
  visits: Float64Array;
  diagnostics: ImprovementDiagnostic[];
  /** Bootstrap replicates over the observed pairs (config.bootstrap > 0): their rewards, policies and models. */
  bootstrap?: RewardBootstrap;
}

/** Steps 2–4 from given policies and a model MDP (its reward is ignored). Used with exact policies for the ceiling. */
export function recoverFromPolicies(model: TabularMdp, policies: readonly Float64Array[], alphaModel: number): { reward: Float64Array; shapings: Float64Array[]; targets: Float64Array[]; residuals: Float64Array[] } {
  if (policies.length < 2) throw new InputError("E_INVALID_HISTORY", `LfL needs at least two policy updates (one improvement), got ${policies.length}`);
  const targets: Float64Array[] = [];
  for (let k = 0; k + 1 < policies.length; k++) targets.push(invertSoftImprovement(model, policies[k]!, policies[k + 1]!, alphaModel));
  return { ...fitConsistentReward(targets, model.P, model.nS, model.nA, model.gamma), targets };
}

/**
 * Step 5: the reward under the configured learner model and reward form, from a model MDP (reward ignored), the
 * batches, their counts, policies and the paper's SPI reward. "auto" (either setting) is resolved by
 * cross-validation over updates (assumption-selection.ts). With exact policies, expected counts and the true model
 * it gives the noise-free ceiling of the selected-model observer.
 */
export function recoverWithLearnerModel(model: TabularMdp, batches: readonly TabularBatch[], counts: readonly Float64Array[], policies: readonly Float64Array[], spiReward: Float64Array, config: TabularLflConfig): { reward: Float64Array; learnerModel: LearnerModelReport; modelFits?: LearnerModelCandidate[] | undefined } {
  let kind: LearnerModelKind, form: RewardForm, selection: AssumptionSelection | undefined, modelFits: LearnerModelCandidate[] | undefined;
  if (config.learnerModel === "td") {
    kind = "td";
    form = config.rewardForm === "auto" ? "state-action" : config.rewardForm;
  } else {
    let modelSetting = config.learnerModel;
    if (modelSetting === "auto" && config.modelSelection === "margin") {
      // The first pass's rule for the MODEL (state–action maximum-likelihood fits on all data; SPI unless SVI gains > margin).
      // With the TD gate on, the TD candidates are fitted here too, so the gate reuses these SPI and SVI fits.
      const withTd = config.tdGate && config.rewardForm !== "state";
      const sel = selectLearnerModel({ model, batches, counts, policies, spiReward, alphaModel: config.alphaModel }, { models: withTd ? ["spi", "svi", "td"] : ["spi", "svi"], margin: config.selectionMargin, tdSteps: config.tdSteps, iterations: config.mlIterations, spiIterations: config.spiScoreIterations, priorVisits: config.priorVisits, rewardForm: "state-action", stateIterations: config.stateIterations });
      const ll = (k: LearnerModelKind): number => sel.candidates.find((c) => c.kind === k)!.logLikelihood;
      modelSetting = ll("svi") > ll("spi") + config.selectionMargin ? "svi" : "spi";
      if (withTd) modelFits = sel.candidates;
    }
    const candidates = ASSUMPTION_CANDIDATES.filter((a) => (modelSetting === "auto" || a.model === modelSetting) && (config.rewardForm === "auto" || a.form === config.rewardForm));
    if (config.learnerModel === "auto" && config.modelSelection === "margin" && config.rewardForm === "auto") {
      // The reward form is read off the model that predicts the held-out actions best (the least misspecified):
      // the simpler of its two forms unless the other is better by more than one standard error.
      selection = crossValidateAssumptions({ model, batches, counts, policies, alphaModel: config.alphaModel }, { iterations: config.cvIterations, folds: config.cvFolds, candidates: ASSUMPTION_CANDIDATES });
      const sc = selection.scores;
      if (sc.length > 0) {
        const top = sc.reduce((a, b) => (b.heldOut > a.heldOut ? b : a));
        const st = sc.find((x) => x.model === top.model && x.form === "state")!;
        form = st === top || st.diffToBest >= -config.formSe * st.diffSe ? "state" : "state-action";
      } else form = selection.chosen.form;
      kind = modelSetting as "spi" | "svi";
      selection = { ...selection, chosen: { model: kind, form }, rule: `reward form: the simpler form of the best-predicting model unless its other form is better by > ${config.formSe} SE; learner model: SPI unless SVI's likelihood is better by the margin` };
    } else if (candidates.length > 1) {
      selection = crossValidateAssumptions({ model, batches, counts, policies, alphaModel: config.alphaModel }, { iterations: config.cvIterations, folds: config.cvFolds, candidates });
      ({ model: kind, form } = selection.chosen);
    } else ({ model: kind, form } = candidates[0]!);
  }
  const logLikelihood = Object.fromEntries((selection?.scores ?? []).map((c) => [c.name, c.heldOut]));
  if (kind === "spi" && form === "state-action" && config.spiFit === "likelihood") {
    const theta0 = new Float64Array(model.nS * model.nA + 1);
    theta0.set(spiReward);
    const fit = fitSimulatedLearner(spiSimulator(model, policies.length - 1, config.alphaModel), counts, config.alphaModel, model.nS, model.nA, theta0, config.mlIterations);
    return { reward: fit.theta.slice(0, model.nS * model.nA), learnerModel: { chosen: "spi", kind: "spi", rewardForm: form, logLikelihood, ...(selection ? { selection } : {}) }, modelFits };
  }
  if (kind === "spi" && form === "state-action") return { reward: spiReward, learnerModel: { chosen: "spi", kind: "spi", rewardForm: form, logLikelihood, ...(selection ? { selection } : {}) }, modelFits };
  const sel = selectLearnerModel({ model, batches, counts, policies, spiReward, alphaModel: config.alphaModel }, { models: kind === "td" ? ["td"] : [kind], margin: config.selectionMargin, tdSteps: config.tdSteps, iterations: config.mlIterations, spiIterations: config.spiScoreIterations, priorVisits: config.priorVisits, rewardForm: form, stateIterations: config.stateIterations });
  if (kind === "td") for (const c of sel.candidates) logLikelihood[candidateName(c)] = c.logLikelihood;
  return { reward: sel.chosen.reward, learnerModel: { chosen: candidateName(sel.chosen), kind: sel.chosen.kind, rewardForm: form, ...(sel.chosen.eta !== undefined ? { eta: sel.chosen.eta } : {}), logLikelihood, ...(selection ? { selection } : {}) }, modelFits };
}

export function inferTabularReward(history: LearningHistory, spec: TabularSpec, config: Partial<TabularLflConfig> = {}): TabularLflResult {
  const c: TabularLflConfig = { ...TABULAR_LFL_DEFAULTS, ...config };
  if (!(c.alphaModel > 0)) throw new InputError("E_INVALID_CONFIG", `alphaModel must be > 0, got ${c.alphaModel}`);
  if (!["state", "state-action", "auto"].includes(c.rewardForm)) throw new InputError("E_INVALID_CONFIG", `rewardForm must be state, state-action or auto, got ${String(c.rewardForm)}`);
  if (!["spi", "svi", "td", "auto"].includes(c.learnerModel)) throw new InputError("E_INVALID_CONFIG", `learnerModel must be spi, svi, td or auto, got ${String(c.learnerModel)}`);
  if (!(c.formCheck >= 0)) throw new InputError("E_INVALID_CONFIG", `formCheck must be ≥ 0 (0 = off), got ${c.formCheck}`);
  if (!(c.formCheckShift >= 0)) throw new InputError("E_INVALID_CONFIG", `formCheckShift must be ≥ 0 (0 = no condition), got ${c.formCheckShift}`);
  if (!(c.formSe >= 0)) throw new InputError("E_INVALID_CONFIG", `formSe must be ≥ 0, got ${c.formSe}`);
  if (!(c.tdGateMargin >= 0 && c.tdGateCoverage >= 0 && c.tdGateCoverage <= 1)) throw new InputError("E_INVALID_CONFIG", `tdGateMargin must be ≥ 0 and tdGateCoverage in [0, 1], got ${c.tdGateMargin}, ${c.tdGateCoverage}`);
  if (!["in-sample", "held-out", "both"].includes(c.tdGateRule) || !(c.tdGateZ >= 0)) throw new InputError("E_INVALID_CONFIG", `tdGateRule must be in-sample, held-out or both and tdGateZ ≥ 0, got ${String(c.tdGateRule)}, ${c.tdGateZ}`);
  if (!(c.lambdaPerState >= 0)) throw new InputError("E_INVALID_CONFIG", `lambdaPerState must be ≥ 0 (0 = off), got ${c.lambdaPerState}`);
  if (!(c.tdPlanningScale >= 0 && c.tdPlanningCoverage >= 0 && c.tdPlanningCoverage <= 1)) throw new InputError("E_INVALID_CONFIG", `tdPlanningScale must be ≥ 0 (0 = none) and tdPlanningCoverage in [0, 1], got ${c.tdPlanningScale}, ${c.tdPlanningCoverage}`);
  if (!(c.planningScale > 0)) throw new InputError("E_INVALID_CONFIG", `planningScale must be > 0, got ${c.planningScale}`);
  const { nS, nA, gamma } = spec;
  // 1. Data → counts, model, policies.
  const batches = tabularBatches(history, nS, nA);
  const counts = batches.map((b) => visitCounts(b, nS, nA));
  const { P: Phat, visits } = estimateTransitionModel(batches, nS, nA);
  if (!["known", "estimated"].includes(c.dynamics)) throw new InputError("E_INVALID_CONFIG", `dynamics must be known or estimated, got ${String(c.dynamics)}`);
  if (!["theorem2", "likelihood"].includes(c.spiFit)) throw new InputError("E_INVALID_CONFIG", `spiFit must be theorem2 or likelihood, got ${String(c.spiFit)}`);
  const known = c.dynamics === "known" && spec instanceof TabularMdp;
  const P = known ? spec.P : Phat;
  const start = estimateStart(batches, nS);
  const paperPolicies = counts.map((n) => estimatePolicy(n, nS, nA, c.lambda));
  const policies = c.lambdaPerState > 0 ? counts.map((n) => estimatePolicy(n, nS, nA, c.lambdaPerState, true)) : paperPolicies;
  const model0 = new TabularMdp({ nS, nA, P, r: new Float64Array(nS * nA), start, gamma, name: known ? "known-dynamics-model" : "estimated-model" });
  // 2–3. Targets and the consistent reward.
  const { reward: paperReward, shapings, targets, residuals } = recoverFromPolicies(model0, policies, c.alphaModel);
  // 5. The learner model.
  const cvChoice = recoverWithLearnerModel(model0, batches, counts, policies, paperReward, c);
  const planning = (r: Float64Array): Float64Array => supportedReward(pessimisticReward(r, visits, c.pessimism), visits, nS, nA, c.supportVisits, c.supportPenalty);
  let { reward: fittedReward, learnerModel } = cvChoice;
  const ensembleCandidates = ASSUMPTION_CANDIDATES.filter((a) => (c.learnerModel === "auto" || a.model === c.learnerModel) && (c.rewardForm === "auto" || a.form === c.rewardForm));
  if (c.robust && c.learnerModel !== "td" && ensembleCandidates.length > 1) {
    const ens = robustAssumption(model0, policies, cvChoice, (a) => recoverWithLearnerModel(model0, batches, counts, policies, paperReward, { ...c, learnerModel: a.model, rewardForm: a.form }), planning, ensembleCandidates);
    fittedReward = ens.reward;
    learnerModel = { ...ens.learnerModel, logLikelihood: cvChoice.learnerModel.logLikelihood, ...(cvChoice.learnerModel.selection ? { selection: cvChoice.learnerModel.selection } : {}), ensemble: ens.table };
  }
  // The state-form check (form-check.ts): a state-only SPI reward whose plan is poor under the paper's r̄φ gives way to r̄φ.
  if (c.formCheck > 0 && c.rewardForm === "auto" && learnerModel.kind === "spi" && learnerModel.rewardForm === "state") {
    // Under the dynamics the observer will play under: the MDP's own when `spec` is the MDP (the benchmark, Table 2:
    // the paper's observer plans under the true dynamics, §6.1), else P̂.
    const checkModel = spec instanceof TabularMdp ? spec : model0;
    const shift = c.formCheckShift > 0 ? { piK: policies[policies.length - 1]!, ratio: c.formCheckShift, planningScale: c.planningScale } : undefined;
    const check = checkStateForm(checkModel, planning(paperReward), planning(fittedReward), c.formCheck, undefined, shift);
    learnerModel = { ...learnerModel, formCheck: check };
    if (check.switched) {
      fittedReward = paperReward;
      learnerModel = { ...learnerModel, chosen: "spi", rewardForm: "state-action" };
    }
  }
  // The TD gate (td-gate.ts): a TD-like history with broad coverage gets the TD model's reward.
  if (c.tdGate && c.learnerModel === "auto" && c.rewardForm !== "state") {
    const input = { model: model0, batches, counts, policies, spiReward: paperReward, alphaModel: c.alphaModel };
    const gate = tdGate(input, { rule: c.tdGateRule, z: c.tdGateZ, margin: c.tdGateMargin, coverage: c.tdGateCoverage, tdSteps: c.tdSteps, mlIterations: c.mlIterations, spiScoreIterations: c.spiScoreIterations, priorVisits: c.priorVisits, cvIterations: c.cvIterations, cvFolds: c.cvFolds }, cvChoice.modelFits);
    let report = gate.report;
    if (report.used && c.tdPlanningScale > 0) {
      // §15: plan a TD reward hotter only when the held-out test also says the learner is TD-like (and, with
      // tdPlanningCoverage < 1, its last batch is not a broad sweep of the pairs).
      const heldOut = report.heldOut ?? heldOutTdAdvantage(input, c);
      report = { ...report, heldOut, planningScale: heldOutPasses(heldOut, c.tdGateZ) && report.coverage <= c.tdPlanningCoverage ? c.tdPlanningScale : c.planningScale };
    }
    learnerModel = { ...learnerModel, tdGate: report };
    if (gate.report.used) {
      fittedReward = gate.reward;
      learnerModel = { ...learnerModel, chosen: gate.name, kind: "td", rewardForm: "state-action", eta: gate.eta };
    }
  }
  // The form check above compares plans at the paper's temperature; the observer's plan is at α / planningScale.
  const scale = learnerModel.tdGate?.planningScale ?? c.planningScale;
  const reward = planning(fittedReward).map((r) => r * scale);
  const model = model0.withReward(fittedReward);
  // Uncertainty: bootstrap over the observed pairs, refitting the chosen assumptions.
  const boot = c.bootstrap > 0 && (learnerModel.kind !== "td" || c.bootstrapTd)
    ? bootstrapRewards(batches, spec, { model: learnerModel.kind, form: learnerModel.rewardForm, ...(learnerModel.eta !== undefined ? { eta: learnerModel.eta } : {}) }, fittedReward, { alphaModel: c.alphaModel, lambda: c.lambdaPerState > 0 ? c.lambdaPerState : c.lambda, perState: c.lambdaPerState > 0, replicates: c.bootstrap, iterations: c.bootstrapIterations, seed: c.bootstrapSeed })
    : undefined;
  // 4. Diagnostics.
  const J = policies.map((pi) => softReturn(model, pi, c.alphaModel));
  const drop = c.nonImprovingTolerance * (Math.max(...J) - Math.min(...J));
  const Jb = (boot?.models ?? []).map((m, b) => boot!.policies[b]!.map((pi) => softReturn(m, pi, c.alphaModel)));
  const diagnostics = residuals.map((res, k): ImprovementDiagnostic => {
    let all = 0, vis = 0, nVis = 0;
    for (let i = 0; i < res.length; i++) {
      all += res[i]! ** 2;
      if (counts[k]![i]! > 0) { vis += res[i]! ** 2; nVis++; }
    }
    const dropFraction = Jb.length > 0 ? Jb.filter((j) => j[k + 1]! < j[k]!).length / Jb.length : Number.NaN;
    return {
      from: history.updates[k]!.index,
      to: history.updates[k + 1]!.index,
      residualRms: Math.sqrt(all / res.length),
      residualRmsVisited: nVis > 0 ? Math.sqrt(vis / nVis) : Number.NaN,
      returnFrom: J[k]!,
      returnTo: J[k + 1]!,
      nonImproving: J[k + 1]! < J[k]! - drop && (Jb.length === 0 || dropFraction === 1),
      dropFraction,
    };
  });
  // The paper's observer always recovers under P̂ (§6.3); under known dynamics that is a second Theorem-2 fit.
  const paperObserverReward = known ? recoverFromPolicies(new TabularMdp({ nS, nA, P: Phat, r: new Float64Array(nS * nA), start, gamma, name: "estimated-model" }), paperPolicies, c.alphaModel).reward
    : policies === paperPolicies ? paperReward : recoverFromPolicies(model0, paperPolicies, c.alphaModel).reward;
  return { reward, fittedReward, paperReward: paperObserverReward, dynamics: known ? "known" : "estimated", learnerModel, shapings, targets, policies, model, visits, diagnostics, ...(boot ? { bootstrap: boot } : {}) };
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

/**
 * Planning within the data's support: every pair observed fewer than m times gets at most a well-supported reward
 * minus `penalty` — its state's lowest well-supported reward when the state has a pair observed ≥ m times (the
 * planner keeps to actions the learner actually took there), else the lowest well-supported reward anywhere (the
 * planner does not head for states the learner barely saw, e.g. an absorbing trap whose reward the data never
 * determined). m = 0: off.
 */
export function supportedReward(reward: Float64Array, visits: Float64Array, nS: number, nA: number, m: number, penalty: number): Float64Array {
  if (!(m >= 0) || !(penalty >= 0)) throw new InputError("E_INVALID_CONFIG", `supportVisits and supportPenalty must be ≥ 0, got ${m}, ${penalty}`);
  if (m === 0) return reward;
  const out = Float64Array.from(reward);
  let global = Infinity;
  for (let i = 0; i < nS * nA; i++) if (visits[i]! >= m) global = Math.min(global, reward[i]!);
  if (global === Infinity) return out;
  for (let s = 0; s < nS; s++) {
    let low = Infinity;
    for (let a = 0; a < nA; a++) if (visits[s * nA + a]! >= m) low = Math.min(low, reward[s * nA + a]!);
    if (low === Infinity) low = global;
    for (let a = 0; a < nA; a++) if (visits[s * nA + a]! < m) out[s * nA + a] = Math.min(reward[s * nA + a]!, low - penalty);
  }
  return out;
}

/** The observer's policy: optimal soft policy of r̄φ under the TRUE dynamics of `mdp` at entropy weight α. */
export function observerPolicy(mdp: TabularMdp, reward: Float64Array, alpha = 0.3): Float64Array {
  return planOnReward(mdp, reward, alpha).pi;
}
