/**
 * PPO's typed configuration with Stable-Baselines3's defaults (`PPO_DEFAULTS`, each field documented; docs/ppo.md
 * maps them to SB3's names), its validation, and the types `trainPpo` (./ppo.ts) takes and returns: callbacks,
 * per-update statistics, the actor and model JSON, the result.
 *
 * Usage: `const cfg = resolvePpoConfig({ totalSteps: 1e6, seed: 0, numEnvs: 8 });`
 */
import { InputError } from "../core/errors.ts";
import type { GaussianActorJson } from "../nn/gaussian-actor.ts";
import type { LearningHistory } from "../data/learning-history.ts";
import type { MLP, MlpJson } from "../nn/mlp.ts";
import type { DiagGaussian } from "../nn/gaussian.ts";
import type { RunningMeanStd, RunningMeanStdJson } from "../nn/running-mean-std.ts";
import type { RewardFn } from "../rewards/reward-fn.ts";

export interface PpoConfig {
  /** Total env steps (over all envs); training runs whole rollouts until at least this many (SB3). */
  totalSteps: number;
  seed: number;
  /** Envs stepped in lockstep (the paper's learner used 32). */
  numEnvs: number;
  /** Rollout length per env per update (SB3 n_steps). */
  nSteps: number;
  /** Minibatch size (SB3 batch_size). */
  batchSize: number;
  /** Passes over each rollout (SB3 n_epochs). */
  nEpochs: number;
  gamma: number;
  gaeLambda: number;
  clipRange: number;
  learningRate: number;
  /** Adam ε (SB3 sets 1e-5 for its policies). */
  adamEps: number;
  entCoef: number;
  vfCoef: number;
  /** Clip of the global gradient norm over policy, log-std and value parameters together (as SB3). */
  maxGradNorm: number;
  /** Normalise advantages within each minibatch (SB3). */
  normalizeAdvantage: boolean;
  /** Hidden widths of the policy and of the value network (separate nets, tanh). */
  hidden: number[];
  logStdInit: number;
  /** Normalise observations with running statistics frozen per update. */
  normalizeObservations: boolean;
  /** Observation clip after normalisation. */
  clipObs: number;
  /** Record the learning history at all. */
  recordHistory: boolean;
  /** Record envs 0 .. recordEnvs−1 only (1 = the paper's observer, who sees one env of many); default all. */
  recordEnvs?: number;
  /**
   * Learn from this reward instead of the env's: r(s, a, s′, terminated) on RAW observations (s′ is the final
   * observation of an episode, before the reset) and the unclipped sampled action, as the history records them.
   */
  rewardFn?: RewardFn;
  /** Start from this actor (policy weights, log-std, observation statistics) instead of a random init. */
  initialActor?: PpoActorJson;
}

/** What acts: the policy network, its log-std and the observation statistics it expects (null: raw obs) — the
 * one Gaussian policy's JSON (nn/gaussian-actor.ts). */
export type PpoActorJson = GaussianActorJson;

export const PPO_DEFAULTS: Omit<PpoConfig, "totalSteps" | "seed"> = {
  numEnvs: 1,
  nSteps: 2048,
  batchSize: 64,
  nEpochs: 10,
  gamma: 0.99,
  gaeLambda: 0.95,
  clipRange: 0.2,
  learningRate: 3e-4,
  adamEps: 1e-5,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  normalizeAdvantage: true,
  hidden: [64, 64],
  logStdInit: 0,
  normalizeObservations: false,
  clipObs: 10,
  recordHistory: true,
};

/** Statistics of one update, passed to `onUpdate` and returned. */
export interface PpoUpdateStats {
  update: number;
  /** Env steps so far (all envs). */
  steps: number;
  episodes: number;
  /** Mean undiscounted return of the last ≤ 100 finished episodes (NaN before the first). */
  meanReturn: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  /** Explained variance of the value predictions on the rollout. */
  explainedVariance: number;
  stepsPerSecond: number;
}

export interface PpoCallbacks {
  /** After every env step of the lockstep batch (`steps` counts all envs); return false to stop training. */
  onStep?: (info: { update: number; steps: number; episodes: number; meanReturn: number }) => boolean | void;
  onUpdate?: (stats: PpoUpdateStats) => void;
  /** When π_k is about to collect update k's rollout (its statistics frozen): `actor()` copies it. */
  onPolicy?: (update: number, actor: () => PpoActorJson) => void;
}

/** A trained PPO agent: everything needed to act as π_final (JSON-serialisable). */
export interface PpoModelJson {
  kind: "ppo";
  policy: MlpJson;
  logStd: number[];
  value: MlpJson;
  obsNorm: RunningMeanStdJson | null;
  clipObs: number;
  actionLow: number[];
  actionHigh: number[];
}

export interface PpoResult {
  config: PpoConfig;
  policy: MLP;
  gaussian: DiagGaussian;
  value: MLP;
  /** Statistics the final policy acts with (null without observation normalisation). */
  obsNorm: RunningMeanStd | null;
  history: LearningHistory | null;
  updates: PpoUpdateStats[];
  steps: number;
  /** True if `onStep` stopped training. */
  stopped: boolean;
  model: () => PpoModelJson;
}

export function resolvePpoConfig(partial: Partial<PpoConfig> & Pick<PpoConfig, "totalSteps" | "seed">): PpoConfig {
  const c: PpoConfig = { ...PPO_DEFAULTS, ...partial };
  const pos = (name: keyof PpoConfig, v: number, int = true): void => {
    if (!(v > 0) || (int && !Number.isInteger(v))) throw new InputError("E_INVALID_CONFIG", `ppo: ${name} must be a positive ${int ? "integer" : "number"}, got ${v}`);
  };
  pos("totalSteps", c.totalSteps);
  pos("numEnvs", c.numEnvs);
  pos("nSteps", c.nSteps);
  pos("batchSize", c.batchSize);
  pos("nEpochs", c.nEpochs);
  pos("learningRate", c.learningRate, false);
  pos("clipRange", c.clipRange, false);
  pos("maxGradNorm", c.maxGradNorm, false);
  for (const [name, v] of [["gamma", c.gamma], ["gaeLambda", c.gaeLambda]] as const) {
    if (!(v >= 0 && v <= 1)) throw new InputError("E_INVALID_CONFIG", `ppo: ${name} must be in [0, 1], got ${v}`);
  }
  if (c.recordEnvs !== undefined && !(Number.isInteger(c.recordEnvs) && c.recordEnvs >= 1 && c.recordEnvs <= c.numEnvs)) {
    throw new InputError("E_INVALID_CONFIG", `ppo: recordEnvs must be an integer in [1, numEnvs = ${c.numEnvs}], got ${c.recordEnvs}`);
  }
  if (c.batchSize > c.nSteps * c.numEnvs) throw new InputError("E_INVALID_CONFIG", `ppo: batchSize ${c.batchSize} exceeds the rollout size ${c.nSteps * c.numEnvs}`);
  return c;
}
