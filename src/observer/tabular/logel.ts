/**
 * Baseline (issue 17): LOGEL (Ramponi, Drappo & Restelli 2020, "Inverse reinforcement learning from a
 * gradient-based learner", NeurIPS), exact on a tabular MDP with one-hot state features.
 *
 * Learner model: policy-gradient ascent on J(θ; ω) = E[Σ_t γ^t r(s_t)] with a linear reward r = ωᵀφ,
 *
 *   θ_{t+1} = θ_t + α_t ∇_θ J(θ_t; ω) = θ_t + α_t Ψ(θ_t) ω,    α_t ≥ 0,
 *
 * θ the logits of a tabular softmax policy π_θ(a|s) = exp θ(s,a) / Σ_b exp θ(s,b), φ(s) = e_s (r(s) = ω_s, paid
 * for the state being left, like the grid's reward), and Ψ(θ) the Jacobian of the feature expectations. By the
 * policy-gradient theorem, with d(s) = Σ_t γ^t Pr(s_t = s) from the start distribution,
 *
 *   Ψ[(s,a), j] = d(s) π(a|s) (Q_j(s,a) − V_j(s)),   V_j = (I − γ P_π)⁻¹ e_j,   Q_j(s,a) = δ_sj + γ Σ_s′ P(s′|s,a) V_j(s′),
 *
 * computed EXACTLY from the MDP's true dynamics (where LOGEL estimates it by GPOMDP from each update's
 * trajectories; the Table 2 observer and the MaxEnt column use the true dynamics too).
 *
 * Steps (LOGEL's trajectory-only version):
 *  1. θ̂_t per observed update by maximum likelihood of its pairs (behaviour cloning), with an L2 term (λ/2)|θ_t|²
 *     that keeps the logits of unvisited or deterministic states finite (unvisited states: θ = 0, uniform);
 *     per state a strictly concave problem, solved by Newton steps.
 *  2. min over ω and α_t ≥ 0 of Σ_t |θ̂_{t+1} − θ̂_t − α_t Ψ(θ̂_t) ω|² by alternating closed-form steps (LOGEL's
 *     block-coordinate scheme): ω by least squares with the α_t fixed (minimal-norm solution: a constant reward has
 *     zero gradient, so ω is identified only up to a constant), rescaled to |ω| = 1 (the product α_t ω is what the
 *     data fix); then α_t = max(0, ⟨Ψ_t ω, Δθ_t⟩ / |Ψ_t ω|²). From α_t = 1.
 *  3. The scale of ω is not identified; before planning `logelReward` sets it by the likelihood of the last
 *     update's actions (reward-scale.ts).
 *
 * Usage: `const { planningReward } = logelReward(mdp, run.history, { alpha: 0.3 });`
 */
import { InputError, NumericalError } from "../../core/errors.ts";
import { choleskySolve, solveLinear } from "../../core/linalg.ts";
import type { LearningHistory } from "../../data/learning-history.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { likelihoodScale } from "./reward-scale.ts";
import { tabularBatches, visitCounts } from "./tabular-policy-estimation.ts";

export interface LogelConfig {
  /** L2 weight λ on each update's logits in behaviour cloning (default 1). */
  l2?: number;
  /** Alternating ω / α iterations (default 300, LOGEL's code). */
  iterations?: number;
}

export const LOGEL_DEFAULTS: Required<LogelConfig> = { l2: 1, iterations: 300 };

/** π_θ(a|s), row-major nS×nA, from logits θ. */
export function softmaxLogits(theta: Float64Array, nS: number, nA: number): Float64Array {
  const pi = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) {
    let mx = -Infinity, z = 0;
    for (let a = 0; a < nA; a++) mx = Math.max(mx, theta[s * nA + a]!);
    for (let a = 0; a < nA; a++) z += (pi[s * nA + a] = Math.exp(theta[s * nA + a]! - mx));
    for (let a = 0; a < nA; a++) pi[s * nA + a] = pi[s * nA + a]! / z;
  }
  return pi;
}

