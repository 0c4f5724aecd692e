/**
 * A learning history: what the LfL observer watches. An ordered list of policy updates; update `index` holds
 * the trajectories sampled by the learner's fixed policy π_index (the paper's D_index).
 */
import { InputError } from "../core/errors.ts";
import type { Trajectory } from "./trajectory.ts";

export interface PolicyUpdate {
  /** The learner's policy-update index (π_index produced these trajectories). */
  readonly index: number;
  readonly trajectories: readonly Trajectory[];
}

export interface SpaceInfo {
  kind: "box" | "discrete";
  /** Flat width (Box dimension, or 1 for Discrete). */
  dim: number;
  /** Number of values for Discrete spaces. */
  n?: number;
}

/** Free-form, JSON-serialisable description stored with the history (meta.json in the file format). */
export interface HistoryMeta {
  envId: string;
  envKwargs?: Record<string, unknown>;
  learner: string;
  learnerConfig?: Record<string, unknown>;
  seed?: number;
  observationSpace: SpaceInfo;
  actionSpace: SpaceInfo;
  /** Anything else worth keeping (e.g. frozen observation-normalisation statistics per update). */
  extra?: Record<string, unknown>;
}

export class LearningHistory {
  readonly meta: HistoryMeta;
  readonly updates: readonly PolicyUpdate[];

  constructor(meta: HistoryMeta, updates: readonly PolicyUpdate[]) {
    const bad = (msg: string): never => {
      throw new InputError("E_INVALID_HISTORY", `learning history: ${msg}`);
    };
    for (let u = 0; u < updates.length; u++) {
      const up = updates[u]!;
      if (!Number.isInteger(up.index) || up.index < 0) bad(`update ${u} has index ${up.index}, expected a non-negative integer`);
      if (u > 0 && up.index <= updates[u - 1]!.index) bad(`update indices must increase: ${updates[u - 1]!.index} then ${up.index}`);
      for (const tr of up.trajectories) {
        if (tr.obsDim !== meta.observationSpace.dim) bad(`update ${up.index}: trajectory obsDim ${tr.obsDim} ≠ observation space dim ${meta.observationSpace.dim}`);
        if (tr.actDim !== meta.actionSpace.dim) bad(`update ${up.index}: trajectory actDim ${tr.actDim} ≠ action space dim ${meta.actionSpace.dim}`);
      }
    }
    this.meta = meta;
    this.updates = Object.freeze(updates.map((u) => Object.freeze({ index: u.index, trajectories: Object.freeze([...u.trajectories]) })));
    Object.freeze(this);
  }

  /** Number of transitions in update `u` (position in `updates`, not index). */
  transitions(u: number): number {
    return this.updates[u]!.trajectories.reduce((n, t) => n + t.length, 0);
  }

  /** A history restricted to the given update indices (in order), e.g. the paper's observation windows. */
  select(indices: readonly number[]): LearningHistory {
    const byIndex = new Map(this.updates.map((u) => [u.index, u]));
    const chosen = indices.map((i) => {
      const u = byIndex.get(i);
      if (!u) throw new InputError("E_INVALID_HISTORY", `learning history has no update ${i} (has ${[...byIndex.keys()].join(", ")})`);
      return u;
    });
    return new LearningHistory(this.meta, chosen);
  }
}
