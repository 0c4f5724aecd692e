/**
 * `lfl learn --env ID --learner ppo`: trains PPO on a registered continuous-control env and writes its
 * learning history (.npz, docs/history-format) and optionally the final model (JSON).
 */
import { writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { InputError } from "../core/errors.ts";
import { envSpec, makeEnv, type EnvKwargs } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { writeHistoryFile } from "../data/history-file.ts";
import { trainPpo, PPO_DEFAULTS, type PpoConfig } from "../learners/ppo.ts";
import { intFlag, numberFlag, parseCommandArgs } from "./command.ts";

export const LEARN_ENV_USAGE = `lfl learn --env ID --learner ppo --steps N --out history.npz [options]

  --env ID            registered env (e.g. Pendulum-v1, HalfCheetah-v5)
  --env-kwargs JSON   env keyword arguments, e.g. '{"g": 9.81}'
  --learner ppo       the learner (only ppo for continuous control)
  --steps N           total env steps over all envs (default 100000)
  --out FILE          learning-history file to write (.npz)
  --model FILE        also write the final policy/value networks as JSON
  --num-envs N        envs stepped in lockstep (default 1)
  --record-envs N     record only envs 0..N-1 in the history (default: all)
  --n-steps N         rollout length per env (default ${PPO_DEFAULTS.nSteps})
  --batch-size N      minibatch size (default ${PPO_DEFAULTS.batchSize})
  --epochs N          epochs per update (default ${PPO_DEFAULTS.nEpochs})
  --gamma X           discount (default ${PPO_DEFAULTS.gamma})
  --lr X              Adam learning rate (default ${PPO_DEFAULTS.learningRate})
  --normalize-obs     normalise observations (statistics frozen per update, stored in the history)
  --seed N            random seed (default 0)
  --json FILE         write per-update statistics as JSON
  --quiet             no progress bar`;

export async function runLearnEnv(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("learn", argv, {
    env: { type: "string" },
    "env-kwargs": { type: "string" },
    learner: { type: "string" },
    steps: { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
    "num-envs": { type: "string" },
    "record-envs": { type: "string" },
    "n-steps": { type: "string" },
    "batch-size": { type: "string" },
    epochs: { type: "string" },
    gamma: { type: "string" },
    lr: { type: "string" },
    "normalize-obs": { type: "boolean" },
    quiet: { type: "boolean" },
  });
  const learner = v.learner ?? "ppo";
  if (learner !== "ppo") throw new InputError("E_UNKNOWN_ID", `learn: unknown learner '${learner}' for --env (available: ppo)`);
  if (v.env === undefined) throw new InputError("E_USAGE", "learn: --env is required");
  if (v.out === undefined && v.model === undefined) throw new InputError("E_USAGE", "learn: give --out FILE (learning history) and/or --model FILE");
  const kwargs = parseKwargs(v["env-kwargs"]);
  const spec = envSpec(v.env);
  const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
  const config: Partial<PpoConfig> & Pick<PpoConfig, "totalSteps" | "seed"> = {
    totalSteps: intFlag("steps", v.steps, 100000, 1),
    seed: intFlag("seed", v.seed, 0),
    numEnvs: intFlag("num-envs", v["num-envs"], 1, 1),
    nSteps: intFlag("n-steps", v["n-steps"], PPO_DEFAULTS.nSteps, 1),
    batchSize: intFlag("batch-size", v["batch-size"], PPO_DEFAULTS.batchSize, 1),
    nEpochs: intFlag("epochs", v.epochs, PPO_DEFAULTS.nEpochs, 1),
    gamma: numberFlag("gamma", v.gamma, PPO_DEFAULTS.gamma),
    learningRate: numberFlag("lr", v.lr, PPO_DEFAULTS.learningRate),
    normalizeObservations: v["normalize-obs"] ?? false,
    recordHistory: v.out !== undefined,
  };
  if (v["record-envs"] !== undefined) config.recordEnvs = intFlag("record-envs", v["record-envs"], 1, 1);

  const bar = v.quiet ? null : new cliProgress.SingleBar({
    format: "ppo {bar} {value}/{total} steps | {episodes} episodes | mean return {ret} | {sps} steps/s",
    stream: process.stderr,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  const rollout = config.nSteps! * config.numEnvs!;
  bar?.start(Math.ceil(config.totalSteps / rollout) * rollout, 0, { episodes: 0, ret: "n/a", sps: 0 });
  const t0 = performance.now();
  let lastDraw = 0;
  let result;
  try {
    result = trainPpo(config, () => makeEnv(spec.id, kwargs, deps), {
      onStep: ({ steps, episodes, meanReturn }) => {
        if (bar && (steps - lastDraw >= 1000 || steps === config.totalSteps)) {
          lastDraw = steps;
          const sps = Math.round(steps / ((performance.now() - t0) / 1000));
          bar.update(steps, { episodes, ret: Number.isNaN(meanReturn) ? "n/a" : meanReturn.toFixed(1), sps });
        }
      },
    }, kwargs);
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (v.out !== undefined && result.history) writeHistoryFile(v.out, result.history);
  if (v.model !== undefined) writeFileSync(v.model, JSON.stringify(result.model()));
  const last = result.updates[result.updates.length - 1];
  const summary = {
    env: spec.id, learner: "ppo", seed: config.seed, steps: result.steps, updates: result.updates.length, seconds,
    stepsPerSecond: result.steps / seconds, meanReturn: last?.meanReturn ?? null, out: v.out ?? null, model: v.model ?? null,
  };
  console.log(`${spec.id}: ${result.steps} steps in ${seconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(0)} steps/s), ` +
    `mean return of the last 100 episodes ${last ? last.meanReturn.toFixed(1) : "n/a"}` + (v.out ? `; history → ${v.out}` : ""));
  if (v.json !== undefined) writeFileSync(v.json, JSON.stringify({ ...summary, config: result.config, updates: result.updates }, null, 2));
  return 0;
}

function parseKwargs(text: string | undefined): EnvKwargs {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError("E_USAGE", `learn: --env-kwargs is not valid JSON: ${text}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InputError("E_USAGE", "learn: --env-kwargs must be a JSON object");
  for (const [k, x] of Object.entries(parsed)) {
    if (typeof x !== "number" && typeof x !== "boolean") throw new InputError("E_USAGE", `learn: --env-kwargs.${k} must be a number or boolean`);
  }
  return parsed as EnvKwargs;
}
