/**
 * Cell runner of Table 3's "reward-quality" stage (one per env and seed; inputs: the learner cell, for its policy
 * snapshots outside the window, the Algorithm 1 cell, for the recovered reward and the clone, and the observer's
 * and the true-reward control's cells, for their final policies). Its own runner
 * module, so its content key follows this code and reward-quality.ts without touching the other stages' keys.
 */
import { loadMujoco } from "../../envs/mujoco/mujoco-runtime.ts";
import { envSpec, makeEnv } from "../../envs/registry.ts";
import { loadRewardModel } from "../../observer/algorithm-1/algorithm-1.ts";
import type { CellContext, CellRunner } from "../engine/cell.ts";
import { streamSeed } from "../engine/streams.ts";
import { collectRollouts, rewardQuality, type RewardQuality, type RolloutPolicy, type Rollouts } from "./reward-quality.ts";
import type { Algorithm1StageResult, LearnerStageResult, MethodStageResult } from "./table3.ts";

export interface RewardQualityPayload {
  stage: "reward-quality";
  env: string;
  seed: number;
  window: number[];
  /** Episodes per policy. */
  episodes: number;
  /** EPIC: transitions the correlation is taken over, and samples of D_S × D_A for the expectations. */
  epicTransitions: number;
  epicSamples: number;
  gamma: number;
  learnerKey: string;
  algorithm1Key: string;
  /** Method cells whose final policy is rolled out too (the observer's own, PPO on the true reward). */
  methodKeys: Array<{ method: string; key: string }>;
}

export type RewardQualityStageResult = RewardQuality;

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as RewardQualityPayload;
  const alg = ctx.inputs.get(p.algorithm1Key) as Algorithm1StageResult;
  const ro = await heldOutRollouts(p, ctx);
  return rewardQuality(p.env, loadRewardModel(alg.reward), ro, { gamma: p.gamma, epicTransitions: p.epicTransitions, epicSamples: p.epicSamples, seed: streamSeed("table3", p.env, p.seed, "reward-quality") }) satisfies RewardQualityStageResult;
};

/**
 * The held-out rollouts of one (env, seed): the learner's snapshots, the clone, the final policies of `methodKeys`
 * and random, `episodes` each from seeds of their own. Deterministic: every reward of the (env, seed) — the
 * recovered one here, each baseline's in reward-quality-baseline-cell.ts — is scored on the very same rollouts.
 */
export async function heldOutRollouts(p: Pick<RewardQualityPayload, "env" | "seed" | "episodes" | "learnerKey" | "algorithm1Key" | "methodKeys">, ctx: CellContext): Promise<Rollouts> {
  const mujoco = envSpec(p.env).needsMujoco ? await loadMujoco() : undefined;
  const learner = ctx.inputs.get(p.learnerKey) as LearnerStageResult;
  const alg = ctx.inputs.get(p.algorithm1Key) as Algorithm1StageResult;
  const policies: RolloutPolicy[] = [
    ...(learner.snapshots ?? []).map((s) => ({ source: `learner k=${s.update}`, actor: s.actor })),
    { source: "clone π̂K", actor: alg.bcPolicy },
    ...p.methodKeys.flatMap(({ method, key }) => {
      const actor = (ctx.inputs.get(key) as MethodStageResult | undefined)?.finalActor;
      return actor ? [{ source: `${method} final`, actor }] : [];
    }),
    { source: "random", actor: "random" as const },
  ];
  ctx.progress({ stage: "reward-quality rollouts", done: 0, total: policies.length });
  const ro = collectRollouts(policies, () => makeEnv(p.env, {}, mujoco ? { mujoco } : {}), { episodes: p.episodes, seed: 20_000 + 1000 * p.seed });
  ctx.progress({ stage: "reward-quality measures", done: policies.length, total: policies.length });
  return ro;
}

/**
 * Learner updates whose policies the learner cell keeps for this stage: up to 3 evenly spaced before the window
 * (from update 0), and 2 inside the continuation (the final continued policy is kept as well, as update
 * k_last + U + 1). None inside the observed window: those policies are what the reward was recovered from.
 */
export function snapshotUpdates(window: readonly number[], observerUpdates: number): number[] {
  const first = window[0]!, last = window[window.length - 1]!;
  const before = first <= 0 ? [] : [...new Set([0, Math.floor(first / 3), Math.floor((2 * first) / 3)].filter((k) => k < first))];
  const after = [...new Set([1, 2].map((j) => last + Math.max(1, Math.round((j * observerUpdates) / 3))).filter((k) => k <= last + observerUpdates))];
  return [...before, ...after].sort((a, b) => a - b);
}
