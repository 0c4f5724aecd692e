/**
 * The paper's learner model (soft policy improvement, Eq. 3) as a SIMULATED learner over θ = (r, unused q0), so
 * that its likelihood can be compared with the other learner models on equal terms (learner-model-selection.ts):
 *
 *   π_0 = U(A),   Q_{k+1} = Q^{π_k}_{r,P̂} (exact soft policy evaluation with α),   π_{k+1} = softmax(Q_{k+1}/α).
 *
 * Reverse mode: with G = ∂ℓ/∂Q^{π} and Q^π = r + γP̂V, V = (I − γP_π)⁻¹ b, b(s) = Σ_a π(a|s)(r(s,a) − α ln π(a|s)):
 *   λ = (I − γP_π)⁻ᵀ (γ P̂ᵀ G)   (the sensitivity of ℓ to b),
 *   ∂ℓ/∂r(s,a) = G(s,a) + λ(s) π(a|s),
 *   ∂ℓ/∂π(a|s) = λ(s) (Q^π(s,a) − α ln π(a|s) − α),
 * and through π = softmax(Q/α): ∂ℓ/∂Q(s,b) = π(b|s) (∂ℓ/∂π(b|s) − Σ_a π(a|s) ∂ℓ/∂π(a|s)) / α.
 * q0 (θ's last entry) is unused: the SPI learner starts from U(A).
 *
 * Usage: `const learner = spiSimulator(model, K, 0.7);`
 */
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import type { SimulatedLearner } from "./simulated-learner-fit.ts";

/** In-place LU factorisation with partial pivoting of an n×n row-major matrix; returns the row permutation. */
function luFactor(A: Float64Array, n: number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[p * n + c]!)) p = r;
    if (p !== c) {
      for (let j = 0; j < n; j++) { const t = A[c * n + j]!; A[c * n + j] = A[p * n + j]!; A[p * n + j] = t; }
      const t = perm[c]!; perm[c] = perm[p]!; perm[p] = t;
    }
    const d = A[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = (A[r * n + c] = A[r * n + c]! / d);
      if (f !== 0) for (let j = c + 1; j < n; j++) A[r * n + j] = A[r * n + j]! - f * A[c * n + j]!;
    }
  }
  return perm;
}

/** Solves A x = b (transpose = false) or Aᵀ x = b with the factors of luFactor. */
function luSolve(LU: Float64Array, perm: Int32Array, b: Float64Array, n: number, transpose: boolean): Float64Array {
  const x = new Float64Array(n);
  if (!transpose) {
    for (let i = 0; i < n; i++) { let s = b[perm[i]!]!; for (let j = 0; j < i; j++) s -= LU[i * n + j]! * x[j]!; x[i] = s; }
    for (let i = n - 1; i >= 0; i--) { let s = x[i]!; for (let j = i + 1; j < n; j++) s -= LU[i * n + j]! * x[j]!; x[i] = s / LU[i * n + i]!; }
    return x;
  }
  // PA = LU ⇒ Aᵀ = Uᵀ Lᵀ P: solve Uᵀ y = b, Lᵀ z = y, x = Pᵀ z.
  const y = Float64Array.from(b);
  for (let i = 0; i < n; i++) { let s = y[i]!; for (let j = 0; j < i; j++) s -= LU[j * n + i]! * y[j]!; y[i] = s / LU[i * n + i]!; }
  for (let i = n - 1; i >= 0; i--) { let s = y[i]!; for (let j = i + 1; j < n; j++) s -= LU[j * n + i]! * y[j]!; y[i] = s; }
  for (let i = 0; i < n; i++) x[perm[i]!] = y[i]!;
  return x;
}

