/**
 * Interquartile mean (IQM): the mean of the middle half of a sample, the aggregate Agarwal et al. (2021) recommend
 * (robust to outlier runs, yet far more statistically efficient than the median).
 *
 * Two definitions differ when n is not a multiple of 4:
 * - `iqm` (rliable's, the default): scipy.stats.trim_mean(x, 0.25) — sort, drop ⌊n/4⌋ values at each end, average
 *   the rest. rliable's `aggregate_iqm` is exactly this call on all runs of all tasks; it is NOT fractionally
 *   weighted (scipy's documentation: it "slices off less if proportion results in a non-integer slice index").
 * - `fractionalIqm`: the textbook interquartile mean with fractional observations at the quartiles — the sorted
 *   values occupy unit intervals [i, i+1) on [0, n) and each is weighted by its overlap with [n/4, 3n/4), so the
 *   weights sum to n/2. For n = 5: weights 0, 0.75, 1, 0.75, 0 over 2.5.
 * Both equal the plain mean of the middle n/2 values when 4 divides n.
 *
 * Usage: `iqm([1, 2, 3, 4, 100]) === 3` (drops one value at each end); `fractionalIqm([1, 2, 3, 4, 100]) === 3`.
 */
import { InputError } from "../core/errors.ts";

function sorted(xs: ArrayLike<number>, what: string): Float64Array {
  if (xs.length === 0) throw new InputError("E_INVALID_ARGUMENT", `${what} of an empty sample`);
  const s = Float64Array.from(xs);
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!)) throw new InputError("E_INVALID_ARGUMENT", `${what}: value [${i}] = ${s[i]} is not finite`);
  return s.sort();
}

/** scipy.stats.trim_mean semantics: drop ⌊proportion·n⌋ sorted values at each end, average the rest. */
export function trimmedMean(xs: ArrayLike<number>, proportion: number): number {
  if (!(proportion >= 0 && proportion < 0.5)) throw new InputError("E_INVALID_ARGUMENT", `trimmed mean: proportion must be in [0, 0.5), got ${proportion}`);
  const s = sorted(xs, "trimmed mean");
  const cut = Math.floor(proportion * s.length);
  let sum = 0;
  for (let i = cut; i < s.length - cut; i++) sum += s[i]!;
  return sum / (s.length - 2 * cut);
}

/** rliable's IQM: the 25 % trimmed mean with whole values dropped (see the file comment). */
export function iqm(xs: ArrayLike<number>): number {
  return trimmedMean(xs, 0.25);
}

/** The fractionally weighted interquartile mean (see the file comment). */
export function fractionalIqm(xs: ArrayLike<number>): number {
  const s = sorted(xs, "interquartile mean");
  const n = s.length, lo = n / 4, hi = (3 * n) / 4;
  let sum = 0;
  for (let i = Math.floor(lo); i < Math.ceil(hi); i++) {
    const w = Math.min(i + 1, hi) - Math.max(i, lo);
    if (w > 0) sum += w * s[i]!;
  }
  return sum / (n / 2);
}
