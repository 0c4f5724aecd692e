/**
 * Table 3 and Fig. 4 of the paper (§6.2): a PPO learner on MuJoCo is recorded update by update; the observer
 * sees ONE env's 2048 pairs of each update in a window, recovers a reward with Algorithm 1, clones the last
 * observed update and trains PPO on the recovered reward; everything is scored on the TRUE reward.
 *
 * Controls on the same data and budget (U = `observerUpdates` PPO updates of the same size) are the methods of
 * methods/method-registry.ts (BC, learner continued, PPO on the true reward, on r ≡ 1, on ln π̂K, ...).
 *
 * Scores: mean undiscounted true return of `evalEpisodes` episodes of the STOCHASTIC policy (the behaviour the
 * observer sees and the paper scores), envs reset with seeds shared by every policy of one (env, seed) run.
 * Normalised as the paper: 0 = learner's first observed update, 1 = its last observed update.
 *
 * Compute scales (the paper's learner used 32 envs × 2048 steps per update; we have 2 shared cores): every
 * scale keeps the paper's observation windows (update indices) and 2048 observed pairs per update from env 0,
 * and shrinks the update: `small` 1 env (2048 steps/update, 1/32 of the paper), `full` 4 envs (8192, 1/8).
 * PPO's clipped updates move the policy a bounded amount per update whatever the batch, so the same update
 * indices put the learner at a comparable phase of ITS learning curve, with 8–32× fewer env steps: absolute
 * returns are lower than the paper's and are reported beside the normalised scores. `paper` (32 envs, the
 * paper's update) runs the observer and the same-budget controls only, at ≈ 8× the full scale's cost per cell.
 *
 * Run by the experiment engine (table3-experiment.ts): per (env, seed) a learner cell, an Algorithm 1 cell and
 * one cell per PPO method of the registry (methods/method-registry.ts), each stored under its content key.
 */
import { InputError } from "../../core/errors.ts";
import type { PpoActorJson, PpoConfig } from "../../learners/ppo.ts";
import type { Algorithm1Config } from "../../observer/algorithm-1/algorithm-1.ts";
import type { PolicyReturns } from "../../evaluation/policy-return.ts";
import type { SeedStats } from "../../evaluation/seed-stats.ts";
import type { BaselineRewardQualitySummary, RewardQuality, RewardQualitySummary, Table3Statistics } from "./table3-statistics-types.ts";

/** A paper number: mean and the ± (null where the paper prints none). */
export interface PaperStat {
  mean: number;
  std: number | null;
}

export interface Table3EnvPaper {
  id: string;
  label: string;
  /** The paper's observed updates (§6.3; the learner's update index, 32 envs × 2048 steps each). */
  window: number[];
  /** Table 3: LfL (inverted SPI), normalised; AIRL and DAC (imitation; near-optimal experts = 1). */
  lfl: PaperStat;
  airl: number | null;
  dac: number;
}

const range = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

export const TABLE3_PAPER: readonly Table3EnvPaper[] = [
  { id: "Reacher-v5", label: "Reacher", window: range(10, 20), lfl: { mean: 1.54, std: 0.11 }, airl: null, dac: 0.99 },
  { id: "Hopper-v5", label: "Hopper", window: range(10, 30, 5), lfl: { mean: -0.99, std: 0.78 }, airl: null, dac: 0.99 },
  { id: "HalfCheetah-v5", label: "HalfCheetah", window: range(30, 40), lfl: { mean: 1.4, std: 0.25 }, airl: 1.01, dac: 1.15 },
  { id: "Ant-v5", label: "Ant", window: range(10, 30, 5), lfl: { mean: 1.53, std: 0.6 }, airl: 0.8, dac: 1.12 },
];

export type Table3ScaleName = "quick" | "small" | "full" | "paper";

