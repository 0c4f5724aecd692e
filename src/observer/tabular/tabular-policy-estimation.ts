/**
 * What a tabular observer can estimate from a learning history (paper §5, §6.3): visit counts, the transition
 * model P̂ and the learner's policies π̂_k by maximum likelihood with an entropy bonus λ. Never reads rewards.
 *
 *   π̂_k = argmax_π Σ_{(s,a)∈D_k} [ ln π(a|s) + λ H(π(·|s)) ]                          (§5.2, J({θ_k}))
 *
 * The paper writes "− λH" but calls it a regulariser that keeps π̂ from being deterministic, i.e. a bonus (the
 * authors' code maximises +λH: research/authors-code.md §2.4). With n(s,a) visits and N(s) = Σ_a n(s,a), each
 * state is a strictly concave problem over the simplex; its stationarity condition
 *   n(s,a)/π(a|s) − λN(s)(ln π(a|s) + 1) = μ_s
 * is solved exactly (bisection on μ_s, Newton on ln π(a|s)), where the paper takes 10 Adam steps.
 * States never visited in D_k get the uniform policy.
 */
import { InputError } from "../../core/errors.ts";
import type { LearningHistory } from "../../data/learning-history.ts";

/** Transitions of one policy update, as parallel integer arrays. */
export interface TabularBatch {
  s: Int32Array;
  a: Int32Array;
  s2: Int32Array;
  /** First state of each trajectory of the update. */
  starts: Int32Array;
}

/**
 * The history's transitions per update, validated against a discrete space of nS states and nA actions.
 * Throws E_INVALID_HISTORY naming the update, trajectory, array and row of the first bad value.
 */
export function tabularBatches(history: LearningHistory, nS: number, nA: number): TabularBatch[] {
  const { observationSpace: os, actionSpace: as } = history.meta;
  if (os.kind !== "discrete" || os.dim !== 1) throw new InputError("E_INVALID_HISTORY", `history: observation space must be discrete of width 1 for a tabular observer, got ${os.kind} of width ${os.dim}`);
  if (as.kind !== "discrete" || as.dim !== 1) throw new InputError("E_INVALID_HISTORY", `history: action space must be discrete of width 1 for a tabular observer, got ${as.kind} of width ${as.dim}`);
  return history.updates.map((up) => {
    const T = up.trajectories.reduce((n, tr) => n + tr.length, 0);
    const batch: TabularBatch = { s: new Int32Array(T), a: new Int32Array(T), s2: new Int32Array(T), starts: new Int32Array(up.trajectories.length) };
    let i = 0;
    up.trajectories.forEach((tr, j) => {
      const where = (name: string, row: number): string => `update ${up.index} trajectory ${j}: ${name} row ${row}`;
      const get = (xs: Float64Array, name: string, row: number, n: number): number => {
        const v = xs[row]!;
        if (!Number.isInteger(v) || v < 0 || v >= n) throw new InputError("E_INVALID_HISTORY", `${where(name, row)} = ${v} is not ${name === "actions" ? "an action" : "a state"} of the MDP (integers 0..${n - 1})`);
        return v;
      };
      batch.starts[j] = get(tr.observations, "observations", 0, nS);
      for (let t = 0; t < tr.length; t++, i++) {
        batch.s[i] = get(tr.observations, "observations", t, nS);
        batch.a[i] = get(tr.actions, "actions", t, nA);
        batch.s2[i] = get(tr.observations, "observations", t + 1, nS);
      }
    });
    return batch;
  });
}

/** n(s,a) of one batch, row-major nS×nA. */
export function visitCounts(batch: TabularBatch, nS: number, nA: number): Float64Array {
  const n = new Float64Array(nS * nA);
  for (let i = 0; i < batch.s.length; i++) n[batch.s[i]! * nA + batch.a[i]!]!++;
  return n;
}

/**
 * P̂(s′|s,a) from the transitions of all batches: empirical frequencies where (s,a) was visited, uniform over the
 * nS states where it never was (the authors' choice). Row-major [(s·nA + a)·nS + s′]. Also returns the visits.
 */
