/**
 * Variant: PPO on the recovered reward from a RANDOM start (no clone): how much of the observer's score the
 * reward alone carries, without the warm start.
 */
import type { PpoMethod } from "./method.ts";

export const observerRandomStart: PpoMethod = {
  id: "observer-random-start", label: "PPO on r̄φ from random", kind: "ppo", start: "random",
  description: "PPO on the recovered reward from a random initialisation (no clone): what the reward alone carries within the budget",
  reward: (ctx) => ctx.recovered,
};
