/**
 * Baseline (issue 17): T-REX with rankings from TIME (Brown et al. 2019; rewards/trex-reward.ts). A reward
 * network r_θ(s) trained by the Bradley–Terry loss on snippet pairs of the observed window's trajectories, the
 * later update preferred; no control penalty, no environment reward. PPO from the clone, as the observer.
 *
 * Budget: T-REX's defaults (TREX_DEFAULTS: 300 Adam steps of 8 snippet pairs of length ≤ 50, r_θ a 32-32 tanh
 * MLP) at EVERY scale — a fixed, small reward-learning budget (seconds), so the quick scale stays fast; the
 * settings are not tuned (docs/baselines.md).
 */
import { trexFromHistory } from "../../../rewards/trex-reward.ts";
import type { PpoMethod } from "./method.ts";

export const trex: PpoMethod = {
  id: "trex", label: "T-REX (ranked by time)", kind: "ppo", start: "clone",
  description: "T-REX (Brown et al. 2019) with rankings from time: r_θ(s) fitted by the Bradley–Terry loss to snippet pairs of the window, the later update preferred (no control penalty), then PPO from the clone",
  reward: (ctx) => trexFromHistory(ctx.history(), ctx.window, { seed: ctx.rewardSeed, onProgress: (done, total) => ctx.progress("t-rex", done, total) }),
};
