/**
 * A Table 3 method: the observer or one control, as data. The registry (method-registry.ts) lists them in
 * column order; cells, table columns, progress counts, metric lists and paired comparisons all derive from it.
 *
 *   kind "ppo"      a PPO run of U updates (the observer's budget) from `start` on `reward(ctx)`, one cell each;
 *   kind "derived"  scored from an earlier stage, no cell of its own: "clone" = the clone of the last observed
 *                   update as it is (BC), "learner-continued" = the learner's own U further updates.
 */
import type { HistoryColumns } from "../../../data/history-columns.ts";
import type { BoxEnv } from "../../../envs/env.ts";
import type { PpoActorJson } from "../../../learners/ppo.ts";
import type { RewardFn } from "../../../rewards/reward-fn.ts";

export interface MethodRewardContext {
  /** The reward Algorithm 1 recovered (rebuilt from its JSON). */
  recovered: RewardFn;
  /** The clone π̂K of the last observed update. */
  clone: PpoActorJson;
  obsDim: number;
  actDim: number;
  /** The observed window (the same file Algorithm 1 read): for methods that learn their own reward from it. */
  history(): HistoryColumns;
  /** The observed update indices, sorted. */
  window: readonly number[];
  /** A fresh env of the task (for methods that roll out policies to learn their reward, e.g. D-REX; its rewards are not theirs to read). */
  makeEnv(): BoxEnv;
  /** A stream of this method's own for learning its reward (never shared with another cell or stage). */
  rewardSeed: number;
  /** Report progress of a reward-learning stage. */
  progress(stage: string, done: number, total: number): void;
}

interface MethodBase {
  /** Stable id (kebab-case): the results' key, the cell's stage name. */
  id: string;
  /** Column header. */
  label: string;
  /** One sentence for the report's notes. */
  description: string;
}

export interface PpoMethod extends MethodBase {
  kind: "ppo";
  /** "clone": start from π̂K (the observer's start); "random": PPO's own initialisation. */
  start: "clone" | "random";
  /** The reward PPO trains on ("env" = the true reward: only the true-reward control may read it). */
  reward(ctx: MethodRewardContext): RewardFn | "env";
}

export interface DerivedMethod extends MethodBase {
  kind: "derived";
  from: "clone" | "learner-continued";
}

export type Table3Method = PpoMethod | DerivedMethod;