/** Everything one scale decides: envs, windows, seeds and every budget. Recorded in results/table3.json. */
export interface Table3Scale {
  name: Table3ScaleName;
  description: string;
  envs: { id: string; window: number[] }[];
  seeds: number[];
  /** The learner's and the observer's PPO (same update size for both; observations normalised, frozen per update). */
  ppo: Pick<PpoConfig, "numEnvs" | "nSteps" | "batchSize" | "nEpochs" | "normalizeObservations">;
  /** PPO updates of the observer and of every control (= the continued learner's extra updates). */
  observerUpdates: number;
  /** Episodes per final score (and per observed learner update); per curve point of the post-observation runs. */
  evalEpisodes: number;
  curveEpisodes: number;
  /** Score the post-observation curves every `curveStride` updates (and always at the end). */
  curveStride: number;
  /** Algorithm 1 settings (the paper's §6.3 defaults otherwise). */
  algorithm1: Partial<Algorithm1Config>;
  /** Method ids run at this scale (methods/method-registry.ts); absent = every registered method. */
  methods?: readonly string[];
}

const paperEnvs = TABLE3_PAPER.map((e) => ({ id: e.id, window: e.window }));
const MUJOCO_PPO = { nSteps: 2048, batchSize: 64, nEpochs: 10, normalizeObservations: true } as const;

/**
 * The scale with one env's observation window replaced (`lfl reproduce table3 --window`): for a learner that is
 * still flat in the paper's window at our smaller update size (Ant-v5, docs/table3.md). The window is recorded
 * in the results and in every checkpoint key, so cells of different windows never mix.
 */
export function withWindow(scale: Table3Scale, envId: string, window: readonly number[]): Table3Scale {
  if (!scale.envs.some((e) => e.id === envId)) throw new InputError("E_USAGE", `--window: '${envId}' is not an env of the '${scale.name}' scale (${scale.envs.map((e) => e.id).join(", ")})`);
  if (window.length < 2 || window.some((k, i) => !Number.isInteger(k) || k < 0 || (i > 0 && k <= window[i - 1]!))) {
    throw new InputError("E_USAGE", `--window needs at least two increasing update indices ≥ 0, got ${window.join(",")}`);
  }
  return { ...scale, envs: scale.envs.map((e) => (e.id === envId ? { id: e.id, window: [...window] } : e)) };
}

/** Parses "a,b,c" or "from-to/step" (inclusive) into update indices. */
export function parseWindow(text: string): number[] {
  const m = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (m) {
    const from = Number(m[1]), to = Number(m[2]), step = m[3] === undefined ? 1 : Number(m[3]);
    if (step < 1 || to < from) throw new InputError("E_USAGE", `--window '${text}': need from ≤ to and step ≥ 1`);
    return range(from, to, step);
  }
  const xs = text.split(",").map((t) => t.trim());
  if (xs.some((t) => !/^\d+$/.test(t))) throw new InputError("E_USAGE", `--window '${text}': expected 'from-to/step' or a comma-separated list of update indices`);
  return xs.map(Number);
}

