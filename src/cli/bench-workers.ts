/**
 * `lfl bench workers --env ID [--num-envs N] [--workers W] [--steps S]`: do worker threads pay for env stepping?
 * Steps N envs in lockstep with uniformly random actions (the acting pattern of PPO with N envs), first all on
 * the main thread, then split over the main thread and W workers (each with its own MuJoCo WASM instance,
 * actions and observations in SharedArrayBuffers, one Atomics wake-up and one completion per lockstep step).
 * Each is warmed up, then timed 3 times alternately; prints the median wall and CPU env-steps/s of both and
 * the speed-up; docs/performance.md discusses the result.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { Worker } from "node:worker_threads";
import { Rng } from "../core/rng.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_WORKERS_USAGE = `lfl bench workers --env ID [--num-envs N] [--workers W] [--steps S] [--seed N] [--json FILE]

  Env stepping only (no learning): N envs (default 8) in lockstep with uniformly random actions for S env
  steps in total (default 40000), on the main thread alone, then split evenly over the main thread and W worker
  threads (default 1); each warmed up, then timed 3 times alternately. Prints the median env-steps per wall
  second and per CPU second (all threads) of both. Check the
  machine is quiet first (cat /proc/loadavg): workers can only pay when a core is free.`;

interface Rate {
  wallSeconds: number;
  cpuSeconds: number;
  stepsPerSecond: number;
  stepsPerCpuSecond: number;
}

export async function runBenchWorkers(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench workers", argv, { env: { type: "string" }, steps: { type: "string" }, "num-envs": { type: "string" }, workers: { type: "string" } });
  const spec = envSpec(v.env ?? "HalfCheetah-v5");
  const E = intFlag("num-envs", v["num-envs"], 8, 1);
  const W = intFlag("workers", v.workers, 1, 1);
  const total = intFlag("steps", v.steps, 40000, 1);
  const seed = intFlag("seed", v.seed, 0);
  const T = Math.ceil(total / E);
  const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
  const load = (): string => { try { return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "); } catch { return "unknown"; } };
  const loadBefore = load();
  process.stderr.write(`bench workers: ${spec.id}, ${E} envs, ${W} worker(s) + main, ${T * E} steps, load average ${loadBefore}\n`);

  // Split: thread 0 = main, threads 1..W = workers; envs as even as possible.
  const counts = Array.from({ length: W + 1 }, (_, i) => Math.floor(E / (W + 1)) + (i < E % (W + 1) ? 1 : 0));
  const firsts = counts.map((_, i) => counts.slice(0, i).reduce((s, c) => s + c, 0));
  const probe = makeEnv(spec.id, {}, deps);
  const A = probe.actionSpace.shape, D = probe.observationSpace.shape;
  const { low, high } = probe.actionSpace;
  probe.close();

  const sab = { ctrl: new SharedArrayBuffer(3 * 4), actions: new SharedArrayBuffer(E * A * 8), obs: new SharedArrayBuffer(E * D * 8), rewards: new SharedArrayBuffer(E * 8) };
  const ctrl = new Int32Array(sab.ctrl), actions = new Float64Array(sab.actions), obs = new Float64Array(sab.obs), rewards = new Float64Array(sab.rewards);
  const fillActions = (rng: Rng): void => {
    for (let e = 0; e < E; e++) for (let j = 0; j < A; j++) actions[e * A + j] = rng.uniformIn(low[j]!, high[j]!);
  };
  const stepRange = (envs: ReturnType<typeof makeEnv>[], first: number): void => {
    for (let i = 0; i < envs.length; i++) {
      const e = first + i;
      const r = envs[i]!.step(actions.subarray(e * A, (e + 1) * A));
      rewards[e] = r.reward;
      obs.set(r.terminated || r.truncated ? envs[i]!.reset().observation : r.observation, e * D);
    }
  };
  const measure = (body: () => void): Rate => {
    const t0 = performance.now(), c0 = process.cpuUsage();
    body();
    const wallSeconds = (performance.now() - t0) / 1000;
    const u = process.cpuUsage(c0);
    const cpuSeconds = (u.user + u.system) / 1e6;
    return { wallSeconds, cpuSeconds, stepsPerSecond: (T * E) / wallSeconds, stepsPerCpuSecond: (T * E) / cpuSeconds };
  };

  // Both set-ups stay alive; after a warm-up of each, they are timed alternately 3 times (median reported).
  const all = Array.from({ length: E }, () => makeEnv(spec.id, {}, deps));
  all.forEach((env, e) => obs.set(env.reset({ seed: seed + e }).observation, e * D));
  // A worker does not inherit tsx's loader: a small eval'd bootstrap registers it, then imports the TS entry.
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(new URL("./bench-workers-thread.ts", import.meta.url).href)}); });`;
  const workers = counts.slice(1).map((count, w) => new Worker(boot, { eval: true, workerData: { envId: spec.id, first: firsts[w + 1]!, count, seed, ...sab } }));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => { w.once("message", () => resolve()); w.once("error", reject); })));
  const mine = all.slice(0, counts[0]!);
  const rng = new Rng(seed);
  const alone = (steps: number) => () => {
    for (let t = 0; t < steps; t++) {
      fillActions(rng);
      stepRange(all, 0);
    }
  };
  const split = (steps: number) => () => {
    for (let t = 0; t < steps; t++) {
      fillActions(rng);
      Atomics.store(ctrl, 1, 0);
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      stepRange(mine, 0);
      for (let done = Atomics.load(ctrl, 1); done < W; done = Atomics.load(ctrl, 1)) Atomics.wait(ctrl, 1, done);
    }
  };
  const warm = Math.max(1, Math.ceil(T / 10));
  alone(warm)();
  split(warm)();
  const singles: Rate[] = [], threadeds: Rate[] = [];
  for (let round = 0; round < 3; round++) {
    singles.push(measure(alone(T)));
    threadeds.push(measure(split(T)));
  }
  Atomics.store(ctrl, 2, 1);
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once("exit", resolve))));
  for (const env of all) env.close();
  const median = (rs: Rate[]): Rate => [...rs].sort((a, b) => a.stepsPerSecond - b.stepsPerSecond)[1]!;
  const single = median(singles), threaded = median(threadeds);

  const speedup = threaded.stepsPerSecond / single.stepsPerSecond;
  const loadAfter = load();
  console.log(`env              ${spec.id}, ${E} envs in lockstep, ${T * E} steps, random actions`);
  console.log(`main thread      ${single.stepsPerSecond.toFixed(0)} env-steps/s wall, ${single.stepsPerCpuSecond.toFixed(0)} per CPU s`);
  console.log(`main + ${W} worker${W > 1 ? "s" : " "} ${threaded.stepsPerSecond.toFixed(0)} env-steps/s wall, ${threaded.stepsPerCpuSecond.toFixed(0)} per CPU s (split ${counts.join("/")})`);
  console.log(`speed-up (wall)  ${speedup.toFixed(2)}×   load average before ${loadBefore}, after ${loadAfter}`);
  if (v.json !== undefined) writeFileAtomic(v.json, JSON.stringify({ env: spec.id, numEnvs: E, workers: W, steps: T * E, single, threaded, speedup, loadBefore, loadAfter, node: process.version }, null, 2));
  return 0;
}
