/**
 * Correlation coefficients shared by the reward-quality measures: Pearson's ρ (optionally with non-negative
 * weights, i.e. under a distribution over the samples), average ranks (ties get the mean of the ranks they span,
 * so Spearman's coefficient stays exact with ties) and Spearman's ρ = Pearson's ρ of the average ranks.
 * A sample with zero variance has no correlation: that throws `NumericalError` naming which side is constant.
 *
 * Usage: `pearson(x, y)`, `spearman(x, y)`, `averageRanks([3, 1, 3]) → [2.5, 1, 2.5]`.
 */
import { InputError, NumericalError } from "./errors.ts";

/** Weighted mean, variances and covariance of x and y (weights default to 1). */
export function moments(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): { varX: number; varY: number; cov: number } {
  const n = x.length;
  if (n === 0 || y.length !== n || (w !== undefined && w.length !== n)) {
    throw new InputError("E_INVALID_ARGUMENT", `correlation: needs equal non-empty samples, got ${n} and ${y.length}${w === undefined ? "" : ` with ${w.length} weights`}`);
  }
  let sw = 0, mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new InputError("E_INVALID_ARGUMENT", `correlation: weight [${i}] = ${wi} is not a finite non-negative number`);
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) throw new InputError("E_INVALID_ARGUMENT", `correlation: sample [${i}] = (${x[i]}, ${y[i]}) is not finite`);
    sw += wi;
    mx += wi * x[i]!;
    my += wi * y[i]!;
  }
  if (!(sw > 0)) throw new InputError("E_INVALID_ARGUMENT", "correlation: the weights sum to 0");
  mx /= sw;
  my /= sw;
  let varX = 0, varY = 0, cov = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    const dx = x[i]! - mx, dy = y[i]! - my;
    varX += wi * dx * dx;
    varY += wi * dy * dy;
    cov += wi * dx * dy;
  }
  return { varX: varX / sw, varY: varY / sw, cov: cov / sw };
}

/**
 * Whether a side is constant: variance at the round-off level of its values (so that, e.g., a reward that is
 * constant up to 1e-16 noise counts as constant rather than as an arbitrary correlation).
 */
export function isConstant(v: number, xs: ArrayLike<number>): boolean {
  let scale = 0;
  for (let i = 0; i < xs.length; i++) scale = Math.max(scale, Math.abs(xs[i]!));
  return Math.sqrt(v) <= 1e-12 * Math.max(scale, 1e-300);
}

/** Pearson's correlation coefficient, clamped to [−1, 1]; `w` are optional sample weights. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  const { varX, varY, cov } = moments(x, y, w);
  if (isConstant(varX, x)) throw new NumericalError("correlation undefined: the first sample is constant");
  if (isConstant(varY, y)) throw new NumericalError("correlation undefined: the second sample is constant");
  return Math.max(-1, Math.min(1, cov / Math.sqrt(varX * varY)));
}

/** Ranks 1..n of `x` in ascending order; tied values share the mean of the ranks they occupy. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's ρ of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new InputError("E_INVALID_ARGUMENT", `correlation: needs equal samples, got ${x.length} and ${y.length}`);
  return pearson(averageRanks(x), averageRanks(y));
}
