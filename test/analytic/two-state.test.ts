// The hand-computed two-state MDP of examples/two-state.json, checked to 1e-12 against closed forms.
//
// States 0 (A) and 1 (B); actions 0 = stay, 1 = switch (deterministic); r(s,a) = r(s) with r(0) = 0, r(1) = 1;
// γ = ½, and we take α = ½, π1 = U (uniform). Write σ(x) = 1/(1 + e^{−x}) and p = σ(1).
//
// Soft evaluation of U. From either state, U moves to 0 or 1 with probability ½, so with m = (V(0) + V(1))/2:
//   V^U(s) = r(s) + α ln 2 + γ m,  m = ½ + ½ ln 2 + ½ m  ⇒  m = 1 + ln 2,
//   V^U(0) = ½ + ln 2,  V^U(1) = 3/2 + ln 2,  so J(U) = V^U(0) = ½ + ln 2;
//   Q^U(s,a) = r(s) + γ V^U(s′):  Q^U(0,stay) = ¼ + ½ ln 2, Q^U(0,switch) = ¾ + ½ ln 2,
//                                 Q^U(1,stay) = 7/4 + ½ ln 2, Q^U(1,switch) = 5/4 + ½ ln 2.
// Soft improvement (Eq. 3). The Q-gap is ½ in both states, ½/α = 1, so π2 = SPI{U} moves to state 1 with
// probability p from both states: π2(switch|0) = π2(stay|1) = p.
// Soft return of π2. With h = −p ln p − (1−p) ln(1−p) and e = E[V^π2(next)] = p V(1) + (1−p) V(0):
//   V^π2(s) = r(s) + αh + γe,  e = p + αh + γe ⇒ e = 2p + h,  V^π2(0) = ½h + ½(2p + h) = p + h.
//   Using ln p = −ln(1 + e^{−1}) and ln(1−p) = −1 − ln(1 + e^{−1}): h = ln(1 + e^{−1}) + 1 − p, so
//   J(π2) = V^π2(0) = 1 + ln(1 + e^{−1}) = ln(1 + e).
// Optimum. V*(s) = α ln Σ_a exp((r(s) + γ V*(s′))/α) and both states reach the same successors, so
//   V*(1) − V*(0) = 1 and V*(0) = ½ ln(e^{V*(0)} + e^{V*(0)+1}) = ½ V*(0) + ½ ln(1 + e) ⇒ J* = V*(0) = ln(1 + e).
//   The Q*-gap is γ(V*(1) − V*(0)) = ½ as for Q^U, so π* = π2: one soft improvement is already optimal here.
// Theorem 2. KL(U ‖ π2) is the same κ in both states: κ = −ln 2 − ½ ln(p(1−p)) = −ln 2 + ½ + ln(1 + e^{−1}),
//   r̄1→2(s,a) = α ln π2(a|s) + αγκ:  r̄(0,stay) = r̄(1,switch) = ½ ln(1−p) + ¼κ,  r̄(0,switch) = r̄(1,stay) = ½ ln p + ¼κ.
//   Shaping: f1→2(s) = −α ln Σ_a exp(Q^U(s,a)/α):  f(0) = −½(ln 2 + ½ + ln(1 + e)),  f(1) = f(0) − 1.
// §4.3. Both states have successors {0, 1}, so a zero right-hand side in Eq. 4 would force f(0) = f(1): the
//   fit is unique up to the constant, f = f1→2 + c and r̄ = r − (1−γ)c, so r̄(1) − r̄(0) = 1, f(1) − f(0) = −1,
//   with zero residual.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadMdpJson } from "../../src/envs/tabular/mdp-json.ts";
import { improvementShaping, invertSoftImprovement } from "../../src/observer/tabular/soft-policy-inversion.ts";
import { planOnReward } from "../../src/observer/tabular/plan-on-reward.ts";
import { regressStateOnlyReward } from "../../src/observer/tabular/state-only-regression.ts";
import { softPolicyEvaluation, softPolicyImprovement, softReturn, softValueIteration, uniformPolicy } from "../../src/solvers/soft-policy.ts";

const mdp = loadMdpJson(fileURLToPath(new URL("../../examples/two-state.json", import.meta.url)));
const alpha = 0.5;
const { E, LN2, log } = Math;
const p = 1 / (1 + Math.exp(-1));
const kappa = -LN2 + 0.5 + log(1 + Math.exp(-1));
const TOL = 1e-12;

function close(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= TOL, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

const U = uniformPolicy(2, 2);
const pi2 = softPolicyImprovement(mdp, U, alpha);

test("soft evaluation of the uniform policy", () => {
  const { V, Q } = softPolicyEvaluation(mdp, U, alpha);
  close(V, [0.5 + LN2, 1.5 + LN2], "V^U");
  close(Q, [0.25 + LN2 / 2, 0.75 + LN2 / 2, 1.75 + LN2 / 2, 1.25 + LN2 / 2], "Q^U");
  close([softReturn(mdp, U, alpha)], [0.5 + LN2], "J(U)");
});

test("soft policy improvement, J(π2) and the optimum", () => {
  close(pi2, [1 - p, p, p, 1 - p], "π2");
  close([softReturn(mdp, pi2, alpha)], [log(1 + E)], "J(π2)");
  const opt = softValueIteration(mdp, alpha);
  close([opt.V[0]!, opt.V[1]!], [log(1 + E), 1 + log(1 + E)], "V*");
  close(opt.pi, [1 - p, p, p, 1 - p], "π*");
});

test("Theorem 2: r̄1→2 and its shaping", () => {
  const rBar = invertSoftImprovement(mdp, U, pi2, alpha);
  const lo = 0.5 * log(1 - p) + 0.25 * kappa, hi = 0.5 * log(p) + 0.25 * kappa;
  close(rBar, [lo, hi, hi, lo], "r̄1→2");
  const f0 = -0.5 * (LN2 + 0.5 + log(1 + E));
  close(improvementShaping(mdp, U, alpha), [f0, f0 - 1], "f1→2");
  close(planOnReward(mdp, rBar, alpha).pi, [1 - p, p, p, 1 - p], "observer policy on r̄1→2");
});

test("§4.3: the state-only fit recovers r up to a constant", () => {
  const { reward, shaping, residual } = regressStateOnlyReward(mdp, invertSoftImprovement(mdp, U, pi2, alpha));
  assert.ok(residual <= TOL, `residual ${residual}`);
  close([reward[1]! - reward[0]!, shaping[1]! - shaping[0]!], [1, -1], "r̄(1) − r̄(0), f(1) − f(0)");
});
