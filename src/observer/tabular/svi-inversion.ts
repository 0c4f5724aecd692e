/**
 * Learner model "svi": soft value iteration from samples, inverted by maximum likelihood of a simulation
 * (simulated-learner-fit.ts; derivation in docs/observer-tabular.md).
 *
 * The modelled learner acts with π_k ∝ exp(Q_k/α), starts from a constant Q_0 = q0 (uniform π_0) and after batch
 * D_k applies one soft Bellman backup to the pairs it visited, with the next states it saw:
 *
 *   V_k(s) = α ln Σ_b exp(Q_k(s,b)/α),
 *   Q_{k+1}(s,a) = r(s,a) + γ Σ_{s′} p̂_k(s′|s,a) V_k(s′)   if n_k(s,a) > 0,   else Q_k(s,a),
 *
 * p̂_k = the empirical next-state frequencies of (s,a) in D_k (model-based soft VI, which backs up every pair with
 * P, is the case of a batch that visits every pair). Since α ln π_{k+1} = Q_{k+1} − V_{k+1}, exact policies give
 *   r(s,a) = α ln π_{k+1}(a|s) + V_{k+1}(s) − γ E_{p̂_k}[V_k(s′)]     (visited pairs, the same V_k in consecutive
 * updates), identified up to a shaping h (c_k → c_k + h in every k); a constant Q_0 pins the shaping to a
 * constant, which changes no policy. We fit θ = (r, q0) to the observed actions of all batches directly.
 *
 * Usage: `const learner = sviSimulator(batches, K, nS, nA, gamma, alpha);`
 */
import type { SimulatedLearner } from "./simulated-learner-fit.ts";
import type { TabularBatch } from "./tabular-policy-estimation.ts";

/** Per batch: the visited pairs and, for each, its observed next states with their frequencies. */
interface Backups {
  pairs: Int32Array;
  /** Next-state entries of pair j: next[start[j]..start[j+1]) with probabilities prob[...]. */
  start: Int32Array;
  next: Int32Array;
  prob: Float64Array;
}

function empiricalBackups(batch: TabularBatch, nA: number): Backups {
  const byPair = new Map<number, Map<number, number>>();
  for (let t = 0; t < batch.s.length; t++) {
    const sa = batch.s[t]! * nA + batch.a[t]!;
    const row = byPair.get(sa) ?? new Map<number, number>();
    row.set(batch.s2[t]!, (row.get(batch.s2[t]!) ?? 0) + 1);
    byPair.set(sa, row);
  }
  const pairs = Int32Array.from([...byPair.keys()].sort((a, b) => a - b));
  const start = new Int32Array(pairs.length + 1), next: number[] = [], prob: number[] = [];
  pairs.forEach((sa, j) => {
    const row = byPair.get(sa)!;
    let n = 0;
    for (const c of row.values()) n += c;
    for (const [s2, c] of [...row.entries()].sort((a, b) => a[0] - b[0])) { next.push(s2); prob.push(c / n); }
    start[j + 1] = next.length;
  });
  return { pairs, start, next: Int32Array.from(next), prob: Float64Array.from(prob) };
}

/** The SVI learner driven by batches 0..K−1 (policies π_0..π_K), as a SimulatedLearner over θ = (r, q0). */
export function sviSimulator(batches: readonly TabularBatch[], K: number, nS: number, nA: number, gamma: number, alpha: number): SimulatedLearner {
  const m = nS * nA;
  const backups = batches.slice(0, K).map((b) => empiricalBackups(b, nA));
  const pis = Array.from({ length: K }, () => new Float64Array(m));
  const V = new Float64Array(nS), dV = new Float64Array(nS), updated = new Uint8Array(m);
  /** V(s) = α ln Σ_b exp(Q(s,b)/α) and π = softmax(Q/α) into pi. */
  const soften = (Q: Float64Array, pi: Float64Array): void => {
    for (let s = 0; s < nS; s++) {
      const o = s * nA;
      let mx = -Infinity;
      for (let a = 0; a < nA; a++) mx = Math.max(mx, Q[o + a]!);
      let z = 0;
      for (let a = 0; a < nA; a++) z += (pi[o + a] = Math.exp((Q[o + a]! - mx) / alpha));
      for (let a = 0; a < nA; a++) pi[o + a] = pi[o + a]! / z;
      V[s] = mx + alpha * Math.log(z);
    }
  };
  return {
    size: m + 1,
    forward(theta) {
      const Qs = [new Float64Array(m).fill(theta[m]!)];
      for (let k = 0; k < K; k++) {
        soften(Qs[k]!, pis[k]!);
        const Q = Float64Array.from(Qs[k]!), { pairs, start, next, prob } = backups[k]!;
        for (let j = 0; j < pairs.length; j++) {
          let ev = 0;
          for (let e = start[j]!; e < start[j + 1]!; e++) ev += prob[e]! * V[next[e]!]!;
          Q[pairs[j]!] = theta[pairs[j]!]! + gamma * ev;
        }
        Qs.push(Q);
      }
      return Qs;
    },
    backward(_theta, dQ) {
      const grad = new Float64Array(m + 1);
      let G = Float64Array.from(dQ[K]!);
      for (let k = K - 1; k >= 0; k--) {
        const Gk = Float64Array.from(dQ[k]!), { pairs, start, next, prob } = backups[k]!, pi = pis[k]!;
        dV.fill(0);
        updated.fill(0);
        for (let j = 0; j < pairs.length; j++) {
          const sa = pairs[j]!, g = G[sa]!;
          updated[sa] = 1;
          grad[sa] = grad[sa]! + g;
          for (let e = start[j]!; e < start[j + 1]!; e++) dV[next[e]!] = dV[next[e]!]! + gamma * prob[e]! * g;
        }
        for (let i = 0; i < m; i++) {
          if (updated[i] === 0) Gk[i] = Gk[i]! + G[i]!;
          Gk[i] = Gk[i]! + dV[(i / nA) | 0]! * pi[i]!;
        }
        G = Gk;
      }
      for (let i = 0; i < m; i++) grad[m] = grad[m]! + G[i]!;
      return grad;
    },
  };
}
