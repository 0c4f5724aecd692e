/**
 * A robust choice over the ENSEMBLE of assumptions (reward form × learner model, assumption-selection.ts). The
 * held-out likelihood measures how well a model predicts the learner's actions, not how good its reward is to plan
 * on: on Q-learning histories the SVI model predicts best and its reward lures the planner (docs/observer-tabular.md).
 * So every candidate c is fitted on all data, its planning reward r_c planned under P̂ at α = 0.3 (policy π_c), and
 * each π_c is scored under every candidate reward c′ by its normalised advantage over the learner's last estimated
 * policy π̂_K:
 *   A(c, c′) = [J_{r_c′}(π_c) − J_{r_c′}(π̂_K)] / [J_{r_c′}(π_c′) − J_{r_c′}(U)],
 * The cross-validated choice is kept when its worst case min_c′ A(cv, c′) ≥ 0 (its policy beats π̂_K under every
 * candidate reward); otherwise the candidate with the largest worst case is returned (a guard, not a second
 * selection: a max-min choice on every history gave up most of the gains, docs/observer-tabular.md).
 *
 * Usage: `const r = robustAssumption(model, policies, cvChoice, fitCandidate, planningReward);`
 */
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { softReturn, uniformPolicy } from "../../solvers/soft-policy.ts";
import { ASSUMPTION_CANDIDATES, assumptionName, type Assumption } from "./assumption-selection.ts";
import { planOnReward } from "./plan-on-reward.ts";
import type { LearnerModelReport } from "./tabular-lfl.ts";

type Fit = { reward: Float64Array; learnerModel: LearnerModelReport };

export const ENSEMBLE_ALPHA = 0.3;

export function robustAssumption(model: TabularMdp, policies: readonly Float64Array[], cvChoice: Fit, fit: (a: Assumption) => Fit, planning: (r: Float64Array) => Float64Array, candidates: readonly Assumption[] = ASSUMPTION_CANDIDATES): Fit & { table: Record<string, number> } {
  const chosenName = assumptionName({ model: cvChoice.learnerModel.kind as Assumption["model"], form: cvChoice.learnerModel.rewardForm });
  const fits = candidates.map((a) => (assumptionName(a) === chosenName ? cvChoice : fit(a)));
  const rewards = fits.map((f) => planning(f.reward));
  const pis = rewards.map((r) => planOnReward(model, r, ENSEMBLE_ALPHA).pi);
  const last = policies[policies.length - 1]!, U = uniformPolicy(model.nS, model.nA);
  const worst = pis.map(() => Infinity);
  rewards.forEach((r, j) => {
    const m = model.withReward(r);
    const jLast = softReturn(m, last, ENSEMBLE_ALPHA), scale = Math.max(1e-9, softReturn(m, pis[j]!, ENSEMBLE_ALPHA) - softReturn(m, U, ENSEMBLE_ALPHA));
    pis.forEach((pi, i) => { worst[i] = Math.min(worst[i]!, (softReturn(m, pi, ENSEMBLE_ALPHA) - jLast) / scale); });
  });
  let best = fits.indexOf(cvChoice);
  if (worst[best]! < 0) worst.forEach((w, i) => { if (w > worst[best]! + 1e-9) best = i; });
  const table = Object.fromEntries(candidates.map((a, i) => [assumptionName(a), worst[i]!]));
  return { ...fits[best]!, table };
}
