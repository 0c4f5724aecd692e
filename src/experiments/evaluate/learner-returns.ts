/**
 * The learner's own returns, read from a learning history (no policy is re-played: an outside history has none):
 * per update, the undiscounted true-reward returns of the episodes that ENDED in it (SB3's `ep_rew_mean`
 * convention, docs/history-format.md "The learner's own returns"), and whether the learner improved over a window.
 *
 * Source: the file's optional `learner_returns`, `learner_returns_update`, `learner_returns_episode` arrays when it
 * has them (the Python recorder always writes them); otherwise the history's own `rewards`/`episode`/`update`/
 * `terminated`/`truncated` rows. From rows, an episode counts only when its end is in the file and its start
 * is too: an episode first seen in update u when update u − 1 has no rows in the file may have begun before the
 * recording — the first segment of each recorded env in u (the R smallest episode ids of u, R = recorded envs from
 * meta.extra.recordedEnvs, else the largest number of episodes cut at the end of one update) — and is left out.
 *
 * Improvement: mean return of the last observed update with a finished episode minus that of the first, with a
 * 95% percentile bootstrap interval over episodes (each update resampled on its own, a fixed stream); "improved"
 * means the interval lies above 0.
 */
import { InputError } from "../../core/errors.ts";
import { Rng } from "../../core/rng.ts";
import type { HistoryColumns } from "../../data/history-columns.ts";
import { numbersFromInt64 } from "../../data/npy.ts";
import { namingFile, NpzReader } from "../../data/npz.ts";

export const LEARNER_RETURN_ARRAYS = ["learner_returns", "learner_returns_update", "learner_returns_episode"] as const;

export interface LearnerReturns {
  /** "file": the history's learner_returns arrays; "rows": summed from its rewards rows. */
  source: "file" | "rows";
  /** Update index → returns of the episodes that ended in it (only updates with at least one). */
  byUpdate: Map<number, number[]>;
  /** Episodes left out because they may have started before the recording (source "rows"). */
  partialExcluded: number;
}

/** The optional learner-return arrays of an .npz history (all three or none), or undefined when absent. */
export function readLearnerReturnArrays(path: string): { returns: number[]; update: number[]; episode: number[] } | undefined {
  return namingFile(path, () => {
    using npz = new NpzReader(path, { only: LEARNER_RETURN_ARRAYS });
    const present = LEARNER_RETURN_ARRAYS.filter((n) => npz.headers.has(n));
    if (present.length === 0) return undefined;
    const bad = (msg: string): never => {
      throw new InputError("E_INVALID_HISTORY", msg);
    };
    if (present.length < 3) bad(`the learner's returns need all of ${LEARNER_RETURN_ARRAYS.join(", ")}; only ${present.join(", ")} present`);
    const m = npz.headers.get("learner_returns")!.shape[0] ?? 0;
    for (const [name, dtype] of [["learner_returns", "f8"], ["learner_returns_update", "i8"], ["learner_returns_episode", "i8"]] as const) {
      const h = npz.headers.get(name)!;
      if (h.dtype !== dtype || h.shape.length !== 1 || h.shape[0] !== m) bad(`array '${name}' must be ${dtype === "f8" ? "float64" : "int64"} [${m}], got ${h.dtype} [${h.shape.join(", ")}]`);
    }
    const a = npz.readArrays([...LEARNER_RETURN_ARRAYS]);
    const returns = Array.from(a.get("learner_returns")!.data as Float64Array);
    const i = returns.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) bad(`array 'learner_returns' row ${i} is ${returns[i]}, not a finite number`);
    const update = Array.from(numbersFromInt64(a.get("learner_returns_update")!.data as BigInt64Array, "learner_returns_update"));
    const episode = Array.from(numbersFromInt64(a.get("learner_returns_episode")!.data as BigInt64Array, "learner_returns_episode"));
    return { returns, update, episode };
  });
}

