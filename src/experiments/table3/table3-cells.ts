/**
 * Cell runner of Table 3: one (env, seed, stage). Stages: the learner (PPO recorded over the window, then
 * continued U updates), Algorithm 1 on the recorded window (the file, as `lfl infer` reads it), and one PPO run
 * per method of the registry. Every stage draws from its own stream (streams.ts); every policy of one (env, seed)
 * is scored on the same evaluation start states (a paired design).
 *
 * The learner writes history.npz into its work directory; the Algorithm 1 cell reads it from there, and — on a
 * machine that does not have it — recomputes the learner (deterministic: the same bytes) to get it back.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MujocoRuntime } from "../../envs/mujoco/mujoco-runtime.ts";
import { loadMujoco } from "../../envs/mujoco/mujoco-runtime.ts";
import { InputError } from "../../core/errors.ts";
import { envSpec, makeEnv } from "../../envs/registry.ts";
import { historyToColumns } from "../../data/history-columns.ts";
import { readHistoryColumns, writeHistoryColumns } from "../../data/history-file.ts";
import { trainPpo, type PpoActorJson } from "../../learners/ppo.ts";
import { loadRewardModel, recoverReward, type Algorithm1Config } from "../../observer/algorithm-1/algorithm-1.ts";
import { trainObserver } from "../../observer/observer-training.ts";
import { policyReturns, type PolicyReturns } from "../../evaluation/policy-return.ts";
import type { CellContext, CellRunner } from "../engine/cell.ts";
import { streamSeed } from "../engine/streams.ts";
import { table3Method } from "./methods/method-registry.ts";
import type { Algorithm1StageResult, CurvePoint, LearnerStageResult, MethodStageResult, Table3Scale } from "./table3.ts";

/** What every stage of one (env, seed) needs; the Algorithm 1 settings only in the cells that depend on them. */
export interface Table3CellPayload {
  stage: "learner" | "algorithm-1" | "method";
  /** The method id (stage "method"). */
  method?: string;
  env: string;
  /** Observed updates, sorted. */
  window: number[];
  seed: number;
  ppo: Table3Scale["ppo"];
  observerUpdates: number;
  evalEpisodes: number;
  curveEpisodes: number;
  curveStride: number;
  algorithm1?: Partial<Algorithm1Config>;
  /** Content keys of the learner and Algorithm 1 cells of this (env, seed) (the learner's: where its history is). */
  learnerKey?: string;
  algorithm1Key?: string;
  /**
   * Read the observed window from this history file (absolute path) instead of the learner cell's work directory
   * (`lfl evaluate` on an outside history: src/experiments/evaluate/). No learner cell then exists to recompute it.
   */
  historyFile?: string;
  /** Learner stage: updates whose policies are kept in the result (for the reward-quality stage). */
  snapshotUpdates?: number[];
}

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as Table3CellPayload;
  const mujoco = envSpec(p.env).needsMujoco ? await loadMujoco() : undefined;
  const s = scorer(p, mujoco);
  if (p.stage === "learner") return runLearner(p, s, ctx, join(ctx.workDir, "history.npz"));
  const alg = p.stage === "method" ? (ctx.inputs.get(p.algorithm1Key!) as Algorithm1StageResult) : null;
  // The window's history: where the learner cell wrote it, or recomputed here (deterministic: the same bytes)
  // when another machine ran the learner.
  const history = p.historyFile ?? join(dirname(ctx.workDir), p.learnerKey!, "history.npz");
  const ensureHistory = async (): Promise<string> => {
    if (p.historyFile !== undefined && !existsSync(history)) throw new InputError("E_FILE", `${history}: the history file is not on this machine`);
    if (!existsSync(history)) await runLearner(p, s, ctx, history);
    return history;
  };
  if (p.stage === "algorithm-1") return runAlgorithm1(p, s, ctx, await ensureHistory());
  return runMethod(p, s, ctx, alg!, await ensureHistory());
};

interface Scorer {
  makeEnv: (rank: number) => ReturnType<typeof makeEnv>;
  score(actor: PpoActorJson, episodes: number): PolicyReturns;
  meanAction(actor: PpoActorJson): number;
}

