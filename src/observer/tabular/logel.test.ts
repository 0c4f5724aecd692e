import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../core/rng.ts";
import { sampleTabularTrajectory } from "../../data/tabular-sampling.ts";
import { GRID_ALPHA, gridStateReward, gridWorld } from "../../envs/tabular/grid-world.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { tabularRun } from "../../learners/tabular-learner.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../../solvers/soft-policy.ts";
import { cloneLogits, featureJacobian, logelFromParameters, logelReward, softmaxLogits } from "./logel.ts";
import { planOnReward } from "./plan-on-reward.ts";
import { likelihoodScale } from "./reward-scale.ts";

/** Expected discounted feature counts ψ_j(θ) = E[Σ_t γ^t 1{s_t = j}] from the start state. */
function featureExpectations(mdp: TabularMdp, theta: Float64Array): Float64Array {
  const pi = softmaxLogits(theta, mdp.nS, mdp.nA);
  let d = Float64Array.from(mdp.start), total = new Float64Array(mdp.nS), discount = 1;
  for (let t = 0; t < 2000; t++, discount *= mdp.gamma) {
    const next = new Float64Array(mdp.nS);
    for (let s = 0; s < mdp.nS; s++) {
      total[s] = total[s]! + discount * d[s]!;
      for (let a = 0; a < mdp.nA; a++) for (let s2 = 0; s2 < mdp.nS; s2++) next[s2] = next[s2]! + d[s]! * pi[s * mdp.nA + a]! * mdp.P[(s * mdp.nA + a) * mdp.nS + s2]!;
    }
    d = next;
  }
  return total;
}

/** An exact policy-gradient learner on r = ωᵀφ: θ_{t+1} = θ_t + α_t Ψ(θ_t) ω from θ_0 = 0. */
function gradientLearner(mdp: TabularMdp, omega: Float64Array, K: number, step: number, rng: Rng): Float64Array[] {
  const m = mdp.nS * mdp.nA;
  const thetas = [new Float64Array(m)];
  for (let k = 0; k < K; k++) {
    const th = thetas[k]!, Psi = featureJacobian(mdp, th), a = step * rng.uniformIn(0.5, 1.5), next = th.slice();
    for (let i = 0; i < m; i++) for (let j = 0; j < mdp.nS; j++) next[i] = next[i]! + a * Psi[i * mdp.nS + j]! * omega[j]!;
    thetas.push(next);
  }
  return thetas;
}

const centred = (x: Float64Array): Float64Array => { const mu = x.reduce((s, v) => s + v, 0) / x.length; return x.map((v) => v - mu); };
function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i]! * b[i]!; aa += a[i]! ** 2; bb += b[i]! ** 2; }
  return ab / Math.sqrt(aa * bb);
}

test("the feature Jacobian Ψ(θ) matches finite differences of the feature expectations; behaviour cloning recovers the logits", () => {
  const mdp = gridWorld({ slip: 0.3 });
  const rng = new Rng(2);
  const theta = Float64Array.from({ length: mdp.nS * mdp.nA }, () => rng.uniformIn(-1, 1));
  const Psi = featureJacobian(mdp, theta);
  for (const i of [0, 9, 42, 77]) {
    const h = 1e-5, up = theta.slice(), dn = theta.slice();
    up[i] += h; dn[i] -= h;
    const fu = featureExpectations(mdp, up), fd = featureExpectations(mdp, dn);
    for (const j of [0, 6, 13, 24]) {
      const num = (fu[j]! - fd[j]!) / (2 * h);
      assert.ok(Math.abs(num - Psi[i * mdp.nS + j]!) < 1e-5 * Math.max(1, Math.abs(num)), `Ψ[${i}, ${j}] = ${Psi[i * mdp.nS + j]} vs ${num}`);
    }
  }
  // Per-state zero-sum logits (the gauge policy gradients keep) are recovered from expected counts, up to the L2 shrinkage.
  const zeroSum = theta.map((v, i) => v - (theta[i - (i % 4)]! + theta[i - (i % 4) + 1]! + theta[i - (i % 4) + 2]! + theta[i - (i % 4) + 3]!) / 4);
  const counts = softmaxLogits(zeroSum, mdp.nS, mdp.nA).map((p) => 1e4 * p);
  const back = cloneLogits(counts, mdp.nS, mdp.nA, 1e-6);
  for (let i = 0; i < back.length; i++) assert.ok(Math.abs(back[i]! - zeroSum[i]!) < 1e-6);
});

