/**
 * Recovering a state-only reward (paper §4.3, Eq. 4): find r̄ : S → R and a shaping f : S → R with
 *
 *   r̄1→2(s,a) ≈ r̄(s) + f(s) − γ E_{s′~P(·|s,a)}[f(s′)]      for every (s,a),
 *
 * minimising L(r̄, f) = Σ_{s,a} (r̄1→2(s,a) − r̄(s) − f(s) + γ E_{s′}[f(s′)])². The loss is a linear least-squares
 * problem in the 2·nS unknowns, solved here exactly (normal equations, `leastSquares`) instead of by gradient
 * descent as in the authors' code (Adam, 6000 steps; research/authors-code.md §2.3).
 *
 * Identifiability: (r̄, f) → (r̄ − (1−γ)c, f + c) never changes the fit, so r̄ is at best known up to a constant;
 * the tiny ridge of `leastSquares` picks a near-minimum-norm representative. With deterministic dynamics the
 * constant is the only freedom when every state is some (s,a)'s successor and the states that share a predecessor
 * link all states together (then f(s′) must be equal on the successors of each state, hence constant); Fu et
 * al. (2017) state the deterministic case. Otherwise r̄ may carry a non-constant shaping and `residual` alone
 * does not reveal it.
 *
 * Usage: `const { reward, shaping, residual } = regressStateOnlyReward(mdp, rBar12);`
 */
import { InputError } from "../../core/errors.ts";
import { leastSquares } from "../../core/linalg.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";

export interface StateOnlyRegression {
  /** r̄(s), nS. */
  reward: Float64Array;
  /** f(s), nS. */
  shaping: Float64Array;
  /** max_{s,a} |r̄(s) + f(s) − γ E[f(s′)] − target(s,a)|: 0 when Eq. 4 holds exactly. */
  residual: number;
}

/** Least-squares fit of Eq. 4 to `target` = r̄1→2 (row-major nS×nA). */
export function regressStateOnlyReward(mdp: TabularMdp, target: Float64Array): StateOnlyRegression {
  const { nS, nA, gamma, P } = mdp;
  if (target.length !== nS * nA) throw new InputError("E_INVALID_ARGUMENT", `regressStateOnlyReward: target has ${target.length} entries, expected nS·nA = ${nS * nA}`);
  // Design matrix: row (s,a), columns [r̄(0..nS−1), f(0..nS−1)].
  const m = nS * nA, n = 2 * nS;
  const A = new Float64Array(m * n);
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const row = (s * nA + a) * n;
      A[row + s] = 1;
      A[row + nS + s] = 1;
      for (let t = 0; t < nS; t++) A[row + nS + t] = A[row + nS + t]! - gamma * P[(s * nA + a) * nS + t]!;
    }
  }
  // Iterated Tikhonov: re-solving for the residual's correction removes the ridge's bias on the identified
  // directions (geometrically, each pass multiplies it by ≈ λ/σ²) and adds nothing along the exact null space.
  const x = leastSquares(A, target, m, n);
  for (let pass = 0; pass < 3; pass++) {
    const res = Float64Array.from(target);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) res[i] = res[i]! - A[i * n + j]! * x[j]!;
    const dx = leastSquares(A, res, m, n);
    for (let j = 0; j < n; j++) x[j] = x[j]! + dx[j]!;
  }
  const reward = x.slice(0, nS), shaping = x.slice(nS);
  const Ef = mdp.expect(shaping);
  let residual = 0;
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const i = s * nA + a;
      residual = Math.max(residual, Math.abs(reward[s]! + shaping[s]! - gamma * Ef[i]! - target[i]!));
    }
  }
  return { reward, shaping, residual };
}
