/**
 * Statistics over seeds: mean, population std (the paper's "±", √np.var), sample std, and a percentile bootstrap
 * confidence interval of the mean drawn from our seeded Rng (so reports are reproducible).
 *
 * Usage: `const st = seedStats(scores, new Rng(0)); st.mean, st.std, st.ci95`.
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new InputError("E_INVALID_ARGUMENT", "mean of an empty list");
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation √(Σ(x − x̄)²/n), as numpy's default and the paper's tables. */
export function populationStd(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / xs.length);
}

/** Sample standard deviation √(Σ(x − x̄)²/(n − 1)); 0 for a single value. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Percentile bootstrap interval [lo, hi] of the mean at level `level`, from `resamples` resamples. */
export function bootstrapCi(xs: readonly number[], rng: Rng, level = 0.95, resamples = 2000): [number, number] {
  if (xs.length === 0) throw new InputError("E_INVALID_ARGUMENT", "bootstrap of an empty list");
  if (!(level > 0 && level < 1)) throw new InputError("E_INVALID_ARGUMENT", `bootstrap level must be in (0, 1), got ${level}`);
  const n = xs.length;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)]!;
    means[b] = s / n;
  }
  means.sort();
  const q = (p: number): number => means[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  return [q((1 - level) / 2), q(1 - (1 - level) / 2)];
}

export interface SeedStats {
  n: number;
  mean: number;
  /** Population std (the paper's ±). */
  std: number;
  sampleStd: number;
  /** 95% percentile-bootstrap interval of the mean. */
  ci95: [number, number];
  min: number;
  max: number;
}

export function seedStats(xs: readonly number[], rng: Rng): SeedStats {
  return { n: xs.length, mean: mean(xs), std: populationStd(xs), sampleStd: sampleStd(xs), ci95: bootstrapCi(xs, rng), min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * One-sided paired comparison "a beats b" over seeds: the mean difference a − b, its 95% bootstrap interval, and
 * the sign-flip (paired permutation) p-value of H0 "no difference" against "a > b" (exact for n ≤ 16).
 * `opts` sets the interval's resamples (default 2000) and level (default 0.95; `ci95` then holds that level).
 */
export function pairedComparison(a: readonly number[], b: readonly number[], rng: Rng, opts: { resamples?: number; level?: number } = {}): { meanDiff: number; ci95: [number, number]; pValue: number } {
  if (a.length !== b.length || a.length === 0) throw new InputError("E_INVALID_ARGUMENT", `paired comparison needs two equal non-empty lists, got ${a.length} and ${b.length}`);
  const d = a.map((x, i) => x - b[i]!);
  const observed = mean(d);
  const n = d.length;
  let atLeast = 0, total = 0;
  if (n <= 16) {
    for (let mask = 0; mask < 1 << n; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i]! : d[i]!;
      if (s / n >= observed - 1e-12) atLeast++;
      total++;
    }
  } else {
    for (let it = 0; it < 20000; it++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += rng.uniform() < 0.5 ? -d[i]! : d[i]!;
      if (s / n >= observed - 1e-12) atLeast++;
      total++;
    }
  }
  return { meanDiff: observed, ci95: bootstrapCi(d, rng, opts.level ?? 0.95, opts.resamples ?? 2000), pValue: atLeast / total };
}