/** θ̂ = argmax Σ n(s,a) ln π_θ(a|s) − (λ/2)|θ|² (step 1), per state by Newton steps. */
export function cloneLogits(counts: Float64Array, nS: number, nA: number, l2: number): Float64Array {
  if (!(l2 > 0)) throw new InputError("E_INVALID_CONFIG", `LOGEL: l2 must be > 0, got ${l2}`);
  const theta = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) {
    let N = 0;
    for (let a = 0; a < nA; a++) N += counts[s * nA + a]!;
    if (N === 0) continue;
    const th = new Float64Array(nA);
    for (let step = 0; step < 100; step++) {
      let mx = -Infinity, z = 0;
      for (const v of th) mx = Math.max(mx, v);
      const p = th.map((v) => Math.exp(v - mx));
      for (const v of p) z += v;
      for (let a = 0; a < nA; a++) p[a] = p[a]! / z;
      // Gradient n − N p − λθ; Hessian −N (diag p − p pᵀ) − λI (negative definite).
      const g = new Float64Array(nA), H = new Float64Array(nA * nA);
      for (let a = 0; a < nA; a++) {
        g[a] = counts[s * nA + a]! - N * p[a]! - l2 * th[a]!;
        for (let b = 0; b < nA; b++) H[a * nA + b] = N * ((a === b ? p[a]! : 0) - p[a]! * p[b]!) + (a === b ? l2 : 0);
      }
      const d = solveLinear(H, g, nA);
      let size = 0;
      for (let a = 0; a < nA; a++) { th[a] = th[a]! + d[a]!; size = Math.max(size, Math.abs(d[a]!)); }
      if (size < 1e-12) break;
    }
    theta.set(th, s * nA);
  }
  return theta;
}

/** Ψ(θ) (nS·nA × nS, row-major): the policy gradient of each state feature's expected discounted count. */
export function featureJacobian(mdp: TabularMdp, theta: Float64Array): Float64Array {
  const { nS, nA, P, gamma, start } = mdp;
  const pi = softmaxLogits(theta, nS, nA);
  // M = (I − γ P_π)⁻¹, column by column: V_j = M e_j.
  const A = new Float64Array(nS * nS);
  for (let s = 0; s < nS; s++) {
    A[s * nS + s] = 1;
    for (let a = 0; a < nA; a++) {
      const p = pi[s * nA + a]!, row = (s * nA + a) * nS;
      if (p === 0) continue;
      for (let t = 0; t < nS; t++) A[s * nS + t] = A[s * nS + t]! - gamma * p * P[row + t]!;
    }
  }
  const M = new Float64Array(nS * nS); // M[s, j]
  for (let j = 0; j < nS; j++) {
    const e = new Float64Array(nS);
    e[j] = 1;
    const v = solveLinear(A, e, nS);
    for (let s = 0; s < nS; s++) M[s * nS + j] = v[s]!;
  }
  const d = new Float64Array(nS);
  for (let s0 = 0; s0 < nS; s0++) if (start[s0]! > 0) for (let s = 0; s < nS; s++) d[s] = d[s]! + start[s0]! * M[s0 * nS + s]!;
  const Psi = new Float64Array(nS * nA * nS);
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const i = s * nA + a, w = d[s]! * pi[i]!, row = i * nS;
      if (w === 0) continue;
      for (let j = 0; j < nS; j++) {
        let ev = 0;
        for (let t = 0; t < nS; t++) { const q = P[row + t]!; if (q !== 0) ev += q * M[t * nS + j]!; }
        Psi[i * nS + j] = w * ((s === j ? 1 : 0) + gamma * ev - M[s * nS + j]!);
      }
    }
  }
  return Psi;
}

export interface LogelFit {
  /** ω, |ω| = 1 (minimal-norm: no constant beyond what the data fix). */
  omega: Float64Array;
  /** Step sizes α_t ≥ 0, one per observed update pair t → t+1 (in the units of |ω| = 1). */
  stepSizes: number[];
  /** Σ_t |Δθ_t − α_t Ψ_t ω|² / Σ_t |Δθ_t|² at the end (1 = nothing explained). */
  relativeResidual: number;
}

