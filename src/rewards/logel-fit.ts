/**
 * LOGEL's weight estimation (Ramponi, Drappo & Restelli 2020, "Inverse reinforcement learning from a
 * gradient-based learner", NeurIPS) for any policy class: given the policy parameters θ_0 … θ_K of successive
 * updates and, for each t < K, the Jacobian Ψ_t = ∇_θ ψ(θ_t) (P × d: the policy gradient of each reward feature's
 * expected discounted sum, r = ωᵀφ), solve
 *
 *   min_{ω, α_t ≥ 0}  Σ_t |Δθ_t − α_t Ψ_t ω|²,    Δθ_t = θ_{t+1} − θ_t,
 *
 * by LOGEL's alternating closed-form steps, from α_t = 1:
 *   ω step: the normal equations (Σ_t α_t² Ψ_tᵀΨ_t) ω = Σ_t α_t Ψ_tᵀΔθ_t (a 1e-10 relative ridge keeps directions the
 *           data do not fix at 0), then ω ← ω/|ω| (only the products α_t ω are identified);
 *   α step: α_t = max(0, ⟨Ψ_t ω, Δθ_t⟩ / |Ψ_t ω|²) (clipping at 0 lets LOGEL ignore non-improving updates).
 * Everything runs in ω-space on G_t = Ψ_tᵀΨ_t (d × d) and h_t = Ψ_tᵀΔθ_t (d), so P may be large.
 * The tabular, exact-Jacobian version (observer/tabular/logel.ts) runs the same alternation on one-hot features.
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { choleskySolve } from "../core/linalg.ts";

export interface LogelFit {
  /** ω with |ω| = 1. */
  omega: Float64Array;
  /** α_t ≥ 0 per observed update pair t → t+1 (in the units of |ω| = 1). */
  stepSizes: number[];
  /** Σ_t |Δθ_t − α_t Ψ_t ω|² / Σ_t |Δθ_t|² (1 = nothing explained). */
  relativeResidual: number;
  /** Alternation iterations run. */
  iterations: number;
}

/** The sufficient statistics of one update pair: G = ΨᵀΨ (d×d row-major), h = ΨᵀΔθ, dd = |Δθ|². */
export interface LogelPairStats {
  G: Float64Array;
  h: Float64Array;
  dd: number;
}

/** G, h, |Δθ|² of one pair from Ψ (P×d row-major) and Δθ (P). */
export function pairStats(psi: Float64Array, delta: Float64Array, d: number): LogelPairStats {
  const P = delta.length;
  if (psi.length !== P * d) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: Ψ has ${psi.length} entries, expected P·d = ${P}·${d}`);
  const G = new Float64Array(d * d), h = new Float64Array(d);
  let dd = 0;
  for (let i = 0; i < P; i++) {
    const di = delta[i]!, row = i * d;
    dd += di * di;
    for (let j = 0; j < d; j++) {
      const pij = psi[row + j]!;
      if (pij === 0) continue;
      h[j] = h[j]! + pij * di;
      for (let l = 0; l < d; l++) G[j * d + l] = G[j * d + l]! + pij * psi[row + l]!;
    }
  }
  return { G, h, dd };
}

/** The alternation above on the pairs' statistics (at most `iterations`, 300 as LOGEL's code). */
export function logelWeights(pairs: readonly LogelPairStats[], d: number, iterations = 300): LogelFit {
  if (pairs.length < 1) throw new InputError("E_INVALID_ARGUMENT", "LOGEL: needs at least one update pair (two observed updates)");
  if (!Number.isInteger(iterations) || iterations < 1) throw new InputError("E_INVALID_CONFIG", `LOGEL: iterations must be an integer ≥ 1, got ${iterations}`);
  const K = pairs.length;
  const quad = (k: number, w: Float64Array): { gd: number; gg: number } => {
    const { G, h } = pairs[k]!;
    let gd = 0, gg = 0;
    for (let j = 0; j < d; j++) {
      gd += w[j]! * h[j]!;
      for (let l = 0; l < d; l++) gg += w[j]! * G[j * d + l]! * w[l]!;
    }
    return { gd, gg };
  };
  const alphas = new Array<number>(K).fill(1);
  let omega = new Float64Array(d);
  let it = 0;
  while (it < iterations) {
    it++;
    const S = new Float64Array(d * d), g = new Float64Array(d);
    for (let k = 0; k < K; k++) {
      const ak = alphas[k]!;
      if (ak === 0) continue;
      const { G, h } = pairs[k]!;
      for (let j = 0; j < d * d; j++) S[j] = S[j]! + ak * ak * G[j]!;
      for (let j = 0; j < d; j++) g[j] = g[j]! + ak * h[j]!;
    }
    let maxDiag = 0;
    for (let j = 0; j < d; j++) maxDiag = Math.max(maxDiag, S[j * d + j]!);
    if (!(maxDiag > 0)) break;
    for (let j = 0; j < d; j++) S[j * d + j] = S[j * d + j]! + 1e-10 * maxDiag;
    const w = choleskySolve(S, g, d);
    const norm = Math.hypot(...w);
    if (!(norm > 0)) break;
    const next = w.map((v) => v / norm);
    let change = 0;
    for (let k = 0; k < K; k++) {
      const { gd, gg } = quad(k, next);
      const ak = gg > 0 ? Math.max(0, gd / gg) : 0;
      change = Math.max(change, Math.abs(ak - alphas[k]!) / Math.max(1, ak));
      alphas[k] = ak;
    }
    for (let j = 0; j < d; j++) change = Math.max(change, Math.abs(next[j]! - omega[j]!));
    omega = next;
    if (change < 1e-12) break;
  }
  if (omega.some((v) => !Number.isFinite(v))) throw new NumericalError("LOGEL: non-finite reward weights");
  let total = 0, res = 0;
  for (let k = 0; k < K; k++) {
    const { gd, gg } = quad(k, omega);
    total += pairs[k]!.dd;
    res += pairs[k]!.dd - 2 * alphas[k]! * gd + alphas[k]! ** 2 * gg;
  }
  return { omega, stepSizes: alphas, relativeResidual: total > 0 ? Math.max(0, res) / total : 0, iterations: it };
}
