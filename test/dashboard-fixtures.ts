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

/**
 * A Table 3 results file in miniature for the Results page's baseline tables: one env, 2 seeds, the observer and
 * three baselines (T-REX, AIRL, LOGEL), paired comparisons and per-baseline reward quality. SYNTHETIC numbers
 * (chosen by hand, not computed): they test that every method and every reward-quality row is shown, not LfL.
 */
export function table3BaselineFixture(): Record<string, unknown> {
  const stat = (mean: number, std: number) => ({ n: 2, mean, std, sampleStd: std * Math.SQRT2, ci95: [mean - std, mean + std], min: mean - std, max: mean + std });
  const diff = (meanDiff: number, pValue: number) => ({ meanDiff, ci95: [meanDiff - 1, meanDiff + 1], pValue });
  const methods = [
    { id: "observer", label: "LfL observer", description: "" }, { id: "trex", label: "T-REX (ranked by time)", description: "" },
    { id: "airl", label: "AIRL (last update)", description: "" }, { id: "logel", label: "LOGEL (T-REX features)", description: "" },
  ];
  const quality = (p: number, e: number) => ({ pearson: stat(p, 0.05), spearman: stat(p - 0.02, 0.05), epic: stat(e, 0.01), episodesPerSeed: 18, policies: ["learner k=0"], epicTrueRewardExact: true, proxyCorrelation: null });
  const baselineQuality = (id: string, label: string, p: number, e: number) => ({
    ...quality(p, e), method: id, label, seeds: [0, 1],
    observerBetter: { pearson: diff(0.9 - p, 0.25), spearman: diff(0.88 - p, 0.25), epic: diff(e - 0.3, 0.25) },
  });
  const runs = [0, 1].map((seed) => ({ env: "HalfCheetah-v5", seed, learnerFirst: 0, learnerLast: 100, learnerBest: 100, learnerImproved: true, scores: {}, meanAction: {}, normalised: { observer: 1.5, trex: 1.2, airl: 0.9, logel: 0.7 }, curves: {}, wallSeconds: {}, algorithm1: null }));
  return {
    name: "table3", command: "synthetic fixture (test/dashboard-fixtures.ts)", methods, algorithm1: "ours", seedCounts: [{ env: "HalfCheetah-v5", requested: 2, seeds: [0, 1] }],
    envs: [{
      id: "HalfCheetah-v5", window: [30, 40], paper: null, runs,
      absolute: { learnerFirst: stat(0, 1), learnerLast: stat(100, 1), observer: stat(150, 5), trex: stat(120, 5), airl: stat(90, 5), logel: stat(70, 5) },
      normalised: { observer: stat(1.5, 0.1), trex: stat(1.2, 0.1), airl: stat(0.9, 0.1), logel: stat(0.7, 0.1) },
      meanAction: {}, pooled: {},
      comparisons: { learnerLast: diff(50, 0.25), trex: diff(30, 0.25), airl: diff(60, 0.25), logel: diff(80, 0.25) },
      comparisonsMeanAction: { learnerLast: diff(40, 0.25), trex: diff(20, 0.5), airl: diff(55, 0.25), logel: diff(75, 0.25) },
      rewardQuality: quality(0.9, 0.3),
      rewardQualityBaselines: { trex: baselineQuality("trex", "T-REX (ranked by time)", 0.8, 0.4), airl: baselineQuality("airl", "AIRL (last update)", 0.5, 0.6), logel: baselineQuality("logel", "LOGEL (T-REX features)", 0.3, 0.7) },
    }],
  };
}
