/**
 * Paired differences between two methods run on the same seeds: per task (env), the mean over seeds of
 * a_seed − b_seed with its bootstrap interval and the exact sign-flip p-value of "a > b" (seed-stats.ts's
 * `pairedComparison`); pooled across tasks, the mean over tasks of those per-task mean differences (each task
 * weighs the same, however many seeds it has) with a stratified-bootstrap interval (seeds resampled within each
 * task, the pairs kept together) and a stratified sign-flip p-value (each seed's difference flips sign
 * independently; exact when there are ≤ 16 pairs in all, else 20 000 random flips from `rng`).
 * A one-sided claim "a > b" at 95 % is supported when the interval's lower end is above 0.
 *
 * Usage:
 *   pairedDifferences([{ task: "Hopper-v5", seeds: [0, 1, 2], a: obs, b: lrn }, ...], new Rng(0)).pooled.ci
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { aggregateMean } from "./aggregate-metrics.ts";
import { pairedComparison } from "./seed-stats.ts";
import { stratifiedBootstrap, resolveBootstrapOptions, type BootstrapOptions } from "./stratified-bootstrap.ts";

export interface PairedTask {
  task: string;
  /** Scores of method a, one per seed. */
  a: readonly number[];
  /** Scores of method b on the same seeds, in the same order. */
  b: readonly number[];
  /** The seeds, if known (checked: same length, no repeats). */
  seeds?: readonly number[];
}

export interface TaskDifference {
  task: string;
  n: number;
  meanDiff: number;
  ci: [number, number];
  /** One-sided sign-flip p-value of "a > b". */
  pValue: number;
}

export interface PairedDifferences {
  perTask: TaskDifference[];
  pooled: { tasks: number; pairs: number; meanDiff: number; ci: [number, number]; pValue: number };
}

function check(t: PairedTask, i: number): number[] {
  const where = `paired task ${i} (${t.task})`;
  if (t.a.length === 0 || t.a.length !== t.b.length) throw new InputError("E_INVALID_ARGUMENT", `${where}: needs two equal non-empty score lists, got ${t.a.length} and ${t.b.length}`);
  if (t.seeds !== undefined) {
    if (t.seeds.length !== t.a.length) throw new InputError("E_INVALID_ARGUMENT", `${where}: ${t.seeds.length} seeds for ${t.a.length} scores`);
    if (new Set(t.seeds).size !== t.seeds.length) throw new InputError("E_INVALID_ARGUMENT", `${where}: repeated seed in ${JSON.stringify(t.seeds)}`);
  }
  return t.a.map((x, j) => {
    const d = x - t.b[j]!;
    if (!Number.isFinite(d)) throw new InputError("E_INVALID_ARGUMENT", `${where}: pair ${j} is not finite (a = ${x}, b = ${t.b[j]})`);
    return d;
  });
}

/** Stratified sign-flip p-value of "mean over tasks of mean differences > 0". */
function pooledSignFlip(diffs: number[][], rng: Rng): number {
  const flat: { d: number; w: number }[] = [];
  diffs.forEach((row) => row.forEach((d) => flat.push({ d, w: 1 / (row.length * diffs.length) })));
  let observed = 0;
  for (const { d, w } of flat) observed += w * d;
  const eps = 1e-12 * Math.max(1, ...flat.map((f) => Math.abs(f.d)));
  let atLeast = 0, total = 0;
  const tally = (s: number): void => {
    if (s >= observed - eps) atLeast++;
    total++;
  };
  if (flat.length <= 16) {
    for (let mask = 0; mask < 1 << flat.length; mask++) {
      let s = 0;
      flat.forEach(({ d, w }, i) => (s += mask & (1 << i) ? -w * d : w * d));
      tally(s);
    }
  } else {
    tally(observed); // Monte Carlo: the observed signs count as one draw, so p ≥ 1/(draws + 1), never 0
    for (let it = 0; it < 20000; it++) {
      let s = 0;
      for (const { d, w } of flat) s += rng.uniform() < 0.5 ? -w * d : w * d;
      tally(s);
    }
  }
  return atLeast / total;
}

/** Per-task and pooled paired differences a − b (see the file comment). */
export function pairedDifferences(tasks: readonly PairedTask[], rng: Rng, opts: BootstrapOptions = {}): PairedDifferences {
  const { resamples, level } = resolveBootstrapOptions(opts);
  if (tasks.length === 0) throw new InputError("E_INVALID_ARGUMENT", "paired differences: no tasks given");
  const diffs = tasks.map(check);
  const perTask = tasks.map((t, i): TaskDifference => {
    const c = pairedComparison(t.a, t.b, rng.split(), { resamples, level });
    return { task: t.task, n: t.a.length, meanDiff: c.meanDiff, ci: c.ci95, pValue: c.pValue };
  });
  const est = stratifiedBootstrap([diffs], ([d]) => aggregateMean(d!), rng.split(), { resamples, level });
  return {
    perTask,
    pooled: { tasks: tasks.length, pairs: diffs.reduce((n, d) => n + d.length, 0), meanDiff: est.point[0]!, ci: [est.lo[0]!, est.hi[0]!], pValue: pooledSignFlip(diffs, rng.split()) },
  };
}
