/**
 * Baseline (issue 17, item 4): LOGEL on continuous control (Ramponi, Drappo & Restelli 2020;
 * rewards/logel-reward.ts). The learner is modelled as policy-gradient ascent on r = ωᵀφ(s); φ is the last hidden
 * layer of a T-REX network (rankings from time) trained on the same window; each observed update is cloned
 * (warm-started from the previous clone), its per-feature policy gradient Ψ̂_t estimated by GPOMDP from its own
 * trajectories, and ω, α_t ≥ 0 fitted by LOGEL's alternating least squares on θ̂_{t+1} − θ̂_t ≈ α_t Ψ̂_t ω. The
 * reward ωᵀφ(s), standardised over the window's rows, is handed to PPO from the clone, as the observer's.
 * No control penalty, no alive bonus; the environment's rewards are never read.
 *
 * Budget: LOGEL_MUJOCO_DEFAULTS and T-REX's defaults at EVERY scale, fixed before any Table 3 run and not tuned
 * (docs/baselines.md).
 */
import { logelFromHistory } from "../../../rewards/logel-reward.ts";
import type { PpoMethod } from "./method.ts";

export const logel: PpoMethod = {
  id: "logel", label: "LOGEL (T-REX features)", kind: "ppo", start: "clone",
  description: "LOGEL (Ramponi et al. 2020): the learner modelled as policy-gradient steps on ωᵀφ(s), φ a T-REX network's last hidden layer; ω from warm-started clones of every observed update and GPOMDP Jacobians by alternating least squares; then PPO from the clone",
  reward: (ctx) => logelFromHistory(ctx.history(), ctx.window, { seed: ctx.rewardSeed, onProgress: (stage, done, total) => ctx.progress(stage, done, total) }),
};
