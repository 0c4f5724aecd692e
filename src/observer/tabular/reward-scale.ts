/**
 * The scale of a reward recovered only up to a positive factor (tabular T-REX, LOGEL), set before planning.
 *
 * Planning at a fixed entropy weight α is NOT scale-free: the optimal soft policy of c·r̂ goes from uniform
 * (c → 0) to greedy (c → ∞), and on the paper's grid the TRUE reward scaled by 0.29 (unit standard deviation over
 * an optimal policy's visits) already loses 16% of (J* − J(U)). Neither T-REX's Bradley–Terry model nor LOGEL's
 * gradient model identifies c, so we set it by the demonstrator model the MaxEnt IRL column assumes: the last
 * observed update's actions are those of the optimal soft policy of c·r̂ at α, and
 *
 *   c* = argmax_{c > 0} (1/N) Σ_i ln π_{c·r̂}(a_i|s_i)      (π_{c·r̂}: soft value iteration, true dynamics, α)
 *
 * found by golden-section search on ln c over [ln cMin, ln cMax] (ℓ(c) is unimodal in practice; the search
 * returns the best point it evaluated, so a non-unimodal ℓ costs accuracy, not validity).
 *
 * Usage: `const { scale } = likelihoodScale(mdp, rHat, visitCounts(lastBatch, nS, nA), 0.3);`
 */
import { InputError } from "../../core/errors.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { maxEntLikelihood } from "./maxent-irl.ts";

export interface LikelihoodScale {
  /** c*: the factor applied to r̂. */
  scale: number;
  /** ℓ(c*), mean log-likelihood per pair. */
  logLikelihood: number;
}

/** c* for a reward r̂ of length nS (r(s)) or nS·nA (r(s,a)), from visit counts n(s,a) of the demonstrator. */
export function likelihoodScale(mdp: TabularMdp, reward: Float64Array, counts: Float64Array, alpha: number, opts: { cMin?: number; cMax?: number; iterations?: number } = {}): LikelihoodScale {
  const { nS, nA } = mdp;
  const form = reward.length === nS ? "s" : reward.length === nS * nA ? "sa" : null;
  if (form === null) throw new InputError("E_INVALID_ARGUMENT", `likelihoodScale: reward has ${reward.length} entries, expected nS = ${nS} or nS·nA = ${nS * nA}`);
  if (counts.length !== nS * nA || !counts.some((c) => c > 0)) throw new InputError("E_INVALID_ARGUMENT", "likelihoodScale: counts must have nS·nA entries, not all 0");
  const lo0 = Math.log(opts.cMin ?? 1e-3), hi0 = Math.log(opts.cMax ?? 1e3), iterations = opts.iterations ?? 40;
  if (!(lo0 < hi0) || !(alpha > 0)) throw new InputError("E_INVALID_ARGUMENT", `likelihoodScale: need 0 < cMin < cMax and alpha > 0`);
  const ell = (logC: number): number => maxEntLikelihood(mdp, counts, reward.map((x) => Math.exp(logC) * x), alpha, form).value;
  let best = { logC: lo0, value: ell(lo0) };
  const consider = (logC: number, value: number): void => { if (value > best.value) best = { logC, value }; };
  const end = ell(hi0);
  consider(hi0, end);
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = lo0, hi = hi0;
  let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1 = ell(x1), f2 = ell(x2);
  consider(x1, f1); consider(x2, f2);
  for (let it = 0; it < iterations; it++) {
    if (f1 >= f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = ell(x1); consider(x1, f1); }
    else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = ell(x2); consider(x2, f2); }
  }
  return { scale: Math.exp(best.logC), logLikelihood: best.value };
}
