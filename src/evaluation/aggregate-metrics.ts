/**
 * The four aggregate scores of Agarwal et al. (2021), computed over a `ScoreMatrix` (scores[task][run]) as rliable
 * defines them:
 * - IQM: the interquartile mean (`iqm`, 25 % trimmed) of all runs of all tasks pooled;
 * - mean: the mean over tasks of each task's mean score;
 * - median: the median over tasks of each task's mean score;
 * - optimality gap: γ − mean over all runs of min(score, γ), i.e. how far the runs fall short of the target γ
 *   (default 1: on our normalisation, the learner's last observed policy); lower is better.
 *
 * Usage: `aggregateIqm(scores)`, or by name: `AGGREGATE_METRICS.iqm(scores)`.
 */
import { iqm } from "./iqm.ts";
import { checkScoreMatrix, pooledRuns, type ScoreMatrix } from "./score-matrix.ts";

function taskMeans(scores: ScoreMatrix): number[] {
  return scores.map((row) => row.reduce((s, x) => s + x, 0) / row.length);
}

/** IQM over all runs of all tasks. */
export function aggregateIqm(scores: ScoreMatrix): number {
  checkScoreMatrix(scores);
  return iqm(pooledRuns(scores));
}

/** Mean of the per-task mean scores. */
export function aggregateMean(scores: ScoreMatrix): number {
  checkScoreMatrix(scores);
  const m = taskMeans(scores);
  return m.reduce((s, x) => s + x, 0) / m.length;
}

/** Median of the per-task mean scores (the average of the two middle ones for an even number of tasks). */
export function aggregateMedian(scores: ScoreMatrix): number {
  checkScoreMatrix(scores);
  const m = taskMeans(scores).sort((a, b) => a - b);
  const h = m.length >> 1;
  return m.length % 2 === 1 ? m[h]! : (m[h - 1]! + m[h]!) / 2;
}

/** γ − mean over all runs of min(score, γ) (0 when every run reaches γ). */
export function optimalityGap(scores: ScoreMatrix, threshold = 1): number {
  checkScoreMatrix(scores);
  const all = pooledRuns(scores);
  let s = 0;
  for (const x of all) s += Math.min(x, threshold);
  return threshold - s / all.length;
}

export type AggregateMetricName = "iqm" | "mean" | "median" | "optimalityGap";

/** The four aggregates by name (optimality gap at γ = 1). */
export const AGGREGATE_METRICS: Readonly<Record<AggregateMetricName, (scores: ScoreMatrix) => number>> = {
  iqm: aggregateIqm,
  mean: aggregateMean,
  median: aggregateMedian,
  optimalityGap: (s) => optimalityGap(s, 1),
};
