/**
 * `lfl learn --env ID --learner ppo`: trains PPO on a registered continuous-control env and writes its
 * learning history (.npz, docs/history-format) and optionally the final model (JSON). Options are declared
 * once (LEARN_ENV_OPTIONS); parsing and help are generated from them.
 *
 * Long runs are checkpointed every `--checkpoint-every` updates (the complete training state, written
 * atomically; src/learners/ppo-checkpoint.ts) and `--resume` continues from the checkpoint: the resumed run
 * writes the same bytes as an uninterrupted one. Output paths are checked before any work; every file is
 * written atomically, and every number written is finite (else E_NUMERICAL naming what).
 */
import { existsSync, unlinkSync } from "node:fs";
import cliProgress from "cli-progress";
import { checkOutputPaths, writeFileAtomic } from "../core/atomic-file.ts";
import { tensorBoardRecorder } from "../learners/tensorboard-recorder.ts";
import { InputError } from "../core/errors.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import { readInputBytes } from "../core/input-limits.ts";
import type { OptionSpec } from "../core/option-spec.ts";
import { printable } from "../core/printable.ts";
import { envSpec, makeEnv, type EnvKwargs } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { writeHistoryFile } from "../data/history-file.ts";
import { decodePpoCheckpoint, encodePpoCheckpoint } from "../learners/ppo-checkpoint.ts";
import { trainPpo, PPO_DEFAULTS, type PpoConfig, type PpoRun, type PpoUpdateStats } from "../learners/ppo.ts";
import { parseOptions, refuseFlags } from "./options.ts";

/** Seeds are the same everywhere (as `lfl reproduce`): integers in [0, 2^31 − 1]. */
export const SEED_MAX = 2 ** 31 - 1;
/** Hard bounds on sizes and counts (a runaway value is refused at once, not allocated). */
const MAX_STEPS = 1_000_000_000, MAX_ENVS = 1024, MAX_ROLLOUT = 10_000_000;
/** The largest learning history held in memory, in bytes (estimated before training). */
const MAX_HISTORY_BYTES = 8 * 2 ** 30;
export const DEFAULT_CHECKPOINT_EVERY = 10;

export const LEARN_ENV_OPTIONS: readonly OptionSpec[] = [
  { name: "env", kind: "string", arg: "ID", required: true, description: "registered env (e.g. Pendulum-v1, HalfCheetah-v5)" },
  { name: "env-kwargs", kind: "string", arg: "JSON", description: `env keyword arguments, e.g. '{"g": 9.81}'` },
  { name: "learner", kind: "string", arg: "ppo", defaultText: "ppo", description: "the learner (only ppo for continuous control)" },
  { name: "steps", kind: "int", arg: "N", min: 1, max: MAX_STEPS, defaultText: "100000", description: "total env steps over all envs" },
  { name: "out", kind: "string", arg: "FILE", description: "learning-history file to write (.npz)" },
  { name: "tensorboard", kind: "string", arg: "DIR", description: "also write the training curves as TensorBoard event files into DIR (SB3's scalar names)" },
  { name: "model", kind: "string", arg: "FILE", description: "also write the final policy/value networks as JSON" },
  { name: "num-envs", kind: "int", arg: "N", min: 1, max: MAX_ENVS, defaultText: "1", description: "envs stepped in lockstep" },
  { name: "record-envs", kind: "int", arg: "N", min: 1, max: MAX_ENVS, defaultText: "all", description: "record only envs 0..N-1 in the history" },
  { name: "n-steps", kind: "int", arg: "N", min: 1, max: MAX_ROLLOUT, defaultText: String(PPO_DEFAULTS.nSteps), description: "rollout length per env" },
  { name: "batch-size", kind: "int", arg: "N", min: 1, max: MAX_ROLLOUT, defaultText: String(PPO_DEFAULTS.batchSize), description: "minibatch size" },
  { name: "epochs", kind: "int", arg: "N", min: 1, max: 1000, defaultText: String(PPO_DEFAULTS.nEpochs), description: "epochs per update" },
  { name: "gamma", kind: "number", arg: "X", min: 0, max: 1, defaultText: String(PPO_DEFAULTS.gamma), description: "discount" },
  { name: "lr", kind: "number", arg: "X", min: 0, max: 1, defaultText: String(PPO_DEFAULTS.learningRate), description: "Adam learning rate (> 0)" },
  { name: "normalize-obs", kind: "boolean", description: "normalise observations (statistics frozen per update, stored in the history)" },
  { name: "seed", kind: "int", arg: "N", max: SEED_MAX, defaultText: "0", description: "random seed" },
  { name: "json", kind: "string", arg: "FILE", description: "write per-update statistics as JSON" },
  { name: "checkpoint", kind: "string", arg: "FILE", defaultText: "<out>.ckpt, else <model>.ckpt", description: "where the training state is saved for --resume" },
  { name: "checkpoint-every", kind: "int", arg: "N", max: 1_000_000, defaultText: String(DEFAULT_CHECKPOINT_EVERY), description: "save the training state every N updates (0 = never); removed when the run finishes" },
  { name: "resume", kind: "boolean", description: "continue from the checkpoint (same options; the result is byte-identical to an uninterrupted run)" },
  { name: "quiet", kind: "boolean", description: "no progress bar" },
];

