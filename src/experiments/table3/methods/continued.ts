/** Control: the learner simply continued for the observer's budget (U more PPO updates on the true reward). */
import type { DerivedMethod } from "./method.ts";

export const continued: DerivedMethod = {
  id: "continued", label: "learner continued", kind: "derived", from: "learner-continued",
  description: "learner continued: the learner's own PPO for U more updates (the same budget as the observer)",
};
