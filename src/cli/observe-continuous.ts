/**
 * The continuous branch of `lfl observe` (a reward file written by `lfl infer` on a Box history): the LfL
 * observer of paper §6.2 (usage in observe.ts) — start from the clone π̂ stored in the reward file (`info.bcPolicy`), train PPO on
 * the recovered reward only, and score the clone and the final policy on the env's TRUE reward.
 *
 * Options are declared once (OBSERVE_CONTINUOUS_OPTIONS, for observe.ts's parser and help); `runContinuousObserve`
 * takes the values as observe.ts parsed them (raw text or converted) and checks each against its declaration;
 * options of the tabular branch are refused. Output paths are checked before training; the actor and the scores
 * are written as one atomic set, only when every number is finite (else E_NUMERICAL naming the stage).
 */
import cliProgress from "cli-progress";
import { checkOutputPaths, writeFileSet } from "../core/atomic-file.ts";
import { tensorBoardRecorder } from "../learners/tensorboard-recorder.ts";
import { InputError, NumericalError } from "../core/errors.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import type { OptionSpec } from "../core/option-spec.ts";
import { printable } from "../core/printable.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import type { PpoActorJson } from "../learners/ppo.ts";
import { MLP } from "../nn/mlp.ts";
import { readRewardJson } from "../rewards/reward-json.ts";
import { trainObserver } from "../observer/observer-training.ts";
import { policyReturns } from "../evaluation/policy-return.ts";
import { convertOption, helpText, refuseFlags } from "./options.ts";

const SEED_MAX = 2 ** 31 - 1;
const MAX_ROLLOUT = 10_000_000;

/** The options of the Box branch (besides --reward and --json, which observe.ts declares for both branches). */
export const OBSERVE_CONTINUOUS_OPTIONS: readonly OptionSpec[] = [
  { name: "tensorboard", kind: "string", arg: "DIR", description: "also write the observer's training curves as TensorBoard event files into DIR" },
  { name: "env", kind: "string", arg: "ID", defaultText: "the reward file's info.envId", description: "env to train and score in" },
  { name: "updates", kind: "int", arg: "N", min: 1, max: 100_000, defaultText: "30", description: "PPO updates on the recovered reward" },
  { name: "num-envs", kind: "int", arg: "N", min: 1, max: 1024, defaultText: "1", description: "parallel envs per update" },
  { name: "n-steps", kind: "int", arg: "N", min: 1, max: MAX_ROLLOUT, defaultText: "2048", description: "steps per env per update" },
  { name: "episodes", kind: "int", arg: "N", min: 1, max: 100_000, defaultText: "10", description: "true-reward evaluation episodes" },
  { name: "out", kind: "string", arg: "FILE", description: "also write the final actor (PPO actor JSON)" },
  { name: "seed", kind: "int", arg: "N", max: SEED_MAX, defaultText: "0", description: "PPO seed" },
];

/** Options of the tabular branch, refused without --mdp. */
export const OBSERVE_TABULAR_ONLY = ["alpha", "history"] as const;

export const OBSERVE_CONTINUOUS_USAGE = helpText("lfl observe --reward reward.json [--env ID] [options]", "No --mdp: a Box reward written by 'lfl infer'. Trains PPO on the recovered reward from the clone π̂ in the file's info.bcPolicy; scores on the TRUE reward.", [{ title: "options for a Box reward", options: OBSERVE_CONTINUOUS_OPTIONS }]);

/** The flags as observe.ts passes them: raw text (parseArgs) or values already converted (parseOptions). */
export interface ObserveContinuousFlags {
  reward: string;
  json?: string | undefined;
  [flag: string]: unknown;
}

function declared(spec: OptionSpec, x: unknown): unknown {
  if (x === undefined || spec.kind === "boolean") return x;
  const text = typeof x === "string" ? x : typeof x === "number" && Number.isFinite(x) ? String(x) : "";
  return convertOption("observe", spec, text);
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
  const clipObs = typeof o["clipObs"] === "number" && o["clipObs"] > 0 && Number.isFinite(o["clipObs"]) ? o["clipObs"] : bad("clipObs must be a positive number");
  if (o["obsNorm"] === null) return { policy: net.toJSON(), logStd, obsNorm: null, clipObs };
  const n = (o["obsNorm"] ?? bad("obsNorm is missing")) as Record<string, unknown>;
  const count = typeof n["count"] === "number" && n["count"] > 0 && Number.isFinite(n["count"]) ? n["count"] : bad("obsNorm.count must be a positive number");
  return { policy: net.toJSON(), logStd, obsNorm: { mean: numbers("obsNorm.mean", n["mean"], net.inDim), var: numbers("obsNorm.var", n["var"], net.inDim), count }, clipObs };
}

