/**
 * The data of Algorithm 1 (observer/algorithm-1.ts): the rows of each observed update Dk, with observations
 * normalised by FIXED statistics of all observed states (stored in the reward and BC-policy JSON).
 */
import { InputError } from "../../core/errors.ts";
import type { HistoryColumns } from "../../data/history-columns.ts";
import { applyObsNorm, fixedObsNorm, type FixedObsNorm } from "../../rewards/neural-reward.ts";

export interface Dataset {
  /** Update index of each Dk. */
  updates: number[];
  /** Normalised s and s′, actions, and 1 − terminated, per Dk. */
  obs: Float64Array[];
  nextObs: Float64Array[];
  actions: Float64Array[];
  notTerminal: Float64Array[];
  sizes: number[];
}

/** The update indices that hold transitions, increasing. */
export function updatesWithTransitions(c: HistoryColumns): number[] {
  return [...new Set(c.update)].sort((a, b) => a - b);
}

export function splitByUpdate(c: HistoryColumns, cfg: { updates: number[] | null; clipObs: number }): { data: Dataset; norm: FixedObsNorm } {
  const D = c.meta.observationSpace.dim, A = c.meta.actionSpace.dim;
  if (c.meta.observationSpace.kind !== "box" || c.meta.actionSpace.kind !== "box") {
    throw new InputError("E_INVALID_HISTORY", `algorithm 1 needs Box observation and action spaces, got ${c.meta.observationSpace.kind} and ${c.meta.actionSpace.kind}`);
  }
  const rowsOf = new Map<number, number[]>();
  for (let i = 0; i < c.n; i++) {
    const u = c.update[i]!;
    let rows = rowsOf.get(u);
    if (!rows) rowsOf.set(u, (rows = []));
    rows.push(i);
  }
  const updates = cfg.updates ?? updatesWithTransitions(c);
  updates.forEach((u, i) => {
    if (!rowsOf.has(u)) throw new InputError("E_INVALID_HISTORY", `algorithm 1: update ${u} has no transitions in the history`);
    if (i > 0 && !(u > updates[i - 1]!)) throw new InputError("E_INVALID_CONFIG", `algorithm 1: updates must increase, got ${updates[i - 1]} then ${u}`);
  });
  if (updates.length < 2) throw new InputError("E_INVALID_HISTORY", `algorithm 1 needs ≥ 2 observed updates, got ${updates.length}`);
  const gather = (src: Float64Array, rows: number[], w: number): Float64Array => {
    const out = new Float64Array(rows.length * w);
    rows.forEach((r, i) => out.set(src.subarray(r * w, (r + 1) * w), i * w));
    return out;
  };
  const rawObs = updates.map((u) => gather(c.obs, rowsOf.get(u)!, D));
  const all = new Float64Array(rawObs.reduce((s, x) => s + x.length, 0));
  let off = 0;
  for (const x of rawObs) all.set(x, (off += x.length) - x.length);
  const norm = fixedObsNorm(all, all.length / D, D, cfg.clipObs);
  const data: Dataset = {
    updates,
    sizes: updates.map((u) => rowsOf.get(u)!.length),
    obs: rawObs.map((x) => applyObsNorm(norm, x, x.length / D)),
    nextObs: updates.map((u) => { const x = gather(c.nextObs, rowsOf.get(u)!, D); return applyObsNorm(norm, x, x.length / D); }),
    actions: updates.map((u) => gather(c.actions, rowsOf.get(u)!, A)),
    notTerminal: updates.map((u) => Float64Array.from(rowsOf.get(u)!, (r) => (c.terminated[r] ? 0 : 1))),
  };
  return { data, norm };
}


/** The rows of D_1 … D_{K−1} stacked (stages ii and iv of Algorithm 1). */
export interface StackedImprovements {
  /** Rows in all. */
  M: number;
  /** Improvement index k of each row (the head of the ρ and ψ nets). */
  head: Int32Array;
  /** 1/|Dk|: each improvement's loss is a mean over its Dk. */
  weight: Float64Array;
  /** Normalised s, s′, actions and 1 − terminated. */
  sS: Float64Array;
  sNext: Float64Array;
  aS: Float64Array;
  notTerm: Float64Array;
}

export function stackImprovements(data: Dataset): StackedImprovements {
  const K = data.updates.length, D = data.obs[0]!.length / data.sizes[0]!, A = data.actions[0]!.length / data.sizes[0]!;
  const M = data.sizes.slice(0, K - 1).reduce((s, n) => s + n, 0);
  const head = new Int32Array(M), weight = new Float64Array(M);
  const sS = new Float64Array(M * D), sNext = new Float64Array(M * D), aS = new Float64Array(M * A), notTerm = new Float64Array(M);
  for (let k = 0, off = 0; k < K - 1; off += data.sizes[k]!, k++) {
    head.fill(k, off, off + data.sizes[k]!);
    weight.fill(1 / data.sizes[k]!, off, off + data.sizes[k]!);
    sS.set(data.obs[k]!, off * D);
    sNext.set(data.nextObs[k]!, off * D);
    aS.set(data.actions[k]!, off * A);
    notTerm.set(data.notTerminal[k]!, off);
  }
  return { M, head, weight, sS, sNext, aS, notTerm };
}
