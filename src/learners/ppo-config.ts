/**
 * PPO's typed configuration with Stable-Baselines3's defaults (`PPO_DEFAULTS`, each field documented; docs/ppo.md
 * maps them to SB3's names), its validation, and the types `trainPpo` (./ppo.ts) takes and returns: callbacks,
 * per-update statistics, the actor and model JSON, the result.
 *
 * Two kinds of input, kept apart: `PpoConfig` holds the hyperparameters (what a user tunes, SB3's names and
 * defaults); `PpoRun` holds one run's inputs (its length, its stream, the reward and start actor the observer
 * gives, what to record).
 *
 * Usage: `trainPpo({ numEnvs: 8 }, makeEnv, { totalSteps: 1e6, seed: 0 })`.
 */
import { InputError } from "../core/errors.ts";
import type { GaussianActorJson } from "../nn/gaussian-actor.ts";
import type { LearningHistory } from "../data/learning-history.ts";
import type { MLP, MlpJson } from "../nn/mlp.ts";
import type { DiagGaussian } from "../nn/gaussian.ts";
import type { RunningMeanStd, RunningMeanStdJson } from "../nn/running-mean-std.ts";
import type { RewardFn } from "../rewards/reward-fn.ts";

/** PPO's hyperparameters (SB3's defaults in `PPO_DEFAULTS`). */
export interface PpoConfig {
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
}

/** One run's inputs. */
export interface PpoRun {
  /** Total env steps (over all envs); training runs whole rollouts until at least this many (SB3). */
  totalSteps: number;
  seed: number;
  /**
   * Learn from this reward instead of the env's: r(s, a, s′, terminated) on RAW observations (s′ is the final
   * observation of an episode, before the reset) and the unclipped sampled action, as the history records them.
   */
  reward?: RewardFn;
  /** Start from this actor (policy weights, log-std, observation statistics) instead of a random init. */
  init?: PpoActorJson;
  /** Record the learning history of envs 0 .. recordEnvs−1 (1 = the paper's observer, who sees one env of many; 0 = no history); default all. */
  recordEnvs?: number;
  /** The env's keyword arguments, recorded in the history. */
  envKwargs?: Record<string, unknown>;
}

/**
 * Hyperparameters and run inputs resolved into one flat record: what the training loop reads, what the history
 * records as `learnerConfig` and what a checkpoint must match.
 */
export interface PpoResolvedRun extends PpoConfig {
  totalSteps: number;
  seed: number;
  recordHistory: boolean;
  recordEnvs?: number;
  rewardFn?: RewardFn;
  initialActor?: PpoActorJson;
}

/** What acts: the policy network, its log-std and the observation statistics it expects (null: raw obs) — the
 * one Gaussian policy's JSON (nn/gaussian-actor.ts). */
export type PpoActorJson = GaussianActorJson;

export const PPO_DEFAULTS: PpoConfig = {
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
  config: PpoResolvedRun;
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

/** The hyperparameters with SB3's defaults filled in, validated (E_INVALID_CONFIG naming the field). */
export function resolvePpoConfig(partial: Partial<PpoConfig> = {}): PpoConfig {
  const c: PpoConfig = { ...PPO_DEFAULTS, ...partial };
  const pos = (name: string, v: number, int = true): void => {
    if (!(v > 0) || (int && !Number.isInteger(v))) throw new InputError("E_INVALID_CONFIG", `ppo: ${name} must be a positive ${int ? "integer" : "number"}, got ${v}`);
  };
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
  if (c.batchSize > c.nSteps * c.numEnvs) throw new InputError("E_INVALID_CONFIG", `ppo: batchSize ${c.batchSize} exceeds the rollout size ${c.nSteps * c.numEnvs}`);
  return c;
}

/** Hyperparameters and one run's inputs resolved and validated together (what `trainPpo` runs). */
export function resolvePpoRun(hp: Partial<PpoConfig>, run: PpoRun): PpoResolvedRun {
  const c = resolvePpoConfig(hp);
  if (!(run.totalSteps > 0 && Number.isInteger(run.totalSteps))) throw new InputError("E_INVALID_CONFIG", `ppo: totalSteps must be a positive integer, got ${run.totalSteps}`);
  if (run.recordEnvs !== undefined && !(Number.isInteger(run.recordEnvs) && run.recordEnvs >= 0 && run.recordEnvs <= c.numEnvs)) {
    throw new InputError("E_INVALID_CONFIG", `ppo: recordEnvs must be an integer in [0, numEnvs = ${c.numEnvs}], got ${run.recordEnvs}`);
  }
  return {
    totalSteps: run.totalSteps, seed: run.seed, ...c, recordHistory: run.recordEnvs !== 0,
    ...(run.recordEnvs !== undefined && run.recordEnvs > 0 ? { recordEnvs: run.recordEnvs } : {}),
    ...(run.reward ? { rewardFn: run.reward } : {}), ...(run.init ? { initialActor: run.init } : {}),
  };
}
