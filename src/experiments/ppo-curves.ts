/**
 * PPO learning curves: for each setting and seed, train once up to the last checkpoint and score the policy
 * π_k in force at each checkpoint (the first update boundary at or after it) by its true-reward return over
 * `evalEpisodes` fresh episodes (deterministic = Gaussian mean, stochastic = sampled), with the same evaluation
 * start states for every policy. Checkpoint 0 is the random initial policy π_0.
 *
 * Each (setting, seed) run is one cell of the experiment engine (ppo-curves-experiment.ts): stored under its
 * content key, never trained twice, runnable in separate processes and assembled later.
 *
 * Usage: `summarisePpoCurves(spec, [runPpoCurve(spec, "rl-zoo", 0, makeEnvFn)], [0])`.
 */
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import { trainPpo, type PpoActorJson, type PpoConfig } from "../learners/ppo.ts";
import { policyReturns, type PolicyReturns } from "../evaluation/policy-return.ts";
import { uniformPolicyReturns } from "../evaluation/uniform-policy-return.ts";
import { seedStats, type SeedStats } from "../evaluation/seed-stats.ts";
import { streamSeed } from "./engine/streams.ts";

export interface PpoCurvesSpec {
  envId: string;
  /** Env-step budgets at which the policy is scored (ascending); the last is the training budget. */
  checkpoints: number[];
  seeds: number[];
  /** Named PPO settings (SB3 defaults unless overridden). */
  settings: Record<string, Partial<PpoConfig>>;
  evalEpisodes: number;
}

/** rl-zoo's Pendulum-v1 PPO settings (without gSDE, which we do not implement). */
const ZOO_PENDULUM = { numEnvs: 4, nSteps: 1024, gamma: 0.9, learningRate: 1e-3 };

export const PPO_CURVES: Record<string, PpoCurvesSpec> = {
  pendulum: { envId: "Pendulum-v1", checkpoints: [50000, 100000, 200000], seeds: [0, 1, 2], settings: { "sb3-defaults": {}, "rl-zoo": ZOO_PENDULUM }, evalEpisodes: 10 },
  "pendulum-quick": { envId: "Pendulum-v1", checkpoints: [8192, 16384], seeds: [0, 1], settings: { "rl-zoo": ZOO_PENDULUM }, evalEpisodes: 3 },
  halfcheetah: { envId: "HalfCheetah-v5", checkpoints: [200000, 500000, 1000000], seeds: [0, 1, 2], settings: { "sb3-defaults": {} }, evalEpisodes: 10 },
  hopper: { envId: "Hopper-v5", checkpoints: [200000, 500000, 1000000], seeds: [0, 1, 2], settings: { "sb3-defaults": {} }, evalEpisodes: 10 },
  reacher: { envId: "Reacher-v5", checkpoints: [200000, 500000, 1000000], seeds: [0, 1, 2], settings: { "sb3-defaults": {} }, evalEpisodes: 10 },
  ant: { envId: "Ant-v5", checkpoints: [200000, 500000, 1000000], seeds: [0, 1, 2], settings: { "sb3-defaults": {} }, evalEpisodes: 10 },
};

/** Evaluation episode i starts from env reset seed PPO_CURVES_EVAL_SEED + i, for every policy scored. */
export const PPO_CURVES_EVAL_SEED = 1_000_000;

/** The uniform random policy's returns on the curve's evaluation episodes (the baseline a learner must beat). */
export function uniformBaseline(spec: PpoCurvesSpec, makeEnv: (rank: number) => BoxEnv): PolicyReturns {
  return uniformPolicyReturns(makeEnv, { episodes: spec.evalEpisodes, seed: PPO_CURVES_EVAL_SEED });
}

export interface PpoCurvePoint {
  setting: string;
  seed: number;
  checkpoint: number;
  /** Env steps actually trained when the scored policy took over (a whole number of rollouts). */
  steps: number;
  update: number;
  deterministic: number;
  stochastic: number;
}

export interface PpoCurveSummary {
  setting: string;
  checkpoint: number;
  deterministic: SeedStats;
  stochastic: SeedStats;
}

