/**
 * A trajectory: an immutable, validated record of consecutive transitions produced by one fixed policy.
 *
 * `observations` holds T+1 rows (the last is the observation after the last action), `actions` T rows,
 * `rewards` T true environment rewards (kept for evaluation only: the LfL observer never reads them).
 * At most one of `terminated` / `truncated` is true and it applies to the last transition; both false means
 * the record was simply cut (e.g. at the end of a PPO rollout) while the episode went on.
 * Discrete observations and actions are stored as integer-valued float columns of width 1.
 */
import { InputError } from "../core/errors.ts";

export interface TrajectoryInit {
  observations: Float64Array;
  actions: Float64Array;
  rewards: Float64Array;
  obsDim: number;
  actDim: number;
  terminated?: boolean;
  truncated?: boolean;
  /** Episode id, unique within a learning history (several trajectories may share one if an episode spans updates). */
  episode?: number;
}

export class Trajectory {
  readonly observations: Float64Array;
  readonly actions: Float64Array;
  readonly rewards: Float64Array;
  readonly obsDim: number;
  readonly actDim: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly episode: number;

  constructor(init: TrajectoryInit) {
    const { observations, actions, rewards, obsDim, actDim } = init;
    const bad = (msg: string): never => {
      throw new InputError("E_INVALID_TRAJECTORY", `trajectory: ${msg}`);
    };
    if (!Number.isInteger(obsDim) || obsDim <= 0) bad(`obsDim must be a positive integer, got ${obsDim}`);
    if (!Number.isInteger(actDim) || actDim <= 0) bad(`actDim must be a positive integer, got ${actDim}`);
    const T = rewards.length;
    if (observations.length !== (T + 1) * obsDim) bad(`observations has ${observations.length} values, expected (T+1)·obsDim = ${(T + 1) * obsDim} for T = ${T}`);
    if (actions.length !== T * actDim) bad(`actions has ${actions.length} values, expected T·actDim = ${T * actDim}`);
    for (const [name, xs, width] of [["observations", observations, obsDim], ["actions", actions, actDim], ["rewards", rewards, 1]] as const) {
      for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) bad(`${name} row ${Math.floor(i / width)} is not finite (${xs[i]})`);
    }
    if (init.terminated && init.truncated) bad("terminated and truncated are both true");
    this.observations = observations;
    this.actions = actions;
    this.rewards = rewards;
    this.obsDim = obsDim;
    this.actDim = actDim;
    this.terminated = init.terminated ?? false;
    this.truncated = init.truncated ?? false;
    this.episode = init.episode ?? 0;
    Object.freeze(this);
  }

  /** Number of transitions T. */
  get length(): number {
    return this.rewards.length;
  }
  /** Observation row t (0 ≤ t ≤ T) as a view. */
  obs(t: number): Float64Array {
    return this.observations.subarray(t * this.obsDim, (t + 1) * this.obsDim);
  }
  /** Action row t (0 ≤ t < T) as a view. */
  action(t: number): Float64Array {
    return this.actions.subarray(t * this.actDim, (t + 1) * this.actDim);
  }
  /** Sum of true rewards (undiscounted). */
  get return(): number {
    let s = 0;
    for (let i = 0; i < this.rewards.length; i++) s += this.rewards[i]!;
    return s;
  }
}
