/**
 * The tabular learners by id (a typed table: the keys give the `TabularLearnerId` union). Each entry trains on
 * a TabularMdp with a partial config over its documented defaults.
 */
import type { Rng } from "../core/rng.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import * as qLearning from "./q-learning.ts";
import * as randomImprovement from "./random-improvement.ts";
import * as softPolicyIteration from "./soft-policy-iteration.ts";
import * as softValueIteration from "./soft-value-iteration.ts";
import type { TabularLearnerRun } from "./tabular-learner.ts";

export interface TabularLearnerEntry {
  summary: string;
  defaults: object;
  train(mdp: TabularMdp, config: Record<string, unknown>, rng: Rng): TabularLearnerRun;
}

export const TABULAR_LEARNERS = {
  "soft-policy-iteration": { summary: "exact soft policy iteration from U(A) (K = 3)", defaults: softPolicyIteration.SOFT_POLICY_ITERATION_DEFAULTS, train: softPolicyIteration.train },
  "soft-value-iteration": { summary: "sampled soft value iteration, optimistic start (K = 20)", defaults: softValueIteration.SOFT_VALUE_ITERATION_DEFAULTS, train: softValueIteration.train },
  "q-learning": { summary: "Q-learning with softmax exp(Q/α) policy, η = 0.2 (K = 50)", defaults: qLearning.Q_LEARNING_DEFAULTS, train: qLearning.train },
  "random-improvement": { summary: "random points on the U(A)→π* temperature path (first 10 of 15)", defaults: randomImprovement.RANDOM_IMPROVEMENT_DEFAULTS, train: randomImprovement.train },
} as const satisfies Record<string, TabularLearnerEntry>;

export type TabularLearnerId = keyof typeof TABULAR_LEARNERS;

export function isTabularLearnerId(id: string): id is TabularLearnerId {
  return Object.hasOwn(TABULAR_LEARNERS, id);
}
