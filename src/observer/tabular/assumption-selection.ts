/**
 * The observer's assumptions chosen from the data: the reward form (state-only ρ(s), or r(s,a)) and the learner
 * model (soft policy improvement "spi", Eq. 3, or sampled soft value iteration "svi") are compared by how well
 * each predicts the NEXT update's actions when fitted on the updates before it (forward-chaining cross-validation
 * over updates). Replaces the fixed 0.075-nats margin of the first pass (docs/observer-tabular.md §7).
 *
 * Fold h (held-out update): every candidate is fitted by maximum likelihood as a simulated learner
 * (simulated-learner-fit.ts) on the actions of D_1..D_{h−1} only, started from its least-squares inversion of
 * π̂_0..π̂_{h−1} (so the held-out actions enter neither the start nor the fit), and scored by the log-probability
 * of D_h's actions under its predicted π_h. The transitions of every batch (P̂, and the batches that drive the
 * SVI simulation) are dynamics, not the predicted actions, and are used as observed. Folds: up to three held-out
 * updates spread over the second half of the history (h = K for the last).
 *
 * Choice: the candidate with the highest held-out log-likelihood, except that a SIMPLER candidate is kept when
 * it is within one standard error of the best (the one-standard-error rule, Breiman et al. 1984): the standard
 * error is that of the mean paired per-action difference over all held-out actions. Simplicity order:
 * spi/state, svi/state, spi/state-action, svi/state-action (a state-only reward has nA times fewer parameters;
 * among models, the paper's SPI first). A "td" candidate (online Q-learning replayed on the stream with step η,
 * q-learning-inversion.ts; it starts from svi's least-squares inversion) may be passed in `candidates`: the TD gate
 * (td-gate.ts) scores it this way.
 *
 * Usage: `const cv = crossValidateAssumptions({ model, batches, counts, policies, alphaModel: 0.7 }, { iterations: 40, folds: 3 });`
 */
import { InputError } from "../../core/errors.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { qLearningSimulator } from "./q-learning-inversion.ts";
import { fitSimulatedLearner, type SimulatedLearner } from "./simulated-learner-fit.ts";
import { spiSimulator } from "./spi-simulation.ts";
import { stateOnlyLearner } from "./state-only-learner.ts";
import { regressStateOnlyReward } from "./state-only-regression.ts";
import { sviSimulator } from "./svi-inversion.ts";
import { fitConsistentReward } from "./tabular-consistent-reward.ts";
import { invertSoftImprovement } from "./soft-policy-inversion.ts";
import { visitCounts, type TabularBatch } from "./tabular-policy-estimation.ts";
import { effectiveSteps, fitTdReward } from "./td-inversion.ts";
import type { RewardForm } from "./learner-model-selection.ts";

export type AssumedModel = "spi" | "svi" | "td";

export interface Assumption {
  model: AssumedModel;
  form: RewardForm;
  /** The constant step η of a "td" model (online Q-learning replayed on the stream, q-learning-inversion.ts). */
  eta?: number;
}

/** The candidates in simplicity order (the one-standard-error rule keeps the first within 1 SE of the best). */
export const ASSUMPTION_CANDIDATES: readonly Assumption[] = [
  { model: "spi", form: "state" }, { model: "svi", form: "state" }, { model: "spi", form: "state-action" }, { model: "svi", form: "state-action" },
];

export function assumptionName(a: Assumption): string {
  return `${a.model === "td" ? `td(η=${a.eta})` : a.model}/${a.form}`;
}

export interface AssumptionScore extends Assumption {
  name: string;
  /** Mean held-out log-likelihood per action (nats) over all folds. */
  heldOut: number;
  /** Held-out log-likelihood per fold (mean per action), in the order of `heldOutUpdates`. */
  perFold: number[];
  /** Mean paired difference to the best candidate (≤ 0) and its standard error, per action. */
  diffToBest: number;
  diffSe: number;
}

export interface AssumptionSelection {
  chosen: Assumption;
  scores: AssumptionScore[];
  /** Held-out update indices h (positions in the history, 1..K). */
  heldOutUpdates: number[];
  /** Held-out actions in total. */
  heldOutActions: number;
  rule: string;
}

export interface AssumptionInput {
  /** P̂ (reward ignored). */
  model: TabularMdp;
  batches: readonly TabularBatch[];
  counts: readonly Float64Array[];
  policies: readonly Float64Array[];
  alphaModel: number;
}

export interface AssumptionOptions {
  /** L-BFGS iterations per fold fit. */
  iterations: number;
  /** Held-out updates (at most). */
  folds: number;
  candidates?: readonly Assumption[];
}

/** Held-out updates: up to `folds` values spread over the second half of 2..K, always including K. */
export function heldOutUpdates(K: number, folds: number): number[] {
  if (K < 2) return [];
  const hs = new Set<number>();
  for (let i = 1; i <= folds; i++) hs.add(Math.max(2, Math.round(K / 2 + (K / 2) * (i / folds))));
  return [...hs].sort((a, b) => a - b);
}

function tdStep(a: Assumption): number {
  if (a.eta === undefined) throw new InputError("E_INVALID_CONFIG", `assumption ${a.model}/${a.form} needs its TD step eta`);
  return a.eta;
}

