/**
 * Worker side of `lfl bench workers`: owns envs [first, first + count) of a lockstep batch (its own MuJoCo WASM
 * instance), steps them whenever the main thread bumps the generation counter, and reports completion.
 * Shared layout (Int32Array ctrl): [0] generation, [1] workers done this generation, [2] stop flag.
 */
import { parentPort, workerData } from "node:worker_threads";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";

interface ThreadData {
  envId: string;
  first: number;
  count: number;
  seed: number;
  ctrl: SharedArrayBuffer;
  actions: SharedArrayBuffer;
  obs: SharedArrayBuffer;
  rewards: SharedArrayBuffer;
}

const data = workerData as ThreadData;
const spec = envSpec(data.envId);
const deps = spec.needsMujoco ? { mujoco: await loadMujoco() } : {};
const envs = Array.from({ length: data.count }, () => makeEnv(spec.id, {}, deps));
const ctrl = new Int32Array(data.ctrl), actions = new Float64Array(data.actions), obs = new Float64Array(data.obs), rewards = new Float64Array(data.rewards);
const A = envs[0]!.actionSpace.shape, D = envs[0]!.observationSpace.shape;
envs.forEach((env, i) => obs.set(env.reset({ seed: data.seed + data.first + i }).observation, (data.first + i) * D));
parentPort!.postMessage("ready");
let generation = 0;
for (;;) {
  Atomics.wait(ctrl, 0, generation);
  generation = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 2) === 1) break;
  for (let i = 0; i < data.count; i++) {
    const e = data.first + i;
    const r = envs[i]!.step(actions.subarray(e * A, (e + 1) * A));
    rewards[e] = r.reward;
    obs.set(r.terminated || r.truncated ? envs[i]!.reset().observation : r.observation, e * D);
  }
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}
for (const env of envs) env.close();
