/**
 * The columnar form of a learning history: one row per transition, ordered by update, then episode, then
 * time. This is exactly what the `.npz` file stores (docs/history-format.md) and what function-approximation
 * observers consume in batches; `LearningHistory` is the same data grouped into trajectories.
 *
 * Converting columns → history groups consecutive rows with the same update and episode whose `obs` equals
 * the previous row's `next_obs` into one trajectory; a trajectory also ends at a terminated/truncated row.
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { LearningHistory, type HistoryMeta, type PolicyUpdate } from "./learning-history.ts";
import { Trajectory } from "./trajectory.ts";

export interface HistoryColumns {
  readonly meta: HistoryMeta;
  /** Every update index of the history in increasing order, including updates without transitions. */
  readonly updates: readonly number[];
  /** Number of transitions N. */
  readonly n: number;
  /** [N, obsDim] raw observations before each step (discrete: one integer-valued column). */
  readonly obs: Float64Array;
  /** [N, obsDim] raw observations after each step. */
  readonly nextObs: Float64Array;
  /** [N, actDim] actions (discrete: one integer-valued column). */
  readonly actions: Float64Array;
  /** [N] true environment rewards (for evaluation only: LfL must not read them). */
  readonly rewards: Float64Array;
  /** [N] 0/1 flags. */
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** [N] policy-update index that produced each transition (integer-valued). */
  readonly update: Float64Array;
  /** [N] episode id (integer-valued). */
  readonly episode: Float64Array;
}

/** Flattens a history into rows (trajectories within an update ordered by episode; empty trajectories vanish). */
export function historyToColumns(history: LearningHistory): HistoryColumns {
  const { meta } = history;
  const dObs = meta.observationSpace.dim, dAct = meta.actionSpace.dim;
  let n = 0;
  for (const u of history.updates) for (const tr of u.trajectories) n += tr.length;
  const c = {
    obs: new Float64Array(n * dObs), nextObs: new Float64Array(n * dObs), actions: new Float64Array(n * dAct),
    rewards: new Float64Array(n), terminated: new Uint8Array(n), truncated: new Uint8Array(n),
    update: new Float64Array(n), episode: new Float64Array(n),
  };
  let row = 0;
  for (const u of history.updates) {
    const ordered = [...u.trajectories].sort((a, b) => a.episode - b.episode); // stable: keeps time order
    for (const tr of ordered) {
      const T = tr.length;
      c.obs.set(tr.observations.subarray(0, T * dObs), row * dObs);
      c.nextObs.set(tr.observations.subarray(dObs, (T + 1) * dObs), row * dObs);
      c.actions.set(tr.actions, row * dAct);
      c.rewards.set(tr.rewards, row);
      c.update.fill(u.index, row, row + T);
      c.episode.fill(tr.episode, row, row + T);
      if (T > 0) {
        c.terminated[row + T - 1] = tr.terminated ? 1 : 0;
        c.truncated[row + T - 1] = tr.truncated ? 1 : 0;
      }
      row += T;
    }
  }
  return { meta, updates: history.updates.map((u) => u.index), n, ...c };
}

/**
 * Validates columns (sizes, finiteness, discrete ranges, flags, ordering) and throws on the first bad row,
 * naming the array. `numeric` is the error class for non-finite values: the reader reports bad input
 * (`InputError`), the writer a numerical fault (`NumericalError`) because it refuses to write NaN.
 */
