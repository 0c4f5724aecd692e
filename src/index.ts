/**
 * The public API of `lfl`, name by name (package.json `exports` points only here). The source tree follows
 * the paper's pipeline: core → nn → envs → solvers → data → rewards → learners → observer → evaluation →
 * experiments → reports; the CLI (`lfl`) is a thin layer over these.
 */

// core: seeded splittable RNG, errors with stable codes, small linear algebra
export { Rng } from "./core/rng.ts";
export { LflError, InputError, NumericalError, type ErrorCode } from "./core/errors.ts";
export { leastSquares, solveLinear, logSumExp } from "./core/linalg.ts";

// nn: Float64Array MLP engine (kernels behind src/nn/kernels.ts)
export { MLP } from "./nn/mlp.ts";
export { Adam } from "./nn/adam.ts";
export { DiagGaussian } from "./nn/gaussian.ts";

// envs: Gymnasium-shaped contract, registry (Pendulum-v1, Reacher-v5, HalfCheetah-v5, Hopper-v5, Ant-v5), tabular MDPs
export type { Env, BoxEnv, DiscreteEnv, StepResult, ResetResult, Info } from "./envs/env.ts";
export { Box, Discrete, type Space } from "./envs/spaces.ts";
export { makeEnv, registeredEnvIds, envSpec } from "./envs/registry.ts";
export { TabularMdp, type TabularMdpInit } from "./envs/tabular/tabular-mdp.ts";
export { gridWorld, GRID_ALPHA, GRID_GAMMA } from "./envs/tabular/grid-world.ts";
export { loadMdpJson, parseMdpJson } from "./envs/tabular/mdp-json.ts";

// solvers: exact tabular entropy-regularised RL (§4)
export {
  softPolicyEvaluation, softPolicyImprovement, softValueIteration, softReturn, softmaxPolicy, uniformPolicy,
} from "./solvers/soft-policy.ts";

// data: trajectories, learning histories and their .npz file (readable by numpy)
export { Trajectory, type TrajectoryInit } from "./data/trajectory.ts";
export { LearningHistory, type HistoryMeta, type PolicyUpdate } from "./data/learning-history.ts";
export { historyToColumns, type HistoryColumns } from "./data/history-columns.ts";
export { readHistoryFile, writeHistoryFile, readHistoryColumns, writeHistoryColumns } from "./data/history-file.ts";
export { sampleTabularTrajectory } from "./data/tabular-sampling.ts";

// rewards: the one reward contract, and the models LfL recovers
export type { RewardFn, TransitionBatch } from "./rewards/reward-fn.ts";
export { TabularReward } from "./rewards/tabular-reward.ts";
export { normalisedReward, standardisedReward, shapedReward, ensembleReward, type Potential } from "./rewards/reward-wrappers.ts";
export { GaussianLogDensityReward } from "./rewards/neural-reward.ts";
export { loadRewardModel, readRewardJson } from "./rewards/reward-json.ts";

// learners: the agents being observed
export { trainPpo, PPO_DEFAULTS, type PpoConfig, type PpoRun } from "./learners/ppo.ts";
export { GaussianActor, type GaussianActorJson } from "./nn/gaussian-actor.ts";
export { actorToOnnx } from "./learners/actor-onnx.ts";
export { rewardToOnnx } from "./rewards/reward-onnx.ts";
export { TensorBoardWriter } from "./data/tensorboard-writer.ts";
export { tensorBoardRecorder } from "./learners/tensorboard-recorder.ts";
export { TABULAR_LEARNERS, type TabularLearnerId } from "./learners/tabular-learners.ts";

// observer: LfL inference (Theorem 2, §4.3, Algorithm 1) and the observer's own training
export { invertSoftImprovement, improvementShaping, policyKl } from "./observer/tabular/soft-policy-inversion.ts";
export { regressStateOnlyReward } from "./observer/tabular/state-only-regression.ts";
export { planOnReward } from "./observer/tabular/plan-on-reward.ts";
export { inferTabularReward, observerPolicy, recoverFromPolicies } from "./observer/tabular/tabular-lfl.ts";
export { recoverReward, ALGORITHM1_DEFAULTS, ALGORITHM1_PAPER, type Algorithm1Config } from "./observer/algorithm-1/algorithm-1.ts";
export { trainObserver } from "./observer/observer-training.ts";

// evaluation (statistics as rliable does them, reward quality: docs/statistics.md)
export { policyReturns } from "./evaluation/policy-return.ts";
export { iqm } from "./evaluation/iqm.ts";
export { aggregateIqm, aggregateMean, aggregateMedian, optimalityGap } from "./evaluation/aggregate-metrics.ts";
export { stratifiedBootstrap, percentileInterval } from "./evaluation/stratified-bootstrap.ts";
export { probabilityOfImprovement, probabilityOfImprovementInterval } from "./evaluation/probability-of-improvement.ts";
export { performanceProfile } from "./evaluation/performance-profile.ts";
export { pairedDifferences } from "./evaluation/paired-difference.ts";
export { returnCorrelation } from "./evaluation/return-correlation.ts";
export { epicDistanceTabular, epicDistanceSampled } from "./evaluation/epic-distance.ts";
export { normalisedScore } from "./evaluation/normalised-score.ts";
export { seedStats, pairedComparison, bootstrapCi } from "./evaluation/seed-stats.ts";

// experiments: every table and figure declared as data, run by one engine (docs/architecture.md)
export { runTable1 } from "./experiments/table1.ts";
export { runTable2 } from "./experiments/table2.ts";
export { EXPERIMENTS } from "./experiments/registry.ts";
export { runExperiment, type EngineOptions } from "./experiments/engine/run-experiment.ts";
export type { Experiment, ExperimentRequest, Plan, PlannedCell } from "./experiments/engine/experiment.ts";
export type { CellSpec, CellRunner, CellContext } from "./experiments/engine/cell.ts";
export type { ResultsDoc, Provenance } from "./experiments/engine/results-doc.ts";
export { streamSeed } from "./experiments/engine/streams.ts";
export { TABLE3_METHODS } from "./experiments/table3/methods/method-registry.ts";
export type { Table3Method, PpoMethod, DerivedMethod, MethodRewardContext } from "./experiments/table3/methods/method.ts";

// reports
export { markdownTable } from "./reports/markdown-table.ts";
export { vegaLiteToSvg } from "./reports/vega-svg.ts";
