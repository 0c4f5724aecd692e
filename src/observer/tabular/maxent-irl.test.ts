import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../core/rng.ts";
import { GRID_ALPHA, gridWorld } from "../../envs/tabular/grid-world.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../../solvers/soft-policy.ts";
import { maxEntIrl, maxEntLikelihood } from "./maxent-irl.ts";
import { planOnReward } from "./plan-on-reward.ts";

/** Visit counts of `steps` state–action pairs of one stream from the start state under π. */
function sampleCounts(mdp: TabularMdp, pi: Float64Array, steps: number, rng: Rng): Float64Array {
  const { nS, nA } = mdp;
  const n = new Float64Array(nS * nA);
  let s = rng.categorical(mdp.start);
  for (let t = 0; t < steps; t++) {
    const a = rng.categorical(pi, s * nA, nA);
    n[s * nA + a]!++;
    s = rng.categorical(mdp.P, (s * nA + a) * nS, nS);
  }
  return n;
}

test("the likelihood gradient (empirical − expected discounted feature counts) matches finite differences, for r(s) and r(s,a)", () => {
  const mdp = gridWorld({ slip: 0.3 });
  const rng = new Rng(1);
  const counts = sampleCounts(mdp, uniformPolicy(mdp.nS, mdp.nA), 300, rng);
  for (const form of ["s", "sa"] as const) {
    const theta = Float64Array.from({ length: form === "s" ? mdp.nS : mdp.nS * mdp.nA }, () => rng.uniformIn(-1, 1));
    const { grad } = maxEntLikelihood(mdp, counts, theta, 0.5, form);
    for (const i of [0, 7, 12, 24].map((k) => (form === "s" ? k : 4 * k + 1))) {
      const h = 1e-5, up = theta.slice(), dn = theta.slice();
      up[i] += h; dn[i] -= h;
      const fd = (maxEntLikelihood(mdp, counts, up, 0.5, form).value - maxEntLikelihood(mdp, counts, dn, 0.5, form).value) / (2 * h);
      assert.ok(Math.abs(fd - grad[i]!) < 1e-6 * Math.max(1, Math.abs(fd)), `${form} θ[${i}]: analytic ${grad[i]} vs finite difference ${fd}`);
    }
  }
});

test("competence: on the paper's 5×5 grid, demonstrations from the optimal soft policy → the policy planned on the MaxEnt IRL reward has J within 5% of (J* − J(U)) of J*", () => {
  const mdp = gridWorld();
  const opt = softValueIteration(mdp, GRID_ALPHA);
  const Jstar = softReturn(mdp, opt.pi, GRID_ALPHA), JU = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), GRID_ALPHA);
  const counts = sampleCounts(mdp, opt.pi, 1000, new Rng(42));
  const { reward, logLikelihood } = maxEntIrl(mdp, counts, { alpha: GRID_ALPHA });
  assert.equal(reward.length, mdp.nS);
  const J = softReturn(mdp, planOnReward(mdp, reward, GRID_ALPHA).pi, GRID_ALPHA);
  assert.ok(Jstar - J <= 0.05 * (Jstar - JU), `J = ${J}, J* = ${Jstar}, J(U) = ${JU}`);
  // A zero reward (the start of the fit) is far from that: the score comes from the fit.
  const J0 = softReturn(mdp, planOnReward(mdp, new Float64Array(mdp.nS), GRID_ALPHA).pi, GRID_ALPHA);
  assert.ok(Jstar - J0 > 0.05 * (Jstar - JU), `J(r = 0) = ${J0}`);
  assert.ok(logLikelihood > Math.log(1 / mdp.nA));
  assert.throws(() => maxEntIrl(mdp, new Float64Array(mdp.nS * mdp.nA)), /not all 0/);
});
