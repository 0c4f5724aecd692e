/**
 * Learner model "td": online Q-learning replayed on the observed stream, inverted by maximum likelihood of the
 * simulation (simulated-learner-fit.ts; derivation and measurements in docs/observer-tabular.md).
 *
 * The modelled learner acts with π_k ∝ exp(Q_k/α) for a whole batch D_k, starting from a constant Q_0 = q0, then
 * replays D_k IN ORDER with Watkins' update and a constant step η:
 *
 *   Q(s_t,a_t) ← (1 − η) Q(s_t,a_t) + η (r(s_t,a_t) + γ max_b Q(s_{t+1},b)),   t = 0..T−1.
 *
 * The observer sees D_k in order, so for given θ = (r, q0) and η it can run the learner exactly. For fixed
 * maximisers every step is linear in θ; reverse-mode differentiation replays the recorded steps backwards. A
 * frozen-target reading, Q_{k+1} = (1 − η_k) Q_k + η_k (r + γ P V_k) with η_k = 1 − (1 − η)^{n_k}
 * (td-inversion.ts), is far from this learner: 1000 steps revisit each state ~40 times, so values travel along the
 * stream within one batch.
 *
 * Usage: `const learner = qLearningSimulator(batches, K, 0.2, nS, nA, gamma);`
 */
import type { SimulatedLearner } from "./simulated-learner-fit.ts";
import type { TabularBatch } from "./tabular-policy-estimation.ts";

export function qLearningSimulator(batches: readonly TabularBatch[], K: number, eta: number, nS: number, nA: number, gamma: number): SimulatedLearner {
  const m = nS * nA;
  const used = batches.slice(0, K);
  // The maximiser of every step of the last forward pass (index s′·nA + b*).
  const argmax = used.map((b) => new Int32Array(b.s.length));
  return {
    size: m + 1,
    forward(theta) {
      const Q = new Float64Array(m).fill(theta[m]!);
      const Qs = [Float64Array.from(Q)];
      used.forEach((b, k) => {
        const am = argmax[k]!;
        for (let t = 0; t < b.s.length; t++) {
          const sa = b.s[t]! * nA + b.a[t]!, o2 = b.s2[t]! * nA;
          let best = o2;
          for (let j = o2 + 1; j < o2 + nA; j++) if (Q[j]! > Q[best]!) best = j;
          am[t] = best;
          Q[sa] = (1 - eta) * Q[sa]! + eta * (theta[sa]! + gamma * Q[best]!);
        }
        Qs.push(Float64Array.from(Q));
      });
      return Qs;
    },
    backward(_theta, dQ) {
      const grad = new Float64Array(m + 1);
      const G = Float64Array.from(dQ[K]!);
      for (let k = K - 1; k >= 0; k--) {
        const b = used[k]!, am = argmax[k]!;
        for (let t = b.s.length - 1; t >= 0; t--) {
          const sa = b.s[t]! * nA + b.a[t]!, g = G[sa]!;
          G[sa] = (1 - eta) * g;
          G[am[t]!] = G[am[t]!]! + eta * gamma * g;
          grad[sa] = grad[sa]! + eta * g;
        }
        const d = dQ[k]!;
        for (let i = 0; i < m; i++) G[i] = G[i]! + d[i]!;
      }
      for (let i = 0; i < m; i++) grad[m] = grad[m]! + G[i]!;
      return grad;
    },
  };
}
