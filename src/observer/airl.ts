/**
 * AIRL's adversarial loop (Fu, Luo & Levine 2018, Algorithm 1): a generator policy trained by PPO on the
 * discriminator's reward ln D − ln(1 − D) = f(s, a, s′) − ln π(a|s), alternating with logistic-regression epochs of
 * the discriminator D = exp f / (exp f + π) on demonstrations vs the generator's own samples
 * (rewards/airl-reward.ts). Returns the recovered reward g(s) (standardised over the demonstrations) — the
 * reward Table 3's observer PPO then trains on, exactly as the observer trains on r̄φ.
 *
 * One PPO run (observer-training.ts `trainObserver`, so the start actor, its network sizes and observation
 * statistics are handled as for the observer) of `iterations` updates; around each update k:
 *   before the rollout  π_k is set as the generator (`onPolicy`), so the rollout's reward is f − ln π_k;
 *   during the rollout  the generator reward records every transition it is asked to score (π_k's samples);
 *   after the update    D trains `epochs` passes on those samples vs the demonstrations, under ln π_k.
 * So rollout k is rewarded by the D trained through rollout k − 1 (a one-rollout lag: AIRL's code trains D on
 * the new samples before scoring them; PPO here scores them as it collects them). PPO's entropy coefficient is
 * 0: the −ln π in the reward is AIRL's entropy term.
 *
 * Budget (`AIRL_DEFAULTS`, fixed before any run, not tuned; docs/baselines.md): 15 PPO updates of 1 env × 2048
 * steps (batch 64, 10 epochs, SB3's other defaults), 2 discriminator epochs after each (minibatches of 64
 * samples + 64 demonstrations, Adam 1e-3), g and h 32-32 tanh MLPs, γ = 0.99.
 */
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import type { PpoActorJson, PpoConfig } from "../learners/ppo.ts";
import { GaussianActor } from "../nn/gaussian-actor.ts";
import { AirlDiscriminator, concatTransitions, type AirlDiscriminatorConfig, type AirlDiscriminatorStats, type AirlReward } from "../rewards/airl-reward.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "../rewards/reward-fn.ts";
import { trainObserver } from "./observer-training.ts";

export interface AirlConfig {
  /** PPO updates of the generator, each followed by the discriminator's epochs. */
  iterations?: number;
  /** The generator's PPO hyperparameters (entCoef stays 0: the reward carries the entropy term). */
  ppo?: Partial<PpoConfig>;
  discriminator?: AirlDiscriminatorConfig;
}

export const AIRL_DEFAULTS = { iterations: 15, ppo: { numEnvs: 1, nSteps: 2048, batchSize: 64, nEpochs: 10 } } as const;

export interface AirlOptions {
  /** The demonstrations' transitions (s, a, s′, terminated) on raw observations. */
  demonstrations: TransitionBatch;
  makeEnv: () => BoxEnv;
  /** The generator's start (Table 3: the clone of the last observed update); null = PPO's random init. */
  start: PpoActorJson | null;
  seed: number;
  config?: AirlConfig;
  onProgress?: (done: number, total: number) => void;
}

export interface AirlIteration extends AirlDiscriminatorStats {
  iteration: number;
  /** The generator's mean episode return on the ENV's reward (diagnostics only; never learned from). */
  envReturn: number;
}

export interface AirlResult {
  /** The recovered reward g(s), standardised over the demonstration rows. */
  reward: AirlReward;
  discriminator: AirlDiscriminator;
  /** The generator after the last update. */
  generator: PpoActorJson;
  iterations: AirlIteration[];
}

/** The generator's reward f − ln π (π set per update), recording every transition it scores. */
class GeneratorReward implements RewardFn {
  readonly name = "airl f(s,a,s′) − ln π(a|s)";
  policy: GaussianActor | null = null;
  samples: TransitionBatch[] = [];
  constructor(readonly disc: AirlDiscriminator, readonly obsDim: number, readonly actDim: number) {}

  evaluate(b: TransitionBatch): Float64Array {
    checkBatch(this, b);
    if (!this.policy) throw new InputError("E_INVALID_ARGUMENT", "airl: generator reward called before the policy was set");
    this.samples.push({ n: b.n, obs: b.obs.slice(), actions: b.actions.slice(), nextObs: b.nextObs.slice(), terminated: b.terminated.slice() });
    const f = this.disc.f(b), lp = this.policy.logProb(b.obs, b.actions, b.n);
    for (let i = 0; i < b.n; i++) f[i] = f[i]! - lp[i]!;
    return f;
  }
}

export function trainAirl(opts: AirlOptions): AirlResult {
  const iterations = opts.config?.iterations ?? AIRL_DEFAULTS.iterations;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new InputError("E_INVALID_CONFIG", `airl: iterations must be an integer ≥ 1, got ${iterations}`);
  const probe = opts.makeEnv();
  const D = probe.observationSpace.shape, A = probe.actionSpace.shape;
  probe.close();
  const demos = opts.demonstrations;
  const rng = new Rng(opts.seed);
  const disc = AirlDiscriminator.forDemonstrations(demos, D, A, rng.split(), opts.config?.discriminator);
  const discRng = rng.split(), ppoSeed = rng.split().int(2 ** 31);
  const gen = new GeneratorReward(disc, D, A);
  const log: AirlIteration[] = [];
  const run = trainObserver({
    makeEnv: () => opts.makeEnv(), reward: gen, start: opts.start, updates: iterations, seed: ppoSeed,
    ppo: { ...AIRL_DEFAULTS.ppo, ...opts.config?.ppo, entCoef: 0 },
    onPolicy: (_k, actor) => { gen.policy = GaussianActor.fromJSON(actor()); },
    onUpdate: (u) => {
      const policy = gen.policy!;
      const samples = concatTransitions(gen.samples);
      gen.samples = [];
      const stats = disc.train(demos, samples, (o, a, n) => policy.logProb(o, a, n), discRng);
      log.push({ iteration: u.update, envReturn: u.meanReturn, ...stats });
      opts.onProgress?.(u.update + 1, iterations);
    },
  });
  return { reward: disc.recoveredReward(demos), discriminator: disc, generator: run.final, iterations: log };
}
