/**
 * Episode returns of a PPO-format actor on the TRUE reward of an env: `episodes` envs run one episode each in
 * lockstep (one batched forward pass per step). Env i is reset with seed `seed + i`, so every policy evaluated
 * with the same seed meets the same start states (common random numbers make paired comparisons less noisy).
 *
 * Modes: "stochastic" samples a ~ π(·|s) (the behaviour the learner's data shows and the paper's scores —
 * its learners' and observer's scores are returns of their sampling policies); "deterministic" plays the
 * Gaussian mean. The env receives the action clipped to its bounds, as in training.
 *
 * Usage: `const { mean } = policyReturns(actor, (i) => makeEnv("Reacher-v5", {}, deps), { episodes: 10, mode: "stochastic", seed: 1e6 });`
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import type { PpoActorJson } from "../learners/ppo.ts";
import { GaussianActor, type ActionMode } from "../nn/gaussian-actor.ts";

export type { ActionMode };

export interface PolicyReturnConfig {
  episodes: number;
  mode: ActionMode;
  /** Env i is reset with `seed + i`; action noise comes from `new Rng(seed)`. */
  seed: number;
}

export interface PolicyReturns {
  /** Undiscounted true-reward return of each episode. */
  returns: number[];
  lengths: number[];
  mean: number;
}

export function policyReturns(actor: PpoActorJson, makeEnv: (i: number) => BoxEnv, cfg: PolicyReturnConfig): PolicyReturns {
  const M = cfg.episodes;
  if (!(Number.isInteger(M) && M >= 1)) throw new InputError("E_INVALID_ARGUMENT", `policyReturns: episodes must be a positive integer, got ${M}`);
  const pi = GaussianActor.fromJSON(actor);
  const D = pi.obsDim, A = pi.actDim;
  const rng = new Rng(cfg.seed);
  const envs = Array.from({ length: M }, (_, i) => makeEnv(i));
  try {
    const { low, high } = envs[0]!.actionSpace;
    if (envs[0]!.observationSpace.shape !== D || envs[0]!.actionSpace.shape !== A) {
      throw new InputError("E_INVALID_ARGUMENT", `policyReturns: actor is ${D}→${A}, env ${envs[0]!.id} is ${envs[0]!.observationSpace.shape}→${envs[0]!.actionSpace.shape}`);
    }
    const obs = new Float64Array(M * D), action = new Float64Array(A);
    const returns = new Array<number>(M).fill(0), lengths = new Array<number>(M).fill(0), done = new Array<boolean>(M).fill(false);
    envs.forEach((env, i) => obs.set(env.reset({ seed: cfg.seed + i }).observation, i * D));
    let running = M;
    while (running > 0) {
      // Noise is drawn for every row, finished or not, so an episode's actions do not depend on the others' lengths.
      const acts = pi.act(obs, M, cfg.mode, rng);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < A; j++) {
          const a = acts[i * A + j]!;
          action[j] = a < low[j]! ? low[j]! : a > high[j]! ? high[j]! : a;
        }
        if (done[i]) continue;
        const r = envs[i]!.step(action);
        if (!Number.isFinite(r.reward)) throw new NumericalError(`policyReturns: non-finite reward ${r.reward} in episode ${i} at step ${lengths[i]}`);
        returns[i]! += r.reward;
        lengths[i]!++;
        obs.set(r.observation, i * D);
        if (r.terminated || r.truncated) {
          done[i] = true;
          running--;
        }
      }
    }
    return { returns, lengths, mean: returns.reduce((s, r) => s + r, 0) / M };
  } finally {
    for (const env of envs) env.close();
  }
}