test("competence: on an exact policy-gradient learner of the grid's reward, LOGEL recovers ω up to scale (cosine ≥ 0.95) and its planned policy is near-optimal", () => {
  const mdp = gridWorld();
  const omega = gridStateReward();
  const thetas = gradientLearner(mdp, omega, 20, 1, new Rng(7));
  // LOGEL's first setting: the observer sees the learner's parameters θ_0..θ_K.
  const fit = logelFromParameters(mdp, thetas);
  // A constant reward has zero policy gradient, so ω is identified up to scale AND a constant: compare centred.
  const cos = cosine(centred(fit.omega), centred(omega));
  assert.ok(cos >= 0.95, `cosine ${cos}`);
  assert.ok(fit.relativeResidual < 1e-6, `relative residual ${fit.relativeResidual}`);
  assert.ok(fit.stepSizes.every((a) => a > 0));
  const Jstar = softReturn(mdp, softValueIteration(mdp, GRID_ALPHA).pi, GRID_ALPHA), JU = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), GRID_ALPHA);
  // Planned at the true reward's scale (the known answer's norm), the policy is within 10% of (J* − J(U)) of J*.
  const known = fit.omega.map((v) => v * Math.hypot(...centred(omega)));
  const Jknown = softReturn(mdp, planOnReward(mdp, known, GRID_ALPHA).pi, GRID_ALPHA);
  assert.ok(Jstar - Jknown <= 0.1 * (Jstar - JU), `J = ${Jknown}, J* = ${Jstar}`);
  // At the scale set from the last policy's actions (what Table 2 uses), it beats that last policy.
  const last = sampleTabularTrajectory(mdp, softmaxLogits(thetas[20]!, mdp.nS, mdp.nA), 1000, new Rng(8));
  const counts = new Float64Array(mdp.nS * mdp.nA);
  for (let t = 0; t < last.length; t++) counts[last.observations[t]! * mdp.nA + last.actions[t]!]!++;
  const { scale } = likelihoodScale(mdp, fit.omega, counts, GRID_ALPHA);
  const Jscaled = softReturn(mdp, planOnReward(mdp, fit.omega.map((v) => scale * v), GRID_ALPHA).pi, GRID_ALPHA);
  const Jlast = softReturn(mdp, softmaxLogits(thetas[20]!, mdp.nS, mdp.nA), GRID_ALPHA);
  assert.ok(Jscaled > Jlast, `J(likelihood scale) = ${Jscaled}, J(last policy) = ${Jlast}`);
});

test("from sampled pairs (a tabular history), LOGEL runs end to end, deterministically, with non-negative step sizes", () => {
  const mdp = gridWorld();
  const rng = new Rng(3);
  const thetas = gradientLearner(mdp, gridStateReward(), 5, 1, rng);
  const policies = thetas.map((t) => softmaxLogits(t, mdp.nS, mdp.nA));
  const run = tabularRun(mdp, "test", {}, policies.map((pi, k) => sampleTabularTrajectory(mdp, pi, 1000, rng, k)), policies);
  const a = logelReward(mdp, run.history, { alpha: GRID_ALPHA });
  const b = logelReward(mdp, run.history, { alpha: GRID_ALPHA });
  assert.deepEqual(a.planningReward, b.planningReward);
  assert.equal(a.stepSizes.length, 5);
  assert.ok(a.stepSizes.every((s) => s >= 0));
  assert.ok(Math.abs(Math.hypot(...a.omega) - 1) < 1e-9);
  assert.ok(a.relativeResidual >= 0 && a.relativeResidual <= 1, `relative residual ${a.relativeResidual}`);
  assert.ok(a.scale > 0);
  assert.throws(() => logelFromParameters(mdp, [thetas[0]!]), /at least two/);
});
