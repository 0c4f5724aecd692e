/**
 * `lfl evaluate`'s statistics, in Table 3's shapes (so Table 3's tables and Fig. 4 render them): one run per
 * evaluation seed, and per env the statistics over those seeds. The learner's scores are the history's own
 * per-update mean returns of finished episodes (learner-returns.ts) — the same for every seed, since the history
 * is one — instead of Table 3's re-played policies: no learner mean-action returns, and no "learner continued"
 * control (we do not have the learner to continue).
 */
import { Rng } from "../../core/rng.ts";
import { normalisedScore, pooledNormalisedScore } from "../../evaluation/normalised-score.ts";
import { pairedComparison, seedStats } from "../../evaluation/seed-stats.ts";
import { OBSERVER_ID } from "../table3/methods/method-registry.ts";
import type { Table3Method } from "../table3/methods/method.ts";
import type { Algorithm1StageResult, CurvePoint, MethodStageResult, PairedDiff, Table3EnvResult, Table3Run } from "../table3/table3.ts";
import { methodScores, scoreOf } from "../table3/table3-summary.ts";

/** The learner as the history shows it: first/last observed means (the normalisation) and its curve. */
export interface HistoryLearner {
  first: number;
  last: number;
  /** Mean return per window update that has finished episodes. */
  curve: CurvePoint[];
}

/** One evaluation seed from its Algorithm 1 and method cells. */
export function evaluateRun(env: string, seed: number, learner: HistoryLearner, alg: Algorithm1StageResult, methods: ReadonlyMap<string, MethodStageResult>, methodList: readonly Table3Method[]): Table3Run {
  // Only the clone is derivable here: the continued learner is not in methodList for an outside history.
  const { scores, meanAction, curves: own } = methodScores(methodList, alg, methods);
  const curves: Table3Run["curves"] = { learner: learner.curve, ...own };
  const { first, last } = learner;
  const best = Math.max(...learner.curve.map((p) => p.mean));
  const norm = (x: number): number | null => (last === first ? null : normalisedScore(x, first, last));
  const normalised: Table3Run["normalised"] = { learnerBest: norm(best), ...Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, norm(v)])) };
  return { env, seed, learnerFirst: first, learnerLast: last, learnerBest: best, learnerImproved: last > first, scores, meanAction, normalised, curves, wallSeconds: {}, algorithm1: alg.diagnostics };
}

/** Per env over the seeds: as Table 3's summary, without learner mean-action returns (not in a history). */
export function summariseEvaluation(id: string, window: number[], runs: Table3Run[], methodList: readonly Table3Method[]): Table3EnvResult {
  const rng = new Rng(0); // bootstrap stream, fixed so reports are reproducible
  const ids = methodList.map((m) => m.id);
  const absolute = Object.fromEntries(["learnerFirst", "learnerLast", "learnerBest", ...ids].map((k) => [k, seedStats(runs.map((r) => scoreOf(r, k)), rng)]));
  const improved = runs.filter((r) => r.learnerImproved);
  const normalised = Object.fromEntries(["learnerBest", ...ids].map((k) => [k, improved.length ? seedStats(improved.map((r) => r.normalised[k]!), rng) : null]));
  const firsts = runs.map((r) => r.learnerFirst), lasts = runs.map((r) => r.learnerLast);
  const pooledOk = lasts.reduce((s, x) => s + x, 0) > firsts.reduce((s, x) => s + x, 0);
  const pooled = Object.fromEntries(["learnerBest", ...ids].map((k) => [k, pooledOk ? pooledNormalisedScore(runs.map((r) => scoreOf(r, k)), firsts, lasts) : null]));
  const meanAction = Object.fromEntries(ids.map((k) => [k, seedStats(runs.map((r) => r.meanAction[k]!), rng)]));
  const against = ["learnerLast", ...ids.filter((k) => k !== OBSERVER_ID)];
  const paired = (xs: (r: Table3Run, k: string) => number | undefined): Record<string, PairedDiff | null> =>
    Object.fromEntries(against.map((k) => {
      if (runs.length < 2 || xs(runs[0]!, k) === undefined) return [k, null];
      return [k, pairedComparison(runs.map((r) => xs(r, OBSERVER_ID)!), runs.map((r) => xs(r, k)!), rng)];
    }));
  return {
    id, window, paper: null, runs, absolute, normalised, pooled, meanAction,
    comparisons: paired(scoreOf), comparisonsMeanAction: paired((r, k) => r.meanAction[k]),
  };
}