export function spiSimulator(model: TabularMdp, K: number, alpha: number): SimulatedLearner {
  const { nS, nA, gamma, P } = model;
  const m = nS * nA;
  const pis: Float64Array[] = [], Qs: Float64Array[] = [], lus: { LU: Float64Array; perm: Int32Array }[] = [];
  // P's nonzero entries per pair (estimated and grid models are sparse): next[start[i]..start[i+1]), prob.
  const start = new Int32Array(m + 1), nextList: number[] = [], probList: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < nS; t++) if (P[i * nS + t]! !== 0) { nextList.push(t); probList.push(P[i * nS + t]!); }
    start[i + 1] = nextList.length;
  }
  const next = Int32Array.from(nextList), prob = Float64Array.from(probList);
  return {
    size: m + 1,
    forward(theta) {
      pis.length = 0; Qs.length = 0; lus.length = 0;
      pis.push(new Float64Array(m).fill(1 / nA));
      Qs.push(new Float64Array(m));
      for (let k = 0; k < K; k++) {
        // Soft policy evaluation of π_k: (I − γP_π) V = Σ_a π (r − α ln π);  Q = r + γ P V.
        const pi = pis[k]!, A = new Float64Array(nS * nS), b = new Float64Array(nS);
        for (let s = 0; s < nS; s++) {
          A[s * nS + s] = 1;
          for (let a = 0; a < nA; a++) {
            const i = s * nA + a, p = pi[i]!;
            if (p === 0) continue;
            b[s] = b[s]! + p * (theta[i]! - alpha * Math.log(p));
            for (let e = start[i]!; e < start[i + 1]!; e++) A[s * nS + next[e]!] = A[s * nS + next[e]!]! - gamma * p * prob[e]!;
          }
        }
        const perm = luFactor(A, nS);
        lus.push({ LU: A, perm });
        const V = luSolve(A, perm, b, nS, false);
        const Q = new Float64Array(m), piNext = new Float64Array(m);
        for (let i = 0; i < m; i++) {
          let ev = 0;
          for (let e = start[i]!; e < start[i + 1]!; e++) ev += prob[e]! * V[next[e]!]!;
          Q[i] = theta[i]! + gamma * ev;
        }
        for (let s = 0; s < nS; s++) {
          let mx = -Infinity, z = 0;
          for (let a = 0; a < nA; a++) mx = Math.max(mx, Q[s * nA + a]!);
          for (let a = 0; a < nA; a++) z += (piNext[s * nA + a] = Math.exp((Q[s * nA + a]! - mx) / alpha));
          for (let a = 0; a < nA; a++) piNext[s * nA + a] = piNext[s * nA + a]! / z;
        }
        Qs.push(Q);
        pis.push(piNext);
      }
      return Qs.slice();
    },
    backward(_theta, dQ) {
      const grad = new Float64Array(m + 1);
      let G = Float64Array.from(dQ[K]!);
      for (let k = K - 1; k >= 0; k--) {
        // G = ∂ℓ/∂Q_{k+1}, Q_{k+1} = Q^{π_k}.
        const pi = pis[k]!, Q = Qs[k + 1]!;
        const gV = new Float64Array(nS);
        for (let i = 0; i < m; i++) { const gi = gamma * G[i]!; if (gi !== 0) for (let e = start[i]!; e < start[i + 1]!; e++) gV[next[e]!] = gV[next[e]!]! + gi * prob[e]!; }
        const lambda = luSolve(lus[k]!.LU, lus[k]!.perm, gV, nS, true);
        const gPi = new Float64Array(m);
        for (let s = 0; s < nS; s++) {
          for (let a = 0; a < nA; a++) {
            const i = s * nA + a;
            grad[i] = grad[i]! + G[i]! + lambda[s]! * pi[i]!;
            gPi[i] = lambda[s]! * (Q[i]! - alpha * Math.log(Math.max(pi[i]!, 1e-300)) - alpha);
          }
        }
        // Back through π_k = softmax(Q_k/α) (π_0 is fixed).
        const Gk = Float64Array.from(dQ[k]!);
        if (k > 0) {
          for (let s = 0; s < nS; s++) {
            let avg = 0;
            for (let a = 0; a < nA; a++) avg += pi[s * nA + a]! * gPi[s * nA + a]!;
            for (let a = 0; a < nA; a++) Gk[s * nA + a] = Gk[s * nA + a]! + (pi[s * nA + a]! * (gPi[s * nA + a]! - avg)) / alpha;
          }
        }
        G = Gk;
      }
      return grad;
    },
  };
}
