/** Control: PPO on r ≡ 1 from the clone — is "staying alive" all it takes? (survival bias). */
import { constantReward } from "../../../observer/observer-training.ts";
import type { PpoMethod } from "./method.ts";

export const constant: PpoMethod = {
  id: "constant", label: "PPO r ≡ 1", kind: "ppo", start: "clone",
  description: "PPO on r ≡ 1 from the clone (survival bias: rewards staying alive wherever episodes can end)",
  reward: (ctx) => constantReward(ctx.obsDim, ctx.actDim),
};
