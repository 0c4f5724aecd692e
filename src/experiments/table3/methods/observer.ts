/** The LfL observer (paper §6.2): PPO on the recovered reward from the clone of the last observed update. */
import type { PpoMethod } from "./method.ts";

export const observer: PpoMethod = {
  id: "observer", label: "LfL observer", kind: "ppo", start: "clone",
  description: "the LfL observer: PPO on the reward Algorithm 1 recovered, from the clone of the last observed update",
  reward: (ctx) => ctx.recovered,
};
