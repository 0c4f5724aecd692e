/**
 * Fixtures of the dashboard tests: a short MuJoCo learning history (HalfCheetah-v5, 2 updates × 1 episode of
 * `steps` steps, actions of a small random MLP policy per update plus Rng noise, stepped by the library's env) and
 * a Gaussian log-density reward JSON in `lfl infer`'s format whose `info.bcPolicy` holds a clone actor — synthetic
 * networks: they exercise the replay, rendering and reward paths, not LfL's quality.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../src/core/rng.ts";
import type { HistoryColumns } from "../src/data/history-columns.ts";
import { writeHistoryColumns } from "../src/data/history-file.ts";
import { HalfCheetah } from "../src/envs/mujoco/half-cheetah.ts";
import type { MujocoRuntime } from "../src/envs/mujoco/mujoco-runtime.ts";
import { MLP } from "../src/nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "../src/rewards/neural-reward.ts";

export function shortCheetahHistory(runtime: MujocoRuntime, steps = 30, seed = 7): HistoryColumns {
  const env = new HalfCheetah(runtime);
  try {
    const D = 17, A = 6, updates = 2, n = updates * steps;
    const rng = new Rng(seed);
    const obs = new Float64Array(n * D), nextObs = new Float64Array(n * D), actions = new Float64Array(n * A);
    const rewards = new Float64Array(n), update = new Float64Array(n), episode = new Float64Array(n);
    let row = 0;
    for (let u = 0; u < updates; u++) {
      const policy = new MLP([D, 8, A], { rng: rng.split() });
      let o = env.reset({ seed: seed + u }).observation;
      for (let t = 0; t < steps; t++, row++) {
        const mean = policy.forward(o, 1);
        const a = Float64Array.from(mean, (m) => Math.max(-1, Math.min(1, m + 0.3 * rng.normal())));
        const r = env.step(a);
        obs.set(o, row * D);
        nextObs.set(r.observation, row * D);
        actions.set(a, row * A);
        rewards[row] = r.reward;
        update[row] = u;
        episode[row] = u;
        o = r.observation;
      }
    }
    const truncated = new Uint8Array(n);
    truncated[steps - 1] = 1;
    truncated[n - 1] = 1;
    return {
      meta: { envId: "HalfCheetah-v5", learner: "dashboard-test-random-mlp", observationSpace: { kind: "box", dim: D }, actionSpace: { kind: "box", dim: A }, seed },
      updates: [0, 1], n, obs, nextObs, actions, rewards, terminated: new Uint8Array(n), truncated, update, episode,
    };
  } finally {
    env.close();
  }
}

/** A reward file in `lfl infer`'s format (kind lfl-gaussian-log-density-reward) with a clone actor in info.bcPolicy. */
export function syntheticRewardJson(cols: HistoryColumns, seed = 3): string {
  const rng = new Rng(seed);
  const D = cols.meta.observationSpace.dim, A = cols.meta.actionSpace.dim;
  const norm = fixedObsNorm(cols.obs, cols.n, D);
  const reward = new GaussianLogDensityReward(new MLP([D, 16, A], { rng: rng.split() }), new Array(A).fill(-0.5), norm);
  const actor = new MLP([D, 16, A], { rng: rng.split() });
  reward.info = { envId: cols.meta.envId, bcPolicy: { policy: actor.toJSON(), logStd: new Array(A).fill(-0.5), obsNorm: norm.stats.toJSON(), clipObs: 10 } };
  return `${JSON.stringify(reward.toJSON())}\n`;
}

/** Writes `short-cheetah.npz` and `short-cheetah-reward.json` into `dir`; returns the columns. */
export function writeMujocoFixtures(runtime: MujocoRuntime, dir: string, steps = 30): HistoryColumns {
  const cols = shortCheetahHistory(runtime, steps);
  writeHistoryColumns(join(dir, "short-cheetah.npz"), cols);
  writeFileSync(join(dir, "short-cheetah-reward.json"), syntheticRewardJson(cols));
  return cols;
}
