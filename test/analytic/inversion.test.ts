// Theorem 2 (paper §4.2) on ≥ 100 random MDPs: with π2 = SPI_r{π1}, the reward r̄1→2 recovered from (π1, π2)
// explains the improvement, equals r up to the shaping f1→2 = −α ln Σ_a exp(Q^{π1}/α), and has r's optimal policy.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { maxAbsDiff } from "../../src/core/linalg.ts";
import { improvementShaping, invertSoftImprovement } from "../../src/observer/tabular/soft-policy-inversion.ts";
import { planOnReward } from "../../src/observer/tabular/plan-on-reward.ts";
import { softPolicyImprovement, softValueIteration } from "../../src/solvers/soft-policy.ts";
import { arbCase, RUNS } from "./random-mdp.ts";

test("Theorem 2: SPI under r̄1→2 maps π1 to π2, r̄1→2 = r + f − γPf, and r̄1→2 has r's optimal policy", () => {
  fc.assert(fc.property(arbCase(), ({ mdp, alpha, pi: pi1 }) => {
    const pi2 = softPolicyImprovement(mdp, pi1, alpha);
    const rBar = invertSoftImprovement(mdp, pi1, pi2, alpha);
    assert.ok(maxAbsDiff(softPolicyImprovement(mdp.withReward(rBar), pi1, alpha), pi2) < 1e-9, "SPI_r̄{π1} = π2");

    const f = improvementShaping(mdp, pi1, alpha);
    const Pf = mdp.expect(f);
    const expected = mdp.r.map((r, i) => r + f[Math.floor(i / mdp.nA)]! - mdp.gamma * Pf[i]!);
    assert.ok(maxAbsDiff(rBar, expected) < 1e-9, "r̄1→2 = r + f1→2 − γ P f1→2");

    assert.ok(maxAbsDiff(planOnReward(mdp, rBar, alpha).pi, softValueIteration(mdp, alpha).pi) < 1e-8, "same π*");
  }), RUNS);
});
