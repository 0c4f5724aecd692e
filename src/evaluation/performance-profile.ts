/**
 * Performance profiles (Agarwal et al. 2021, §5; after Dolan & Moré 2002): the score distribution of a method,
 * F(τ) = fraction of runs whose (normalised) score is strictly above τ, over a grid of thresholds τ, with a
 * stratified-bootstrap percentile band at each τ. Two kinds, as rliable offers:
 * - "runs" (the default, rliable's run-score distribution): all runs of all tasks pooled — with equal runs per
 *   task every task weighs the same;
 * - "task-means" (the average-score distribution): the fraction of tasks whose mean score is above τ.
 * A profile that lies above another everywhere is stochastically dominant; F at τ = 1 is the fraction of runs
 * that beat the reference score 1 (on our normalisation, the learner's last observed policy).
 *
 * Usage: `performanceProfile(scores, tauGrid(-1, 3, 81), new Rng(0))`
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { checkScoreMatrix, pooledRuns, type ScoreMatrix } from "./score-matrix.ts";
import { stratifiedBootstrap, type BootstrapOptions } from "./stratified-bootstrap.ts";

export type ProfileKind = "runs" | "task-means";

export interface PerformanceProfile {
  kind: ProfileKind;
  taus: number[];
  /** F(τ) on the data, one per τ. */
  fraction: number[];
  lo: number[];
  hi: number[];
  level: number;
}

/** `n` evenly spaced thresholds from `min` to `max` inclusive. */
export function tauGrid(min: number, max: number, n: number): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min) || !Number.isSafeInteger(n) || n < 2) {
    throw new InputError("E_INVALID_ARGUMENT", `tau grid: needs finite min < max and n ≥ 2, got ${min}, ${max}, ${n}`);
  }
  return Array.from({ length: n }, (_, i) => min + ((max - min) * i) / (n - 1));
}

/** F(τ) for each τ, without an interval. */
export function scoreDistribution(scores: ScoreMatrix, taus: readonly number[], kind: ProfileKind = "runs"): number[] {
  checkScoreMatrix(scores);
  const xs = kind === "runs" ? pooledRuns(scores) : scores.map((row) => row.reduce((s, x) => s + x, 0) / row.length);
  return taus.map((tau) => xs.reduce((n, x) => n + (x > tau ? 1 : 0), 0) / xs.length);
}

export function performanceProfile(scores: ScoreMatrix, taus: readonly number[], rng: Rng, opts: BootstrapOptions & { kind?: ProfileKind } = {}): PerformanceProfile {
  const kind = opts.kind ?? "runs";
  if (taus.length === 0 || !taus.every(Number.isFinite)) throw new InputError("E_INVALID_ARGUMENT", "performance profile: needs a non-empty list of finite thresholds τ");
  const est = stratifiedBootstrap([scores], ([s]) => scoreDistribution(s!, taus, kind), rng, opts);
  return { kind, taus: [...taus], fraction: Array.from(est.point), lo: Array.from(est.lo), hi: Array.from(est.hi), level: est.level };
}
