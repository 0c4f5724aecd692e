/**
 * Aggregate statistics over runs (Agarwal et al., NeurIPS 2021, "Deep RL at the edge of the statistical
 * precipice"): interquartile mean, performance profile, probability of improvement, and a t-interval for
 * learning curves. DOM-free; used by the Results page on per-run scores found in a results file.
 */

/** Mean of the middle 50% of the sorted scores (fractional weights at the quartile boundaries). */
export function iqm(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  const lo = 0.25 * n, hi = 0.75 * n;
  let sum = 0, w = 0;
  for (let i = 0; i < n; i++) {
    const overlap = Math.max(0, Math.min(i + 1, hi) - Math.max(i, lo));
    sum += overlap * s[i]!;
    w += overlap;
  }
  return sum / w;
}

/** Fraction of runs with score > τ, for each τ. */
export function performanceProfile(xs: readonly number[], taus: readonly number[]): number[] {
  return taus.map((t) => xs.filter((x) => x > t).length / Math.max(1, xs.length));
}

/** P(X > Y) over all pairs (ties count ½). */
export function probabilityOfImprovement(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (const a of x) for (const b of y) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / Math.max(1, x.length * y.length);
}

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
