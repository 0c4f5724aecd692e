/**
 * Baseline (issue 17): tabular T-REX (Brown, Goo, Nagarajan & Niekum 2019, "Extrapolating beyond suboptimal
 * demonstrations via inverse reinforcement learning from observations", ICML), with rankings from TIME (its
 * §5.3.1: a learner's later rollouts are preferred to its earlier ones).
 *
 * Reward: state-only, one-hot, r(s) = θ_s — T-REX learns from observations (no actions), and the grid's true
 * reward is state-only too. A snippet σ (a contiguous run of L visited states of one trajectory) has predicted
 * return R(σ) = Σ_{s∈σ} r(s) = θᵀc(σ), c(σ) its visit counts. For a pair σ_i ≺ σ_j (σ_j from the better-ranked
 * trajectory) the Bradley–Terry model and T-REX's loss are
 *
 *   P(σ_i ≺ σ_j) = exp R(σ_j) / (exp R(σ_i) + exp R(σ_j)) = σ(θᵀx),   x = c(σ_j) − c(σ_i),
 *   L(θ) = (1/P) Σ_pairs −ln σ(θᵀx) + (λ/2)|θ|²,
 *
 * a logistic regression on count differences: convex, so we minimise it to its optimum by damped Newton steps
 * instead of T-REX's SGD on a network (the same optimum without a learning rate; the small L2 term λ keeps θ
 * finite when the pairs are separable and fixes the constant, which no equal-length pair sees).
 *
 * Snippets (T-REX's rule): pick two trajectories of different rank, a common length L = min(snippetLength, both
 * lengths), a uniform start in the worse one, and a start in the better one no earlier than that (when its
 * length allows; else uniform). A fixed set of `pairs` pairs is drawn once from the seeded Rng.
 *
 * On a Table 2 history each policy update holds ONE sampled stream of 1000 state–action pairs (the grid's resets
 * happen inside it), so snippets are cut from those streams; the rank of a stream is its update index.
 *
 * The fitted θ is identified only up to a positive factor (and a constant); before planning, `tabularTrexReward`
 * sets the factor by the likelihood of the last update's actions (reward-scale.ts).
 *
 * Usage: `const r = tabularTrexReward(mdp, run.history, { alpha: 0.3 }, new Rng(seed));`
 */
import { InputError, NumericalError } from "../../core/errors.ts";
import { solveLinear } from "../../core/linalg.ts";
import type { Rng } from "../../core/rng.ts";
import type { LearningHistory } from "../../data/learning-history.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { likelihoodScale } from "./reward-scale.ts";
import { tabularBatches, visitCounts } from "./tabular-policy-estimation.ts";

export interface TabularTrexConfig {
  /** Snippet length L (default 50, T-REX's Atari snippets and our Table 3 T-REX). */
  snippetLength?: number;
  /** Snippet pairs drawn (default 5000; T-REX's MuJoCo code uses 10,000 with random lengths). */
  pairs?: number;
  /** L2 weight λ on θ (default 1e-3). */
  l2?: number;
  /** Maximum Newton steps (default 100; stops earlier at convergence). */
  newtonSteps?: number;
}

export const TABULAR_TREX_DEFAULTS: Required<TabularTrexConfig> = { snippetLength: 50, pairs: 5000, l2: 1e-3, newtonSteps: 100 };

/** One demonstration: its visited states in order and its rank (higher = preferred). */
export interface RankedStates {
  states: Int32Array;
  rank: number;
}

export interface TabularTrexFit {
  /** θ = r(s), length nS (not yet scaled for planning). */
  reward: Float64Array;
  /** L(θ) at the optimum, and the fraction of training pairs ordered correctly by R. */
  loss: number;
  pairAccuracy: number;
}

/** The count differences x = c(σ_better) − c(σ_worse) of `pairs` snippet pairs, row-major pairs × nS. */
export function snippetPairs(nS: number, demos: readonly RankedStates[], snippetLength: number, pairs: number, rng: Rng): Float64Array {
  const ranks = new Set(demos.map((d) => d.rank));
  if (ranks.size < 2) throw new InputError("E_INVALID_ARGUMENT", "tabular T-REX: need demonstrations of at least two different ranks");
  if (demos.some((d) => d.states.length === 0)) throw new InputError("E_INVALID_ARGUMENT", "tabular T-REX: a demonstration has no states");
  const X = new Float64Array(pairs * nS);
  for (let p = 0; p < pairs; p++) {
    let i = rng.int(demos.length), j = rng.int(demos.length);
    while (demos[i]!.rank === demos[j]!.rank) { i = rng.int(demos.length); j = rng.int(demos.length); }
    const [worse, better] = demos[i]!.rank < demos[j]!.rank ? [demos[i]!, demos[j]!] : [demos[j]!, demos[i]!];
    const L = Math.min(snippetLength, worse.states.length, better.states.length);
    const wStart = rng.int(worse.states.length - L + 1);
    const bMax = better.states.length - L;
    const bStart = wStart <= bMax ? wStart + rng.int(bMax - wStart + 1) : rng.int(bMax + 1);
    const row = p * nS;
    for (let t = 0; t < L; t++) {
      X[row + better.states[bStart + t]!]! += 1;
      X[row + worse.states[wStart + t]!]! -= 1;
    }
  }
  return X;
}

const logSigmoid = (m: number): number => (m >= 0 ? -Math.log1p(Math.exp(-m)) : m - Math.log1p(Math.exp(m)));
const sigmoid = (m: number): number => (m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m)));