/** The simulated learner of an assumption over updates 0..K, and its least-squares start from π̂_0..π̂_known (known ≤ K; 0: a zero start, for callers that warm-start themselves). */
export function assumptionLearner(a: Assumption, input: AssumptionInput, K: number, known = K): { learner: SimulatedLearner; theta0: Float64Array } {
  const { model, batches, policies, alphaModel } = input;
  const { nS, nA, gamma } = model, m = nS * nA;
  let sa: Float64Array, q0: number, learner: SimulatedLearner;
  if (a.model === "spi") {
    const targets: Float64Array[] = [];
    for (let k = 0; k < known; k++) targets.push(invertSoftImprovement(model, policies[k]!, policies[k + 1]!, alphaModel));
    sa = known > 0 ? fitConsistentReward(targets, model.P, nS, nA, gamma).reward : new Float64Array(m);
    q0 = 0;
    learner = spiSimulator(model, K, alphaModel);
  } else {
    const visited = batches.slice(0, known).map((b) => effectiveSteps(visitCounts(b, nS, nA), 1));
    sa = known > 0 ? fitTdReward(model, policies.slice(0, known + 1), visited, alphaModel, { backup: "soft" }).reward : new Float64Array(m);
    q0 = -alphaModel * Math.log(nA);
    // "td" starts where "svi" does (its least-squares inversion with η_k = 1 on the visited pairs).
    learner = a.model === "svi" ? sviSimulator(batches, K, nS, nA, gamma, alphaModel) : qLearningSimulator(batches, K, tdStep(a), nS, nA, gamma);
  }
  if (a.form === "state-action") {
    const theta0 = new Float64Array(m + 1);
    theta0.set(sa);
    theta0[m] = q0;
    return { learner, theta0 };
  }
  const theta0 = new Float64Array(nS + 1);
  if (known > 0) theta0.set(regressStateOnlyReward(model, sa).reward);
  theta0[nS] = q0;
  return { learner: stateOnlyLearner(learner, nS, nA), theta0 };
}

/** ln softmax(Q/α)(a|s) for every pair (row-major). */
function logSoftmax(Q: Float64Array, alpha: number, nS: number, nA: number): Float64Array {
  const out = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) {
    const o = s * nA;
    let mx = -Infinity;
    for (let a = 0; a < nA; a++) mx = Math.max(mx, Q[o + a]!);
    let z = 0;
    for (let a = 0; a < nA; a++) z += Math.exp((Q[o + a]! - mx) / alpha);
    const lz = Math.log(z);
    for (let a = 0; a < nA; a++) out[o + a] = (Q[o + a]! - mx) / alpha - lz;
  }
  return out;
}

export function crossValidateAssumptions(input: AssumptionInput, options: AssumptionOptions): AssumptionSelection {
  const candidates = options.candidates ?? ASSUMPTION_CANDIDATES;
  if (candidates.length === 0) throw new InputError("E_INVALID_CONFIG", "assumption selection needs at least one candidate");
  const { counts, alphaModel } = input;
  const { nS, nA } = input.model, m = nS * nA;
  const K = counts.length - 1;
  const hs = heldOutUpdates(K, options.folds);
  if (hs.length === 0 || candidates.length === 1) {
    const only = candidates[0]!;
    return { chosen: only, scores: [], heldOutUpdates: hs, heldOutActions: 0, rule: hs.length === 0 ? "fewer than 3 updates: nothing to hold out, first candidate kept" : "single candidate" };
  }
  // Per candidate: log-probabilities of the held-out pairs, fold by fold (weights = held-out counts).
  const lp: Float64Array[][] = candidates.map(() => hs.map(() => new Float64Array(m)));
  for (const [f, h] of hs.entries()) {
    const train = [...counts.slice(0, h), new Float64Array(m)];
    for (const [c, a] of candidates.entries()) {
      const { learner, theta0 } = assumptionLearner(a, input, h, h - 1);
      const fit = fitSimulatedLearner(learner, train, alphaModel, nS, nA, theta0, options.iterations);
      const Qs = learner.forward(fit.theta);
      lp[c]![f] = logSoftmax(Qs[h]!, alphaModel, nS, nA);
    }
  }
  let N = 0;
  for (const h of hs) for (const v of counts[h]!) N += v;
  const total = (c: number): number => {
    let s = 0;
    hs.forEach((h, f) => { const n = counts[h]!; for (let i = 0; i < m; i++) if (n[i]! > 0) s += n[i]! * lp[c]![f]![i]!; });
    return s / Math.max(1, N);
  };
  const means = candidates.map((_, c) => total(c));
  const best = means.indexOf(Math.max(...means));
  /** Mean and standard error of the paired per-action difference c − best. */
  const paired = (c: number): { d: number; se: number } => {
    let s = 0, s2 = 0;
    hs.forEach((h, f) => {
      const n = counts[h]!;
      for (let i = 0; i < m; i++) if (n[i]! > 0) { const d = lp[c]![f]![i]! - lp[best]![f]![i]!; s += n[i]! * d; s2 += n[i]! * d * d; }
    });
    const d = s / Math.max(1, N), v = Math.max(0, s2 / Math.max(1, N) - d * d);
    return { d, se: Math.sqrt(v / Math.max(1, N)) };
  };
  const scores: AssumptionScore[] = candidates.map((a, c) => {
    const { d, se } = paired(c);
    const perFold = hs.map((h, f) => { const n = counts[h]!; let s = 0, nn = 0; for (let i = 0; i < m; i++) if (n[i]! > 0) { s += n[i]! * lp[c]![f]![i]!; nn += n[i]!; } return s / Math.max(1, nn); });
    return { ...a, name: assumptionName(a), heldOut: means[c]!, perFold, diffToBest: d, diffSe: se };
  });
  const chosen = scores.find((s) => s.diffToBest >= -s.diffSe) ?? scores[best]!;
  return { chosen: { model: chosen.model, form: chosen.form }, scores, heldOutUpdates: hs, heldOutActions: N, rule: "highest held-out log-likelihood of the next update's actions; the simplest candidate within one standard error of the best is kept" };
}
