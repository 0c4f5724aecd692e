/**
 * Candidate from issue 14, measured on reward quality only: an ENSEMBLE of K recovered rewards (Algorithm 1 run K
 * times on the same window with independent streams), combined as mean − β·std (`ensembleReward`, the tabular
 * observer's lower confidence bound carried to the continuous case), scored like the reward-quality stage
 * (return correlation and EPIC on the same held-out rollouts) against the single reward of the Algorithm 1 cell.
 * It does not train an observer on the ensemble (that is a method of its own; not run here).
 *
 * Usage (on a finished Table 3 store; tuning seeds only):
 *   node --import tsx src/experiments/table3/ensemble-reward-quality.ts STORE ENV SEED LEARNER_KEY ALG1_KEY [K]
 * prints one JSON line: per β, the Pearson/Spearman/EPIC of the ensemble, and the single member's.
 */
import { join } from "node:path";
import { loadMujoco } from "../../envs/mujoco/mujoco-runtime.ts";
import { envSpec, makeEnv } from "../../envs/registry.ts";
import { readHistoryColumns } from "../../data/history-file.ts";
import { loadRewardModel, recoverReward } from "../../observer/algorithm-1/algorithm-1.ts";
import { ensembleReward } from "../../rewards/reward-wrappers.ts";
import type { RewardFn } from "../../rewards/reward-fn.ts";
import { CellStore } from "../engine/cell-store.ts";
import { streamSeed } from "../engine/streams.ts";
import { collectRollouts, rewardQuality, type RolloutPolicy } from "./reward-quality.ts";
import type { Algorithm1StageResult, LearnerStageResult } from "./table3.ts";
import { TABLE3_SCALES } from "./table3.ts";

export async function ensembleRewardQuality(storeDir: string, env: string, seed: number, learnerKey: string, alg1Key: string, K: number, betas: readonly number[]): Promise<Record<string, unknown>> {
  const store = new CellStore(storeDir);
  const learner = store.get(learnerKey) as LearnerStageResult, alg = store.get(alg1Key) as Algorithm1StageResult;
  const window = TABLE3_SCALES.small.envs.find((e) => e.id === env)!.window;
  const columns = readHistoryColumns(join(storeDir, "work", learnerKey, "history.npz"));
  const members: RewardFn[] = [loadRewardModel(alg.reward)];
  for (let j = 1; j < K; j++) members.push(recoverReward(columns, { ...TABLE3_SCALES.small.algorithm1, updates: window }, streamSeed("table3", env, seed, "algorithm-1", "ensemble", j)).reward);
  const mujoco = envSpec(env).needsMujoco ? await loadMujoco() : undefined;
  // The reward-quality cell's learner, clone and random policies and its rollout seeds (not the method cells' final policies).
  const policies: RolloutPolicy[] = [...(learner.snapshots ?? []).map((s) => ({ source: `learner k=${s.update}`, actor: s.actor })), { source: "clone π̂K", actor: alg.bcPolicy }, { source: "random", actor: "random" as const }];
  const ro = collectRollouts(policies, () => makeEnv(env, {}, mujoco ? { mujoco } : {}), { episodes: 5, seed: 20_000 + 1000 * seed });
  const opts = { gamma: 0.99, epicTransitions: 2000, epicSamples: 64, seed: streamSeed("table3", env, seed, "reward-quality") };
  const score = (r: RewardFn) => {
    const q = rewardQuality(env, r, ro, opts);
    return { pearson: q.pearson, spearman: q.spearman, epic: q.epic };
  };
  return { env, seed, K, members: members.map(score), ensemble: Object.fromEntries(betas.map((b) => [`beta=${b}`, score(ensembleReward(members, b))])) };
}

if (process.argv[1]?.endsWith("ensemble-reward-quality.ts")) {
  const [store, env, seed, lk, ak, k] = process.argv.slice(2);
  console.log(JSON.stringify(await ensembleRewardQuality(store!, env!, Number(seed), lk!, ak!, Number(k ?? 3), [0, 1, 2])));
}
