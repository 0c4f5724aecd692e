/**
 * PPO learning curves: for each setting and seed, train once up to the last checkpoint and score the policy
 * π_k in force at each checkpoint (the first update boundary at or after it) by its true-reward return over
 * `evalEpisodes` fresh episodes (deterministic = Gaussian mean, stochastic = sampled), with the same evaluation
 * start states for every policy. Checkpoint 0 is the random initial policy π_0.
 *
 * Runs can be stored and reused (`store`): each (setting, seed) run is saved after every scored checkpoint, a
 * complete stored run is never trained again, so seeds can run in separate processes and be combined later, and
 * `partial` combines runs that stopped early (each checkpoint then reports how many seeds reached it).
 *
 * Usage: `runPpoCurves(PPO_CURVES.pendulum, (i) => makeEnv("Pendulum-v1"))`.
 */
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import { trainPpo, type PpoActorJson, type PpoConfig } from "../learners/ppo.ts";
import { policyReturns, type PolicyReturns } from "../evaluation/policy-return.ts";
import { uniformPolicyReturns } from "../evaluation/uniform-policy-return.ts";
import { seedStats, type SeedStats } from "../evaluation/seed-stats.ts";

export interface PpoCurvesSpec {
  envId: string;
  /** Env-step budgets at which the policy is scored (ascending); the last is the training budget. */
  checkpoints: number[];
  seeds: number[];
  /** Named PPO settings (SB3 defaults unless overridden). */
  settings: Record<string, Partial<Omit<PpoConfig, "totalSteps" | "seed">>>;
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
  /** Seeds whose run stopped before the last checkpoint (only with `partial`), as "setting/seed". */
  incomplete: string[];
}

/** One (setting, seed) run as stored: the points scored so far; `stepsPerSecond` is null until it completes. */
export interface PpoCurveRun {
  setting: string;
  seed: number;
  points: PpoCurvePoint[];
  stepsPerSecond: number | null;
}

export interface PpoCurvesOptions {
  onRun?: (setting: string, seed: number) => void;
  /** Only these seeds (default: the spec's). */
  seeds?: number[];
  /** Where runs are saved and found again (e.g. one JSON file per run). */
  store?: { load(setting: string, seed: number): PpoCurveRun | undefined; save(run: PpoCurveRun): void };
  /** Train nothing: summarise the stored runs, complete or not (needs `store`). */
  partial?: boolean;
}

export function runPpoCurves(spec: PpoCurvesSpec, makeEnv: (rank: number) => BoxEnv, options: PpoCurvesOptions = {}): PpoCurvesResult {
  const { store } = options;
  const seeds = options.seeds ?? spec.seeds;
  const points: PpoCurvePoint[] = [];
  const stepsPerSecond: number[] = [];
  const incomplete: string[] = [];
  const score = (actor: PpoActorJson, mode: "deterministic" | "stochastic"): number =>
    policyReturns(actor, makeEnv, { episodes: spec.evalEpisodes, mode, seed: PPO_CURVES_EVAL_SEED }).mean;
  const budget = spec.checkpoints[spec.checkpoints.length - 1]!;
  for (const [setting, overrides] of Object.entries(spec.settings)) {
    for (const seed of seeds) {
      const stored = store?.load(setting, seed);
      if (stored && (stored.stepsPerSecond !== null || options.partial)) {
        points.push(...stored.points);
        if (stored.stepsPerSecond === null) incomplete.push(`${setting}/${seed}`);
        else stepsPerSecond.push(stored.stepsPerSecond);
        continue;
      }
      if (options.partial) continue;
      options.onRun?.(setting, seed);
      const run: PpoCurveRun = { setting, seed, points: [], stepsPerSecond: null };
      const N = (overrides.nSteps ?? 2048) * (overrides.numEnvs ?? 1);
      const nUpdates = Math.ceil(budget / N);
      const wanted = new Map<number, number[]>(); // update k → checkpoints scored with π_k
      for (const c of [0, ...spec.checkpoints]) {
        const k = Math.ceil(c / N);
        wanted.set(k, [...(wanted.get(k) ?? []), c]);
      }
      const record = (k: number, actor: PpoActorJson): void => {
        const d = score(actor, "deterministic"), s = score(actor, "stochastic");
        for (const c of wanted.get(k) ?? []) run.points.push({ setting, seed, checkpoint: c, steps: k * N, update: k, deterministic: d, stochastic: s });
        store?.save(run);
      };
      const t0 = performance.now();
      let evalMs = 0;
      const trained = trainPpo({ ...overrides, totalSteps: budget, seed, recordHistory: false }, makeEnv, {
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
      points.push(...run.points);
      stepsPerSecond.push(run.stepsPerSecond);
    }
  }
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
