/**
 * `lfl bench ppo --env ID --steps N`: PPO env-steps/s (rollouts + updates + history recording, as `lfl learn`),
 * physics-only env-steps/s of the same env under uniformly random actions, and their ratio.
 */
import { writeFileSync } from "node:fs";
import { Rng } from "../core/rng.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { trainPpo } from "../learners/ppo.ts";
import { KERNEL_BACKEND } from "../nn/kernels.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_PPO_USAGE = `lfl bench ppo --env ID [--steps N] [--num-envs N] [--seed N] [--json FILE]

  PPO with SB3's defaults (2048-step rollouts, minibatch 64, 10 epochs, 64-64 tanh nets) for N env steps
  (default 20000, rounded up to whole rollouts), then the same number of physics-only steps with random
  actions. Prints both rates and PPO ÷ physics. Check the machine is quiet first (cat /proc/loadavg).`;

export async function runBenchPpo(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench ppo", argv, {
    env: { type: "string" },
    steps: { type: "string" },
    "num-envs": { type: "string" },
  });
  const spec = envSpec(v.env ?? "Pendulum-v1");
  const steps = intFlag("steps", v.steps, 20000, 1);
  const numEnvs = intFlag("num-envs", v["num-envs"], 1, 1);
  const seed = intFlag("seed", v.seed, 0);
  const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
  const make = () => makeEnv(spec.id, {}, deps);

  process.stderr.write(`bench ppo: ${spec.id}, ${steps} steps, ${numEnvs} env(s), load average ${(await loadAvg())}\n`);
  // PPO.
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const r = trainPpo({ totalSteps: steps, seed, numEnvs }, make);
  const ppoSeconds = (performance.now() - t0) / 1000;
  const ppoCpuSeconds = cpuSecondsSince(c0);
  const ppoRate = r.steps / ppoSeconds;

  // Physics only: the same number of steps, random actions, resets on episode end.
  const rng = new Rng(seed);
  const env = make();
  let physicsSeconds: number;
  let physicsCpuSeconds: number;
  try {
    env.reset({ seed });
    t0 = performance.now();
    c0 = process.cpuUsage();
    for (let i = 0; i < r.steps; i++) {
      const res = env.step(env.actionSpace.sample(rng));
      if (res.terminated || res.truncated) env.reset();
    }
    physicsSeconds = (performance.now() - t0) / 1000;
    physicsCpuSeconds = cpuSecondsSince(c0);
  } finally {
    env.close();
  }
  const physicsRate = r.steps / physicsSeconds;
  const result = {
    env: spec.id, steps: r.steps, numEnvs, ppoSeconds, ppoStepsPerSecond: ppoRate, physicsSeconds, physicsStepsPerSecond: physicsRate,
    ratio: ppoRate / physicsRate, ppoCpuSeconds, physicsCpuSeconds, kernels: KERNEL_BACKEND, loadAverage: await loadAvg(), node: process.version,
  };
  console.log(`env             ${spec.id} (${numEnvs} env${numEnvs > 1 ? "s" : ""}, ${r.steps} steps)`);
  console.log(`PPO             ${ppoRate.toFixed(0)} env-steps/s (${ppoSeconds.toFixed(1)} s)`);
  console.log(`physics only    ${physicsRate.toFixed(0)} env-steps/s (${physicsSeconds.toFixed(2)} s, random actions)`);
  console.log(`PPO ÷ physics   ${(ppoRate / physicsRate).toFixed(3)}`);
  console.log(`per CPU second  PPO ${(r.steps / ppoCpuSeconds).toFixed(0)}, physics ${(r.steps / physicsCpuSeconds).toFixed(0)} env-steps (less sensitive to other processes)`);
  console.log(`NN kernels      ${KERNEL_BACKEND} (LFL_KERNELS=ts|native)`);
  if (v.json !== undefined) writeFileSync(v.json, JSON.stringify(result, null, 2));
  return 0;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

async function loadAvg(): Promise<string> {
  try {
    const { readFileSync } = await import("node:fs");
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}
