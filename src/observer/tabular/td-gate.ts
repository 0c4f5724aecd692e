/**
 * The TD gate (issue 15, docs/observer-tabular.md §12–§13): when the data look like a temporal-difference learner
 * with broad coverage, plan on the TD model's reward instead of the SPI / SVI one.
 *
 * The TD model (online Q-learning replayed on the observed stream, η by likelihood; learner-model-selection.ts)
 * recovers most of the gap to J* on Garnet and trap-grid Q-learning histories where the SPI / SVI models recover
 * none, and is catastrophic where the learner ends on one narrow path (the 5×5 grid). The gate uses TD when the last
 * batch shows more than `coverage` of the state–action pairs and TD predicts the learner better than SPI and SVI:
 *
 *   rule "in-sample" (§12):  max_η ℓ_td(η) − max(ℓ_spi, ℓ_svi) > margin
 *                            (in-sample log-likelihood per observed action of D_1..D_K, margin 0.005 nats);
 *   rule "held-out" (§13):   the same difference of the FORWARD-CHAINING held-out log-likelihoods (each model fitted
 *                            on D_0..D_{h−1}, scored on D_h's actions; assumption-selection.ts) is above `z` standard
 *                            errors of its paired per-action difference;
 *   rule "both" (§14):       the in-sample AND the held-out test (TD must out-fit the others on all the data and
 *                            predict the next update better out of sample).
 *
 * The coverage test comes first, so the held-out fits run only when it passes. Either way the TD reward planned on is
 * the best-η TD model fitted on all the data.
 *
 * Usage: `const g = tdGate(input, { rule: "held-out", z: 1, margin: 0.005, coverage: 0.15, tdSteps: [0.1, 0.2, 0.5], mlIterations: 150, spiScoreIterations: 50, priorVisits: 0, cvIterations: 40, cvFolds: 3 });`
 */
import { crossValidateAssumptions, type Assumption } from "./assumption-selection.ts";
import { candidateName, selectLearnerModel, type LearnerModelCandidate, type LearnerModelInput } from "./learner-model-selection.ts";

export type TdGateRule = "in-sample" | "held-out" | "both";

export interface TdGateOptions {
  rule: TdGateRule;
  /** In-sample rule (and "both"): nats per action. */
  margin: number;
  /** Held-out rule (and "both"): standard errors of the paired difference. */
  z: number;
  coverage: number;
  tdSteps: readonly number[];
  mlIterations: number;
  spiScoreIterations: number;
  priorVisits: number;
  /** Held-out rule: L-BFGS iterations per fold fit and the number of held-out updates. */
  cvIterations: number;
  cvFolds: number;
}

export interface TdGateReport {
  rule: TdGateRule;
  /** Best TD log-likelihood per action minus the better of SPI's and SVI's (in-sample). */
  advantage: number;
  /** Fraction of the state–action pairs the last batch shows. */
  coverage: number;
  used: boolean;
  /** In-sample log-likelihood per action by model ("spi", "svi", "td(η=…)"). */
  logLikelihood: Record<string, number>;
  /** Held-out rule, when the coverage test passed (or `tdPlanningScale` asked for it): TD's held-out advantage per action, its standard error, and every model's held-out log-likelihood per action. */
  heldOut?: { advantage: number; se: number; scores: Record<string, number> };
  /** The planning scale the TD reward was planned with, when `tdPlanningScale` > 0 (tabular-lfl.ts). */
  planningScale?: number;
}

export interface TdGateResult {
  report: TdGateReport;
  /** The best TD candidate's reward (state–action) and its name and η. */
  reward: Float64Array;
  name: string;
  eta: number;
}

/** Forward-chaining held-out advantage of the best TD step over the better of SPI and SVI (state–action rewards), with the SE of the paired difference. */
export function heldOutTdAdvantage(input: LearnerModelInput, options: Pick<TdGateOptions, "tdSteps" | "cvIterations" | "cvFolds">): { advantage: number; se: number; scores: Record<string, number> } {
  const candidates: Assumption[] = [{ model: "spi", form: "state-action" }, { model: "svi", form: "state-action" }, ...options.tdSteps.map((eta): Assumption => ({ model: "td", form: "state-action", eta }))];
  const sel = crossValidateAssumptions(input, { iterations: options.cvIterations, folds: options.cvFolds, candidates });
  if (sel.scores.length === 0) return { advantage: Number.NaN, se: Number.NaN, scores: {} };
  const best = (xs: typeof sel.scores): (typeof sel.scores)[number] => xs.reduce((a, b) => (b.heldOut > a.heldOut ? b : a));
  const td = best(sel.scores.filter((x) => x.model === "td")), other = best(sel.scores.filter((x) => x.model !== "td"));
  // diffToBest is paired against the overall best: when TD is best, the other's is −(TD's paired advantage), and vice versa.
  const se = best(sel.scores) === td ? other.diffSe : td.diffSe;
  return { advantage: td.heldOut - other.heldOut, se, scores: Object.fromEntries(sel.scores.map((x) => [x.name, x.heldOut])) };
}

/** The held-out test: TD predicts the next update's actions better than SPI and SVI by more than z standard errors. */
export function heldOutPasses(h: { advantage: number; se: number }, z: number): boolean {
  return h.advantage > 0 && h.advantage > z * h.se;
}

/** `fits`: the spi, svi and td candidates when the caller already fitted them (tabular-lfl.ts's model rule does). */
export function tdGate(input: LearnerModelInput, options: TdGateOptions, fits?: readonly LearnerModelCandidate[]): TdGateResult {
  const { nS, nA } = input.model;
  const candidates = fits ?? selectLearnerModel(input, {
    models: ["spi", "svi", "td"], margin: Infinity, tdSteps: options.tdSteps, iterations: options.mlIterations,
    spiIterations: options.spiScoreIterations, priorVisits: options.priorVisits, rewardForm: "state-action", stateIterations: 0,
  }).candidates;
  const td = candidates.filter((c) => c.kind === "td").reduce((a, b) => (b.logLikelihood > a.logLikelihood ? b : a));
  const other = Math.max(...candidates.filter((c) => c.kind !== "td").map((c) => c.logLikelihood));
  const last = input.counts[input.counts.length - 1]!;
  let shown = 0;
  for (let i = 0; i < nS * nA; i++) if (last[i]! > 0) shown++;
  const advantage = td.logLikelihood - other, coverage = shown / (nS * nA);
  const logLikelihood = Object.fromEntries(candidates.map((c) => [candidateName(c), c.logLikelihood]));
  let used = coverage > options.coverage, heldOut: TdGateReport["heldOut"];
  if (used && options.rule !== "held-out") used = advantage > options.margin;
  if (used && options.rule !== "in-sample") {
    heldOut = heldOutTdAdvantage(input, options);
    used = heldOutPasses(heldOut, options.z);
  }
  return { report: { rule: options.rule, advantage, coverage, used, logLikelihood, ...(heldOut ? { heldOut } : {}) }, reward: td.reward, name: candidateName(td), eta: td.eta! };
}
