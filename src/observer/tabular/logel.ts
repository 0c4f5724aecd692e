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
import { InputError } from "../../core/errors.ts";
import { solveLinear } from "../../core/linalg.ts";
import type { LearningHistory } from "../../data/learning-history.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { logelWeights, pairStats, type LogelFit, type LogelPairStats } from "../../rewards/logel-fit.ts";
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

/** Step 2 on given parameters θ_0..θ_K (LOGEL's first setting, or the clones of step 1): the alternation of
 *  rewards/logel-fit.ts on the exact Jacobians Ψ(θ_t), in ω-space (G_t = Ψ_tᵀΨ_t, h_t = Ψ_tᵀΔθ_t). */
export function logelFromParameters(mdp: TabularMdp, thetas: readonly Float64Array[], config: LogelConfig = {}): LogelFit {
  const cfg = { ...LOGEL_DEFAULTS, ...config };
  const { nS, nA } = mdp, m = nS * nA;
  if (thetas.length < 2) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: need at least two observed updates, got ${thetas.length}`);
  if (thetas.some((t) => t.length !== m)) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: every θ must have nS·nA = ${m} entries`);
  const pairs: LogelPairStats[] = [];
  for (let k = 0; k + 1 < thetas.length; k++) {
    const delta = new Float64Array(m);
    for (let i = 0; i < m; i++) delta[i] = thetas[k + 1]![i]! - thetas[k]![i]!;
    pairs.push(pairStats(featureJacobian(mdp, thetas[k]!), delta, nS));
  }
  return logelWeights(pairs, nS, cfg.iterations);
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
