/**
 * `lfl bench ppo --env ID --steps N`: PPO env-steps/s (rollouts + updates + history recording, as `lfl learn`),
 * physics-only env-steps/s of the same env under uniformly random actions, and their ratio.
 */
import { createHash } from "node:crypto";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { Rng } from "../core/rng.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { trainPpo } from "../learners/ppo.ts";
import { isFloat64Backend, KERNEL_BACKEND } from "../nn/kernels.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { isBenchChild, median, parseBackends, runPerBackend, times } from "./bench-backends.ts";

export const BENCH_PPO_USAGE = `lfl bench ppo --env ID [--steps N] [--num-envs N] [--seed N] [--backends LIST|all|current] [--rounds N] [--json FILE]

  PPO with SB3's defaults (2048-step rollouts, minibatch 64, 10 epochs, 64-64 tanh nets) for N env steps
  (default 20000, rounded up to whole rollouts), then the same number of physics-only steps with random
  actions. Prints both rates and PPO ÷ physics. Check the machine is quiet first (cat /proc/loadavg).
  --backends  NN kernel backends to compare (ts,wasm,native,native-scalar,native-f32; default all available
              float64 ones): each run in its own process, --rounds rounds (default 3) in rotated order; prints
              medians, the speed-up over ts from the same rounds, and checks every float64 backend learned the
              same bytes (native-f32, float32 products, learns other bytes by design; it must repeat its own).
              'current' runs only this process's backend (LFL_KERNELS), in process.`;

interface PpoResult {
  env: string; steps: number; numEnvs: number; kernels: string;
  ppoSeconds: number; ppoStepsPerSecond: number; ppoCpuSeconds: number;
  physicsStepsPerSecond: number; physicsCpuSeconds: number; ratio: number; loadAverage: string;
  /** SHA-256 of the final policy parameters: equal for every backend (bit-identical kernels). */
  paramsSha256: string;
}

export async function runBenchPpo(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench ppo", argv, {
    env: { type: "string" },
    steps: { type: "string" },
    "num-envs": { type: "string" },
    backends: { type: "string" },
    rounds: { type: "string" },
  });
  if (!isBenchChild() && v.backends !== "current") return compareBackends(argv, parseBackends(v.backends), intFlag("rounds", v.rounds, 3, 1));
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
  const r = trainPpo({ numEnvs }, make, { totalSteps: steps, seed });
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
    paramsSha256: createHash("sha256").update(r.policy.params).update(r.gaussian.logStd).update(r.value.params).digest("hex"),
  };
  if (v.json !== undefined) writeFileAtomic(v.json, JSON.stringify(result, null, 2));
  if (isBenchChild()) return 0;
  console.log(`env             ${spec.id} (${numEnvs} env${numEnvs > 1 ? "s" : ""}, ${r.steps} steps)`);
  console.log(`PPO             ${ppoRate.toFixed(0)} env-steps/s (${ppoSeconds.toFixed(1)} s)`);
  console.log(`physics only    ${physicsRate.toFixed(0)} env-steps/s (${physicsSeconds.toFixed(2)} s, random actions)`);
  console.log(`PPO ÷ physics   ${(ppoRate / physicsRate).toFixed(3)}`);
  console.log(`per CPU second  PPO ${(r.steps / ppoCpuSeconds).toFixed(0)}, physics ${(r.steps / physicsCpuSeconds).toFixed(0)} env-steps (less sensitive to other processes)`);
  console.log(`NN kernels      ${KERNEL_BACKEND} (LFL_KERNELS=ts|wasm|native|native-scalar|native-f32)`);
  return 0;
}

