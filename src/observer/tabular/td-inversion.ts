/**
 * Inverting a chain of temporal-difference (Q-learning-like) updates of a softmax learner (a learner model
 * beyond the paper's soft policy improvement; docs/observer-tabular.md has the derivation and measurements).
 *
 * Model. The learner acts with π_k(a|s) ∝ exp(Q_k(s,a)/α), samples the batch D_k (n_k(s,a) visits, seen by the
 * observer) and moves every pair towards its one-step target,
 *
 *   Q_{k+1}(s,a) = (1 − η_k(s,a)) Q_k(s,a) + η_k(s,a) (r(s,a) + γ E_{s′~P(·|s,a)}[V_k(s′)]),          (TD)
 *   η_k(s,a) = 1 − (1 − η)^{n_k(s,a)}   (n_k visits with a constant step η, targets held at Q_k),
 *   V_k(s) = α ln Σ_b exp(Q_k(s,b)/α)  ("soft" backup)  or  max_b Q_k(s,b)  ("max": Watkins' Q-learning).
 *
 * A softmax policy fixes Q_k up to a state function: Q_k(s,a) = α ln π_k(a|s) + c_k(s), and then
 * V_k = c_k (soft) or c_k + m_k with m_k(s) = α max_b ln π_k(b|s) (max). Substituting into (TD):
 *
 *   α ln π_{k+1} − (1−η_k) α ln π_k − η_k γ P m_k = η_k r + η_k γ P c_k + (1−η_k) c_k − c_{k+1},      k = 0..K−1
 *
 * which is LINEAR in the unknowns (r, c_0..c_K): a weighted least-squares problem over all updates and pairs.
 * Soft value iteration is the special case η_k ≡ 1 (svi-inversion.ts); sampled SVI on a deterministic MDP is
 * η = 1 here (η_k = 1 exactly on the pairs visited in D_k, 0 elsewhere).
 *
 * Identification. Adding a shaping, r → r + h − γPh with c_k → c_k + h for every k, leaves every equation
 * unchanged; nothing else does (the chain forces the same h into every c_k). We fix this gauge by c_0 = 0
 * (for a learner that starts from a constant Q_0 this recovers r up to a constant). A pair never updated
 * (η_k = 0 for all k) has no equation for r(s,a): the tiny ridge sets it to 0. With α the learner's entropy
 * weight the fit returns r + shaping exactly; every term is proportional to α, so α is only a scale of the
 * recovered reward (α_model cannot be identified from softmax policies; we keep the paper's 0.7).
 *
 * Usage: `const fit = fitTdReward(model, policies, etas, 0.7, { backup: "max" });`
 */
import { EnvelopeLeastSquares } from "../../core/envelope-least-squares.ts";
import { InputError } from "../../core/errors.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";

export type TdBackup = "soft" | "max";

export interface TdFitOptions {
  /** How the learner's target values its next state (soft: α ln Σ exp(Q/α); max: max_b Q). */
  backup: TdBackup;
  /** Per-update, per-pair weight of the equation (default 1). */
  weights?: readonly Float64Array[];
  /** Absolute ridge on every unknown. */
  ridge?: number;
  /** Ridge pulling every r(s,a) towards `value` with weight `strength` (a prior for weakly identified pairs). */
  prior?: { value: number; strength: number };
  /** Reward of pairs never updated (η_k = 0 for all k): see `fillUnidentified` (default "state"). */
  unidentified?: "state" | "min";
}

export interface TdFit {
  /** r(s,a), row-major nS×nA (in the gauge c_0 = 0). */
  reward: Float64Array;
  /** c_0..c_K: Q_k = α ln π_k + c_k. */
  offsets: Float64Array[];
  /** The modelled Q_{k+1} (right side of the model equation), per update k → k+1, row-major nS×nA. */
  predictedLogits: Float64Array[];
  /** Residual predicted Q_{k+1} − (α ln π_{k+1} + c_{k+1}) per update k → k+1, row-major nS×nA. */
  residuals: Float64Array[];
}

/** η_k(s,a) = 1 − (1 − η)^{n_k(s,a)}: the effective step of n_k visits with a constant step η (η = 1: visited or not). */
export function effectiveSteps(counts: Float64Array, eta: number): Float64Array {
  if (!(eta > 0 && eta <= 1)) throw new InputError("E_INVALID_CONFIG", `TD step eta must be in (0, 1], got ${eta}`);
  return counts.map((n) => (n > 0 ? 1 - Math.pow(1 - eta, n) : 0));
}

/**
 * Fits (r, c_1..c_K) with c_0 = 0 to the (TD) equations of the improvements π_k → π_{k+1} (policies.length = K + 1,
 * etas.length = K). `model` supplies P and γ (its reward is ignored).
 */
