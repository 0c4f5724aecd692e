/**
 * Sampling the paper's "trajectory of 1000 state–action couples" (§6.1) from a tabular MDP and a policy.
 *
 * As in the authors' sampler (research/authors-code.md §2.2) a trajectory is ONE continuous stream from a start
 * state s0 ~ start: a_t ~ π(·|s_t), s_{t+1} ~ P(·|s_t, a_t), for t = 0..T−1. The MDP's own resets (the grid's
 * goal and middle send every action back to the start) happen inside the stream; there is no other episode cut.
 * The record ends because we stop sampling, so it is marked `truncated`.
 *
 * Storage follows Trajectory's discrete convention: states and actions as integer-valued floats of width 1;
 * `rewards[t]` = r(s_t, a_t), the true reward (for evaluation only — the LfL observer never reads it).
 */
import { check, NumericalError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import type { HistoryMeta } from "./learning-history.ts";
import { Trajectory } from "./trajectory.ts";

/** The paper's number of sampled state–action pairs per policy update. */
export const PAIRS_PER_UPDATE = 1000;

/**
 * One stream of T transitions of policy π (row-major nS×nA) in `mdp`, starting from s0 ~ mdp.start.
 * `episode` is the id stored on the trajectory.
 */
export function sampleTabularTrajectory(mdp: TabularMdp, pi: Float64Array, T: number, rng: Rng, episode = 0): Trajectory {
  const { nS, nA, P, r } = mdp;
  check(pi.length === nS * nA, "E_INVALID_ARGUMENT", `sampleTabularTrajectory: policy has ${pi.length} entries, expected nS·nA = ${nS * nA}`);
  check(Number.isInteger(T) && T >= 1, "E_INVALID_ARGUMENT", `sampleTabularTrajectory: T must be a positive integer, got ${T}`);
  for (let i = 0; i < pi.length; i++) {
    // A learner's soft update overflows on huge (finite) rewards: a policy that is not a distribution stops here.
    if (!(pi[i]! >= 0 && pi[i]! <= 1)) throw new NumericalError(`sampling the learner's policy: π(a = ${i % nA} | s = ${Math.floor(i / nA)}) is ${pi[i]}, not a probability (rewards too large for the learner's soft updates?)`);
  }
  const observations = new Float64Array(T + 1);
  const actions = new Float64Array(T);
  const rewards = new Float64Array(T);
  let s = rng.categorical(mdp.start);
  observations[0] = s;
  for (let t = 0; t < T; t++) {
    const a = rng.categorical(pi, s * nA, nA);
    actions[t] = a;
    rewards[t] = r[s * nA + a]!;
    s = rng.categorical(P, (s * nA + a) * nS, nS);
    observations[t + 1] = s;
  }
  return new Trajectory({ observations, actions, rewards, obsDim: 1, actDim: 1, truncated: true, episode });
}

/** The HistoryMeta of a learner on a tabular MDP (discrete observation and action spaces). */
export function tabularHistoryMeta(mdp: TabularMdp, learner: string, learnerConfig: Record<string, unknown>, seed?: number): HistoryMeta {
  const meta: HistoryMeta = {
    envId: mdp.name,
    learner,
    learnerConfig,
    observationSpace: { kind: "discrete", dim: 1, n: mdp.nS },
    actionSpace: { kind: "discrete", dim: 1, n: mdp.nA },
  };
  if (seed !== undefined) meta.seed = seed;
  return meta;
}
