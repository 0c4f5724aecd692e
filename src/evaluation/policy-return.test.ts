import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { makeEnv } from "../envs/registry.ts";
import type { PpoActorJson } from "../learners/ppo.ts";
import { MLP } from "../nn/mlp.ts";
import { policyReturns } from "./policy-return.ts";

const actor: PpoActorJson = {
  policy: new MLP([3, 16, 1], { rng: new Rng(7), outputGain: 0.01 }).toJSON(), logStd: [-0.5],
  obsNorm: { mean: [0, 0, 0], var: [0.5, 0.5, 4], count: 2048 }, clipObs: 10,
};
const pendulum = () => makeEnv("Pendulum-v1");

test("policyReturns: one full episode per env on the true reward, reproducible from its seed", () => {
  const r = policyReturns(actor, pendulum, { episodes: 3, mode: "stochastic", seed: 5 });
  assert.equal(r.returns.length, 3);
  assert.deepEqual(r.lengths, [200, 200, 200], "Pendulum-v1 is truncated at 200 steps");
  assert.ok(r.returns.every((x) => Number.isFinite(x) && x < 0), "Pendulum rewards are ≤ 0");
  assert.equal(r.mean, (r.returns[0]! + r.returns[1]! + r.returns[2]!) / 3);
  assert.deepEqual(policyReturns(actor, pendulum, { episodes: 3, mode: "stochastic", seed: 5 }), r);
  assert.throws(() => policyReturns(actor, pendulum, { episodes: 0, mode: "stochastic", seed: 5 }), InputError);
});

test("policyReturns: deterministic mode plays the mean (no noise), stochastic mode samples", () => {
  const det = policyReturns(actor, pendulum, { episodes: 2, mode: "deterministic", seed: 5 });
  const quiet = { ...actor, logStd: [-30] }; // σ ≈ 1e-13: sampling is the mean up to round-off
  const nearDet = policyReturns(quiet, pendulum, { episodes: 2, mode: "stochastic", seed: 5 });
  nearDet.returns.forEach((x, i) => assert.ok(Math.abs(x - det.returns[i]!) < 1e-6));
  assert.notDeepEqual(policyReturns(actor, pendulum, { episodes: 2, mode: "stochastic", seed: 5 }).returns, det.returns);
});
