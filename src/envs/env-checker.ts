/**
 * Checks a continuous env against the contract of `env.ts`: Box spaces with ordered bounds; `reset` and
 * `step` return the documented types and shapes; observations lie in the observation space and every number
 * (observation, reward, numeric info) is finite; flags are booleans; and the env is deterministic: two
 * instances reset with the same seed and fed the same actions produce identical observations and rewards.
 * Returns every problem found (empty when the env passes); `assertEnvOk` throws on the first report.
 */
import { LflError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv, Info } from "./env.ts";
import type { Box } from "./spaces.ts";

export interface EnvCheckOptions {
  /** Seed of the episodes compared for determinism, and of the random actions. */
  seed?: number;
  /** Steps taken per instance (episodes are reset when they end). */
  steps?: number;
}

function checkBox(name: string, box: Box, problems: string[]): void {
  if (box.kind !== "box") problems.push(`${name} is not a Box`);
  if (box.shape <= 0) problems.push(`${name} has no dimensions`);
  for (let i = 0; i < box.shape; i++) {
    if (Number.isNaN(box.low[i]!) || Number.isNaN(box.high[i]!) || box.low[i]! > box.high[i]!) {
      problems.push(`${name}: bad bounds at [${i}]: [${box.low[i]}, ${box.high[i]}]`);
    }
  }
}

function checkObservation(where: string, env: BoxEnv, obs: unknown, problems: string[]): void {
  if (!(obs instanceof Float64Array)) {
    problems.push(`${where}: observation is not a Float64Array`);
    return;
  }
  if (obs.length !== env.observationSpace.shape) {
    problems.push(`${where}: observation has length ${obs.length}, space has ${env.observationSpace.shape}`);
    return;
  }
  for (let i = 0; i < obs.length; i++) {
    if (!Number.isFinite(obs[i]!)) problems.push(`${where}: observation[${i}] = ${obs[i]} is not finite`);
  }
  if (!env.observationSpace.contains(obs)) problems.push(`${where}: observation is outside the observation space`);
}

function checkInfo(where: string, info: Info, problems: string[]): void {
  if (typeof info !== "object" || info === null) {
    problems.push(`${where}: info is not an object`);
    return;
  }
  for (const [k, v] of Object.entries(info)) {
    if (typeof v === "number" && !Number.isFinite(v)) problems.push(`${where}: info.${k} = ${v} is not finite`);
    else if (typeof v !== "number" && typeof v !== "boolean" && typeof v !== "string") {
      problems.push(`${where}: info.${k} has type ${typeof v}`);
    }
  }
}

interface Run {
  observations: Float64Array[];
  rewards: number[];
}

/** Runs `steps` random-action steps from reset(seed), checking every result; records what it saw. */
function runChecked(env: BoxEnv, seed: number, steps: number, problems: string[]): Run {
  const rng = new Rng(seed);
  const run: Run = { observations: [], rewards: [] };
  const first = env.reset({ seed });
  checkObservation("reset", env, first.observation, problems);
  checkInfo("reset", first.info, problems);
  run.observations.push(Float64Array.from(first.observation));
  for (let t = 0; t < steps; t++) {
    const action = env.actionSpace.sample(rng);
    const r = env.step(action);
    const where = `step ${t}`;
    checkObservation(where, env, r.observation, problems);
    checkInfo(where, r.info, problems);
    if (typeof r.reward !== "number" || !Number.isFinite(r.reward)) problems.push(`${where}: reward ${r.reward} is not a finite number`);
    if (typeof r.terminated !== "boolean") problems.push(`${where}: terminated is not a boolean`);
    if (typeof r.truncated !== "boolean") problems.push(`${where}: truncated is not a boolean`);
    run.observations.push(Float64Array.from(r.observation));
    run.rewards.push(r.reward);
    if (r.terminated || r.truncated) {
      const again = env.reset();
      checkObservation(`reset after step ${t}`, env, again.observation, problems);
      run.observations.push(Float64Array.from(again.observation));
    }
  }
  return run;
}

/**
 * Checks `make()`'s envs; `make` is called twice (two independent instances for the determinism check), and
 * both are closed. Returns the problems found, at most a few per kind.
 */
export function checkEnv(make: () => BoxEnv, options: EnvCheckOptions = {}): string[] {
  const seed = options.seed ?? 12345;
  const steps = options.steps ?? 100;
  const problems: string[] = [];
  const a = make();
  const b = make();
  try {
    checkBox("observationSpace", a.observationSpace, problems);
    checkBox("actionSpace", a.actionSpace, problems);
    if (typeof a.id !== "string" || a.id.length === 0) problems.push("id is empty");
    const runA = runChecked(a, seed, steps, problems);
    const runB = runChecked(b, seed, steps, []);
    const runC = runChecked(a, seed, steps, []);
    for (const [name, other] of [["a second instance", runB], ["the same instance reset again", runC]] as const) {
      const n = Math.min(runA.observations.length, other.observations.length);
      let differs = runA.observations.length !== other.observations.length;
      for (let i = 0; i < n && !differs; i++) {
        const x = runA.observations[i]!, y = other.observations[i]!;
        for (let j = 0; j < x.length; j++) if (!Object.is(x[j], y[j])) differs = true;
      }
      for (let i = 0; i < runA.rewards.length && !differs; i++) if (!Object.is(runA.rewards[i], other.rewards[i])) differs = true;
      if (differs) problems.push(`not deterministic: ${name} with seed ${seed} and the same actions gave different results`);
    }
  } catch (e) {
    problems.push(`threw: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    a.close();
    b.close();
  }
  return problems.length > 20 ? [...problems.slice(0, 20), `... and ${problems.length - 20} more`] : problems;
}

/** Throws an `LflError` E_ENV listing the problems if `checkEnv` finds any. */
export function assertEnvOk(make: () => BoxEnv, options: EnvCheckOptions = {}): void {
  const problems = checkEnv(make, options);
  if (problems.length > 0) throw new LflError("E_ENV", `env check failed:\n  ${problems.join("\n  ")}`);
}
