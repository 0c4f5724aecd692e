/**
 * Baseline (issue 17): AIRL (Fu, Luo & Levine 2018; rewards/airl-reward.ts, observer/airl.ts) with the LAST
 * observed update's transitions (s, a, s′, terminated) as the demonstrations. The generator is a PPO started from
 * the clone π̂K on ln D − ln(1 − D) = f − ln π, alternating with logistic-regression epochs of the discriminator
 * D = exp f / (exp f + π), f = g(s) + γ(1 − terminated) h(s′) − h(s). The reward handed to Table 3's PPO (from the
 * clone, as the observer) is AIRL's disentangled g(s), standardised over the demonstrations — the reward AIRL
 * itself re-optimises (its transfer setting); f − ln π is tied to AIRL's own generator. No environment reward.
 *
 * Budget: AIRL_DEFAULTS (15 PPO updates of 1 env × 2048 steps, 2 discriminator epochs after each) at EVERY
 * scale, fixed before any run and not tuned (docs/baselines.md).
 *
 * `airlReward` is shared with the all-updates variant (airl-all.ts): only the demonstration updates differ.
 */
import { trainAirl } from "../../../observer/airl.ts";
import { transitionsOfUpdates } from "../../../rewards/airl-reward.ts";
import type { RewardFn } from "../../../rewards/reward-fn.ts";
import type { MethodRewardContext, PpoMethod } from "./method.ts";

/** AIRL's g(s) learned with the transitions of `updates` (observed update indices) as the demonstrations. */
export function airlReward(ctx: MethodRewardContext, updates: readonly number[], stage: string): RewardFn {
  return trainAirl({
    demonstrations: transitionsOfUpdates(ctx.history(), updates), makeEnv: ctx.makeEnv, start: ctx.clone, seed: ctx.rewardSeed,
    onProgress: (done, total) => ctx.progress(stage, done, total),
  }).reward;
}

export const airl: PpoMethod = {
  id: "airl", label: "AIRL (last update)", kind: "ppo", start: "clone",
  description: "AIRL (Fu et al. 2018): discriminator exp f/(exp f + π), f = g(s) + γh(s′) − h(s), against a generator PPO from the clone (15 updates), the last update's transitions as demonstrations; then PPO from the clone on the disentangled reward g(s)",
  reward: (ctx) => airlReward(ctx, [ctx.window[ctx.window.length - 1]!], "airl"),
};
