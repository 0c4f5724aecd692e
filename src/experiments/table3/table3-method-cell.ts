/**
 * Table 3's method stage: one PPO run of U updates for one method of the registry (the observer or a control),
 * on the reward the method builds from the Algorithm 1 cell's result. The method's code is loaded from its own
 * file, methods/<id>.ts, so the cell's content key covers that method and not the others (the registry lists
 * them; method-registry.test.ts checks every id names its file).
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { readHistoryColumns } from "../../data/history-file.ts";
import { loadRewardModel } from "../../rewards/reward-json.ts";
import { trainObserver } from "../../observer/observer-training.ts";
import type { CellContext, CellRunner } from "../engine/cell.ts";
import { streamSeed } from "../engine/streams.ts";
import type { Table3Method } from "./methods/method.ts";
import type { Algorithm1StageResult, CurvePoint, MethodStageResult } from "./table3.ts";
import { table3Scorer, windowHistory, type Scorer, type Table3CellPayload } from "./table3-learner-cell.ts";

/** The source file of a method (methods/<id>.ts): its cells' content keys hash it. */
export function methodFile(id: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) throw new RangeError(`table3: '${id}' is not a method id`);
  return fileURLToPath(new URL(`./methods/${id}${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
}

/** The method exported by methods/<id>.ts. */
export async function loadMethod(id: string): Promise<Table3Method> {
  const mod = (await import(methodFile(id))) as Record<string, unknown>;
  const m = Object.values(mod).find((x): x is Table3Method => typeof x === "object" && x !== null && (x as Table3Method).id === id);
  if (!m) throw new RangeError(`table3: methods/${id} exports no method with id '${id}'`);
  return m;
}

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as Table3CellPayload;
  if (p.stage !== "method") throw new RangeError(`table3-method-cell: stage '${p.stage}' is not a method`);
  const s = await table3Scorer(p);
  const alg = ctx.inputs.get(p.algorithm1Key!) as Algorithm1StageResult;
  return runMethod(p, s, ctx, alg, await windowHistory(p, s, ctx));
};

async function runMethod(p: Table3CellPayload, s: Scorer, ctx: CellContext, alg: Algorithm1StageResult, historyPath: string): Promise<MethodStageResult> {
  const method = await loadMethod(p.method!);
  if (method.kind !== "ppo") throw new RangeError(`table3: method '${method.id}' has no cell of its own`);
  // Always rebuilt from its JSON, so every machine and every resumed run trains on the very same reward.
  const recovered = loadRewardModel(alg.reward);
  const reward = method.reward({
    recovered, clone: alg.bcPolicy, obsDim: recovered.obsDim, actDim: recovered.actDim, window: p.window,
    history: () => readHistoryColumns(historyPath), makeEnv: () => s.makeEnv(0), rewardSeed: streamSeed("table3", p.env, p.seed, method.id, "reward"),
    progress: (stage, done, total) => ctx.progress({ stage: `${method.id} ${stage}`, done, total }),
  });
  const last = p.window[p.window.length - 1]!, U = p.observerUpdates;
  const curve: CurvePoint[] = [];
  const run = trainObserver({
    makeEnv: s.makeEnv, reward, start: method.start === "clone" ? alg.bcPolicy : null, updates: U, ppo: p.ppo,
    seed: streamSeed("table3", p.env, p.seed, method.id),
    onPolicy: (j, actor) => { if (j % p.curveStride === 0) curve.push({ update: last + j, mean: s.score(actor(), p.curveEpisodes).mean }); },
    onUpdate: (u) => ctx.progress({ stage: method.id, done: u.update + 1, total: U }),
  });
  const final = s.score(run.final, p.evalEpisodes);
  curve.push({ update: last + U, mean: final.mean });
  // finalActor: the reward-quality stage rolls out the observer's and the true-reward control's final policies.
  return { curve, final, finalMeanAction: s.meanAction(run.final), trainingReturns: run.updates.map((u) => u.meanReturn), steps: run.steps, finalActor: run.final };
}
