import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { gridWorld } from "../envs/tabular/grid-world.ts";
import { softValueIteration, uniformPolicy } from "../solvers/soft-policy.ts";
import { sampleTabularTrajectory } from "./tabular-sampling.ts";

const mdp = gridWorld();

test("a 1000-pair stream starts at the start state, follows P, and records r(s,a)", () => {
  const tr = sampleTabularTrajectory(mdp, uniformPolicy(25, 4), 1000, new Rng(1), 7);
  assert.equal(tr.length, 1000);
  assert.equal(tr.observations.length, 1001);
  assert.equal(tr.observations[0], 0);
  assert.equal(tr.episode, 7);
  assert.equal(tr.truncated, true);
  for (let t = 0; t < 1000; t++) {
    const s = tr.observations[t]!, a = tr.actions[t]!, s2 = tr.observations[t + 1]!;
    assert.ok(mdp.p(s, a, s2) > 0, `step ${t}: (${s},${a}) → ${s2} has zero probability`);
    assert.equal(tr.rewards[t], mdp.r[s * 4 + a]);
  }
  // The grid's resets happen inside the stream: the goal (24) and the middle (12) are followed by the start (0).
  let resets = 0;
  for (let t = 0; t < 1000; t++) if (tr.observations[t] === 24 || tr.observations[t] === 12) { assert.equal(tr.observations[t + 1], 0); resets++; }
  assert.ok(resets > 0, "a uniform 1000-step stream passes through a reset state");
});

test("same seed, same stream; action frequencies match π within 4 binomial standard errors", () => {
  const pi = softValueIteration(mdp, 0.3).pi;
  const a = sampleTabularTrajectory(mdp, pi, 1000, new Rng(5));
  const b = sampleTabularTrajectory(mdp, pi, 1000, new Rng(5));
  assert.deepEqual(a.actions, b.actions);
  const n = new Float64Array(100), N = new Float64Array(25);
  for (let t = 0; t < 1000; t++) { n[a.observations[t]! * 4 + a.actions[t]!]!++; N[a.observations[t]!]!++; }
  for (let s = 0; s < 25; s++) {
    if (N[s]! < 50) continue;
    for (let k = 0; k < 4; k++) {
      const p = pi[s * 4 + k]!, se = Math.sqrt((p * (1 - p)) / N[s]!) + 1e-9;
      assert.ok(Math.abs(n[s * 4 + k]! / N[s]! - p) < 4 * se + 1e-3, `state ${s} action ${k}`);
    }
  }
});
