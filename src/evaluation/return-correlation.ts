/**
 * Reward quality as ranking agreement: over a set of rollouts (episodes of many policies — the learner's updates,
 * the observer's own curve, random and better-than-learner policies), the correlation between each episode's
 * return under the recovered reward and under the true reward. Pearson's ρ asks whether the recovered return is
 * an affine function of the true one; Spearman's ρ (average ranks for ties) only whether it orders the episodes
 * the same way — what an RL agent optimising the recovered reward needs. Both are invariant to a positive
 * rescaling and shift of the recovered reward, but not to potential shaping unless the episodes share start and
 * end states (shaping changes a return by γ^T Φ(s_T) − Φ(s_0)); EPIC (epic-distance.ts) is the shaping-invariant
 * comparison of the rewards themselves.
 *
 * Usage: `returnCorrelation(recoveredReturns, trueReturns) → { n, pearson, spearman }`.
 */
import { InputError } from "../core/errors.ts";
import { pearson, spearman } from "../core/correlation.ts";

export interface ReturnCorrelation {
  /** Number of rollouts. */
  n: number;
  pearson: number;
  spearman: number;
}

/**
 * Pearson and Spearman correlation between recovered and true episode returns (one pair per rollout, ≥ 3).
 * Throws `NumericalError` when either list is constant (no correlation is defined).
 */
export function returnCorrelation(recovered: ArrayLike<number>, trueReturns: ArrayLike<number>): ReturnCorrelation {
  if (recovered.length !== trueReturns.length) throw new InputError("E_INVALID_ARGUMENT", `return correlation: ${recovered.length} recovered returns for ${trueReturns.length} true returns`);
  if (recovered.length < 3) throw new InputError("E_INVALID_ARGUMENT", `return correlation: needs at least 3 rollouts, got ${recovered.length}`);
  return { n: recovered.length, pearson: pearson(recovered, trueReturns), spearman: spearman(recovered, trueReturns) };
}
