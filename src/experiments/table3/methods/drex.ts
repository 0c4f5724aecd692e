/**
 * Baseline (issue 17): D-REX (Brown, Goo & Niekum 2019; rewards/drex-reward.ts). The clone π̂K of the last
 * observed update is rolled out with ε-greedy action noise at five levels, noisier rollouts ranked lower, the
 * last observed update's own trajectories ranked above all of them (the demonstrations); T-REX's Bradley–Terry
 * loss on those automatic rankings gives r_θ(s); then PPO from the clone, as the observer. No control penalty,
 * no environment reward (the rollouts' rewards are never read).
 *
 * Budget: DREX_DEFAULTS (5 levels × 5 rollouts of ≤ 1000 steps) and T-REX's defaults at every scale, fixed
 * before any run and not tuned (docs/baselines.md).
 */
import { GaussianActor } from "../../../nn/gaussian-actor.ts";
import { trainDrex } from "../../../rewards/drex-reward.ts";
import { trajectoriesByUpdate } from "../../../rewards/trex-reward.ts";
import type { PpoMethod } from "./method.ts";

export const drex: PpoMethod = {
  id: "drex", label: "D-REX (noise-ranked)", kind: "ppo", start: "clone",
  description: "D-REX (Brown et al. 2019): the clone rolled out with ε-greedy noise (ε = 1 … 0.02), noisier ranked lower and the last update's trajectories on top; r_θ(s) by T-REX's loss, then PPO from the clone",
  reward: (ctx) => {
    const clone = GaussianActor.fromJSON(ctx.clone);
    const last = ctx.window[ctx.window.length - 1]!;
    return trainDrex((o, rng) => clone.act(o, 1, "stochastic", rng), ctx.makeEnv, {
      seed: ctx.rewardSeed,
      demonstrations: trajectoriesByUpdate(ctx.history(), [last]),
      onProgress: (done, total) => ctx.progress("d-rex", done, total),
    });
  },
};
