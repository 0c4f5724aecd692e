/**
 * Control: PPO on ln π̂K(a|s) STANDARDISED over the last observed update's pairs (mean 0, std 1 there: the affine
 * map Algorithm 1 applies to r̄φ with `normaliseReward`), from the clone. `bc-reward` trains on the raw
 * log-density, whose mean over those pairs is negative (r̄φ's, before its standardisation: ≈ −3.5 per step on
 * Hopper, ≈ −11 on Ant at the full scale): where an episode ends when the body falls, a negative reward per step
 * pays for falling early, a handicap the observer's standardised reward does not carry. With the same affine map,
 * the observer minus this control is what Algorithm 1's use of the learner's PROGRESS adds and nothing else.
 */
import { transitionsOfUpdates } from "../../../rewards/airl-reward.ts";
import type { RewardFn } from "../../../rewards/reward-fn.ts";
import { standardisedReward } from "../../../rewards/reward-wrappers.ts";
import { bcReward } from "./bc-reward.ts";
import type { PpoMethod } from "./method.ts";

export const bcRewardStandardised: PpoMethod = {
  id: "bc-reward-standardised", label: "PPO r = std. ln π̂K (no LfL)", kind: "ppo", start: "clone",
  description: "PPO on ln π̂K(a|s) standardised over the last observed update's pairs (mean 0, std 1, as the observer's r̄φ): behaviour cloning as a reward with the observer's affine map, so that a negative per-step offset does not pay for falling early",
  reward: (ctx) => standardisedReward(bcReward.reward(ctx) as RewardFn, transitionsOfUpdates(ctx.history(), [ctx.window[ctx.window.length - 1]!])),
};