/** T-REX's Bradley–Terry fit of a one-hot state reward to ranked demonstrations (module comment). */
export function trainTabularTrex(nS: number, demos: readonly RankedStates[], config: TabularTrexConfig, rng: Rng): TabularTrexFit {
  const cfg = { ...TABULAR_TREX_DEFAULTS, ...config };
  if (!Number.isInteger(cfg.snippetLength) || cfg.snippetLength < 1 || !Number.isInteger(cfg.pairs) || cfg.pairs < 1 || !(cfg.l2 > 0) || !Number.isInteger(cfg.newtonSteps) || cfg.newtonSteps < 1) {
    throw new InputError("E_INVALID_CONFIG", `tabular T-REX: need integer snippetLength ≥ 1, pairs ≥ 1, newtonSteps ≥ 1 and l2 > 0 (got ${cfg.snippetLength}, ${cfg.pairs}, ${cfg.newtonSteps}, ${cfg.l2})`);
  }
  for (const d of demos) for (const s of d.states) if (!(s >= 0 && s < nS)) throw new InputError("E_INVALID_ARGUMENT", `tabular T-REX: state ${s} is not in 0..${nS - 1}`);
  const X = snippetPairs(nS, demos, cfg.snippetLength, cfg.pairs, rng);
  const P = cfg.pairs, lambda = cfg.l2;
  const theta = new Float64Array(nS);
  const margins = (th: Float64Array): Float64Array => {
    const m = new Float64Array(P);
    for (let p = 0; p < P; p++) { let s = 0; for (let k = 0; k < nS; k++) s += th[k]! * X[p * nS + k]!; m[p] = s; }
    return m;
  };
  const lossOf = (th: Float64Array, m: Float64Array): number => {
    let l = 0;
    for (let p = 0; p < P; p++) l -= logSigmoid(m[p]!);
    let n2 = 0;
    for (const v of th) n2 += v * v;
    return l / P + (lambda / 2) * n2;
  };
  let m = margins(theta), loss = lossOf(theta, m);
  for (let step = 0; step < cfg.newtonSteps; step++) {
    const grad = new Float64Array(nS), H = new Float64Array(nS * nS);
    for (let p = 0; p < P; p++) {
      const row = p * nS, sNeg = sigmoid(-m[p]!), w = sNeg * (1 - sNeg);
      for (let k = 0; k < nS; k++) {
        const xk = X[row + k]!;
        if (xk === 0) continue;
        grad[k] = grad[k]! - sNeg * xk / P;
        for (let l = 0; l < nS; l++) H[k * nS + l] = H[k * nS + l]! + w * xk * X[row + l]! / P;
      }
    }
    for (let k = 0; k < nS; k++) { grad[k] = grad[k]! + lambda * theta[k]!; H[k * nS + k] = H[k * nS + k]! + lambda; }
    const dir = solveLinear(H, grad, nS);
    let decrement = 0;
    for (let k = 0; k < nS; k++) decrement += dir[k]! * grad[k]!;
    if (decrement / 2 < 1e-14) break;
    // Backtracking line search on the convex loss.
    let t = 1, next: Float64Array, mNext: Float64Array, lNext: number;
    for (;;) {
      next = theta.map((v, k) => v - t * dir[k]!);
      mNext = margins(next);
      lNext = lossOf(next, mNext);
      if (lNext <= loss - 0.25 * t * decrement || t < 1e-10) break;
      t /= 2;
    }
    theta.set(next);
    m = mNext;
    loss = lNext;
  }
  if (!Number.isFinite(loss) || theta.some((v) => !Number.isFinite(v))) throw new NumericalError("tabular T-REX: non-finite loss or reward");
  let right = 0;
  for (let p = 0; p < P; p++) if (m[p]! > 0) right++;
  return { reward: theta, loss, pairAccuracy: right / P };
}

/** The history's streams as demonstrations ranked by TIME: update k's trajectories get rank k. */
export function demosByUpdate(history: LearningHistory, nS: number, nA: number): RankedStates[] {
  const batches = tabularBatches(history, nS, nA); // validates every state and action
  return history.updates.flatMap((up, k) => {
    let offset = 0;
    return up.trajectories.map((tr) => {
      const states = batches[k]!.s.slice(offset, offset + tr.length);
      offset += tr.length;
      return { states, rank: k };
    });
  });
}

export interface TabularTrexRewardResult extends TabularTrexFit {
  /** The factor c* applied to θ for planning. */
  scale: number;
  /** c*·θ, length nS: the reward to plan on. */
  planningReward: Float64Array;
}

/** Tabular T-REX with rankings from time on a tabular learning history, scaled for planning at α. */
export function tabularTrexReward(mdp: TabularMdp, history: LearningHistory, opts: { alpha: number } & TabularTrexConfig, rng: Rng): TabularTrexRewardResult {
  const { alpha, ...config } = opts;
  const fit = trainTabularTrex(mdp.nS, demosByUpdate(history, mdp.nS, mdp.nA), config, rng);
  const batches = tabularBatches(history, mdp.nS, mdp.nA);
  const { scale } = likelihoodScale(mdp, fit.reward, visitCounts(batches[batches.length - 1]!, mdp.nS, mdp.nA), alpha);
  return { ...fit, scale, planningReward: fit.reward.map((v) => scale * v) };
}