export interface PpoCurvesResult {
  spec: PpoCurvesSpec;
  points: PpoCurvePoint[];
  summary: PpoCurveSummary[];
  /** Training env-steps/s of each complete run (all settings and seeds, in order). */
  stepsPerSecond: number[];
  /** Requested runs not finished (finished-only assembly), as "setting/seed". */
  incomplete: string[];
}

/** One (setting, seed) run: its scored points and its training speed. */
export interface PpoCurveRun {
  setting: string;
  seed: number;
  points: PpoCurvePoint[];
  stepsPerSecond: number | null;
}

/** One (setting, seed) run: PPO trained to the last budget, scored at every checkpoint (own stream per run). */
export function runPpoCurve(spec: PpoCurvesSpec, setting: string, seed: number, makeEnv: (rank: number) => BoxEnv): PpoCurveRun {
  const overrides = spec.settings[setting]!;
  const score = (actor: PpoActorJson, mode: "deterministic" | "stochastic"): number =>
    policyReturns(actor, makeEnv, { episodes: spec.evalEpisodes, mode, seed: PPO_CURVES_EVAL_SEED }).mean;
  const budget = spec.checkpoints[spec.checkpoints.length - 1]!;
  const run: PpoCurveRun = { setting, seed, points: [], stepsPerSecond: null };
  const N = (overrides.nSteps ?? 2048) * (overrides.numEnvs ?? 1);
  const nUpdates = Math.ceil(budget / N);
  const wanted = new Map<number, number[]>(); // update k → checkpoints scored with π_k
  for (const c of [0, ...spec.checkpoints]) {
    const k = Math.ceil(c / N);
    wanted.set(k, [...(wanted.get(k) ?? []), c]);
  }
  const record = (k: number, actor: PpoActorJson): void => {
    const d = score(actor, "deterministic"), st = score(actor, "stochastic");
    for (const c of wanted.get(k) ?? []) run.points.push({ setting, seed, checkpoint: c, steps: k * N, update: k, deterministic: d, stochastic: st });
  };
  const t0 = performance.now();
  let evalMs = 0;
  const trained = trainPpo(overrides, makeEnv, { totalSteps: budget, seed: streamSeed("ppo-curves", spec.envId, seed, setting), recordEnvs: 0 }, {
    onPolicy: (k, actor) => {
      if (!wanted.has(k)) return;
      const e0 = performance.now();
      record(k, actor());
      evalMs += performance.now() - e0;
    },
  });
  run.stepsPerSecond = trained.steps / ((performance.now() - t0 - evalMs) / 1000);
  const m = trained.model();
  record(nUpdates, { policy: m.policy, logStd: m.logStd, obsNorm: m.obsNorm, clipObs: m.clipObs });
  return run;
}

/** The curves' statistics over the runs that finished (a missing run is listed in `incomplete`). */
export function summarisePpoCurves(spec: PpoCurvesSpec, runs: readonly PpoCurveRun[], requestedSeeds: readonly number[]): PpoCurvesResult {
  const points = runs.flatMap((r) => r.points);
  const stepsPerSecond = runs.flatMap((r) => (r.stepsPerSecond === null ? [] : [r.stepsPerSecond]));
  const incomplete = Object.keys(spec.settings).flatMap((setting) => requestedSeeds.filter((seed) => !runs.some((r) => r.setting === setting && r.seed === seed)).map((seed) => `${setting}/${seed}`));
  const rng = new Rng(0);
  const summary: PpoCurveSummary[] = [];
  for (const setting of Object.keys(spec.settings)) {
    for (const c of [0, ...spec.checkpoints]) {
      const ps = points.filter((p) => p.setting === setting && p.checkpoint === c);
      if (ps.length === 0) continue;
      summary.push({ setting, checkpoint: c, deterministic: seedStats(ps.map((p) => p.deterministic), rng), stochastic: seedStats(ps.map((p) => p.stochastic), rng) });
    }
  }
  return { spec, points, summary, stepsPerSecond, incomplete };
}