/** Runs the benchmark under each backend (child processes, rotated rounds) and prints medians and speed-ups over ts. */
async function compareBackends(argv: string[], backends: string[], rounds: number): Promise<number> {
  const { values: v } = parseCommandArgs("bench ppo", argv, { env: { type: "string" }, steps: { type: "string" }, "num-envs": { type: "string" }, backends: { type: "string" }, rounds: { type: "string" } });
  const childArgv = argv.filter((_, i) => !["--backends", "--rounds", "--json"].includes(argv[i - 1] ?? "") && !["--backends", "--rounds", "--json"].includes(argv[i]!));
  process.stderr.write(`bench ppo: ${backends.join(", ")}, ${rounds} rounds, load average ${await loadAvg()}\n`);
  const runs = runPerBackend<PpoResult>("ppo", childArgv, backends as never, rounds);
  const first = [...runs.values()][0]![0]!;
  const med = (b: string, f: (r: PpoResult) => number): number => median(runs.get(b as never)!.map(f));
  const wall = (r: PpoResult): number => r.ppoStepsPerSecond;
  const cpu = (r: PpoResult): number => r.steps / r.ppoCpuSeconds;
  console.log(`PPO on ${first.env} (${first.numEnvs} env, ${first.steps} steps): env-steps/s, median of ${rounds} rounds; speed-up over ts in the same run`);
  console.log(`(× ts: median over rounds of the ratio to ts's run in the same round, which the rotated order keeps close in time)`);
  console.log(`${"kernels".padEnd(15)}${"wall".padStart(10)}${"× ts".padStart(8)}${"per CPU s".padStart(12)}${"× ts".padStart(8)}${"physics/CPU s".padStart(15)}`);
  const summary: Record<string, { wall: number; cpu: number; wallVsTs?: number; cpuVsTs?: number; physicsPerCpuSecond: number }> = {};
  const ts = runs.get("ts" as never);
  /** Median over rounds of f(backend's run) / f(ts's run of the same round). */
  const vsTs = (b: string, f: (r: PpoResult) => number): number | undefined => (ts ? median(runs.get(b as never)!.map((r, i) => f(r) / f(ts[i]!))) : undefined);
  for (const b of backends) {
    const w = med(b, wall), c = med(b, cpu), phys = med(b, (r) => r.steps / r.physicsCpuSeconds);
    const wt = vsTs(b, wall), ct = vsTs(b, cpu);
    summary[b] = { wall: w, cpu: c, physicsPerCpuSecond: phys, ...(wt !== undefined && ct !== undefined ? { wallVsTs: wt, cpuVsTs: ct } : {}) };
    console.log(`${b.padEnd(15)}${w.toFixed(0).padStart(10)}${(wt !== undefined ? times(wt) : "").padStart(8)}${c.toFixed(0).padStart(12)}${(ct !== undefined ? times(ct) : "").padStart(8)}${phys.toFixed(0).padStart(15)}`);
  }
  if (runs.has("native" as never) && runs.has("native-scalar" as never)) {
    const n = runs.get("native" as never)!, o = runs.get("native-scalar" as never)!;
    const pair = (f: (r: PpoResult) => number): string => times(median(n.map((r, i) => f(r) / f(o[i]!))));
    console.log(`native ÷ native-scalar (the previous native kernels), same rounds: wall ${pair(wall)}, per CPU s ${pair(cpu)}`);
  }
  if (runs.has("native" as never) && runs.has("native-f32" as never)) {
    const n = runs.get("native" as never)!, f = runs.get("native-f32" as never)!;
    const pair = (g: (r: PpoResult) => number): string => times(median(f.map((r, i) => g(r) / g(n[i]!))));
    console.log(`native-f32 ÷ native (float32 products), same rounds: wall ${pair(wall)}, per CPU s ${pair(cpu)}`);
  }
  // The float64 backends must learn the same bytes; native-f32 (float32 products) learns other bytes by design
  // and must only repeat its own.
  const f64Hashes = new Set([...runs].filter(([b]) => isFloat64Backend(b)).flatMap(([, rs]) => rs.map((r) => r.paramsSha256)));
  const f32Hashes = new Set((runs.get("native-f32" as never) ?? []).map((r) => r.paramsSha256));
  let ok = f64Hashes.size <= 1 && f32Hashes.size <= 1;
  if (f64Hashes.size > 0) console.log(f64Hashes.size === 1 ? `same learned parameters (SHA-256 ${[...f64Hashes][0]!.slice(0, 16)}…) under every float64 backend and round` : `WARNING: ${f64Hashes.size} different learned parameter hashes across float64 backends/rounds`);
  if (f32Hashes.size > 0) {
    const h = [...f32Hashes][0]!;
    console.log(f32Hashes.size === 1
      ? `native-f32: one parameter SHA-256 (${h.slice(0, 16)}…) in every round; it differs from the float64 backends' by design (float32 products)${f64Hashes.has(h) ? " — WARNING: it does not differ" : ""}`
      : `WARNING: native-f32 learned ${f32Hashes.size} different parameter hashes across rounds`);
    if (f64Hashes.has(h)) ok = false;
  }
  if (v.json !== undefined) writeFileAtomic(v.json, JSON.stringify({ env: first.env, steps: first.steps, rounds, summary, runs: Object.fromEntries(runs) }, null, 2));
  return ok ? 0 : 1;
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
