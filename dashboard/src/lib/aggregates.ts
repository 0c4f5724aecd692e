/**
 * The learning-curve band of the Results page: mean and 95% Student-t interval over seeds at one checkpoint.
 * (IQM, performance profiles and probability of improvement come from the library: src/evaluation/.)
 */

/** t_{0.975, df} for df = 1..20 (beyond: 1.96). */
const T975 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];

/** Mean and 95% t-interval of xs (n ≥ 2; n = 1 gives a zero-width interval). */
export function meanCi(xs: readonly number[]): { mean: number; lo: number; hi: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, lo: mean, hi: mean, n };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = T975[n - 1] ?? 1.96;
  return { mean, lo: mean - (t * sd) / Math.sqrt(n), hi: mean + (t * sd) / Math.sqrt(n), n };
}
