/**
 * EPIC, the Equivalent-Policy Invariant Comparison pseudometric between two reward functions (Gleave, Dennis,
 * Legg, Russell & Leike, "Quantifying differences in reward functions", ICLR 2021). Two rewards are at distance
 * 0 exactly when they differ by a positive scale and a potential shaping γΦ(s′) − Φ(s) (so they induce the same
 * optimal policies in every MDP with those states, actions and γ); a reward and its negation are at distance 1.
 *
 * 1. Canonicalise each reward under coverage distributions D_S over states and D_A over actions:
 *      C(R)(s, a, s′) = R(s, a, s′) + E[γ R(s′, A, S′) − R(s, A, S′) − γ R(S, A, S′)],   S, S′ ~ D_S, A ~ D_A
 *    independent. With m(x) = E[R(x, A, S′)] and c = E[m(S)]:  C(R)(s, a, s′) = R(s, a, s′) + γ m(s′) − m(s) − γ c.
 *    Potential shaping cancels exactly: m shifts by γ E[Φ(S′)] − Φ(x) and c by (γ − 1) E[Φ(S)].
 * 2. EPIC(R_A, R_B) = D_ρ(C(R_A), C(R_B)) = √((1 − ρ) / 2), ρ the Pearson correlation of the canonicalised
 *    rewards over transitions (S, A, S′) drawn from a coverage distribution D.
 *
 * Two versions:
 * - `epicDistanceTabular`: exact, for tabular rewards r[s, a, s′] (or r[s, a], independent of s′) with explicit
 *   D_S, D_A (default uniform) and D over (s, a, s′) (default D_S ⊗ D_A ⊗ D_S, or e.g. μ(s) π(a|s) P(s′|s, a)).
 * - `epicDistanceSampled`: for any `RewardFn` (continuous states and actions): ρ over given transitions (samples of
 *   D, with their `terminated` flags), and the expectations m(·) estimated from M given samples (a_k, x_k) of
 *   D_A × D_S (the k-th action paired with the k-th state; draw them independently), c as the mean of m over the
 *   state samples. The synthetic transitions (x, a_k, x_k) are evaluated with terminated = 0. The estimate is
 *   still exactly invariant to shaping by any Φ (the same M samples enter every m), and to positive scaling.
 * A canonicalised reward that is constant (R is shaping-equivalent to a constant: indifferent between all
 * behaviours) has no correlation: EPIC is 0 if both are, otherwise `NumericalError`.
 *
 * Usage:
 *   epicDistanceTabular(rA, rB, { nS, nA, gamma: 0.9 }).distance
 *   epicDistanceSampled(recovered, trueReward, { gamma: 0.99, transitions, states, actions }).distance
 */
import { InputError } from "../core/errors.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "../rewards/reward-fn.ts";
import { isConstant, moments, pearson } from "../core/correlation.ts";

export interface EpicResult {
  /** √((1 − ρ)/2) ∈ [0, 1]. */
  distance: number;
  /** Pearson correlation of the canonicalised rewards (1 when both are constant). */
  rho: number;
}

/** Pearson distance √((1 − ρ)/2). */
export function pearsonDistance(rho: number): number {
  return Math.sqrt(Math.max(0, (1 - rho) / 2));
}

function gammaCheck(gamma: number): void {
  if (!(gamma >= 0 && gamma <= 1)) throw new InputError("E_INVALID_ARGUMENT", `EPIC: gamma must be in [0, 1], got ${gamma}`);
}

function epicOf(ca: ArrayLike<number>, cb: ArrayLike<number>, w?: ArrayLike<number>): EpicResult {
  const { varX, varY } = moments(ca, cb, w);
  if (isConstant(varX, ca) && isConstant(varY, cb)) return { distance: 0, rho: 1 };
  const rho = pearson(ca, cb, w);
  return { distance: pearsonDistance(rho), rho };
}

// ---------------------------------------------------------------- tabular

export interface TabularEpicOptions {
  nS: number;
  nA: number;
  gamma: number;
  /** D_S over the nS states (default uniform); need not be normalised. */
  stateDist?: ArrayLike<number>;
  /** D_A over the nA actions (default uniform). */
  actionDist?: ArrayLike<number>;
  /** D over transitions, nS·nA·nS weights indexed (s·nA + a)·nS + s′ (default D_S ⊗ D_A ⊗ D_S). */
  coverage?: ArrayLike<number>;
}

