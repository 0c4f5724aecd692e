/**
 * The TD gate (issue 15, docs/observer-tabular.md §12): when the data look like a temporal-difference learner with
 * broad coverage, plan on the TD model's reward instead of the SPI / SVI one.
 *
 * The TD model (online Q-learning replayed on the observed stream, η by likelihood; learner-model-selection.ts)
 * recovers most of the gap to J* on Garnet and trap-grid Q-learning histories where the SPI / SVI models recover
 * none, and is catastrophic where the learner ends on one narrow path (the 5×5 grid). The gate uses TD when
 *
 *   max_η ℓ_td(η) − max(ℓ_spi, ℓ_svi) > margin   (in-sample log-likelihood per observed action of D_1..D_K)
 *   and the last batch shows more than `coverage` of the state–action pairs,
 *
 * both measured on tuning seeds 100–129 (margin 0.005 nats, coverage 0.15).
 *
 * Usage: `const g = tdGate(input, { margin: 0.005, coverage: 0.15, tdSteps: [0.1, 0.2, 0.5], mlIterations: 150, spiScoreIterations: 50, priorVisits: 0 });`
 */
import { candidateName, selectLearnerModel, type LearnerModelCandidate, type LearnerModelInput } from "./learner-model-selection.ts";

export interface TdGateOptions {
  margin: number;
  coverage: number;
  tdSteps: readonly number[];
  mlIterations: number;
  spiScoreIterations: number;
  priorVisits: number;
}

export interface TdGateReport {
  /** Best TD log-likelihood per action minus the better of SPI's and SVI's. */
  advantage: number;
  /** Fraction of the state–action pairs the last batch shows. */
  coverage: number;
  used: boolean;
  /** In-sample log-likelihood per action by model ("spi", "svi", "td(η=…)"). */
  logLikelihood: Record<string, number>;
}

export interface TdGateResult {
  report: TdGateReport;
  /** The best TD candidate's reward (state–action) and its name and η. */
  reward: Float64Array;
  name: string;
  eta: number;
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
  return {
    report: { advantage, coverage, used: advantage > options.margin && coverage > options.coverage, logLikelihood: Object.fromEntries(candidates.map((c) => [candidateName(c), c.logLikelihood])) },
    reward: td.reward, name: candidateName(td), eta: td.eta!,
  };
}