export const TABLE3_SCALES: Record<Table3ScaleName, Table3Scale> = {
  quick: {
    name: "quick",
    description: "CI: Pendulum-v1, 2 seeds, tiny updates (512 steps), window 2–4, 3 observer updates, Algorithm 1 with 30–60 steps per stage",
    envs: [{ id: "Pendulum-v1", window: [2, 3, 4] }],
    seeds: [0, 1],
    ppo: { numEnvs: 2, nSteps: 256, batchSize: 64, nEpochs: 4, normalizeObservations: true },
    observerUpdates: 3,
    evalEpisodes: 3,
    curveEpisodes: 2,
    curveStride: 1,
    algorithm1: { policySteps: 60, klSteps: 30, rewardInitSteps: 60, consistencySteps: 60 },
  },
  small: {
    name: "small",
    description: "1 env × 2048 steps per update (1/32 of the paper's), the paper's windows, 30 observer updates (61k steps), 3 seeds",
    envs: paperEnvs,
    seeds: [0, 1, 2],
    ppo: { numEnvs: 1, ...MUJOCO_PPO },
    observerUpdates: 30,
    evalEpisodes: 10,
    curveEpisodes: 5,
    curveStride: 3,
    algorithm1: {},
  },
  full: {
    name: "full",
    description: "4 envs × 2048 steps per update (1/8 of the paper's; the observer sees env 0), the paper's windows, 30 observer updates (246k steps), 10 seeds (0–9)",
    envs: paperEnvs,
    seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    ppo: { numEnvs: 4, ...MUJOCO_PPO },
    observerUpdates: 30,
    evalEpisodes: 10,
    curveEpisodes: 5,
    curveStride: 3,
    algorithm1: {},
  },
  paper: {
    name: "paper",
    description: "the paper's budget: 32 envs × 2048 steps per update (the observer sees env 0), the paper's windows, 30 observer updates (2M steps), seeds 0–2, the observer and the same-budget controls (no reward-learning baselines) — ≈ 1–3 h of one core per (env, seed) on this machine (docs/table3.md)",
    envs: paperEnvs,
    seeds: [0, 1, 2],
    ppo: { numEnvs: 32, ...MUJOCO_PPO },
    observerUpdates: 30,
    evalEpisodes: 10,
    curveEpisodes: 5,
    curveStride: 3,
    algorithm1: {},
    methods: ["observer", "bc", "continued", "true-reward", "constant", "bc-reward", "bc-reward-standardised"],
  },
};

export const TABLE3 = {
  name: "table3",
  title: "Table 3 / Fig. 4: LfL on MuJoCo — observer (BC + PPO on the recovered reward) vs the learner it watched",
  paper: TABLE3_PAPER,
  scales: TABLE3_SCALES,
  evaluation: "mean undiscounted TRUE-reward return of the stochastic policy (a ~ π(·|s), clipped to the action bounds)",
} as const;

// ── Results ──────────────────────────────────────────────────────────────────────────────────────────────
export interface CurvePoint {
  /** Learner update index k; a post-observation run's j-th update is drawn at k_last + j. */
  update: number;
  mean: number;
}

/** The learner cell: π_k scored over the window, then continued for U updates (the "continued" control). */
export interface LearnerStageResult {
  /** Score of π_k for every observed k (evalEpisodes each). */
  observed: Array<{ update: number } & PolicyReturns>;
  /** π_k for k > k_last at the curve stride (curveEpisodes each). */
  continuedCurve: CurvePoint[];
  /** π after U more updates (evalEpisodes). */
  continuedFinal: PolicyReturns;
  /** Mean-action (deterministic) scores of π_first, π_last and the continued learner (evalEpisodes each). */
  meanAction: { first: number; last: number; continued: number };
  /** PPO's per-update mean return of training episodes (true reward). */
  trainingReturns: number[];
  steps: number;
  /** Policies at the planned updates outside the window and the final continued one (reward-quality stage). */
  snapshots?: Array<{ update: number; actor: PpoActorJson }>;
}

/** The Algorithm 1 cell: the recovered reward, the clone π̂K of the last observed update and its scores (BC). */
export interface Algorithm1StageResult {
  reward: unknown;
  bcPolicy: PpoActorJson;
  diagnostics: unknown;
  bc: PolicyReturns;
  bcMeanAction: number;
}

/** A PPO method's cell: its curve over the U updates and its final scores. */
export interface MethodStageResult {
  curve: CurvePoint[];
  final: PolicyReturns;
  finalMeanAction: number;
  trainingReturns: number[];
  steps: number;
  /** The final policy (rolled out by the reward-quality stage); absent in results from before it was kept. */
  finalActor?: PpoActorJson;
}

/** Observer − X over the same seeds: mean difference, 95% bootstrap CI, one-sided sign-flip p. */
export interface PairedDiff {
  meanDiff: number;
  ci95: [number, number];
  pValue: number;
}