export async function runContinuousObserve(v: ObserveContinuousFlags): Promise<number> {
  refuseFlags("observe", v as Record<string, unknown>, OBSERVE_TABULAR_ONLY, "without --mdp (a Box reward): they are options of the tabular branch");
  const o = Object.fromEntries(OBSERVE_CONTINUOUS_OPTIONS.map((s) => [s.name, declared(s, v[s.name])])) as Record<string, unknown>;
  const updates = (o.updates as number | undefined) ?? 30;
  const numEnvs = (o["num-envs"] as number | undefined) ?? 1;
  const nSteps = (o["n-steps"] as number | undefined) ?? 2048;
  const episodes = (o.episodes as number | undefined) ?? 10;
  const seed = (o.seed as number | undefined) ?? 0;
  const out = o.out as string | undefined;
  if (numEnvs * nSteps > MAX_ROLLOUT) throw new InputError("E_USAGE", `observe: --n-steps × --num-envs = ${numEnvs * nSteps} is more than ${MAX_ROLLOUT} steps per update`);
  // Every output is checked before any work (an output equal to the reward file is refused).
  checkOutputPaths([out, v.json], [v.reward]);

  const { reward, json: raw } = readRewardJson(v.reward);
  const info = (raw["info"] ?? {}) as Record<string, unknown>;
  const start = readActor(info["bcPolicy"], `${printable(v.reward)} info.bcPolicy`);
  const envId = (o.env as string | undefined) ?? (typeof info["envId"] === "string" ? info["envId"] : undefined);
  if (envId === undefined) throw new InputError("E_USAGE", `observe: ${printable(v.reward)} names no env (info.envId); pass --env ID`);
  const spec = envSpec(envId);
  const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
  const mk = () => makeEnv(envId, {}, deps);
  const probe = mk();
  const dims = [probe.observationSpace.shape, probe.actionSpace.shape];
  probe.close();
  if (dims[0] !== reward.obsDim || dims[1] !== reward.actDim) throw new InputError("E_INVALID_REWARD", `${printable(v.reward)}: reward is for obsDim ${reward.obsDim}, actDim ${reward.actDim}; ${envId} has ${dims[0]}, ${dims[1]}`);
  const evaluate = (actor: PpoActorJson, mode: "stochastic" | "deterministic") => policyReturns(actor, mk, { episodes, mode, seed: 10_000 + 1000 * seed }).mean;

  // A bar on a terminal; a plain line every 10 s otherwise (a log file, CI).
  const bar = new cliProgress.SingleBar({ format: "observe {bar} {value}/{total} PPO updates  {eta_formatted} left", stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 }, cliProgress.Presets.shades_classic);
  bar.start(updates, 0);
  const tb = tensorBoardRecorder(v.tensorboard as string | undefined);
  let run;
  try {
    run = trainObserver({
      makeEnv: mk, reward, start, updates, seed, ppo: { numEnvs, nSteps, batchSize: Math.min(64, numEnvs * nSteps) },
      onUpdate: (u) => { bar.increment(); tb.onUpdate?.(u); },
    });
  } finally {
    bar.stop();
    tb.close();
  }

  const scores = {
    clone: { stochastic: evaluate(start, "stochastic"), meanAction: evaluate(start, "deterministic") },
    observer: { stochastic: evaluate(run.final, "stochastic"), meanAction: evaluate(run.final, "deterministic") },
  };
  const trainingReturns = run.updates.map((u) => u.meanReturn).filter((x) => !Number.isNaN(x)); // NaN: no episode finished yet
  const doc = { reward: v.reward, envId, updates, numEnvs, nSteps, episodes, seed, steps: run.steps, scores, trainingReturns };
  // Checked finite before anything is printed or written.
  const finite = (value: unknown, what: string, space?: number): string => {
    try {
      return stringifyFinite(value, what, space);
    } catch (e) {
      if (e instanceof NumericalError) throw new NumericalError(`observe: a non-finite result (stage: ${what}): ${e.message}`);
      throw e;
    }
  };
  const docText = finite(doc, "scoring on the true reward", 2);
  const actorText = out !== undefined ? finite(run.final, `writing the actor ${out}`) : undefined;
  // Files first, then the report (a reader that goes away, e.g. `| head`, cannot cost the results).
  const files = [...(out !== undefined ? [{ path: out, data: actorText! }] : []), ...(v.json !== undefined ? [{ path: v.json, data: docText }] : [])];
  if (files.length > 0) writeFileSet(files);
  console.log(`${envId}: ${updates} PPO updates × ${numEnvs * nSteps} steps on the recovered reward (the env reward is never learned from)`);
  console.log(`true-reward return over ${episodes} episodes   clone π̂: ${scores.clone.stochastic.toFixed(2)} (mean action ${scores.clone.meanAction.toFixed(2)})   observer: ${scores.observer.stochastic.toFixed(2)} (mean action ${scores.observer.meanAction.toFixed(2)})`);
  if (files.length > 0) console.log(`wrote ${files.map((f) => f.path).join(", ")}`);
  return 0;
}