export function validateColumns(c: HistoryColumns, numeric: "input" | "numerical" = "input"): void {
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_HISTORY", msg);
  };
  const { n, meta } = c;
  const spaces = [["obs", meta.observationSpace], ["actions", meta.actionSpace]] as const;
  for (const [name, s] of spaces) {
    const ok = s.kind === "discrete" ? s.dim === 1 && Number.isSafeInteger(s.n) && s.n! > 0 : Number.isSafeInteger(s.dim) && s.dim > 0;
    if (!ok) bad(`the ${name === "obs" ? "observation" : "action"} space ${JSON.stringify(s)} is invalid (box: positive dim; discrete: dim 1 and positive n)`);
  }
  const widths = { obs: meta.observationSpace.dim, next_obs: meta.observationSpace.dim, actions: meta.actionSpace.dim };
  const lengths: Array<[string, number, number]> = [
    ["obs", c.obs.length, n * widths.obs], ["next_obs", c.nextObs.length, n * widths.next_obs],
    ["actions", c.actions.length, n * widths.actions], ["rewards", c.rewards.length, n],
    ["terminated", c.terminated.length, n], ["truncated", c.truncated.length, n],
    ["update", c.update.length, n], ["episode", c.episode.length, n],
  ];
  for (const [name, got, want] of lengths) if (got !== want) bad(`array '${name}' has ${got} values, expected ${want} for N = ${n}`);
  const numbers: Array<[string, Float64Array, number]> = [
    ["obs", c.obs, widths.obs], ["next_obs", c.nextObs, widths.next_obs], ["actions", c.actions, widths.actions], ["rewards", c.rewards, 1],
  ];
  for (const [name, xs, w] of numbers) {
    for (let i = 0; i < xs.length; i++) {
      if (Number.isFinite(xs[i]!)) continue;
      const msg = `array '${name}' row ${Math.floor(i / w)}${w > 1 ? ` column ${i % w}` : ""} is ${xs[i]}, not a finite number`;
      if (numeric === "numerical") throw new NumericalError(`refusing to write a learning history with non-finite values: ${msg}`);
      bad(msg);
    }
  }
  for (const [name, space] of spaces) {
    if (space.kind !== "discrete") continue;
    const columns = name === "obs" ? [["obs", c.obs], ["next_obs", c.nextObs]] as const : [["actions", c.actions]] as const;
    for (const [col, xs] of columns) {
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        if (!Number.isInteger(x) || x < 0 || x >= space.n!) bad(`array '${col}' row ${i} is ${x}, outside the discrete space {0, …, ${space.n! - 1}}`);
      }
    }
  }
  for (const [name, xs] of [["terminated", c.terminated], ["truncated", c.truncated]] as const) {
    for (let i = 0; i < n; i++) if (xs[i]! > 1) bad(`array '${name}' row ${i} is ${xs[i]}, not a boolean`);
  }
  const known = new Set(c.updates);
  for (let k = 1; k < c.updates.length; k++) {
    if (!(c.updates[k]! > c.updates[k - 1]!)) bad(`update list must increase: ${c.updates[k - 1]} then ${c.updates[k]}`);
  }
  const ended = new Map<number, number>(); // episode id → row where it terminated or was truncated
  for (let i = 0; i < n; i++) {
    const u = c.update[i]!, e = c.episode[i]!;
    if (!Number.isSafeInteger(u) || u < 0) bad(`array 'update' row ${i} is ${u}, not a non-negative integer`);
    if (!Number.isSafeInteger(e)) bad(`array 'episode' row ${i} is ${e}, not an integer`);
    if (!known.has(u)) bad(`array 'update' row ${i} is ${u}, which is not in the history's update list`);
    if (i > 0) {
      const pu = c.update[i - 1]!, pe = c.episode[i - 1]!;
      if (u < pu) bad(`array 'update' decreases at row ${i} (${pu} then ${u}): rows must be ordered by update, then episode, then time`);
      if (u === pu && e < pe) bad(`array 'episode' decreases within update ${u} at row ${i} (${pe} then ${e}): rows must be ordered by update, then episode, then time`);
    }
    const end = ended.get(e);
    if (end !== undefined) bad(`array 'episode' row ${i}: episode ${e} continues after it ended (terminated or truncated) at row ${end}`);
    if (c.terminated[i] || c.truncated[i]) ended.set(e, i);
  }
}

/** Groups validated columns into a `LearningHistory` (terminated wins if a row is both terminated and truncated). */
export function columnsToHistory(c: HistoryColumns): LearningHistory {
  const dObs = c.meta.observationSpace.dim, dAct = c.meta.actionSpace.dim;
  const byUpdate = new Map<number, Trajectory[]>(c.updates.map((u) => [u, []]));
  const sameRow = (a: Float64Array, i: number, b: Float64Array, j: number): boolean => {
    for (let k = 0; k < dObs; k++) if (a[i * dObs + k] !== b[j * dObs + k]) return false;
    return true;
  };
  let start = 0;
  for (let i = 0; i < c.n; i++) {
    const last = i === c.n - 1 || c.terminated[i] === 1 || c.truncated[i] === 1 ||
      c.update[i + 1] !== c.update[i] || c.episode[i + 1] !== c.episode[i] || !sameRow(c.obs, i + 1, c.nextObs, i);
    if (!last) continue;
    const T = i + 1 - start;
    const observations = new Float64Array((T + 1) * dObs);
    observations.set(c.obs.subarray(start * dObs, (i + 1) * dObs), 0);
    observations.set(c.nextObs.subarray(i * dObs, (i + 1) * dObs), T * dObs);
    byUpdate.get(c.update[i]!)!.push(new Trajectory({
      observations, actions: c.actions.slice(start * dAct, (i + 1) * dAct), rewards: c.rewards.slice(start, i + 1),
      obsDim: dObs, actDim: dAct, terminated: c.terminated[i] === 1, truncated: c.truncated[i] === 1 && c.terminated[i] !== 1,
      episode: c.episode[i]!,
    }));
    start = i + 1;
  }
  const updates: PolicyUpdate[] = c.updates.map((index) => ({ index, trajectories: byUpdate.get(index)! }));
  return new LearningHistory(c.meta, updates);
}
