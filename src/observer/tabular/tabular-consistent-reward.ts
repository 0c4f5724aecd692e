/**
 * One state–action reward r̄φ and one shaping f_k per improvement, fitted to the Theorem-2 targets of all
 * improvements at once (paper §5.3, Eq. 5, tabular case of §6.3):
 *
 *   min_{r, f_1..f_K}  Σ_k Σ_{s,a} ( r(s,a) + f_k(s) − γ E_{s′~P̂(·|s,a)}[f_k(s′)] − r̄_k(s,a) )²
 *
 * Write B = E − γP̂ (nS·nA × nS, (B f)(s,a) = f(s) − γ (P̂ f)(s,a)); B has full column rank since γ < 1. For a
 * fixed r the best f_k = B⁺(r̄_k − r), and the loss Σ_k ‖(I − BB⁺)(r̄_k − r)‖² is minimised exactly by
 * r = r̄_mean + B g for ANY g, where r̄_mean = (1/K) Σ_k r̄_k: the reward is the mean target up to a shaping
 * under P̂. We return the minimum-norm minimiser of the joint problem (what gradient descent from zero, the
 * authors' Adam, tends to): with d_k = B⁺(r̄_k − r̄_mean), it is g = (BᵀB + K I)⁻¹ (Σ_k d_k − Bᵀ r̄_mean),
 * r = r̄_mean + B g, f_k = d_k − g. This is the exact minimum-norm solution of the stacked least-squares problem
 * (the tests check its normal equations and the minimum-norm condition Bᵀr = Σ_k f_k to 1e-9; `leastSquares` with
 * its tiny ridge lands within ~1e-4) at the cost of K + 1 solves of size nS instead of one of size nS·nA + K·nS.
 */
import { choleskySolve } from "../../core/linalg.ts";

export interface ConsistentRewardFit {
  /** r̄φ(s,a), row-major nS×nA. */
  reward: Float64Array;
  /** f_k(s) for each improvement k. */
  shapings: Float64Array[];
  /** Residual r̄φ + f_k − γP̂f_k − r̄_k per improvement, row-major nS×nA (what the reward fails to explain). */
  residuals: Float64Array[];
}

/** The shaping operator B f = f(s) − γ Σ_{s′} P̂(s′|s,a) f(s′), as a dense (nS·nA)×nS row-major matrix. */
function shapingMatrix(P: Float64Array, nS: number, nA: number, gamma: number): Float64Array {
  const B = new Float64Array(nS * nA * nS);
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const row = (s * nA + a) * nS;
      for (let t = 0; t < nS; t++) B[row + t] = -gamma * P[row + t]!;
      B[row + s] = B[row + s]! + 1;
    }
  }
  return B;
}

export function fitConsistentReward(targets: readonly Float64Array[], P: Float64Array, nS: number, nA: number, gamma: number): ConsistentRewardFit {
  const K = targets.length, m = nS * nA;
  if (K === 0) throw new RangeError("fitConsistentReward: needs at least one improvement target");
  const B = shapingMatrix(P, nS, nA, gamma);
  const Bmul = (f: Float64Array): Float64Array => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) { let acc = 0; for (let t = 0; t < nS; t++) acc += B[i * nS + t]! * f[t]!; out[i] = acc; }
    return out;
  };
  const BTmul = (y: Float64Array): Float64Array => {
    const out = new Float64Array(nS);
    for (let i = 0; i < m; i++) { const yi = y[i]!; if (yi !== 0) for (let t = 0; t < nS; t++) out[t] = out[t]! + B[i * nS + t]! * yi; }
    return out;
  };
  const G = new Float64Array(nS * nS); // BᵀB
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < nS; j++) {
      const bij = B[i * nS + j]!;
      if (bij !== 0) for (let l = 0; l < nS; l++) G[j * nS + l] = G[j * nS + l]! + bij * B[i * nS + l]!;
    }
  }
  // 1. Mean target, and each improvement's own shaping of its deviation from it.
  const rMean = new Float64Array(m);
  for (const rk of targets) for (let i = 0; i < m; i++) rMean[i] = rMean[i]! + rk[i]! / K;
  const d = targets.map((rk) => choleskySolve(G, BTmul(rk.map((v, i) => v - rMean[i]!)), nS));
  // 2. The minimum-norm representative: g = (BᵀB + K I)⁻¹ (Σ_k d_k − Bᵀ r̄_mean).
  const rhs = BTmul(rMean).map((v) => -v);
  for (const dk of d) for (let t = 0; t < nS; t++) rhs[t] = rhs[t]! + dk[t]!;
  const GK = Float64Array.from(G);
  for (let t = 0; t < nS; t++) GK[t * nS + t] = GK[t * nS + t]! + K;
  const g = choleskySolve(GK, rhs, nS);
  const Bg = Bmul(g);
  const reward = rMean.map((v, i) => v + Bg[i]!);
  const shapings = d.map((dk) => dk.map((v, t) => v - g[t]!));
  // 3. Residuals r + B f_k − r̄_k = B d_k − (r̄_k − r̄_mean).
  const residuals = d.map((dk, k) => { const Bd = Bmul(dk); return Bd.map((v, i) => v - (targets[k]![i]! - rMean[i]!)); });
  return { reward, shapings, residuals };
}