/** One (env, seed). Keys of the records: "learnerFirst", "learnerLast", "learnerBest" and the method ids. */
export interface Table3Run {
  env: string;
  seed: number;
  learnerFirst: number;
  learnerLast: number;
  learnerBest: number;
  learnerImproved: boolean;
  /** Final true-reward return (stochastic policy) per method id. */
  scores: Record<string, number>;
  /** Mean-action returns: learnerFirst, learnerLast and every method. */
  meanAction: Record<string, number>;
  /** 0 = learnerFirst, 1 = learnerLast (null when equal): learnerBest and every method. */
  normalised: Record<string, number | null>;
  /** Fig. 4: "learner" (observed window) and every method with a curve. */
  curves: Record<string, CurvePoint[]>;
  /** Wall seconds per stage (learner, algorithm-1, each PPO method). */
  wallSeconds: Record<string, number>;
  algorithm1: unknown;
  /** The reward-quality stage (absent in results from before it existed, and in `lfl evaluate`). */
  rewardQuality?: RewardQuality;
  /** Each reward-learning baseline's own reward scored like r̄φ on the same rollouts (by method id; absent when none is finished). */
  rewardQualityBaselines?: Record<string, RewardQuality>;
}

export interface Table3EnvResult {
  id: string;
  window: number[];
  paper: Table3EnvPaper | null;
  runs: Table3Run[];
  /** Mean ± std over all seeds: learnerFirst, learnerLast, learnerBest and every method. */
  absolute: Record<string, SeedStats>;
  /** Over the seeds whose learner improved (last > first); null when none did. */
  normalised: Record<string, SeedStats | null>;
  meanAction: Record<string, SeedStats>;
  /** (mean score − mean first)/(mean last − mean first); null unless mean last > mean first. */
  pooled: Record<string, number | null>;
  /** Observer − X paired by seed, X = learnerLast and every other method; sampled and mean-action returns. */
  comparisons: Record<string, PairedDiff | null>;
  comparisonsMeanAction: Record<string, PairedDiff | null>;
  /** Recovered vs true reward over the seeds (table3-statistics.ts). */
  rewardQuality?: RewardQualitySummary | null;
  /** The same per reward-learning baseline, with r̄φ paired against it by seed (absent when no baseline row is finished). */
  rewardQualityBaselines?: Record<string, BaselineRewardQualitySummary>;
}

/** Every budget, resolved (defaults filled in), as recorded in the results. */
export interface Table3Budgets {
  /** The PPO of the learner and of every post-observation run (all settings; totalSteps/seed vary per run). */
  ppo: PpoConfig;
  stepsPerUpdate: number;
  observerSteps: number;
  learner: Array<{ env: string; updates: number; steps: number }>;
  algorithm1: Algorithm1Config;
}

/**
 * Algorithm 1's settings in a Table 3 run: ours (the defaults), the paper's §6.3 ones, ours with warm-started clones
 * (`policyInit: "previous"`), ours with Eq. 5 weighting the improvements by recency (`improvementHalfLife`
 * RECENT_HALF_LIFE), or ours with μ_φ frozen at the clone and a state term g_φ(s) (`rewardForm: "log-density+state"`).
 */
export type Algorithm1Variant = "ours" | "paper" | "warm" | "recent" | "state";

/** The half-life, in improvements, of `--algorithm1 recent` (fixed before any run: docs/table3.md). */
export const RECENT_HALF_LIFE = 2;

export interface Table3Result {
  name: "table3";
  scale: Table3Scale;
  budgets: Table3Budgets;
  evaluation: string;
  /** The methods in column order (from the registry). */
  methods: Array<{ id: string; label: string; description: string }>;
  algorithm1: Algorithm1Variant;
  /** Per env with at least one finished seed. */
  envs: Table3EnvResult[];
  /** Per requested env: how many seeds were requested and which are in the tables. */
  seedCounts: Array<{ env: string; requested: number; seeds: number[] }>;
  /** rliable statistics pooled over envs and the done-when checks (table3-statistics.ts). */
  statistics?: Table3Statistics;
}
