/**
 * Soft policy improvement inversion (paper §4.2, Theorem 2): from two consecutive policies π1, π2 = SPI_r{π1},
 * the dynamics P, γ and the learner's entropy weight α, recover a reward that explains the improvement,
 *
 *   r̄1→2(s,a) = α ln π2(a|s) + α γ E_{s′~P(·|s,a)}[ KL(π1(·|s′) ‖ π2(·|s′)) ].
 *
 * It equals the true reward up to a shaping specific to the improvement, r̄1→2 = r + f1→2 − γ P f1→2, with
 * f1→2(s) = −α ln Σ_a exp(Q^{π1}_soft(s,a)/α) (`improvementShaping`; derivation in the doc comment there), so it
 * has the same optimal soft policy as r (Theorem 1). Policies are row-major π[s·nA + a].
 *
 * Usage: `const rBar = invertSoftImprovement(mdp, pi1, pi2, 0.3);`
 */
import { InputError } from "../../core/errors.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { logSumExpScaled, softPolicyEvaluation } from "../../solvers/soft-policy.ts";

/** KL(π1(·|s) ‖ π2(·|s)) for every state s (0 ln 0 = 0; π2 must be positive wherever π1 is). */
export function policyKl(pi1: Float64Array, pi2: Float64Array, nS: number, nA: number): Float64Array {
  const kl = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    let acc = 0;
    for (let a = 0; a < nA; a++) {
      const p = pi1[s * nA + a]!;
      if (p > 0) acc += p * (Math.log(p) - Math.log(pi2[s * nA + a]!));
    }
    kl[s] = acc;
  }
  return kl;
}

/** Theorem 2: r̄1→2(s,a) = α ln π2(a|s) + αγ E_{s′}[KL(π1(·|s′) ‖ π2(·|s′))], row-major nS×nA. */
export function invertSoftImprovement(mdp: TabularMdp, pi1: Float64Array, pi2: Float64Array, alpha: number): Float64Array {
  const { nS, nA, gamma } = mdp;
  checkPolicy(pi1, "pi1", nS, nA, false);
  checkPolicy(pi2, "pi2", nS, nA, true);
  if (!(alpha > 0)) throw new InputError("E_INVALID_ARGUMENT", `invertSoftImprovement: alpha must be > 0, got ${alpha}`);
  const expectedKl = mdp.expect(policyKl(pi1, pi2, nS, nA)); // E_{s′~P(·|s,a)}[KL(s′)]
  const rBar = new Float64Array(nS * nA);
  for (let i = 0; i < nS * nA; i++) rBar[i] = alpha * Math.log(pi2[i]!) + alpha * gamma * expectedKl[i]!;
  return rBar;
}

/**
 * The shaping of Theorem 2: f1→2(s) = −α ln Σ_a exp(Q^{π1}(s,a)/α), so that r̄1→2 = r + f1→2 − γ P f1→2.
 *
 * Derivation: write W(s) = α ln Σ_a exp(Q^{π1}(s,a)/α). By Eq. 3, α ln π2(a|s) = Q^{π1}(s,a) − W(s), and since
 * V^{π1}(s) = Σ_a π1(a|s)(Q^{π1}(s,a) − α ln π1(a|s)), α KL(π1‖π2)(s) = W(s) − V^{π1}(s). With
 * Q^{π1} = r + γ P V^{π1}: r̄1→2 = r + γ P V^{π1} − W + γ P (W − V^{π1}) = r − W + γ P W.
 * Needs the true reward (it is for tests and diagnostics; the observer never has it).
 */
export function improvementShaping(mdp: TabularMdp, pi1: Float64Array, alpha: number): Float64Array {
  const { nS, nA } = mdp;
  const { Q } = softPolicyEvaluation(mdp, pi1, alpha);
  const f = new Float64Array(nS);
  for (let s = 0; s < nS; s++) f[s] = -logSumExpScaled(Q, s * nA, nA, alpha);
  return f;
}

/** Validates a row-major policy: right size, finite, non-negative (strictly positive if `positive`), rows sum to 1. */
function checkPolicy(pi: Float64Array, name: string, nS: number, nA: number, positive: boolean): void {
  const bad = (msg: string): never => { throw new InputError("E_INVALID_ARGUMENT", `invertSoftImprovement: ${msg}`); };
  if (pi.length !== nS * nA) bad(`${name} has ${pi.length} entries, expected nS·nA = ${nS * nA}`);
  for (let s = 0; s < nS; s++) {
    let sum = 0;
    for (let a = 0; a < nA; a++) {
      const p = pi[s * nA + a]!;
      if (!Number.isFinite(p) || p < 0 || (positive && p === 0)) bad(`${name}[${s}][${a}] = ${p} must be ${positive ? "> 0 (a soft policy improvement has full support)" : "≥ 0"}`);
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-9) bad(`${name}[${s}] sums to ${sum}, expected 1`);
  }
}
