/**
 * `lfl bench env [--env ID] [--steps N]`: physics-only env-steps/s of registered envs (uniformly random actions,
 * through `makeEnv`, so including the TimeLimit wrapper, observation building, reward terms and resets).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Rng } from "../core/rng.ts";
import { envSpec, makeEnv, registeredEnvIds, type EnvDeps } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_ENV_USAGE = `lfl bench env [--env ID] [--steps N] [--seed N] [--json FILE]

  Steps each registered env (or only --env ID) N times (default 20000) with uniformly random actions,
  resetting when an episode ends, after 1000 warm-up steps; prints env-steps/s (median of 3 runs).
  Check the machine is quiet first (cat /proc/loadavg).`;

export async function runBenchEnv(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench env", argv, { env: { type: "string" }, steps: { type: "string" } });
  const ids = v.env === undefined ? registeredEnvIds() : [envSpec(v.env).id];
  const steps = intFlag("steps", v.steps, 20000, 1);
  const seed = intFlag("seed", v.seed, 0);
  const deps: EnvDeps = ids.some((id) => envSpec(id).needsMujoco) ? { mujoco: await loadMujoco() } : {};
  let load = "unknown";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    // not Linux
  }
  process.stderr.write(`bench env: ${steps} steps per env, load average ${load}\n`);
  const results: { env: string; steps: number; stepsPerSecond: number }[] = [];
  for (const id of ids) {
    using env = makeEnv(id, {}, deps);
    const rng = new Rng(seed);
    env.reset({ seed });
    const run = (n: number): number => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const r = env.step(env.actionSpace.sample(rng));
        if (r.terminated || r.truncated) env.reset();
      }
      return (performance.now() - t0) / 1000;
    };
    run(1000);
    const times = [run(steps), run(steps), run(steps)].sort((a, b) => a - b);
    const rate = steps / times[1]!;
    results.push({ env: id, steps, stepsPerSecond: rate });
    console.log(`${id.padEnd(16)} ${rate.toFixed(0).padStart(9)} env-steps/s`);
  }
  if (v.json !== undefined) writeFileSync(v.json, JSON.stringify({ node: process.version, load, results }, null, 2));
  return 0;
}
