/**
 * Baseline (issue 17, item 3's variant): AIRL (methods/airl.ts, same code and budget) with the transitions of ALL
 * observed updates of the window as the demonstrations instead of the last update's only. It sees the same data
 * Algorithm 1 sees, but AIRL treats every update as coming from one expert: the earlier, worse policies pull the
 * discriminator's notion of "expert" back towards where the learner started. The reward handed to Table 3's PPO
 * (from the clone, as the observer) is again g(s), standardised over the demonstrations. No environment reward.
 * Its reward stream is its own (the stream names the method id), so it is not the last-update run's.
 */
import { airlReward } from "./airl.ts";
import type { PpoMethod } from "./method.ts";

export const airlAll: PpoMethod = {
  id: "airl-all", label: "AIRL (all updates)", kind: "ppo", start: "clone",
  description: "AIRL as in 'AIRL (last update)' (same discriminator, generator and budget) with the transitions of EVERY observed update as demonstrations; then PPO from the clone on g(s)",
  reward: (ctx) => airlReward(ctx, ctx.window, "airl-all"),
};