/** Flags of the tabular branch (`--mdp`): refused here with a clear message. */
const TABULAR_ONLY = ["mdp", "improvements", "pairs", "alpha"] as const;

export async function runLearnEnv(argv: string[]): Promise<number> {
  const foreign: OptionSpec[] = TABULAR_ONLY.map((name) => ({ name, kind: "string", description: "" }));
  const { values: v, help } = parseOptions("learn", [...LEARN_ENV_OPTIONS, ...foreign], argv);
  if (help) return 0; // learn.ts prints the help of both branches
  refuseFlags("learn", v, TABULAR_ONLY, "to --env (they are options of the tabular branch, --mdp)");
  const str = (k: string): string | undefined => v[k] as string | undefined;
  const int = (k: string, d: number): number => (v[k] as number | undefined) ?? d;
  const learner = str("learner") ?? "ppo";
  if (learner !== "ppo") throw new InputError("E_UNKNOWN_ID", `learn: unknown learner '${printable(learner, 80)}' for --env (available: ppo)`);
  const envId = str("env");
  if (envId === undefined) throw new InputError("E_USAGE", "learn: --env is required");
  const out = str("out"), model = str("model"), json = str("json");
  if (out === undefined && model === undefined) throw new InputError("E_USAGE", "learn: give --out FILE (learning history) and/or --model FILE");
  const lr = (v.lr as number | undefined) ?? PPO_DEFAULTS.learningRate;
  if (!(lr > 0)) throw new InputError("E_USAGE", `learn: --lr must be > 0, got ${lr}`);
  const every = int("checkpoint-every", DEFAULT_CHECKPOINT_EVERY);
  const ckptPath = str("checkpoint") ?? `${(out ?? model)!}.ckpt`;
  if (every === 0 && v.resume) throw new InputError("E_USAGE", "learn: --resume needs checkpoints (--checkpoint-every 0 turns them off)");
  if (every === 0) refuseFlags("learn", v, ["checkpoint"], "with --checkpoint-every 0 (no checkpoint is written)");
  const kwargs = parseKwargs(str("env-kwargs"));
  const spec = envSpec(envId);

  const config: Partial<PpoConfig> = {
    numEnvs: int("num-envs", 1),
    nSteps: int("n-steps", PPO_DEFAULTS.nSteps),
    batchSize: int("batch-size", PPO_DEFAULTS.batchSize),
    nEpochs: int("epochs", PPO_DEFAULTS.nEpochs),
    gamma: (v.gamma as number | undefined) ?? PPO_DEFAULTS.gamma,
    learningRate: lr,
    normalizeObservations: v["normalize-obs"] === true,
  };
  const runInputs: PpoRun = { totalSteps: int("steps", 100000), seed: int("seed", 0), envKwargs: kwargs, ...(out === undefined ? { recordEnvs: 0 } : {}) };
  const E = config.numEnvs!, rollout = config.nSteps! * E;
  if (v["record-envs"] !== undefined) {
    if ((v["record-envs"] as number) > E) throw new InputError("E_USAGE", `learn: --record-envs ${v["record-envs"] as number} is more than --num-envs ${E}`);
    if (out !== undefined) runInputs.recordEnvs = v["record-envs"] as number;
  }
  if (rollout > MAX_ROLLOUT) throw new InputError("E_USAGE", `learn: --n-steps × --num-envs = ${rollout} is more than ${MAX_ROLLOUT} steps per update`);
  if (config.batchSize! > rollout) throw new InputError("E_USAGE", `learn: --batch-size ${config.batchSize} is more than one rollout (--n-steps × --num-envs = ${rollout})`);

  // Every output path is checked before any work (the checkpoint is an input on --resume, an output always).
  checkOutputPaths([out, model, json, every > 0 ? ckptPath : undefined]);
  if (v.resume && !existsSync(ckptPath)) throw new InputError("E_FILE", `learn: --resume: no checkpoint at ${printable(ckptPath)} (give --checkpoint FILE)`);
  if (!v.resume && every > 0 && existsSync(ckptPath)) console.error(`note: ${printable(ckptPath)} holds the checkpoint of an unfinished run; this run replaces it (add --resume to continue that run instead)`);
  const resume = v.resume ? decodePpoCheckpoint(readInputBytes(ckptPath, 64 * 2 ** 30, "checkpoint", ""), printable(ckptPath)) : undefined;

  const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
  const mk = (): ReturnType<typeof makeEnv> => makeEnv(spec.id, kwargs, deps);
  if (out !== undefined) {
    // The history is held in memory until the end: refuse a run whose history cannot fit, before training.
    const probe = mk();
    const D = probe.observationSpace.shape, A = probe.actionSpace.shape;
    probe.close();
    const recorded = Math.ceil(runInputs.totalSteps / rollout) * config.nSteps! * (runInputs.recordEnvs ?? E);
    const bytes = recorded * (2 * D + A + 4) * 8;
    if (bytes > MAX_HISTORY_BYTES) throw new InputError("E_TOO_LARGE", `learn: the history of ${recorded} recorded steps would need about ${(bytes / 2 ** 30).toFixed(1)} GiB of memory (limit ${MAX_HISTORY_BYTES / 2 ** 30} GiB); record fewer envs (--record-envs) or fewer --steps`);
  }

  const bar = v.quiet ? null : new cliProgress.SingleBar({
    format: "ppo {bar} {value}/{total} steps | {episodes} episodes | mean return {ret} | {sps} steps/s",
    stream: process.stderr,
    hideCursor: true,
    // Not a terminal (a log file, CI): a plain line every 10 s instead of a redrawn bar.
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  }, cliProgress.Presets.shades_classic);
  bar?.start(Math.ceil(runInputs.totalSteps / rollout) * rollout, resume?.steps ?? 0, { episodes: 0, ret: "n/a", sps: 0 });
  const tb = tensorBoardRecorder(v.tensorboard as string | undefined);
  const t0 = performance.now();
  const firstStep = resume?.steps ?? 0;
  let lastDraw = 0;
  let result;
  try {
    result = trainPpo(config, mk, runInputs, {
      ...(tb.onUpdate ? { onUpdate: tb.onUpdate } : {}),
      onStep: ({ steps, episodes, meanReturn }) => {
        if (bar && (steps - lastDraw >= 1000 || steps === runInputs.totalSteps)) {
          lastDraw = steps;
          const sps = Math.round((steps - firstStep) / ((performance.now() - t0) / 1000));
          bar.update(steps, { episodes, ret: Number.isFinite(meanReturn) ? meanReturn.toFixed(1) : "n/a", sps });
        }
      },
    }, every > 0 ? {
      every,
      save: (state) => writeFileAtomic(ckptPath, (sink) => sink(encodePpoCheckpoint(state))),
      ...(resume ? { resume } : {}),
    } : undefined);
  } finally {
    bar?.stop();
    tb.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const last = result.updates[result.updates.length - 1];
  const meanReturn = last !== undefined && Number.isFinite(last.meanReturn) ? last.meanReturn : undefined;
  // Everything is serialised (and checked finite) before the first file is replaced.
  const modelText = model !== undefined ? stringifyFinite(result.model(), `the model ${model}`) : undefined;
  const summary = {
    env: spec.id, learner: "ppo", seed: runInputs.seed, steps: result.steps, numUpdates: result.updates.length, seconds: round(seconds),
    stepsPerSecond: round((result.steps - firstStep) / Math.max(seconds, 1e-9)), ...(meanReturn !== undefined ? { meanReturn } : {}),
    ...(out !== undefined ? { out } : {}), ...(model !== undefined ? { model } : {}), ...(resume ? { resumedAtUpdate: resume.nextUpdate } : {}),
  };
  const jsonText = json !== undefined ? stringifyFinite({ ...summary, config: result.config, updates: result.updates.map(definedStats) }, `the statistics ${json}`, 2) : undefined;
  if (out !== undefined && result.history) writeHistoryFile(out, result.history);
  if (model !== undefined) writeFileAtomic(model, modelText!);
  if (json !== undefined) writeFileAtomic(json, jsonText!);
  if (every > 0 && existsSync(ckptPath)) unlinkSync(ckptPath); // the run finished: its checkpoint is stale

  console.log(`${spec.id}: ${result.steps} steps in ${seconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(0)} steps/s)${resume ? ` resumed at update ${resume.nextUpdate}` : ""}, ` +
    `mean return of the last 100 episodes ${meanReturn !== undefined ? meanReturn.toFixed(1) : "n/a (no episode finished)"}` + (out ? `; history → ${out}` : ""));
  return 0;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Per-update statistics with the undefined ones left out (mean return before any episode ends, explained variance of a constant return); any other non-finite value stops the write (E_NUMERICAL). */
function definedStats(s: PpoUpdateStats): Partial<PpoUpdateStats> {
  const { meanReturn, explainedVariance, stepsPerSecond, ...rest } = s;
  return {
    ...rest, ...(Number.isNaN(meanReturn) ? {} : { meanReturn }), ...(Number.isNaN(explainedVariance) ? {} : { explainedVariance }),
    ...(Number.isFinite(stepsPerSecond) ? { stepsPerSecond: round(stepsPerSecond) } : {}), // a timing, not a result
  };
}

function parseKwargs(text: string | undefined): EnvKwargs {
  if (text === undefined) return {};
  if (text.length > 10_000) throw new InputError("E_USAGE", "learn: --env-kwargs is longer than 10000 characters");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError("E_USAGE", `learn: --env-kwargs is not valid JSON: ${printable(text, 80)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InputError("E_USAGE", "learn: --env-kwargs must be a JSON object");
  for (const [k, x] of Object.entries(parsed)) {
    if (!(typeof x === "number" && Number.isFinite(x)) && typeof x !== "boolean") throw new InputError("E_USAGE", `learn: --env-kwargs.${printable(k, 40)} must be a finite number or a boolean`);
  }
  return parsed as EnvKwargs;
}
