/**
 * The one contract every reward model answers (DESIGN.md): a batch of transitions (s, a, s′, terminated) →
 * one number per transition. Tabular, linear and neural rewards implement it; the observer's RL accepts any
 * `RewardFn` and never sees the environment's reward.
 */

/** A batch of n transitions, row-major: obs and nextObs are n×obsDim, actions n×actDim. */
export interface TransitionBatch {
  readonly n: number;
  readonly obs: Float64Array;
  readonly actions: Float64Array;
  readonly nextObs: Float64Array;
  /** 1 where the transition ended in an absorbing (terminal) state. */
  readonly terminated: Uint8Array;
}

export interface RewardFn {
  /** Short description, e.g. "lfl-algorithm-1 r̄φ(s,a)" (shown in reports). */
  readonly name: string;
  readonly obsDim: number;
  readonly actDim: number;
  /** One reward per transition of the batch (a new array of length batch.n). */
  evaluate(batch: TransitionBatch): Float64Array;
}

/** Checks the batch's array sizes against the reward's dimensions; throws RangeError naming the array. */
export function checkBatch(fn: Pick<RewardFn, "obsDim" | "actDim" | "name">, batch: TransitionBatch): void {
  const { n } = batch;
  const want: [string, number, number][] = [
    ["obs", batch.obs.length, n * fn.obsDim],
    ["actions", batch.actions.length, n * fn.actDim],
    ["nextObs", batch.nextObs.length, n * fn.obsDim],
    ["terminated", batch.terminated.length, n],
  ];
  for (const [name, got, expected] of want) {
    if (got !== expected) throw new RangeError(`${fn.name}: batch.${name} has ${got} values, expected ${expected} for n = ${n}`);
  }
}
