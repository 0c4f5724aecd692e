/**
 * The input shape of the benchmark statistics (Agarwal et al. 2021, "Deep RL at the edge of the statistical
 * precipice"): `scores[task][run]`, one row per task (env), one entry per independent run (seed) of one method on
 * that task. Rows may have different lengths (a task with fewer finished seeds); every entry must be finite.
 * rliable stores the transpose (runs × tasks); task-major rows match how our results group runs by env.
 *
 * Usage: `checkScoreMatrix(scores, "observer")` before any statistic; it throws `InputError` naming the entry.
 */
import { InputError } from "../core/errors.ts";

/** `scores[task][run]`: normalised (or raw) scores of one method. */
export type ScoreMatrix = readonly (readonly number[])[];

/** Throws `InputError("E_INVALID_ARGUMENT")` unless `scores` has ≥ 1 task, every task ≥ 1 run, all finite. */
export function checkScoreMatrix(scores: ScoreMatrix, what = "scores"): void {
  if (!Array.isArray(scores) || scores.length === 0) throw new InputError("E_INVALID_ARGUMENT", `${what}: needs at least one task (got ${Array.isArray(scores) ? 0 : typeof scores})`);
  scores.forEach((row, t) => {
    if (!Array.isArray(row) || row.length === 0) throw new InputError("E_INVALID_ARGUMENT", `${what}[${t}]: task ${t} has no runs`);
    row.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError("E_INVALID_ARGUMENT", `${what}[${t}][${i}] = ${String(x)} is not a finite number`);
    });
  });
}

/** Every run of every task in one list (task by task). */
export function pooledRuns(scores: ScoreMatrix): number[] {
  const out: number[] = [];
  for (const row of scores) for (const x of row) out.push(x);
  return out;
}

/** Throws unless `a` and `b` have the same number of tasks. */
export function checkSameTasks(a: ScoreMatrix, b: ScoreMatrix, what: string): void {
  if (a.length !== b.length) throw new InputError("E_INVALID_ARGUMENT", `${what}: the two score matrices have ${a.length} and ${b.length} tasks`);
}
