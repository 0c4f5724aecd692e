/**
 * `lfl bench env [--env ID] [--steps N]`: physics-only env-steps/s of registered envs (uniformly random actions,
 * through `makeEnv`, so including the TimeLimit wrapper, observation building, reward terms and resets).
 */
import { writeFileAtomic } from "../core/atomic-file.ts";
import { readFileSync } from "node:fs";
import { Rng } from "../core/rng.ts";
import { envSpec, makeEnv, registeredEnvIds, type EnvDeps } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_ENV_USAGE = `lfl bench env [--env ID] [--steps N] [--seed N] [--json FILE]

  Steps each registered env (or only --env ID) N times (default 20000) with uniformly random actions,
  resetting when an episode ends, after 1000 warm-up steps; prints env-steps per wall second and per CPU
  second of this process (median of 3 runs each). On a busy machine the wall rate drops with the share of a
  core this process gets; the CPU rate does not. Check the machine is quiet first (cat /proc/loadavg).`;

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
  const results: { env: string; steps: number; stepsPerSecond: number; stepsPerCpuSecond: number }[] = [];
  for (const id of ids) {
    using env = makeEnv(id, {}, deps);
    const rng = new Rng(seed);
    env.reset({ seed });
    /** [wall seconds, CPU seconds] of n steps. */
    const run = (n: number): [number, number] => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const r = env.step(env.actionSpace.sample(rng));
        if (r.terminated || r.truncated) env.reset();
      }
      const c = process.cpuUsage(c0);
      return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
    };
    run(1000);
    const runs = [run(steps), run(steps), run(steps)];
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[1]!;
    const rate = steps / median(runs.map((r) => r[0]));
    const cpuRate = steps / median(runs.map((r) => r[1]));
    results.push({ env: id, steps, stepsPerSecond: rate, stepsPerCpuSecond: cpuRate });
    console.log(`${id.padEnd(16)} ${rate.toFixed(0).padStart(9)} env-steps/s wall ${cpuRate.toFixed(0).padStart(9)} per CPU second`);
  }
  if (v.json !== undefined) writeFileAtomic(v.json, JSON.stringify({ node: process.version, load, results }, null, 2));
  return 0;
}
