/**
 * Probability of improvement P(X > Y) (Agarwal et al. 2021, §5): for each task m, the probability that a random
 * run of method X scores higher than a random run of method Y on that task, ties counting one half — the
 * Mann–Whitney U statistic divided by n_X·n_Y:
 *     P(X_m > Y_m) = (1 / (n_X n_Y)) Σ_i Σ_j S(x_i, y_j),   S(x, y) = 1 if x > y, 1/2 if x = y, 0 if x < y,
 * averaged over the tasks. It says how often X beats Y, not by how much. 0.5 means no difference; an interval
 * whose lower end is above 0.5 supports "X is better than Y". The interval is a stratified bootstrap in which X's
 * and Y's runs are resampled independently within each task (their runs need not be paired).
 *
 * Usage: `probabilityOfImprovementInterval(observer, learner, new Rng(0)).ci`
 */
import type { Rng } from "../core/rng.ts";
import { checkSameTasks, checkScoreMatrix, type ScoreMatrix } from "./score-matrix.ts";
import { stratifiedBootstrap, type BootstrapOptions } from "./stratified-bootstrap.ts";

/** P(X > Y) + ½ P(X = Y) on one task: U / (n_X n_Y). */
export function taskProbabilityOfImprovement(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const xi of x) {
    for (const yj of y) u += xi > yj ? 1 : xi === yj ? 0.5 : 0;
  }
  return u / (x.length * y.length);
}

/** P(X > Y) averaged over tasks. */
export function probabilityOfImprovement(x: ScoreMatrix, y: ScoreMatrix): number {
  checkScoreMatrix(x, "X");
  checkScoreMatrix(y, "Y");
  checkSameTasks(x, y, "probability of improvement");
  let s = 0;
  for (let m = 0; m < x.length; m++) s += taskProbabilityOfImprovement(x[m]!, y[m]!);
  return s / x.length;
}

/** P(X > Y) with its stratified-bootstrap percentile interval, and the per-task values. */
export function probabilityOfImprovementInterval(x: ScoreMatrix, y: ScoreMatrix, rng: Rng, opts: BootstrapOptions = {}): { point: number; ci: [number, number]; perTask: number[] } {
  const point = probabilityOfImprovement(x, y);
  const est = stratifiedBootstrap([x, y], ([a, b]) => probabilityOfImprovement(a!, b!), rng, opts);
  return { point, ci: [est.lo[0]!, est.hi[0]!], perTask: x.map((row, m) => taskProbabilityOfImprovement(row, y[m]!)) };
}
