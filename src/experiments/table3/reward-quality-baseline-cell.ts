/**
 * Cell runner of Table 3's "reward-quality-<method>" stages (one per env, seed and reward-learning baseline:
 * RQ_BASELINES): the baseline's OWN learned reward scored exactly like the observer's recovered reward in the
 * "reward-quality" stage — the same held-out rollouts (heldOutRollouts: the learner's snapshots outside the window,
 * the clone, the observer's and the true-reward control's final policies, random; same reset seeds), the same
 * measures (return correlation Pearson/Spearman, sample-based EPIC with the same subsample stream). So per seed the
 * two numbers are paired and their difference is the baselines' paired comparison in the assembled table.
 *
 * The reward is rebuilt here, not read from the method cell (whose stored result has no reward; its committed
 * full-scale cells predate this stage): `method.reward(ctx)` with the context the method cell builds
 * (table3-method-cell.ts) — the same clone, window, history file, env and reward stream
 * streamSeed("table3", env, seed, <method id>, "reward") — so it is the reward the method's PPO trained on, bit for
 * bit (every reward builder is a pure function of that context). Inputs: the learner, Algorithm 1 and the two
 * method cells whose final policies are rolled out, as the reward-quality cell's; the method's own cell is not
 * read. Its code key hashes this runner and methods/<id>.ts.
 */
import { readHistoryColumns } from "../../data/history-file.ts";
import { loadRewardModel } from "../../rewards/reward-json.ts";
import type { RewardFn } from "../../rewards/reward-fn.ts";
import type { CellContext, CellRunner } from "../engine/cell.ts";
import { streamSeed } from "../engine/streams.ts";
import type { Table3Method } from "./methods/method.ts";
import { heldOutRollouts, type RewardQualityPayload } from "./reward-quality-cell.ts";
import { rewardQuality, type RewardQuality } from "./reward-quality.ts";
import { loadMethod } from "./table3-method-cell.ts";
import { table3Scorer, windowHistory, type Scorer, type Table3CellPayload } from "./table3-learner-cell.ts";
import type { Algorithm1StageResult } from "./table3.ts";

/**
 * The Table 3 methods that learn a reward of their own from the observed data, in this order where registered:
 * PPO on ln π̂K (the clone's log-density as a reward), T-REX, D-REX, AIRL (last update and all updates), LOGEL.
 * Not here: the observer and its random-start variant (their reward is r̄φ, scored by the "reward-quality" stage),
 * r ≡ 1 (constant: no correlation defined) and the true reward.
 */
export const RQ_BASELINES: readonly string[] = ["bc-reward", "trex", "drex", "airl", "airl-all", "logel"];

/** The stage name of a baseline's reward-quality cell. */
export const rqBaselineStage = (method: string): string => `reward-quality-${method}`;

export interface RewardQualityBaselinePayload extends Omit<RewardQualityPayload, "stage"> {
  stage: "reward-quality-baseline";
  /** The method whose reward is scored (an id of RQ_BASELINES). */
  method: string;
  /** What the learner cell needs to rewrite the history file on a machine that lacks it (as the method cell's payload). */
  ppo: Table3CellPayload["ppo"];
  observerUpdates: number;
  evalEpisodes: number;
  curveEpisodes: number;
  curveStride: number;
}

export type RewardQualityBaselineStageResult = RewardQuality;

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as RewardQualityBaselinePayload;
  if (p.stage !== "reward-quality-baseline") throw new RangeError(`reward-quality-baseline-cell: stage '${p.stage}' is not reward-quality-baseline`);
  const method = await loadMethod(p.method);
  const t3: Table3CellPayload = { stage: "method", method: p.method, env: p.env, window: p.window, seed: p.seed, ppo: p.ppo, observerUpdates: p.observerUpdates, evalEpisodes: p.evalEpisodes, curveEpisodes: p.curveEpisodes, curveStride: p.curveStride, learnerKey: p.learnerKey, algorithm1Key: p.algorithm1Key };
  const s = await table3Scorer(t3);
  const alg = ctx.inputs.get(p.algorithm1Key) as Algorithm1StageResult;
  const reward = methodReward(method, t3, s, ctx, alg, await windowHistory(t3, s, ctx));
  const ro = await heldOutRollouts(p, ctx);
  return rewardQuality(p.env, reward, ro, { gamma: p.gamma, epicTransitions: p.epicTransitions, epicSamples: p.epicSamples, seed: streamSeed("table3", p.env, p.seed, "reward-quality") }) satisfies RewardQualityBaselineStageResult;
};

/** The reward a PPO method trains on, built from the context its method cell builds (table3-method-cell.ts). */
export function methodReward(method: Table3Method, p: Table3CellPayload, s: Scorer, ctx: CellContext, alg: Algorithm1StageResult, historyPath: string): RewardFn {
  if (method.kind !== "ppo") throw new RangeError(`table3: method '${method.id}' trains on no reward`);
  const recovered = loadRewardModel(alg.reward);
  const reward = method.reward({
    recovered, clone: alg.bcPolicy, obsDim: recovered.obsDim, actDim: recovered.actDim, window: p.window,
    history: () => readHistoryColumns(historyPath), makeEnv: () => s.makeEnv(0), rewardSeed: streamSeed("table3", p.env, p.seed, method.id, "reward"),
    progress: (stage, done, total) => ctx.progress({ stage: `reward-quality ${method.id} ${stage}`, done, total }),
  });
  if (reward === "env") throw new RangeError(`table3: method '${method.id}' trains on the env's reward: no learned reward to score`);
  return reward;
}
