/**
 * Tabular Q-learning learner (Watkins, 1989) with the softmax policy exp(Q/α) (Table 2 row "Q-learning", K = 50).
 *
 * The paper fixes only the policy form and the 1000 new pairs per policy update. Our choices
 * (docs/learners-tabular.md): one policy update = one batch; the policy π_k(a|s) ∝ exp(Q_k(s,a)/α) is held
 * fixed while it samples its `pairsPerUpdate` pairs D_k (so the observer sees a fixed policy per batch, as the
 * paper assumes), then the batch is replayed once in order with the hard-max Q-learning update
 *
 *   Q(s,a) ← Q(s,a) + η (r + γ max_b Q(s′,b) − Q(s,a)),   constant η = `stepSize` (0.2), Q_0 = 0.
 *
 * Measured on the grid (seeds 0–9): J(π_50) = 4.09 ± 0.30 (paper 3.99 ± 0.88).
 */
import type { Rng } from "../core/rng.ts";
import { check } from "../core/errors.ts";
import { sampleTabularTrajectory } from "../data/tabular-sampling.ts";
import type { Trajectory } from "../data/trajectory.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { softmaxPolicy } from "../solvers/soft-policy.ts";
import { tabularRun, type TabularLearnerCommon, type TabularLearnerRun } from "./tabular-learner.ts";

export interface QLearningConfig extends TabularLearnerCommon {
  /** Number of policy updates K (policies π_0..π_K are observed). */
  improvements: number;
  /** Constant step size η of the Q-learning update. */
  stepSize: number;
  /** Initial Q_0(s,a). */
  q0: number;
}

export const Q_LEARNING_DEFAULTS: QLearningConfig = { improvements: 50, alpha: 0.3, pairsPerUpdate: 1000, stepSize: 0.2, q0: 0 };

export function train(mdp: TabularMdp, config: Partial<QLearningConfig>, rng: Rng): TabularLearnerRun {
  const c: QLearningConfig = { ...Q_LEARNING_DEFAULTS, ...config };
  check(Number.isInteger(c.improvements) && c.improvements >= 1, "E_INVALID_CONFIG", `improvements must be a positive integer, got ${c.improvements}`);
  check(c.alpha > 0, "E_INVALID_CONFIG", `alpha must be > 0, got ${c.alpha}`);
  check(c.stepSize > 0 && c.stepSize <= 1, "E_INVALID_CONFIG", `stepSize must be in (0, 1], got ${c.stepSize}`);
  const { nS, nA, gamma } = mdp;
  const Q = new Float64Array(nS * nA).fill(c.q0);
  const policies: Float64Array[] = [];
  const trajectories: Trajectory[] = [];
  for (let k = 0; k <= c.improvements; k++) {
    // 1. Act with the fixed softmax policy of this update.
    const pi = softmaxPolicy(Q, nA, c.alpha);
    const tr = sampleTabularTrajectory(mdp, pi, c.pairsPerUpdate, rng, k);
    policies.push(pi);
    trajectories.push(tr);
    if (k === c.improvements) break;
    // 2. Learn: one in-order pass of Q-learning over the batch.
    for (let t = 0; t < tr.length; t++) {
      const s = tr.observations[t]!, a = tr.actions[t]!, s2 = tr.observations[t + 1]!;
      let vNext = -Infinity;
      for (let b = 0; b < nA; b++) vNext = Math.max(vNext, Q[s2 * nA + b]!);
      const sa = s * nA + a;
      Q[sa] = Q[sa]! + c.stepSize * (tr.rewards[t]! + gamma * vNext - Q[sa]!);
    }
  }
  return tabularRun(mdp, "q-learning", c, trajectories, policies);
}
