/**
 * Exact tabular entropy-regularised RL (paper §4): soft policy evaluation, soft policy improvement (Eq. 3),
 * soft value iteration, and the soft return J(π) (Eq. 2). Policies are row-major π[s·nA + a].
 *
 *   Q^π(s,a) = r(s,a) + γ E_{s′}[V^π(s′)],   V^π(s) = Σ_a π(a|s) (Q^π(s,a) − α ln π(a|s))
 *   SPI_r{π}(a|s) ∝ exp(Q^π(s,a)/α)                                                   (Eq. 3)
 *   V*(s) = α ln Σ_a exp(Q*(s,a)/α)                                                   (soft Bellman optimality)
 */
import { logSumExp, solveLinear } from "../core/linalg.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";

export interface SoftValues {
  /** Q(s,a), row-major nS×nA. */
  Q: Float64Array;
  /** V(s). */
  V: Float64Array;
}

/** α·H(π(·|s)) + Σ_a π(a|s) r(s,a) for every s: the entropy-regularised one-step reward under π. */
function regularisedReward(mdp: TabularMdp, pi: Float64Array, alpha: number): Float64Array {
  const { nS, nA, r } = mdp;
  const out = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    let acc = 0;
    for (let a = 0; a < nA; a++) {
      const p = pi[s * nA + a]!;
      if (p > 0) acc += p * (r[s * nA + a]! - alpha * Math.log(p));
    }
    out[s] = acc;
  }
  return out;
}

/** Q from V: Q(s,a) = r(s,a) + γ E_{s′}[V(s′)]. */
export function qFromV(mdp: TabularMdp, V: Float64Array): Float64Array {
  const EV = mdp.expect(V);
  for (let i = 0; i < EV.length; i++) EV[i] = mdp.r[i]! + mdp.gamma * EV[i]!;
  return EV;
}

/** Exact soft policy evaluation: solves (I − γ P_π) V = r_π + α H_π. O(nS³); use the iterative one past ~2000 states. */
export function softPolicyEvaluation(mdp: TabularMdp, pi: Float64Array, alpha: number): SoftValues {
  const { nS, nA, P, gamma } = mdp;
  const A = new Float64Array(nS * nS);
  for (let s = 0; s < nS; s++) {
    A[s * nS + s] = 1;
    for (let a = 0; a < nA; a++) {
      const p = pi[s * nA + a]!;
      if (p === 0) continue;
      const base = (s * nA + a) * nS;
      for (let t = 0; t < nS; t++) A[s * nS + t] = A[s * nS + t]! - gamma * p * P[base + t]!;
    }
  }
  const V = solveLinear(A, regularisedReward(mdp, pi, alpha), nS);
  return { Q: qFromV(mdp, V), V };
}

/** Iterative soft policy evaluation (Bellman sweeps until the sup-norm change is below `tol`). */
export function softPolicyEvaluationIterative(mdp: TabularMdp, pi: Float64Array, alpha: number, tol = 1e-12, maxIter = 100_000): SoftValues {
  const { nS, nA, gamma, P } = mdp;
  const rPi = regularisedReward(mdp, pi, alpha);
  let V = new Float64Array(nS), next = new Float64Array(nS);
  for (let it = 0; it < maxIter; it++) {
    let delta = 0;
    for (let s = 0; s < nS; s++) {
      let acc = rPi[s]!;
      for (let a = 0; a < nA; a++) {
        const p = pi[s * nA + a]!;
        if (p === 0) continue;
        const base = (s * nA + a) * nS;
        let ev = 0;
        for (let t = 0; t < nS; t++) ev += P[base + t]! * V[t]!;
        acc += gamma * p * ev;
      }
      next[s] = acc;
      delta = Math.max(delta, Math.abs(acc - V[s]!));
    }
    [V, next] = [next, V];
    if (delta < tol) break;
  }
  return { Q: qFromV(mdp, V), V };
}

/** Soft policy improvement (Eq. 3): π′(a|s) = exp(Q(s,a)/α) / Σ_b exp(Q(s,b)/α). */
export function softmaxPolicy(Q: Float64Array, nA: number, alpha: number): Float64Array {
  const pi = new Float64Array(Q.length);
  const scaled = new Float64Array(nA);
  for (let s = 0; s < Q.length / nA; s++) {
    for (let a = 0; a < nA; a++) scaled[a] = Q[s * nA + a]! / alpha;
    const lse = logSumExp(scaled, 0, nA);
    for (let a = 0; a < nA; a++) pi[s * nA + a] = Math.exp(scaled[a]! - lse);
  }
  return pi;
}

/** SPI_r{π}: one exact soft policy improvement step of π under the MDP's reward. */
export function softPolicyImprovement(mdp: TabularMdp, pi: Float64Array, alpha: number): Float64Array {
  return softmaxPolicy(softPolicyEvaluation(mdp, pi, alpha).Q, mdp.nA, alpha);
}

export interface SoftOptimum extends SoftValues {
  /** The optimal soft policy π*(a|s) ∝ exp(Q*(s,a)/α). */
  pi: Float64Array;
  iterations: number;
}

/** Soft value iteration from Q = 0 to the optimal soft policy; stops when the sup-norm change of V is below `tol`. */
export function softValueIteration(mdp: TabularMdp, alpha: number, tol = 1e-13, maxIter = 100_000): SoftOptimum {
  const { nS, nA } = mdp;
  let V = new Float64Array(nS);
  let Q = qFromV(mdp, V);
  let it = 0;
  for (; it < maxIter; it++) {
    const nextV = new Float64Array(nS);
    let delta = 0;
    for (let s = 0; s < nS; s++) {
      const lse = logSumExpScaled(Q, s * nA, nA, alpha);
      nextV[s] = lse;
      delta = Math.max(delta, Math.abs(lse - V[s]!));
    }
    V = nextV;
    Q = qFromV(mdp, V);
    if (delta < tol) break;
  }
  return { Q, V, pi: softmaxPolicy(Q, nA, alpha), iterations: it + 1 };
}

/** α ln Σ_a exp(Q(s,a)/α) for the row starting at `offset`. */
export function logSumExpScaled(Q: ArrayLike<number>, offset: number, nA: number, alpha: number): number {
  let m = -Infinity;
  for (let a = 0; a < nA; a++) m = Math.max(m, Q[offset + a]!);
  let s = 0;
  for (let a = 0; a < nA; a++) s += Math.exp((Q[offset + a]! - m) / alpha);
  return m + alpha * Math.log(s);
}

/** J(π) = E_{s0~start}[V^π_soft(s0)]: the entropy-regularised return of π (Eq. 2). */
export function softReturn(mdp: TabularMdp, pi: Float64Array, alpha: number): number {
  const { V } = softPolicyEvaluation(mdp, pi, alpha);
  let j = 0;
  for (let s = 0; s < mdp.nS; s++) j += mdp.start[s]! * V[s]!;
  return j;
}

/** The uniform policy U(A). */
export function uniformPolicy(nS: number, nA: number): Float64Array {
  return new Float64Array(nS * nA).fill(1 / nA);
}
