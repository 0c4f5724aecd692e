/**
 * Stratified bootstrap confidence intervals (Agarwal et al. 2021, §4): each resample draws, for every task
 * independently, as many runs as the task has, with replacement from that task's runs — so every task keeps its
 * weight and the interval reflects only run-to-run variability. Several methods (groups) are resampled
 * independently of each other (rliable's StratifiedIndependentBootstrap, used for probability of improvement);
 * for paired data, bootstrap the matrix of per-seed differences instead (paired-difference.ts).
 * Intervals are percentile intervals: the (1 − level)/2 and (1 + level)/2 quantiles of the statistic over the
 * resamples, with numpy's default linear interpolation between order statistics. All draws come from the `Rng`
 * passed in, so a fixed seed gives the same interval.
 *
 * Usage:
 *   const est = stratifiedBootstrap([scores], ([s]) => aggregateIqm(s), new Rng(0), { resamples: 2000 });
 *   est.point[0], est.lo[0], est.hi[0]
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { checkScoreMatrix, type ScoreMatrix } from "./score-matrix.ts";

export interface BootstrapOptions {
  /** Number of bootstrap resamples B (default 2000). */
  resamples?: number;
  /** Coverage of the percentile interval (default 0.95). */
  level?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** Point estimate and percentile interval of a (possibly vector-valued) statistic. */
export interface IntervalEstimate {
  point: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  resamples: number;
  level: number;
}

/** A statistic of one score matrix per group, scalar or a fixed-length vector. */
export type GroupStatistic = (groups: readonly ScoreMatrix[]) => number | ArrayLike<number>;

export function resolveBootstrapOptions(opts: BootstrapOptions = {}): { resamples: number; level: number } {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? 0.95;
  if (!Number.isSafeInteger(resamples) || resamples < 1) throw new InputError("E_INVALID_ARGUMENT", `bootstrap: resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new InputError("E_INVALID_ARGUMENT", `bootstrap: level must be in (0, 1), got ${level}`);
  return { resamples, level };
}

/** The q-quantile (0 ≤ q ≤ 1) of an ascending-sorted array, linearly interpolated (numpy's default). */
export function sortedQuantile(sortedValues: ArrayLike<number>, q: number): number {
  const n = sortedValues.length;
  if (n === 0) throw new InputError("E_INVALID_ARGUMENT", "quantile of an empty sample");
  const pos = q * (n - 1);
  const i = Math.floor(pos), f = pos - i;
  return i + 1 < n ? sortedValues[i]! + f * (sortedValues[i + 1]! - sortedValues[i]!) : sortedValues[n - 1]!;
}

/** Percentile interval [lo, hi] at `level` of a sample of bootstrap statistics (not modified). */
export function percentileInterval(samples: ArrayLike<number>, level = 0.95): [number, number] {
  const s = Float64Array.from(samples).sort();
  return [sortedQuantile(s, (1 - level) / 2), sortedQuantile(s, (1 + level) / 2)];
}

/** One stratified resample: for each task, as many runs as it has, drawn with replacement from that task. */
export function stratifiedResample(scores: ScoreMatrix, rng: Rng): number[][] {
  return scores.map((row) => {
    const n = row.length;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = row[rng.int(n)]!;
    return out;
  });
}

function asVector(v: number | ArrayLike<number>): ArrayLike<number> {
  return typeof v === "number" ? [v] : v;
}

/**
 * Stratified bootstrap of `statistic` over `groups` (one score matrix per method, each resampled independently,
 * task by task). Returns the statistic on the original data and its percentile interval, per component.
 */
export function stratifiedBootstrap(groups: readonly ScoreMatrix[], statistic: GroupStatistic, rng: Rng, opts: BootstrapOptions = {}): IntervalEstimate {
  const { resamples, level } = resolveBootstrapOptions(opts);
  if (groups.length === 0) throw new InputError("E_INVALID_ARGUMENT", "bootstrap: no score matrices given");
  groups.forEach((g, i) => checkScoreMatrix(g, `group ${i}`));
  const point = Float64Array.from(asVector(statistic(groups)));
  const k = point.length;
  const draws = Array.from({ length: k }, () => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    const v = asVector(statistic(groups.map((g) => stratifiedResample(g, rng))));
    if (v.length !== k) throw new InputError("E_INVALID_ARGUMENT", `bootstrap: the statistic returned ${v.length} values on a resample, ${k} on the data`);
    for (let j = 0; j < k; j++) draws[j]![b] = v[j]!;
  }
  const lo = new Float64Array(k), hi = new Float64Array(k);
  for (let j = 0; j < k; j++) [lo[j], hi[j]] = percentileInterval(draws[j]!, level);
  return { point, lo, hi, resamples, level };
}

/** Scalar convenience: the point estimate and 95 % (or `level`) interval of `metric` on one score matrix. */
export function intervalOf(scores: ScoreMatrix, metric: (s: ScoreMatrix) => number, rng: Rng, opts: BootstrapOptions = {}): { point: number; ci: [number, number] } {
  const e = stratifiedBootstrap([scores], ([s]) => metric(s!), rng, opts);
  return { point: e.point[0]!, ci: [e.lo[0]!, e.hi[0]!] };
}