function distribution(p: ArrayLike<number> | undefined, n: number, what: string): Float64Array {
  if (p === undefined) return new Float64Array(n).fill(1 / n);
  if (p.length !== n) throw new InputError("E_INVALID_ARGUMENT", `EPIC: ${what} has ${p.length} entries, expected ${n}`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!(p[i]! >= 0) || !Number.isFinite(p[i]!)) throw new InputError("E_INVALID_ARGUMENT", `EPIC: ${what}[${i}] = ${p[i]} is not a finite non-negative number`);
    s += p[i]!;
  }
  if (!(s > 0)) throw new InputError("E_INVALID_ARGUMENT", `EPIC: ${what} sums to 0`);
  return Float64Array.from(p, (x) => x / s);
}

/** r[s, a, s′] as a dense nS·nA·nS array from either layout (nS·nA·nS, or nS·nA independent of s′). */
function denseReward(r: ArrayLike<number>, nS: number, nA: number, what: string): Float64Array {
  const full = nS * nA * nS;
  if (r.length !== full && r.length !== nS * nA) throw new InputError("E_INVALID_ARGUMENT", `EPIC: ${what} has ${r.length} entries, expected nS·nA·nS = ${full} or nS·nA = ${nS * nA}`);
  const out = new Float64Array(full);
  for (let i = 0; i < full; i++) {
    const v = r.length === full ? r[i]! : r[Math.floor(i / nS)]!;
    if (!Number.isFinite(v)) throw new InputError("E_INVALID_ARGUMENT", `EPIC: ${what}[${r.length === full ? i : Math.floor(i / nS)}] = ${v} is not finite`);
    out[i] = v;
  }
  return out;
}

/** C(R)[s, a, s′] (nS·nA·nS, indexed (s·nA + a)·nS + s′), exactly. */
export function canonicalizeTabular(r: ArrayLike<number>, opts: TabularEpicOptions, what = "reward"): Float64Array {
  const { nS, nA, gamma } = opts;
  if (!Number.isSafeInteger(nS) || nS < 1 || !Number.isSafeInteger(nA) || nA < 1) throw new InputError("E_INVALID_ARGUMENT", `EPIC: nS and nA must be positive integers, got ${nS}, ${nA}`);
  gammaCheck(gamma);
  const dS = distribution(opts.stateDist, nS, "stateDist"), dA = distribution(opts.actionDist, nA, "actionDist");
  const R = denseReward(r, nS, nA, what);
  const m = new Float64Array(nS); // m(x) = Σ_a Σ_s′ D_A(a) D_S(s′) R(x, a, s′)
  for (let x = 0; x < nS; x++) {
    let s = 0;
    for (let a = 0; a < nA; a++) for (let y = 0; y < nS; y++) s += dA[a]! * dS[y]! * R[(x * nA + a) * nS + y]!;
    m[x] = s;
  }
  let c = 0;
  for (let x = 0; x < nS; x++) c += dS[x]! * m[x]!;
  const out = new Float64Array(R.length);
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      for (let y = 0; y < nS; y++) {
        const i = (s * nA + a) * nS + y;
        out[i] = R[i]! + gamma * m[y]! - m[s]! - gamma * c;
      }
    }
  }
  return out;
}

/** Exact EPIC distance between two tabular rewards (see the file comment). */
export function epicDistanceTabular(rA: ArrayLike<number>, rB: ArrayLike<number>, opts: TabularEpicOptions): EpicResult {
  const { nS, nA } = opts;
  const ca = canonicalizeTabular(rA, opts, "rA"), cb = canonicalizeTabular(rB, opts, "rB");
  let w: Float64Array;
  if (opts.coverage !== undefined) w = distribution(opts.coverage, nS * nA * nS, "coverage");
  else {
    const dS = distribution(opts.stateDist, nS, "stateDist"), dA = distribution(opts.actionDist, nA, "actionDist");
    w = new Float64Array(nS * nA * nS);
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) for (let y = 0; y < nS; y++) w[(s * nA + a) * nS + y] = dS[s]! * dA[a]! * dS[y]!;
  }
  return epicOf(ca, cb, w);
}

// ---------------------------------------------------------------- sample-based