/** Step 2 on given parameters θ_0..θ_K (LOGEL's first setting, or the clones of step 1). */
export function logelFromParameters(mdp: TabularMdp, thetas: readonly Float64Array[], config: LogelConfig = {}): LogelFit {
  const cfg = { ...LOGEL_DEFAULTS, ...config };
  const { nS, nA } = mdp, m = nS * nA;
  if (thetas.length < 2) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: need at least two observed updates, got ${thetas.length}`);
  if (thetas.some((t) => t.length !== m)) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: every θ must have nS·nA = ${m} entries`);
  if (!Number.isInteger(cfg.iterations) || cfg.iterations < 1) throw new InputError("E_INVALID_CONFIG", `LOGEL: iterations must be an integer ≥ 1, got ${cfg.iterations}`);
  const K = thetas.length - 1;
  // Everything the alternation needs, in ω-space: G_t = Ψ_tᵀΨ_t, h_t = Ψ_tᵀΔθ_t, |Δθ_t|².
  const G: Float64Array[] = [], h: Float64Array[] = [];
  let total = 0;
  for (let k = 0; k < K; k++) {
    const Psi = featureJacobian(mdp, thetas[k]!), Gk = new Float64Array(nS * nS), hk = new Float64Array(nS);
    for (let i = 0; i < m; i++) {
      const di = thetas[k + 1]![i]! - thetas[k]![i]!;
      total += di * di;
      for (let j = 0; j < nS; j++) {
        const pij = Psi[i * nS + j]!;
        if (pij === 0) continue;
        hk[j] = hk[j]! + pij * di;
        for (let l = 0; l < nS; l++) Gk[j * nS + l] = Gk[j * nS + l]! + pij * Psi[i * nS + l]!;
      }
    }
    G.push(Gk); h.push(hk);
  }
  const quad = (k: number, w: Float64Array): { gd: number; gg: number } => {
    let gd = 0, gg = 0;
    for (let j = 0; j < nS; j++) {
      gd += w[j]! * h[k]![j]!;
      for (let l = 0; l < nS; l++) gg += w[j]! * G[k]![j * nS + l]! * w[l]!;
    }
    return { gd, gg };
  };
  const alphas = new Array<number>(K).fill(1);
  let omega = new Float64Array(nS);
  for (let it = 0; it < cfg.iterations; it++) {
    // ω step: the normal equations (Σ α_t² G_t) ω = Σ α_t h_t, with a tiny ridge that picks the minimal-norm
    // solution along the unidentified directions (the constant reward, unreachable states).
    const S = new Float64Array(nS * nS), g = new Float64Array(nS);
    for (let k = 0; k < K; k++) {
      const ak = alphas[k]!;
      if (ak === 0) continue;
      for (let j = 0; j < nS * nS; j++) S[j] = S[j]! + ak * ak * G[k]![j]!;
      for (let j = 0; j < nS; j++) g[j] = g[j]! + ak * h[k]![j]!;
    }
    let maxDiag = 0;
    for (let j = 0; j < nS; j++) maxDiag = Math.max(maxDiag, S[j * nS + j]!);
    if (!(maxDiag > 0)) break;
    for (let j = 0; j < nS; j++) S[j * nS + j] = S[j * nS + j]! + 1e-10 * maxDiag;
    const w = choleskySolve(S, g, nS);
    const norm = Math.hypot(...w);
    if (!(norm > 0)) break;
    const next = w.map((v) => v / norm);
    // α step, in closed form per update.
    let change = 0;
    for (let k = 0; k < K; k++) {
      const { gd, gg } = quad(k, next);
      const ak = gg > 0 ? Math.max(0, gd / gg) : 0;
      change = Math.max(change, Math.abs(ak - alphas[k]!) / Math.max(1, ak));
      alphas[k] = ak;
    }
    for (let j = 0; j < nS; j++) change = Math.max(change, Math.abs(next[j]! - omega[j]!));
    omega = next;
    if (change < 1e-12) break;
  }
  if (omega.some((v) => !Number.isFinite(v))) throw new NumericalError("LOGEL: non-finite reward weights");
  // Σ_t |Δθ_t − α_t Ψ_t ω|² = Σ_t (|Δθ_t|² − 2 α_t ωᵀh_t + α_t² ωᵀG_tω).
  let res = total;
  for (let k = 0; k < K; k++) { const { gd, gg } = quad(k, omega); res += -2 * alphas[k]! * gd + alphas[k]! ** 2 * gg; }
  return { omega, stepSizes: alphas, relativeResidual: total > 0 ? Math.max(0, res) / total : 0 };
}

export interface LogelRewardResult extends LogelFit {
  /** The factor c* applied to ω for planning. */
  scale: number;
  /** c*·ω, length nS: the reward to plan on. */
  planningReward: Float64Array;
}

/** LOGEL on a tabular learning history (steps 1–3): the reward to plan on at α. */
export function logelReward(mdp: TabularMdp, history: LearningHistory, opts: { alpha: number } & LogelConfig): LogelRewardResult {
  const { alpha, ...config } = opts;
  const cfg = { ...LOGEL_DEFAULTS, ...config };
  const counts = tabularBatches(history, mdp.nS, mdp.nA).map((b) => visitCounts(b, mdp.nS, mdp.nA));
  const fit = logelFromParameters(mdp, counts.map((n) => cloneLogits(n, mdp.nS, mdp.nA, cfg.l2)), cfg);
  const { scale } = likelihoodScale(mdp, fit.omega, counts[counts.length - 1]!, alpha);
  return { ...fit, scale, planningReward: fit.omega.map((v) => scale * v) };
}