export function fitTdReward(model: TabularMdp, policies: readonly Float64Array[], etas: readonly Float64Array[], alpha: number, options: TdFitOptions): TdFit {
  const { nS, nA, gamma, P } = model;
  const K = policies.length - 1, m = nS * nA;
  if (K < 1) throw new InputError("E_INVALID_HISTORY", `TD inversion needs at least two policies, got ${policies.length}`);
  if (etas.length !== K) throw new InputError("E_INVALID_ARGUMENT", `TD inversion: ${etas.length} step tables for ${K} updates`);
  if (!(alpha > 0)) throw new InputError("E_INVALID_CONFIG", `alphaModel must be > 0, got ${alpha}`);
  const logPi = policies.map((pi) => pi.map((p) => alpha * Math.log(p)));
  for (const [k, lp] of logPi.entries()) lp.forEach((v, i) => { if (!Number.isFinite(v)) throw new InputError("E_INVALID_ARGUMENT", `TD inversion: policy ${k} entry ${i} is not positive`); });
  // m_k(s) = α max_b ln π_k(b|s) for the max backup, 0 for the soft one.
  const mk = logPi.map((lp) => Float64Array.from({ length: nS }, (_, s) => (options.backup === "max" ? Math.max(...lp.subarray(s * nA, s * nA + nA)) : 0)));
  // Unknowns: c_1..c_K (index (k−1)·nS + s), then r (index K·nS + s·nA + a); c_0 = 0 is the gauge.
  const rAt = K * nS;
  const ls = new EnvelopeLeastSquares(rAt + m);
  const cols: number[] = [], vals: number[] = [];
  for (let k = 0; k < K; k++) {
    const eta = etas[k]!, w = options.weights?.[k];
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        const i = s * nA + a, e = eta[i]!;
        cols.length = 0; vals.length = 0;
        let y = logPi[k + 1]![i]! - (1 - e) * logPi[k]![i]!;
        if (e > 0) {
          cols.push(rAt + i); vals.push(e);
          for (let t = 0; t < nS; t++) {
            const p = P[i * nS + t]!;
            if (p === 0) continue;
            y -= e * gamma * p * mk[k]![t]!;
            if (k > 0) { cols.push((k - 1) * nS + t); vals.push(e * gamma * p); }
          }
        }
        if (k > 0 && e < 1) { cols.push((k - 1) * nS + s); vals.push(1 - e); }
        cols.push(k * nS + s); vals.push(-1);
        ls.addRow(cols, vals, y, w === undefined ? 1 : w[i]!);
      }
    }
  }
  if (options.prior !== undefined) for (let i = 0; i < m; i++) ls.addRow([rAt + i], [1], options.prior.value, options.prior.strength);
  const x = ls.solve(options.ridge ?? 1e-9);
  const offsets = [new Float64Array(nS), ...Array.from({ length: K }, (_, k) => x.slice(k * nS, (k + 1) * nS))];
  const reward = x.slice(rAt, rAt + m);
  fillUnidentified(reward, etas, nA, options.unidentified ?? "state");
  const predictedLogits = etas.map((eta, k) => {
    const out = new Float64Array(m);
    const cK = offsets[k]!;
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        const i = s * nA + a, e = eta[i]!;
        let ev = 0;
        for (let t = 0; t < nS; t++) ev += P[i * nS + t]! * (cK[t]! + mk[k]![t]!);
        out[i] = e * (reward[i]! + gamma * ev) + (1 - e) * (logPi[k]![i]! + cK[s]!);
      }
    }
    return out;
  });
  const residuals = predictedLogits.map((pred, k) => pred.map((v, i) => v - logPi[k + 1]![i]! - offsets[k + 1]![Math.floor(i / nA)]!));
  return { reward, offsets, predictedLogits, residuals };
}

/**
 * Rewards of the pairs no update touched (η_k(s,a) = 0 for every k; `etas` may be any per-update tables) (no equation constrains them): the mean fitted reward of the other
 * actions of the same state when some were updated ("state"), else — and for every such pair with "min" — the
 * lowest fitted reward (pessimism: the observer should not be drawn towards what the data says nothing about).
 */
export function fillUnidentified(reward: Float64Array, etas: readonly Float64Array[], nA: number, how: "state" | "min"): void {
  const known = Array.from(reward, (_, i) => etas.some((e) => e[i]! > 0));
  const values = Array.from(reward).filter((_, i) => known[i]);
  if (values.length === 0) return;
  const lowest = Math.min(...values);
  for (let i = 0; i < reward.length; i++) {
    if (known[i]) continue;
    const o = i - (i % nA);
    let sum = 0, n = 0;
    for (let a = 0; a < nA; a++) if (known[o + a]) { sum += reward[o + a]!; n++; }
    reward[i] = how === "state" && n > 0 ? sum / n : lowest;
  }
}
