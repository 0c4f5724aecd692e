/**
 * Candidate observer (issue 14; ours, not the paper's): PPO from the clone on the log-density of the learner
 * EXTRAPOLATED 2 window(s) ahead, r(s, a) = ln N(a; μ̂_K + 2·(μ̂_K − μ̂_1), σ̂_K²), standardised over the last
 * observed update's pairs as the observer's r̄φ (observer/extrapolated-learner.ts: the learner modelled as
 * KL-regularised improvement, whose progress over the window carries its advantages).
 */
import { extrapolatedLearnerReward } from "../../../observer/extrapolated-learner.ts";
import { transitionsOfUpdates } from "../../../rewards/airl-reward.ts";
import { standardisedReward } from "../../../rewards/reward-wrappers.ts";
import type { PpoMethod } from "./method.ts";

export const extrapolatedH2: PpoMethod = {
  id: "extrapolated-h2", label: "LfL, extrapolated learner (h = 2)", kind: "ppo", start: "clone",
  description: "PPO from the clone on ln N(a; μ̂K + 2·(μ̂K − μ̂1), σ̂K²), standardised like r̄φ: the learner modelled as KL-regularised improvement, its progress over the window extrapolated 2 window(s) ahead",
  reward: (ctx) => standardisedReward(
    extrapolatedLearnerReward(ctx.history(), ctx.window, ctx.clone, { horizon: 2, seed: ctx.rewardSeed }),
    transitionsOfUpdates(ctx.history(), [ctx.window[ctx.window.length - 1]!])),
};
