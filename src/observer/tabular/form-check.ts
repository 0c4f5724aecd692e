/**
 * A consistency check of the state-only reward assumption (issue 15; a safety rule of ours, not the paper's
 * method). The SPI learner model gives two rewards from the same data: the paper's state–action reward r̄φ(s,a)
 * (Theorem 2, least squares over all improvements) and its state-only refit ρ(s) (the paper's §4.3 special case,
 * state-only-learner.ts). When the data choose the state form (assumption-selection.ts), the state-only reward is a
 * restriction of r̄φ; if the restriction is right, the policy planned on it should also be near-optimal under r̄φ.
 * The check plans both (under the observer's model P̂, α = 0.3, after the same planning transform) and measures
 *
 *   d = [J_{r̄φ}(π_{r̄φ}) − J_{r̄φ}(π_ρ)] / [J_{r̄φ}(π_{r̄φ}) − J_{r̄φ}(U)]          (the state plan's loss under r̄φ,
 *                                                                            in units of r̄φ's optimal − uniform)
 *
 * and, when d > threshold, returns to the state–action form (r̄φ). Measured on tuning seeds 100–109 of the tabular
 * benchmark (docs/observer-tabular.md §9): every SPI/state observer that ended > 10% below its learner had d ≥ 0.34
 * (true dynamics), the paper's grid's SPI/state runs d ≤ 0.20; switching for d > 0.2–0.3 gave the same result.
 *
 * A second condition (`formCheckShift` = m > 0; docs/observer-tabular.md §17): switch only if the r̄φ plan's discounted state
 * occupancy is at most m times as far (total variation) from the learner's last estimated policy π̂_K's
 * as the state plan's is. On trap grids the wrong switches are r̄φ plans that leave where the learner goes
 * (they loiter near the start: Theorem 2's α ln π̂ pays −α ln |A| per step in a state whose π̂ is estimated uniform).
 *
 * Usage: `const c = checkStateForm(model, paperPlanningReward, statePlanningReward, 0.25); if (c.switched) …`
 */
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { softReturn, uniformPolicy } from "../../solvers/soft-policy.ts";
import { discountedOccupancy } from "./observer-flags.ts";
import { planOnReward } from "./plan-on-reward.ts";

/** The entropy weight the observer plans with (paper §6.1: α = 0.3). */
export const FORM_CHECK_ALPHA = 0.3;

export interface FormCheck {
  /** d above: the state-only plan's normalised loss under the state–action reward. */
  disagreement: number;
  threshold: number;
  /** True when d > threshold (and the shift condition holds, when set): the state–action reward is used instead of the state-only one. */
  switched: boolean;
  /** With a shift condition: the total-variation distances of the r̄φ plan's and the state plan's state occupancy from π̂_K's. */
  shift?: { paper: number; state: number; ratio: number };
}

/** d for planning rewards r_sa (state–action) and r_s (state-only, expanded to nS·nA) under `model`'s dynamics. */
export function stateFormDisagreement(model: TabularMdp, rSA: Float64Array, rState: Float64Array, alpha = FORM_CHECK_ALPHA): number {
  const piSA = planOnReward(model, rSA, alpha).pi, piS = planOnReward(model, rState, alpha).pi;
  const m = model.withReward(rSA);
  const best = softReturn(m, piSA, alpha);
  return (best - softReturn(m, piS, alpha)) / Math.max(1e-9, best - softReturn(m, uniformPolicy(model.nS, model.nA), alpha));
}

/** Total-variation distance between the discounted state occupancies of two policies under `model` (0 = same, 1 = disjoint). */
export function occupancyShift(model: TabularMdp, pi: Float64Array, piRef: Float64Array): number {
  const { nS, nA } = model;
  const d = discountedOccupancy(model, pi), dRef = discountedOccupancy(model, piRef);
  let tv = 0;
  for (let s = 0; s < nS; s++) {
    let diff = 0;
    for (let a = 0; a < nA; a++) diff += d[s * nA + a]! - dRef[s * nA + a]!;
    tv += Math.abs(diff);
  }
  return tv / 2;
}

/**
 * The check; with `shift` (the learner's last estimated policy π̂_K, the ratio, and the factor the observer scales its
 * planning reward by) the switch also needs TV(r̄φ plan, π̂_K) ≤ ratio · TV(state plan, π̂_K), both plans made as the
 * observer makes them (scaled reward, α).
 */
export function checkStateForm(model: TabularMdp, rSA: Float64Array, rState: Float64Array, threshold: number, alpha = FORM_CHECK_ALPHA, shift?: { piK: Float64Array; ratio: number; planningScale: number }): FormCheck {
  const disagreement = stateFormDisagreement(model, rSA, rState, alpha);
  if (shift === undefined || shift.ratio <= 0 || !(disagreement > threshold)) return { disagreement, threshold, switched: disagreement > threshold };
  const plan = (r: Float64Array): Float64Array => planOnReward(model, r.map((x) => x * shift.planningScale), alpha).pi;
  const paper = occupancyShift(model, plan(rSA), shift.piK), state = occupancyShift(model, plan(rState), shift.piK);
  return { disagreement, threshold, switched: paper <= shift.ratio * state, shift: { paper, state, ratio: shift.ratio } };
}