/** The learner's returns per update, from the file's arrays when given, else from the rows. */
export function learnerReturns(c: HistoryColumns, fileArrays?: { returns: number[]; update: number[] }): LearnerReturns {
  if (fileArrays) {
    const byUpdate = new Map<number, number[]>();
    fileArrays.returns.forEach((r, i) => byUpdate.set(fileArrays.update[i]!, [...(byUpdate.get(fileArrays.update[i]!) ?? []), r]));
    return { source: "file", byUpdate, partialExcluded: 0 };
  }
  interface Ep { sum: number; firstUpdate: number; lastUpdate: number; ended: boolean }
  const eps = new Map<number, Ep>();
  const idsOf = new Map<number, Set<number>>(); // update → episode ids with rows in it
  const cutOf = new Map<number, Set<number>>(); // update → episodes whose last row in it has both flags false
  for (let i = 0; i < c.n; i++) {
    const e = c.episode[i]!, u = c.update[i]!;
    const ended = c.terminated[i] === 1 || c.truncated[i] === 1;
    const ep = eps.get(e) ?? { sum: 0, firstUpdate: u, lastUpdate: u, ended: false };
    ep.sum += c.rewards[i]!;
    ep.lastUpdate = u;
    ep.ended = ended;
    eps.set(e, ep);
    if (!idsOf.has(u)) idsOf.set(u, new Set());
    idsOf.get(u)!.add(e);
    const lastOfSegment = i + 1 === c.n || c.episode[i + 1] !== e || c.update[i + 1] !== u;
    if (lastOfSegment && !ended) {
      if (!cutOf.has(u)) cutOf.set(u, new Set());
      cutOf.get(u)!.add(e);
    }
  }
  const declared = (c.meta.extra as { recordedEnvs?: unknown } | undefined)?.recordedEnvs;
  const recorded = Number.isSafeInteger(declared) && (declared as number) >= 1 ? (declared as number) : Math.max(1, ...[...cutOf.values()].map((s) => s.size));
  const mayBePartial = new Set<number>();
  for (const [u, ids] of idsOf) {
    if (idsOf.has(u - 1)) continue;
    for (const e of [...ids].sort((a, b) => a - b).slice(0, recorded)) if (eps.get(e)!.firstUpdate === u) mayBePartial.add(e);
  }
  const byUpdate = new Map<number, number[]>();
  let partialExcluded = 0;
  for (const [e, ep] of eps) {
    if (!ep.ended) continue;
    if (mayBePartial.has(e)) {
      partialExcluded++;
      continue;
    }
    byUpdate.set(ep.lastUpdate, [...(byUpdate.get(ep.lastUpdate) ?? []), ep.sum]);
  }
  return { source: "rows", byUpdate, partialExcluded };
}

export interface ImprovementCheck {
  /** The window's first and last update with a finished episode (the normalisation's 0 and 1). */
  first: number;
  last: number;
  firstMean: number;
  lastMean: number;
  firstEpisodes: number;
  lastEpisodes: number;
  /** lastMean − firstMean and its 95% bootstrap interval over episodes. */
  diff: number;
  ci95: [number, number];
  /** The interval lies above 0. */
  improved: boolean;
}

const avg = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Last − first mean return over `window` (sorted); undefined when fewer than two of its updates have returns. */
export function improvementCheck(byUpdate: ReadonlyMap<number, number[]>, window: readonly number[], resamples = 2000): ImprovementCheck | undefined {
  const withReturns = window.filter((k) => (byUpdate.get(k)?.length ?? 0) > 0);
  if (withReturns.length < 2) return undefined;
  const first = withReturns[0]!, last = withReturns[withReturns.length - 1]!;
  const a = byUpdate.get(first)!, b = byUpdate.get(last)!;
  const rng = new Rng(0); // a fixed bootstrap stream: the same file gives the same report
  const diffs = new Float64Array(resamples);
  const resampleMean = (xs: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[rng.int(xs.length)]!;
    return s / xs.length;
  };
  for (let r = 0; r < resamples; r++) diffs[r] = resampleMean(b) - resampleMean(a);
  diffs.sort();
  const q = (p: number): number => diffs[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  const ci95: [number, number] = [q(0.025), q(0.975)];
  const diff = avg(b) - avg(a);
  return { first, last, firstMean: avg(a), lastMean: avg(b), firstEpisodes: a.length, lastEpisodes: b.length, diff, ci95, improved: ci95[0] > 0 };
}

/** "10-20", "10-30/5" or "3,5,9": the --window text of sorted update indices. */
export function windowText(w: readonly number[]): string {
  const step = w[1]! - w[0]!;
  const even = w.length >= 2 && step > 0 && w.every((k, i) => i === 0 || k - w[i - 1]! === step);
  return even ? `${w[0]}-${w[w.length - 1]}${step === 1 ? "" : `/${step}`}` : w.join(",");
}

export interface WindowSuggestion extends ImprovementCheck {
  window: number[];
  text: string;
}

/**
 * Windows of the same shape (the window shifted along the file's updates) over which the learner improved,
 * best lower bound first, at most `max`. Every update of a candidate must have rows in the file.
 */
export function suggestWindows(byUpdate: ReadonlyMap<number, number[]>, updatesWithRows: readonly number[], window: readonly number[], max = 3): WindowSuggestion[] {
  const have = new Set(updatesWithRows);
  const offsets = window.map((k) => k - window[0]!);
  const out: WindowSuggestion[] = [];
  for (const s of updatesWithRows) {
    const cand = offsets.map((d) => s + d);
    if (cand[0] === window[0] || !cand.every((k) => have.has(k))) continue;
    const check = improvementCheck(byUpdate, cand, 500);
    if (check?.improved && check.first === cand[0] && check.last === cand[cand.length - 1]) out.push({ ...check, window: cand, text: windowText(cand) });
  }
  return out.sort((x, y) => y.ci95[0] - x.ci95[0]).slice(0, max);
}
