import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { gridWorld } from "../envs/tabular/grid-world.ts";
import { softReturn, softValueIteration } from "../solvers/soft-policy.ts";
import { TABULAR_LEARNERS, type TabularLearnerId } from "./tabular-learners.ts";

const mdp = gridWorld();

test("every learner: one 1000-pair trajectory per policy, K+1 policies (10 for random), deterministic per seed", () => {
  const expected: Record<TabularLearnerId, number> = { "soft-policy-iteration": 4, "soft-value-iteration": 21, "q-learning": 51, "random-improvement": 10 };
  for (const [id, entry] of Object.entries(TABULAR_LEARNERS) as [TabularLearnerId, (typeof TABULAR_LEARNERS)[TabularLearnerId]][]) {
    const run = entry.train(mdp, {}, new Rng(3));
    assert.equal(run.policies.length, expected[id], id);
    assert.equal(run.history.updates.length, expected[id], id);
    for (const [k, u] of run.history.updates.entries()) {
      assert.equal(u.index, k);
      assert.equal(u.trajectories.length, 1);
      assert.equal(u.trajectories[0]!.length, 1000);
    }
    assert.equal(run.history.meta.actionSpace.n, 4);
    assert.equal(run.history.meta.envKwargs?.gamma, 0.96);
    const again = entry.train(mdp, {}, new Rng(3));
    assert.deepEqual(again.history.updates.at(-1)!.trajectories[0]!.actions, run.history.updates.at(-1)!.trajectories[0]!.actions, id);
  }
});

test("SPI: J(π_3) = 4.179321 (the paper's 4.18), from the uniform policy", () => {
  const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(0));
  assert.ok(Math.abs(softReturn(mdp, run.policies[3]!, 0.3) - 4.179321) < 1e-6);
  assert.ok(run.policies[0]!.every((p) => p === 0.25));
});

test("random improvement: points of the temperature path π ∝ π*^c, c in the order drawn", () => {
  const run = TABULAR_LEARNERS["random-improvement"].train(mdp, {}, new Rng(4));
  const star = softValueIteration(mdp, 0.3).pi;
  const cs = (run.history.meta.learnerConfig as { coefficients: number[] }).coefficients;
  assert.equal(cs.length, 15);
  for (let k = 0; k < 10; k++) {
    const pi = run.policies[k]!;
    // ln π(a|s) − ln π(0|s) = c (ln π*(a|s) − ln π*(0|s))
    for (let s = 0; s < 25; s++) for (let a = 1; a < 4; a++) {
      const lhs = Math.log(pi[s * 4 + a]!) - Math.log(pi[s * 4]!), rhs = cs[k]! * (Math.log(star[s * 4 + a]!) - Math.log(star[s * 4]!));
      assert.ok(Math.abs(lhs - rhs) < 1e-9);
    }
  }
});

test("Q-learning and SVI improve on the uniform policy over seeds 0–4 (every seed)", () => {
  for (const id of ["q-learning", "soft-value-iteration"] as const) {
    for (let seed = 0; seed < 5; seed++) {
      const run = TABULAR_LEARNERS[id].train(mdp, {}, new Rng(seed));
      assert.ok(softReturn(mdp, run.policies.at(-1)!, 0.3) > softReturn(mdp, run.policies[0]!, 0.3) + 5, `${id} seed ${seed}`);
    }
  }
});

test("configs are validated", () => {
  assert.throws(() => TABULAR_LEARNERS["q-learning"].train(mdp, { stepSize: 0 }, new Rng(0)), /stepSize/);
  assert.throws(() => TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, { improvements: 0 }, new Rng(0)), /improvements/);
  assert.throws(() => TABULAR_LEARNERS["random-improvement"].train(mdp, { observed: 20 }, new Rng(0)), /observed/);
});
