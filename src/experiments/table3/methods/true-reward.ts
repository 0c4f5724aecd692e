/** Control: PPO on the TRUE reward from the same clone (what the observer could do if it saw the reward). */
import type { PpoMethod } from "./method.ts";

export const trueReward: PpoMethod = {
  id: "true-reward", label: "PPO true reward", kind: "ppo", start: "clone",
  description: "PPO on the true reward from the clone (an upper reference: the observer never sees this reward)",
  reward: () => "env",
};