export interface SampledEpicOptions {
  gamma: number;
  /** Samples of the coverage distribution D: the correlation is taken over these transitions. */
  transitions: TransitionBatch;
  /** M samples of D_S, row-major M × obsDim. */
  states: Float64Array;
  /** M samples of D_A, row-major M × actDim, paired index by index with `states` as the (A, S′) samples. */
  actions: Float64Array;
  /** Largest batch handed to `RewardFn.evaluate` (default 65 536 transitions). */
  maxBatch?: number;
}

/** m(q) = (1/M) Σ_k R(q, a_k, x_k) for each row q of `queries` (n × obsDim). */
function meanOverSamples(reward: RewardFn, queries: Float64Array, n: number, states: Float64Array, actions: Float64Array, M: number, maxBatch: number): Float64Array {
  const { obsDim, actDim } = reward;
  const perChunk = Math.max(1, Math.floor(maxBatch / M));
  const out = new Float64Array(n);
  for (let q0 = 0; q0 < n; q0 += perChunk) {
    const q1 = Math.min(n, q0 + perChunk), rows = (q1 - q0) * M;
    const obs = new Float64Array(rows * obsDim), nextObs = new Float64Array(rows * obsDim), act = new Float64Array(rows * actDim);
    for (let q = q0; q < q1; q++) {
      const src = queries.subarray(q * obsDim, (q + 1) * obsDim);
      for (let k = 0; k < M; k++) {
        const row = (q - q0) * M + k;
        obs.set(src, row * obsDim);
        nextObs.set(states.subarray(k * obsDim, (k + 1) * obsDim), row * obsDim);
        act.set(actions.subarray(k * actDim, (k + 1) * actDim), row * actDim);
      }
    }
    const r = reward.evaluate({ n: rows, obs, actions: act, nextObs, terminated: new Uint8Array(rows) });
    for (let q = q0; q < q1; q++) {
      let s = 0;
      for (let k = 0; k < M; k++) s += r[(q - q0) * M + k]!;
      out[q] = s / M;
    }
  }
  return out;
}

/** C(R) on each transition of `opts.transitions`, with the expectations estimated from the samples. */
export function canonicalizeSampled(reward: RewardFn, opts: SampledEpicOptions): Float64Array {
  gammaCheck(opts.gamma);
  const { obsDim, actDim } = reward;
  const { transitions: tr, states, actions } = opts;
  checkBatch(reward, tr);
  const M = states.length / obsDim;
  if (!Number.isInteger(M) || M < 1 || actions.length !== M * actDim) {
    throw new InputError("E_INVALID_ARGUMENT", `EPIC (${reward.name}): states has ${states.length} values and actions ${actions.length}; need M·${obsDim} and M·${actDim} for the same M ≥ 1`);
  }
  const maxBatch = opts.maxBatch ?? 65536;
  const direct = reward.evaluate(tr);
  const mS = meanOverSamples(reward, tr.obs, tr.n, states, actions, M, maxBatch);
  const mNext = meanOverSamples(reward, tr.nextObs, tr.n, states, actions, M, maxBatch);
  const mX = meanOverSamples(reward, states, M, states, actions, M, maxBatch);
  let c = 0;
  for (let j = 0; j < M; j++) c += mX[j]!;
  c /= M;
  const g = opts.gamma;
  const out = new Float64Array(tr.n);
  for (let i = 0; i < tr.n; i++) out[i] = direct[i]! + g * mNext[i]! - mS[i]! - g * c;
  return out;
}

/** Sample-based EPIC distance between two `RewardFn`s over the same samples (see the file comment). */
export function epicDistanceSampled(rA: RewardFn, rB: RewardFn, opts: SampledEpicOptions): EpicResult & { n: number; m: number } {
  if (rA.obsDim !== rB.obsDim || rA.actDim !== rB.actDim) {
    throw new InputError("E_INVALID_ARGUMENT", `EPIC: ${rA.name} takes (${rA.obsDim}, ${rA.actDim}) and ${rB.name} (${rB.obsDim}, ${rB.actDim}) observation/action dims`);
  }
  if (opts.transitions.n < 2) throw new InputError("E_INVALID_ARGUMENT", `EPIC: needs at least 2 transitions, got ${opts.transitions.n}`);
  const ca = canonicalizeSampled(rA, opts), cb = canonicalizeSampled(rB, opts);
  return { ...epicOf(ca, cb), n: opts.transitions.n, m: opts.states.length / rA.obsDim };
}
