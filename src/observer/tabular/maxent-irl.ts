/**
 * Baseline (issue 17): tabular maximum-entropy IRL (Ziebart, Maas, Bagnell & Dey 2008, AAAI), in its discounted,
 * causal form: the demonstrator is modelled as the optimal SOFT policy of a reward r_θ with one-hot features,
 *
 *   π_θ(a|s) = exp((Q_θ(s,a) − V_θ(s)) / α),   Q_θ, V_θ from soft value iteration under the TRUE dynamics,
 *
 * and θ maximises the mean log-likelihood of the observed state–action pairs (s_i, a_i), i = 1..N:
 *
 *   ℓ(θ) = (1/N) Σ_i ln π_θ(a_i|s_i),
 *   ∇ℓ = (1/(αN)) ( Σ_i μ_(s_i,a_i) − Σ_i Σ_b π_θ(b|s_i) μ_(s_i,b) )   (empirical − expected feature counts),
 *
 * where μ_(s,a) = Σ_t γ^t Pr(s_t, a_t = · | s_0 = s, a_0 = a, π_θ) is the discounted feature count (one-hot
 * features: the occupancy) from (s, a). With weights w(s,a) = n(s,a) − N(s) π_θ(a|s) (N(s) = Σ_a n(s,a)), the
 * sum is g = wᵀ(I − γ P̃_π)⁻¹ with P̃_π[(s,a),(s′,a′)] = P(s′|s,a) π(a′|s′), computed from ONE nS×nS system:
 *
 *   (I − γ P_πᵀ) h = Pᵀw,   g(s,a) = w(s,a) + γ π(a|s) h(s).
 *
 * The state-only form r(s) (Ziebart 2008's state features; the default) sums g over actions. θ is fitted by Adam
 * on ℓ from θ = 0; the returned reward is r_θ (length nS or nS·nA), to be planned on by `planOnReward`.
 *
 * Usage: `const { reward } = maxEntIrl(mdp, visitCounts(lastBatch, nS, nA), { alpha: 0.3 });`
 */
import { InputError, NumericalError } from "../../core/errors.ts";
import { solveLinear } from "../../core/linalg.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { Adam } from "../../nn/adam.ts";
import { softValueIteration } from "../../solvers/soft-policy.ts";

export interface MaxEntIrlConfig {
  /** The demonstrator model's entropy weight α (default 0.3: the grid's planning α). */
  alpha?: number;
  /** "s": r(s) (default); "sa": r(s, a). */
  form?: "s" | "sa";
  /** Adam steps (default 300) and learning rate (default 0.1) on ℓ. */
  iterations?: number;
  lr?: number;
  /** L2 penalty (λ/2)·|θ|² subtracted from ℓ (default 1e-4; keeps θ finite on near-deterministic data). */
  l2?: number;
}

export const MAXENT_IRL_DEFAULTS: Required<MaxEntIrlConfig> = { alpha: 0.3, form: "s", iterations: 300, lr: 0.1, l2: 1e-4 };

export interface MaxEntIrlResult {
  /** r_θ: length nS ("s") or nS·nA ("sa"). */
  reward: Float64Array;
  /** ℓ(θ) (mean log-likelihood per pair) at the end. */
  logLikelihood: number;
}

/** r_θ(s, a) row-major from θ. */
function rewardSA(theta: Float64Array, nS: number, nA: number, form: "s" | "sa"): Float64Array {
  if (form === "sa") return theta.slice();
  const r = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) r.fill(theta[s]!, s * nA, (s + 1) * nA);
  return r;
}

/** ℓ(θ) and ∇ℓ(θ) (without the L2 term) for visit counts n(s,a). Exported for the gradient check. */
export function maxEntLikelihood(mdp: TabularMdp, counts: Float64Array, theta: Float64Array, alpha: number, form: "s" | "sa"): { value: number; grad: Float64Array; pi: Float64Array } {
  const { nS, nA, P, gamma } = mdp;
  const { pi } = softValueIteration(mdp.withReward(rewardSA(theta, nS, nA, form)), alpha, 1e-11);
  let N = 0, value = 0;
  const w = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) {
    let Ns = 0;
    for (let a = 0; a < nA; a++) Ns += counts[s * nA + a]!;
    N += Ns;
    for (let a = 0; a < nA; a++) {
      const i = s * nA + a, n = counts[i]!;
      w[i] = n - Ns * pi[i]!;
      if (n > 0) value += n * Math.log(pi[i]!);
    }
  }
  // (I − γ P_πᵀ) h = Pᵀ w.
  const A = new Float64Array(nS * nS), b = new Float64Array(nS);
  for (let t = 0; t < nS; t++) A[t * nS + t] = 1;
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const i = s * nA + a, base = i * nS, p = pi[i]!, wi = w[i]!;
      for (let t = 0; t < nS; t++) {
        const q = P[base + t]!;
        if (q === 0) continue;
        b[t] = b[t]! + wi * q;
        A[t * nS + s] = A[t * nS + s]! - gamma * p * q;
      }
    }
  }
  const h = solveLinear(A, b, nS);
  const gSA = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) gSA[s * nA + a] = (w[s * nA + a]! + gamma * pi[s * nA + a]! * h[s]!) / (alpha * N);
  let grad = gSA;
  if (form === "s") {
    grad = new Float64Array(nS);
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) grad[s] = grad[s]! + gSA[s * nA + a]!;
  }
  return { value: value / N, grad, pi };
}

/** MaxEnt IRL on visit counts n(s,a) (length nS·nA) of the demonstrations. */
export function maxEntIrl(mdp: TabularMdp, counts: Float64Array, config: MaxEntIrlConfig = {}): MaxEntIrlResult {
  const cfg = { ...MAXENT_IRL_DEFAULTS, ...config };
  const { nS, nA } = mdp;
  if (counts.length !== nS * nA) throw new InputError("E_INVALID_ARGUMENT", `maxEntIrl: counts has ${counts.length} entries, expected nS·nA = ${nS * nA}`);
  if (counts.some((c) => !(c >= 0) || !Number.isFinite(c)) || !counts.some((c) => c > 0)) throw new InputError("E_INVALID_ARGUMENT", "maxEntIrl: counts must be finite, ≥ 0 and not all 0");
  if (!(cfg.alpha > 0) || !(cfg.lr > 0) || !(cfg.l2 >= 0) || !Number.isInteger(cfg.iterations) || cfg.iterations < 1) {
    throw new InputError("E_INVALID_CONFIG", `maxEntIrl: need alpha > 0, lr > 0, l2 ≥ 0, iterations ≥ 1 (got ${cfg.alpha}, ${cfg.lr}, ${cfg.l2}, ${cfg.iterations})`);
  }
  const theta = new Float64Array(cfg.form === "s" ? nS : nS * nA), grads = new Float64Array(theta.length);
  const adam = new Adam([{ params: theta, grads }], { lr: cfg.lr });
  let value = NaN;
  for (let it = 0; it < cfg.iterations; it++) {
    const L = maxEntLikelihood(mdp, counts, theta, cfg.alpha, cfg.form);
    value = L.value;
    if (!Number.isFinite(value)) throw new NumericalError(`maxEntIrl: non-finite log-likelihood at iteration ${it}`);
    for (let i = 0; i < theta.length; i++) grads[i] = -(L.grad[i]! - cfg.l2 * theta[i]!); // Adam minimises −ℓ
    adam.step("maxEntIrl");
  }
  return { reward: theta.slice(), logLikelihood: value };
}
