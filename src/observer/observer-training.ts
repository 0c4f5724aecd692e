/**
 * Observer training (paper §6.2): start from the behavioural clone of the learner's LAST observed update (π̂ of
 * Algorithm 1, in the PPO actor's format), then run PPO on the RECOVERED reward. The env reward is never read
 * for learning: PPO's `rewardFn` replaces it in returns and advantages, and the env reward only feeds the
 * episode statistics used for scoring (src/learners/ppo-reward-fn.test.ts and this file's test prove it by
 * poisoning the env reward with NaN).
 *
 * The same function runs the controls of Table 3: `reward: "env"` is PPO on the TRUE reward from the same
 * start, a constant RewardFn tests survival bias, and `start: null` trains from a random initialisation.
 *
 * The critic starts untrained (as the authors' observer). Observation statistics start from the clone's and
 * keep running (frozen per update) as in the learner; a clone acting on raw observations trains without them.
 *
 * Usage: `const run = trainObserver({ makeEnv, reward, start: bcPolicy, updates: 30, seed, ppo: { numEnvs: 4 } });`
 */
import { InputError } from "../core/errors.ts";
import type { BoxEnv } from "../envs/env.ts";
import { trainPpo, type PpoActorJson, type PpoCallbacks, type PpoConfig, type PpoUpdateStats } from "../learners/ppo.ts";
import type { RewardFn, TransitionBatch } from "../rewards/reward-fn.ts";

// ── Config ───────────────────────────────────────────────────────────────────────────────────────────────
export interface ObserverTrainingConfig {
  makeEnv: (rank: number) => BoxEnv;
  /** The recovered reward, or "env" for the true-reward control (the only case that reads the env reward). */
  reward: RewardFn | "env";
  /** The actor to start from (the clone of the last observed update); null = PPO's random initialisation. */
  start: PpoActorJson | null;
  /** PPO updates to run (budget = updates × numEnvs × nSteps env steps). */
  updates: number;
  seed: number;
  /** PPO hyperparameters (SB3 defaults otherwise); the run inputs (length, seed, reward, start actor) are set here. */
  ppo?: Partial<PpoConfig>;
  /** Called with π_j before each update j (j = 0 is the start) — e.g. to score the observer's curve. */
  onPolicy?: PpoCallbacks["onPolicy"];
  onUpdate?: PpoCallbacks["onUpdate"];
}

export interface ObserverRun {
  /** The actor after the last update (final observation statistics, as SB3's saved VecNormalize). */
  final: PpoActorJson;
  /** PPO's per-update statistics; `meanReturn` there is on the TRUE reward (scoring only). */
  updates: PpoUpdateStats[];
  steps: number;
}

/** r ≡ c: the survival-bias control (a positive constant rewards staying alive wherever episodes can end). */
export function constantReward(obsDim: number, actDim: number, c = 1): RewardFn {
  return { name: `constant ${c}`, obsDim, actDim, evaluate: (b: TransitionBatch) => new Float64Array(b.n).fill(c) };
}

// ── Train ────────────────────────────────────────────────────────────────────────────────────────────────
export function trainObserver(cfg: ObserverTrainingConfig): ObserverRun {
  if (!(Number.isInteger(cfg.updates) && cfg.updates >= 1)) throw new InputError("E_INVALID_CONFIG", `observer: updates must be a positive integer, got ${cfg.updates}`);
  const ppo = cfg.ppo ?? {};
  const numEnvs = ppo.numEnvs ?? 1, nSteps = ppo.nSteps ?? 2048;
  const start = cfg.start;
  const run = trainPpo(
    { ...ppo, ...(start ? { hidden: start.policy.sizes.slice(1, -1), normalizeObservations: start.obsNorm !== null, clipObs: start.clipObs } : {}) },
    cfg.makeEnv,
    { totalSteps: cfg.updates * numEnvs * nSteps, seed: cfg.seed, recordEnvs: 0, ...(start ? { init: start } : {}), ...(cfg.reward === "env" ? {} : { reward: cfg.reward }) },
    { ...(cfg.onPolicy ? { onPolicy: cfg.onPolicy } : {}), ...(cfg.onUpdate ? { onUpdate: cfg.onUpdate } : {}) },
  );
  const m = run.model();
  return { final: { policy: m.policy, logStd: m.logStd, obsNorm: m.obsNorm, clipObs: m.clipObs }, updates: run.updates, steps: run.steps };
}