export function estimateTransitionModel(batches: readonly TabularBatch[], nS: number, nA: number): { P: Float64Array; visits: Float64Array } {
  const P = new Float64Array(nS * nA * nS);
  const visits = new Float64Array(nS * nA);
  for (const b of batches) {
    for (let i = 0; i < b.s.length; i++) {
      const sa = b.s[i]! * nA + b.a[i]!;
      P[sa * nS + b.s2[i]!]!++;
      visits[sa]!++;
    }
  }
  for (let sa = 0; sa < nS * nA; sa++) {
    const n = visits[sa]!;
    for (let t = 0; t < nS; t++) P[sa * nS + t] = n > 0 ? P[sa * nS + t]! / n : 1 / nS;
  }
  return { P, visits };
}

/** Empirical start distribution: the first states of all trajectories. */
export function estimateStart(batches: readonly TabularBatch[], nS: number): Float64Array {
  const start = new Float64Array(nS);
  let n = 0;
  for (const b of batches) for (const s of b.starts) { start[s]!++; n++; }
  for (let s = 0; s < nS; s++) start[s] = n > 0 ? start[s]! / n : 1 / nS;
  return start;
}

/**
 * π̂ maximising Σ_a n(s,a) ln π(a|s) + λ N(s) H(π(·|s)) in every state (λ > 0), row-major nS×nA. With `perState`
 * the bonus is λ H(π(·|s)) — a fixed strength per state instead of per observed action, so that it fades as a state's
 * visits grow (a consistent estimator; ours, not the paper's).
 */
export function estimatePolicy(counts: Float64Array, nS: number, nA: number, lambda: number, perState = false): Float64Array {
  if (!(lambda > 0)) throw new InputError("E_INVALID_CONFIG", `entropy bonus lambda must be > 0 (it keeps π̂ from being deterministic), got ${lambda}`);
  const pi = new Float64Array(nS * nA);
  const logPi = new Float64Array(nA);
  for (let s = 0; s < nS; s++) {
    const o = s * nA;
    let N = 0;
    for (let a = 0; a < nA; a++) N += counts[o + a]!;
    if (N === 0) { pi.fill(1 / nA, o, o + nA); continue; }
    const w = perState ? lambda : lambda * N;
    // At the optimum μ = N + λN(H − 1) with 0 ≤ H ≤ ln nA; Σ_a π_a(μ) decreases in μ.
    let lo = N - w - 1, hi = N + w * Math.log(nA) + 1;
    for (let it = 0; it < 100 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); it++) {
      const mu = 0.5 * (lo + hi);
      if (solveLogPi(counts, o, nA, w, mu, logPi) > 1) lo = mu; else hi = mu;
    }
    const total = solveLogPi(counts, o, nA, w, 0.5 * (lo + hi), logPi);
    for (let a = 0; a < nA; a++) pi[o + a] = Math.exp(logPi[a]!) / total;
  }
  return pi;
}

/** For a given μ, solves n_a e^{−x} − w x = μ + w for every x_a = ln π_a; returns Σ_a e^{x_a}. */
function solveLogPi(counts: Float64Array, o: number, nA: number, w: number, mu: number, x: Float64Array): number {
  const c = mu + w;
  let total = 0;
  for (let a = 0; a < nA; a++) {
    const n = counts[o + a]!;
    let xa: number;
    if (n === 0) xa = -c / w;
    else {
      // h(x) = n e^{−x} − w x − c is convex and decreasing: Newton from a point left of the root increases monotonically.
      xa = c > 0 ? Math.min(Math.log(n / c), 0) : 0;
      for (let it = 0; it < 100; it++) {
        const e = n * Math.exp(-xa);
        const step = (e - w * xa - c) / (e + w);
        xa += step;
        if (Math.abs(step) < 1e-13) break;
      }
    }
    x[a] = xa;
    total += Math.exp(xa);
  }
  return total;
}
