/**
 * Soft policy iteration learner (paper §4, Eq. 3; Table 2 row "SPI", K = 3).
 *
 * π_0 = U(A); π_{k+1} = SPI_r{π_k}(a|s) ∝ exp(Q^{π_k}(s,a)/α) with exact soft policy evaluation (the learner knows
 * the model, as the SPI learner of the authors' code). After each update the observer receives a fresh stream of
 * `pairsPerUpdate` state–action pairs sampled by the new policy. On the paper's grid J(π_3) = 4.179321.
 */
import type { Rng } from "../core/rng.ts";
import { check } from "../core/errors.ts";
import { sampleTabularTrajectory } from "../data/tabular-sampling.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { softPolicyImprovement, uniformPolicy } from "../solvers/soft-policy.ts";
import { tabularRun, type TabularLearnerCommon, type TabularLearnerRun } from "./tabular-learner.ts";

export interface SoftPolicyIterationConfig extends TabularLearnerCommon {
  /** Number of soft policy improvements K (policies π_0..π_K are observed). */
  improvements: number;
}

export const SOFT_POLICY_ITERATION_DEFAULTS: SoftPolicyIterationConfig = { improvements: 3, alpha: 0.3, pairsPerUpdate: 1000 };

export function train(mdp: TabularMdp, config: Partial<SoftPolicyIterationConfig>, rng: Rng): TabularLearnerRun {
  const c: SoftPolicyIterationConfig = { ...SOFT_POLICY_ITERATION_DEFAULTS, ...config };
  check(Number.isInteger(c.improvements) && c.improvements >= 1, "E_INVALID_CONFIG", `improvements must be a positive integer, got ${c.improvements}`);
  check(c.alpha > 0, "E_INVALID_CONFIG", `alpha must be > 0, got ${c.alpha}`);
  const policies = [uniformPolicy(mdp.nS, mdp.nA)];
  for (let k = 0; k < c.improvements; k++) policies.push(softPolicyImprovement(mdp, policies[k]!, c.alpha));
  const trajectories = policies.map((pi, k) => sampleTabularTrajectory(mdp, pi, c.pairsPerUpdate, rng, k));
  return tabularRun(mdp, "soft-policy-iteration", c, trajectories, policies);
}