function scorer(p: Table3CellPayload, mujoco: MujocoRuntime | undefined): Scorer {
  const makeEnvFor = (): ReturnType<typeof makeEnv> => makeEnv(p.env, {}, mujoco ? { mujoco } : {});
  const evalSeed = 10_000 + 1000 * p.seed; // shared by every policy of this (env, seed): paired comparisons
  return {
    makeEnv: makeEnvFor,
    score: (actor, episodes) => policyReturns(actor, makeEnvFor, { episodes, mode: "stochastic", seed: evalSeed }),
    meanAction: (actor) => policyReturns(actor, makeEnvFor, { episodes: p.evalEpisodes, mode: "deterministic", seed: evalSeed }).mean,
  };
}

async function runLearner(p: Table3CellPayload, s: Scorer, ctx: CellContext, historyPath: string): Promise<LearnerStageResult> {
  const first = p.window[0]!, last = p.window[p.window.length - 1]!, U = p.observerUpdates;
  const totalUpdates = last + 1 + U;
  const observed: LearnerStageResult["observed"] = [];
  const continuedCurve: CurvePoint[] = [];
  const det = { first: NaN, last: NaN, continued: NaN };
  const snapshots: NonNullable<LearnerStageResult["snapshots"]> = []; // reward-quality stage: policies outside the window
  const ppo = trainPpo({ ...p.ppo, totalSteps: totalUpdates * p.ppo.numEnvs * p.ppo.nSteps, seed: streamSeed("table3", p.env, p.seed, "learner"), recordEnvs: 1 }, s.makeEnv, {
    onPolicy: (k, actor) => {
      if (p.snapshotUpdates?.includes(k)) snapshots.push({ update: k, actor: actor() });
      if (p.window.includes(k)) {
        const a = actor();
        observed.push({ update: k, ...s.score(a, p.evalEpisodes) });
        if (k === first) det.first = s.meanAction(a);
        if (k === last) det.last = s.meanAction(a);
      } else if (k > last && (k - last) % p.curveStride === 0) continuedCurve.push({ update: k, mean: s.score(actor(), p.curveEpisodes).mean });
    },
    onUpdate: (u) => ctx.progress({ stage: "learner", done: u.update + 1, total: totalUpdates }),
  }, {});
  const m = ppo.model();
  const finalActor: PpoActorJson = { policy: m.policy, logStd: m.logStd, obsNorm: m.obsNorm, clipObs: m.clipObs };
  const continuedFinal = s.score(finalActor, p.evalEpisodes);
  det.continued = s.meanAction(finalActor);
  continuedCurve.push({ update: last + U + 1, mean: continuedFinal.mean });
  writeHistoryColumns(historyPath, historyToColumns(ppo.history!.select(p.window)));
  if (p.snapshotUpdates) snapshots.push({ update: last + U + 1, actor: finalActor });
  return { observed, continuedCurve, continuedFinal, meanAction: det, trainingReturns: ppo.updates.map((u) => u.meanReturn), steps: ppo.steps, ...(p.snapshotUpdates ? { snapshots } : {}) };
}

function runAlgorithm1(p: Table3CellPayload, s: Scorer, ctx: CellContext, historyPath: string): Algorithm1StageResult {
  const columns = readHistoryColumns(historyPath);
  let steps = 0;
  const res = recoverReward(columns, { ...p.algorithm1, updates: p.window }, streamSeed("table3", p.env, p.seed, "algorithm-1"), {
    onStage: (name, step, total) => { if (++steps % 50 === 0 || step === total) ctx.progress({ stage: `algorithm-1 ${name}`, done: step, total }); },
  });
  const bcPolicy: PpoActorJson = { policy: res.bcPolicy.policy, logStd: res.bcPolicy.logStd, obsNorm: res.bcPolicy.obsNorm, clipObs: res.bcPolicy.clipObs };
  return { reward: res.reward.toJSON(), bcPolicy, diagnostics: res.diagnostics, bc: s.score(bcPolicy, p.evalEpisodes), bcMeanAction: s.meanAction(bcPolicy) };
}

function runMethod(p: Table3CellPayload, s: Scorer, ctx: CellContext, alg: Algorithm1StageResult, historyPath: string): MethodStageResult {
  const method = table3Method(p.method!);
  if (method.kind !== "ppo") throw new RangeError(`table3: method '${method.id}' has no cell of its own`);
  // Always rebuilt from its JSON, so every machine and every resumed run trains on the very same reward.
  const recovered = loadRewardModel(alg.reward);
  const reward = method.reward({
    recovered, clone: alg.bcPolicy, obsDim: recovered.obsDim, actDim: recovered.actDim, window: p.window,
    history: () => readHistoryColumns(historyPath), rewardSeed: streamSeed("table3", p.env, p.seed, method.id, "reward"),
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
