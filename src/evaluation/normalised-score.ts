/**
 * The paper's normalised score (§6.2, Fig. 4, Table 3): 0 = the return of the FIRST observed learner policy,
 * 1 = the return of the LAST observed one, so a value above 1 means "better than the learner was when the
 * observation stopped":  (J − J_first) / (J_last − J_first).
 *
 * When the learner did not improve (J_last ≤ J_first) the scale is meaningless or flips sign; callers get the
 * number anyway and should report `learnerImproved` beside it.
 */
import { InputError } from "../core/errors.ts";

export function normalisedScore(score: number, first: number, last: number): number {
  for (const [name, v] of [["score", score], ["first", first], ["last", last]] as const) {
    if (!Number.isFinite(v)) throw new InputError("E_INVALID_ARGUMENT", `normalisedScore: ${name} is ${v}, not a finite number`);
  }
  if (last === first) throw new InputError("E_INVALID_ARGUMENT", `normalisedScore: first and last observed scores are equal (${first}); the normalisation is undefined`);
  return (score - first) / (last - first);
}

/** Normalised score of the MEANS over seeds ((mean J − mean J_first)/(mean J_last − mean J_first)): robust to a seed whose learner barely moved. */
export function pooledNormalisedScore(scores: readonly number[], firsts: readonly number[], lasts: readonly number[]): number {
  if (scores.length === 0 || scores.length !== firsts.length || scores.length !== lasts.length) {
    throw new InputError("E_INVALID_ARGUMENT", `pooledNormalisedScore: need equal non-empty lists, got ${scores.length}, ${firsts.length}, ${lasts.length}`);
  }
  const m = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  return normalisedScore(m(scores), m(firsts), m(lasts));
}
