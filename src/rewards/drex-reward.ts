/**
 * D-REX (Brown, Goo & Niekum 2019, "Better-than-demonstrator imitation learning via automatically-ranked
 * demonstrations", CoRL): no rankings are given — a behavioural clone of the demonstrations is rolled out with
 * increasing noise, and noisier rollouts are ranked lower; T-REX's Bradley–Terry loss (trex-reward.ts, T-REX
 * Eq. 1) is then fitted to those automatic rankings.
 *
 * Noise is ε-greedy on actions: at each step, with probability ε a uniform random action in the action box,
 * otherwise the clone's action. The demonstrations themselves (in LfL: the last observed update's trajectories)
 * may be added as the highest rank. Our settings (`DREX_DEFAULTS`, fixed before any run, not tuned): five
 * noise levels ε ∈ {1, 0.75, 0.5, 0.25, 0.02}, 5 rollouts per level of at most 1000 steps, the clone acting
 * with its sampled (stochastic) action, T-REX's defaults for the reward network. The environment's rewards of the
 * rollouts are never read: only their noise level ranks them.
 */
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import { trainTrex, type RankedTrajectory, type TrexConfig, type TrexReward } from "./trex-reward.ts";

export interface DrexConfig {
  /** ε of each noise level (any order; a lower ε ranks higher). */
  noiseLevels?: number[];
  /** Rollouts per noise level. */
  rolloutsPerLevel?: number;
  /** Cap on a rollout's length (the env's own time limit applies first). */
  maxSteps?: number;
  /** The T-REX reward network and its training. */
  trex?: TrexConfig;
}

export const DREX_DEFAULTS = { noiseLevels: [1, 0.75, 0.5, 0.25, 0.02], rolloutsPerLevel: 5, maxSteps: 1000 } as const;

/** Acts for one observation: the behavioural clone (sampling with `rng` if stochastic). */
export type ClonePolicy = (obs: Float64Array, rng: Rng) => Float64Array;

/**
 * Rollouts of `policy` under ε-greedy action noise, `rolloutsPerLevel` per level, each ranked by its level (a
 * lower ε a higher rank: rank = −ε). Env resets are seeded from `seed`; the env is closed at the end.
 */
export function noiseRankedRollouts(policy: ClonePolicy, makeEnv: () => BoxEnv, opts: { seed: number; noiseLevels?: readonly number[]; rolloutsPerLevel?: number; maxSteps?: number }): RankedTrajectory[] {
  const levels = opts.noiseLevels ?? DREX_DEFAULTS.noiseLevels, K = opts.rolloutsPerLevel ?? DREX_DEFAULTS.rolloutsPerLevel, maxSteps = opts.maxSteps ?? DREX_DEFAULTS.maxSteps;
  if (new Set(levels).size < 2 || levels.some((e) => !(e >= 0 && e <= 1))) throw new InputError("E_INVALID_CONFIG", `d-rex: needs at least 2 distinct noise levels in [0, 1], got [${levels.join(", ")}]`);
  if (!(Number.isInteger(K) && K >= 1 && Number.isInteger(maxSteps) && maxSteps >= 1)) throw new InputError("E_INVALID_CONFIG", `d-rex: rolloutsPerLevel and maxSteps must be integers ≥ 1, got ${K}, ${maxSteps}`);
  const env = makeEnv(), rng = new Rng(opts.seed);
  const D = env.observationSpace.shape, A = env.actionSpace.shape, low = env.actionSpace.low, high = env.actionSpace.high;
  const out: RankedTrajectory[] = [];
  try {
    for (const eps of levels) {
      for (let k = 0; k < K; k++) {
        const obs: number[] = [], actions: number[] = [];
        let o = env.reset({ seed: rng.int(2 ** 31) }).observation;
        for (let t = 0; t < maxSteps; t++) {
          const a = rng.uniform() < eps ? Float64Array.from({ length: A }, (_, j) => rng.uniformIn(low[j]!, high[j]!)) : policy(o, rng);
          obs.push(...o);
          actions.push(...a);
          const s = env.step(a);
          if (s.terminated || s.truncated) break;
          o = s.observation;
        }
        out.push({ rank: -eps, length: obs.length / D, obs: Float64Array.from(obs), actions: Float64Array.from(actions) });
      }
    }
  } finally {
    env.close();
  }
  return out;
}

/**
 * D-REX: T-REX on noise-ranked rollouts of the clone, plus `demonstrations` (optional) ranked above every noise
 * level. Returns the learned reward r_θ (T-REX's state-only form unless `trex.input` says otherwise).
 */
export function trainDrex(policy: ClonePolicy, makeEnv: () => BoxEnv, opts: { seed: number; config?: DrexConfig; demonstrations?: readonly RankedTrajectory[]; onProgress?: (done: number, total: number) => void }): TrexReward {
  const cfg = opts.config ?? {};
  const rng = new Rng(opts.seed);
  const rollouts = noiseRankedRollouts(policy, makeEnv, { seed: rng.split().int(2 ** 31), ...cfg });
  const probe = makeEnv();
  const D = probe.observationSpace.shape, A = probe.actionSpace.shape;
  probe.close();
  const demos = (opts.demonstrations ?? []).map((t) => ({ ...t, rank: 1 })); // above every −ε ≤ 0
  return trainTrex([...rollouts, ...demos], D, A, { seed: rng.split().int(2 ** 31), ...(cfg.trex ? { config: cfg.trex } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
}
