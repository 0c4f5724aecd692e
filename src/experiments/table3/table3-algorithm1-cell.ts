/**
 * Table 3's Algorithm 1 stage: the reward recovered from the observed window (the history file, as `lfl infer`
 * reads it) and the clone π̂K of the last observed update, both scored like every other policy of the (env, seed).
 */
import { readHistoryColumns } from "../../data/history-file.ts";
import type { PpoActorJson } from "../../learners/ppo.ts";
import { recoverReward } from "../../observer/algorithm-1/algorithm-1.ts";
import type { CellContext, CellRunner } from "../engine/cell.ts";
import { streamSeed } from "../engine/streams.ts";
import type { Algorithm1StageResult } from "./table3.ts";
import { table3Scorer, windowHistory, type Scorer, type Table3CellPayload } from "./table3-learner-cell.ts";

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as Table3CellPayload;
  if (p.stage !== "algorithm-1") throw new RangeError(`table3-algorithm1-cell: stage '${p.stage}' is not algorithm-1`);
  const s = await table3Scorer(p);
  return runAlgorithm1(p, s, ctx, await windowHistory(p, s, ctx));
};

function runAlgorithm1(p: Table3CellPayload, s: Scorer, ctx: CellContext, historyPath: string): Algorithm1StageResult {
  const columns = readHistoryColumns(historyPath);
  let steps = 0;
  const res = recoverReward(columns, { ...p.algorithm1, updates: p.window }, streamSeed("table3", p.env, p.seed, "algorithm-1"), {
    onStage: (name, step, total) => { if (++steps % 50 === 0 || step === total) ctx.progress({ stage: `algorithm-1 ${name}`, done: step, total }); },
  });
  const bcPolicy: PpoActorJson = { policy: res.bcPolicy.policy, logStd: res.bcPolicy.logStd, obsNorm: res.bcPolicy.obsNorm, clipObs: res.bcPolicy.clipObs };
  return { reward: res.reward.toJSON(), bcPolicy, diagnostics: res.diagnostics, bc: s.score(bcPolicy, p.evalEpisodes), bcMeanAction: s.meanAction(bcPolicy) };
}

