/**
 * The continuous branch of `lfl observe` (a reward file written by `lfl infer` on a Box history): the LfL
 * observer of paper §6.2 (usage in observe.ts) — start from the clone π̂ stored in the reward file (`info.bcPolicy`), train PPO on
 * the recovered reward only, and score the clone and the final policy on the env's TRUE reward.
 */
import { readFileSync, writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { InputError } from "../core/errors.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import type { PpoActorJson } from "../learners/ppo.ts";
import { MLP } from "../nn/mlp.ts";
import { loadRewardModel } from "../observer/algorithm-1/algorithm-1.ts";
import { trainObserver } from "../observer/observer-training.ts";
import { policyReturns } from "../evaluation/policy-return.ts";
import { intFlag } from "./command.ts";

export interface ObserveContinuousFlags {
  reward: string;
  env?: string | undefined;
  updates?: string | undefined;
  "num-envs"?: string | undefined;
  "n-steps"?: string | undefined;
  episodes?: string | undefined;
  out?: string | undefined;
  seed?: string | undefined;
  json?: string | undefined;
}

/** The clone stored by `lfl infer`, checked field by field. */
function readActor(json: unknown, where: string): PpoActorJson {
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_REWARD", `${where}: ${msg}`);
  };
  if (typeof json !== "object" || json === null) return bad("missing (expected the clone π̂ written by 'lfl infer')");
  const o = json as Record<string, unknown>;
  const net = MLP.fromJSON(o["policy"]);
  const numbers = (name: string, v: unknown, n: number): number[] =>
    Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x)) ? (v as number[]) : bad(`${name} must be ${n} finite numbers`);
  const logStd = numbers("logStd", o["logStd"], net.outDim);
  const clipObs = typeof o["clipObs"] === "number" && o["clipObs"] > 0 ? o["clipObs"] : bad("clipObs must be a positive number");
  if (o["obsNorm"] === null) return { policy: net.toJSON(), logStd, obsNorm: null, clipObs };
  const n = (o["obsNorm"] ?? bad("obsNorm is missing")) as Record<string, unknown>;
  const count = typeof n["count"] === "number" && n["count"] > 0 ? n["count"] : bad("obsNorm.count must be a positive number");
  return { policy: net.toJSON(), logStd, obsNorm: { mean: numbers("obsNorm.mean", n["mean"], net.inDim), var: numbers("obsNorm.var", n["var"], net.inDim), count }, clipObs };
}

export async function runContinuousObserve(v: ObserveContinuousFlags): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(v.reward, "utf8"));
  } catch (e) {
    throw new InputError("E_INVALID_REWARD", `${v.reward}: cannot read a reward JSON (${(e as Error).message})`);
  }
  const reward = loadRewardModel(raw);
  const info = ((raw as Record<string, unknown>)["info"] ?? {}) as Record<string, unknown>;
  const start = readActor(info["bcPolicy"], `${v.reward} info.bcPolicy`);
  const envId = v.env ?? (typeof info["envId"] === "string" ? info["envId"] : undefined);
  if (envId === undefined) throw new InputError("E_USAGE", `observe: ${v.reward} names no env (info.envId); pass --env ID`);
  const spec = envSpec(envId);
  const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
  const mk = () => makeEnv(envId, {}, deps);
  const probe = mk();
  const dims = [probe.observationSpace.shape, probe.actionSpace.shape];
  probe.close();
  if (dims[0] !== reward.obsDim || dims[1] !== reward.actDim) throw new InputError("E_INVALID_REWARD", `${v.reward}: reward is for obsDim ${reward.obsDim}, actDim ${reward.actDim}; ${envId} has ${dims[0]}, ${dims[1]}`);

  const updates = intFlag("updates", v.updates, 30, 1);
  const numEnvs = intFlag("num-envs", v["num-envs"], 1, 1);
  const nSteps = intFlag("n-steps", v["n-steps"], 2048, 1);
  const episodes = intFlag("episodes", v.episodes, 10, 1);
  const seed = intFlag("seed", v.seed, 0);
  const evaluate = (actor: PpoActorJson, mode: "stochastic" | "deterministic") => policyReturns(actor, mk, { episodes, mode, seed: 10_000 + 1000 * seed }).mean;

  const tty = process.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar({ format: "observe {bar} {value}/{total} PPO updates  {eta_formatted} left", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  if (tty) bar.start(updates, 0);
  const run = trainObserver({
    makeEnv: mk, reward, start, updates, seed, ppo: { numEnvs, nSteps, batchSize: Math.min(64, numEnvs * nSteps) },
    onUpdate: () => { if (tty) bar.increment(); },
  });
  if (tty) bar.stop();

  const scores = {
    clone: { stochastic: evaluate(start, "stochastic"), meanAction: evaluate(start, "deterministic") },
    observer: { stochastic: evaluate(run.final, "stochastic"), meanAction: evaluate(run.final, "deterministic") },
  };
  console.log(`${envId}: ${updates} PPO updates × ${numEnvs * nSteps} steps on the recovered reward (the env reward is never learned from)`);
  console.log(`true-reward return over ${episodes} episodes   clone π̂: ${scores.clone.stochastic.toFixed(2)} (mean action ${scores.clone.meanAction.toFixed(2)})   observer: ${scores.observer.stochastic.toFixed(2)} (mean action ${scores.observer.meanAction.toFixed(2)})`);
  if (v.out !== undefined) {
    writeFileSync(v.out, `${JSON.stringify(run.final)}\n`);
    console.log(`wrote ${v.out}`);
  }
  if (v.json !== undefined) writeFileSync(v.json, `${JSON.stringify({ reward: v.reward, envId, updates, numEnvs, nSteps, episodes, seed, steps: run.steps, scores, trainingReturns: run.updates.map((u) => u.meanReturn) }, null, 2)}\n`);
  return 0;
}
