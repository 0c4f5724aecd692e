/**
 * Result types of Table 3's reward-quality stage, statistics and done-when checks, kept apart from the code that
 * computes them: the cells' content keys hash every file their runner imports (types included), so editing a
 * statistic or the reward-quality code never invalidates a stored learner, Algorithm 1 or PPO cell.
 */
import type { AggregateIntervals } from "../../evaluation/aggregate-intervals.ts";
import type { PerformanceProfile } from "../../evaluation/performance-profile.ts";
import type { SeedStats } from "../../evaluation/seed-stats.ts";

/** The reward-quality cell of one (env, seed): recovered vs true reward on held-out rollouts (reward-quality.ts). */
export interface RewardQuality {
  /** Episodes (pairs) and distinct policies. */
  episodes: number;
  policies: string[];
  /** Recovered vs true episode returns; null when either side is constant. */
  pearson: number | null;
  spearman: number | null;
  /** Sample-based EPIC distance ∈ [0, 1] (0 = equivalent up to scale and shaping); null if not computable. */
  epic: number | null;
  epicTransitions: number;
  epicSamples: number;
  /** Whether EPIC's true reward is exact (observation-reward.ts) or the forward-velocity proxy. */
  epicTrueRewardExact: boolean | null;
  /** Pearson ρ of the observation form of the true reward vs the env's recorded reward on the rollouts' transitions. */
  proxyCorrelation: number | null;
  /** The per-episode pairs (for the scatter plot). */
  points: Array<{ source: string; trueReturn: number; recoveredReturn: number }>;
}

/** Reward quality over the seeds of one env (null where no seed gave a number). */
export interface RewardQualitySummary {
  pearson: SeedStats | null;
  spearman: SeedStats | null;
  epic: SeedStats | null;
  episodesPerSeed: number;
  policies: string[];
  epicTrueRewardExact: boolean | null;
  proxyCorrelation: SeedStats | null;
}

/** r̄φ vs a baseline's reward on one measure, paired by seed, oriented so that > 0 means r̄φ agrees better with the truth. */
export interface RewardQualityPairedDiff {
  /** Seeds where both numbers exist. */
  n: number;
  /** Pearson/Spearman: r̄φ's − the baseline's; EPIC (lower is better): the baseline's − r̄φ's. */
  meanDiff: number;
  ci95: [number, number];
  /** One-sided sign-flip p of "r̄φ better". */
  pValue: number;
}

/** One reward-learning baseline's reward quality over the seeds of one env, and r̄φ paired against it. */
export interface BaselineRewardQualitySummary extends RewardQualitySummary {
  /** The method's id and label (the reward is the one that method's PPO trains on). */
  method: string;
  label: string;
  /** Seeds with this baseline's reward-quality cell. */
  seeds: number[];
  /** r̄φ (the observer's recovered reward) − this reward, paired by seed (null with fewer than 2 pairs). */
  observerBetter: { pearson: RewardQualityPairedDiff | null; spearman: RewardQualityPairedDiff | null; epic: RewardQualityPairedDiff | null };
}

export interface PooledPairedDiff {
  tasks: number;
  pairs: number;
  meanDiff: number;
  ci: [number, number];
  pValue: number;
}

/** rliable statistics of one return kind (sampled or mean action), pooled over envs. */
export interface KindStatistics {
  /** Envs (tasks) and the seeds that entered (reference improved). */
  envs: Array<{ env: string; seeds: number[] }>;
  /** Per policy id (the observer and every other method; "learnerLast" = 1 by construction, omitted). */
  aggregates: Record<string, AggregateIntervals>;
  /** P(observer > X) per X ("learnerLast" and every other method), with per-env values in env order. */
  probabilityOfImprovement: Record<string, { point: number; ci: [number, number]; perEnv: number[] }>;
  /** observer − X, normalised, paired by seed, pooled over envs. */
  pairedPooled: Record<string, PooledPairedDiff>;
  profiles: Record<string, PerformanceProfile>;
}

export type DoneWhenStatus = "holds" | "mean only" | "does not hold" | "undefined";

export interface DoneWhenLine {
  /** e.g. "observer > learner last (sampled)". */
  check: string;
  /** The env, or null for a check over envs. */
  env: string | null;
  status: DoneWhenStatus;
  /** The numbers: mean (difference or value), its 95% CI, and the threshold compared with. */
  value: number | null;
  ci: [number, number] | null;
  threshold: number | null;
  note?: string;
}

export interface Table3Statistics {
  level: number;
  resamples: number;
  sampled: KindStatistics | null;
  meanAction: KindStatistics | null;
  doneWhen: DoneWhenLine[];
}
