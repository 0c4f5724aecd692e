/**
 * Control: PPO on r = ln π̂K(a|s), the clone's own log-density, from the clone — behaviour cloning used as a
 * reward, no LfL (no other update, no KL, no shaping). The observer minus this control is what Algorithm 1's use
 * of the learner's PROGRESS adds.
 */
import { InputError } from "../../../core/errors.ts";
import { MLP } from "../../../nn/mlp.ts";
import { RunningMeanStd } from "../../../nn/running-mean-std.ts";
import { GaussianLogDensityReward } from "../../../rewards/neural-reward.ts";
import type { PpoMethod } from "./method.ts";

export const bcReward: PpoMethod = {
  id: "bc-reward", label: "PPO r = ln π̂K (no LfL)", kind: "ppo", start: "clone",
  description: "PPO on r = ln π̂K(a|s), the clone's own log-density (behaviour cloning as a reward; no other update, no KL, no shaping): the observer's margin over it is what learning from the learner's PROGRESS adds",
  reward: ({ clone }) => {
    if (!clone.obsNorm) throw new InputError("E_INVALID_ARGUMENT", "table3: the clone has no observation normalisation");
    return new GaussianLogDensityReward(MLP.fromJSON(clone.policy), clone.logStd, { stats: RunningMeanStd.fromJSON(clone.obsNorm), clip: clone.clipObs ?? 10 });
  },
};
