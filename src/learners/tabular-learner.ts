/**
 * What every tabular learner returns: the learning history the observer watches (one 1000-pair trajectory per
 * policy update, paper §6.1) and the exact policies π_0..π_K that produced it (for evaluation and for the
 * noise-free ceiling of Table 2 — never given to the observer).
 */
import { LearningHistory } from "../data/learning-history.ts";
import { tabularHistoryMeta } from "../data/tabular-sampling.ts";
import type { Trajectory } from "../data/trajectory.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";

export interface TabularLearnerRun {
  /** Update k holds the trajectory sampled by π_k (k = 0..K). */
  history: LearningHistory;
  /** The exact policies π_0..π_K, row-major nS×nA. */
  policies: readonly Float64Array[];
}

/** Options shared by the tabular learners (the paper's §6.1 values as defaults). */
export interface TabularLearnerCommon {
  /** True entropy weight α of the learner's soft policies. */
  alpha: number;
  /** State–action pairs sampled per policy update (the paper: 1000). */
  pairsPerUpdate: number;
}

/** Packs one trajectory per policy (update k ↔ π_k) into a TabularLearnerRun. */
export function tabularRun(mdp: TabularMdp, learner: string, config: object, trajectories: readonly Trajectory[], policies: readonly Float64Array[]): TabularLearnerRun {
  const meta = tabularHistoryMeta(mdp, learner, { ...config });
  meta.envKwargs = { gamma: mdp.gamma };
  const history = new LearningHistory(meta, trajectories.map((tr, k) => ({ index: k, trajectories: [tr] })));
  return { history, policies };
}
