// Lemma 1 and Theorem 1 (paper §4.1) on ≥ 100 random MDPs: a potential shaping g moves the soft Q-function of
// every policy by exactly g(s), so soft policy improvement and the optimal soft policy do not change.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { maxAbsDiff } from "../../src/core/linalg.ts";
import type { TabularMdp } from "../../src/envs/tabular/tabular-mdp.ts";
import { softPolicyEvaluation, softPolicyImprovement, softValueIteration } from "../../src/solvers/soft-policy.ts";
import { arbCase, RUNS } from "./random-mdp.ts";

/** r2 + g − γ P g, the shaped reward of Lemma 1 (A). */
function shaped(mdp: TabularMdp, g: Float64Array): TabularMdp {
  const Pg = mdp.expect(g);
  const r = new Float64Array(mdp.nS * mdp.nA);
  for (let i = 0; i < r.length; i++) r[i] = mdp.r[i]! + g[Math.floor(i / mdp.nA)]! - mdp.gamma * Pg[i]!;
  return mdp.withReward(r);
}

test("Lemma 1 (A ⇒ B): r1 = r2 + g − γPg gives Q^{π,r1} = Q^{π,r2} + g(s) for any policy", () => {
  fc.assert(fc.property(arbCase(), ({ mdp, alpha, pi, g }) => {
    const Q2 = softPolicyEvaluation(mdp, pi, alpha).Q;
    const Q1 = softPolicyEvaluation(shaped(mdp, g), pi, alpha).Q;
    for (let i = 0; i < Q1.length; i++) assert.ok(Math.abs(Q1[i]! - Q2[i]! - g[Math.floor(i / mdp.nA)]!) < 1e-9, `Q1 − Q2 − g at ${i}`);
  }), RUNS);
});

test("Lemma 1 (B ⇒ A): the reward whose soft Q is Q^{π,r2} + g(s) is r2 + g − γPg", () => {
  fc.assert(fc.property(arbCase(), ({ mdp, alpha, pi, g }) => {
    const { nS, nA, gamma } = mdp;
    const Q1 = softPolicyEvaluation(mdp, pi, alpha).Q.map((q, i) => q + g[Math.floor(i / nA)]!);
    // Invert the soft Bellman evaluation equation: r1(s,a) = Q1(s,a) − γ E_{s′}[Σ_a′ π(a′|s′)(Q1(s′,a′) − α ln π(a′|s′))].
    const V1 = new Float64Array(nS);
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) V1[s] = V1[s]! + pi[s * nA + a]! * (Q1[s * nA + a]! - alpha * Math.log(pi[s * nA + a]!));
    const PV1 = mdp.expect(V1);
    const r1 = Q1.map((q, i) => q - gamma * PV1[i]!);
    assert.ok(maxAbsDiff(r1, shaped(mdp, g).r) < 1e-9);
  }), RUNS);
});

test("Theorem 1: shaping leaves soft policy improvement and the optimal soft policy unchanged", () => {
  fc.assert(fc.property(arbCase(), ({ mdp, alpha, pi, g }) => {
    const other = shaped(mdp, g);
    assert.ok(maxAbsDiff(softPolicyImprovement(mdp, pi, alpha), softPolicyImprovement(other, pi, alpha)) < 1e-9, "SPI");
    assert.ok(maxAbsDiff(softValueIteration(mdp, alpha).pi, softValueIteration(other, alpha).pi) < 1e-8, "π*");
  }), RUNS);
});
