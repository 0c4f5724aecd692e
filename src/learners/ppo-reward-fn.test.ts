/**
 * PPO's observer options: `rewardFn` replaces the env reward in learning (the env reward is never read for
 * learning, proven by poisoning it), the run's `init` starts from a given actor, `onPolicy` snapshots π_k.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError, NumericalError } from "../core/errors.ts";
import { TimeLimit } from "../envs/wrappers/time-limit.ts";
import { PointWalk } from "../envs/testing/point-walk.ts";
import type { RewardFn, TransitionBatch } from "../rewards/reward-fn.ts";
import { trainPpo, type PpoActorJson } from "./ppo.ts";

/** PointWalk (src/envs/testing) with a 25-step limit; poisoned: the env reward is NaN (true reward only in info). */
const walk = (poisoned = false) => () => new TimeLimit(new PointWalk({ poisonReward: poisoned }), 25);
const SMALL = { numEnvs: 2, nSteps: 32, batchSize: 16, nEpochs: 2 };
const RUN = { totalSteps: 3 * 64, seed: 3, recordEnvs: 0 };

/** The env's own reward, computed from s′ — learning from it must equal learning from the env. */
const envReward: RewardFn = {
  name: "−|s′|²", obsDim: 2, actDim: 2,
  evaluate: (b: TransitionBatch) => Float64Array.from({ length: b.n }, (_, i) => -(b.nextObs[2 * i]! ** 2 + b.nextObs[2 * i + 1]! ** 2)),
};

test("rewardFn equal to the env reward trains bit-identically to the env reward", () => {
  const a = trainPpo({ ...SMALL, normalizeObservations: true }, walk(), RUN);
  const b = trainPpo({ ...SMALL, normalizeObservations: true }, walk(), { ...RUN, reward: envReward });
  assert.deepEqual(b.policy.params, a.policy.params);
  assert.deepEqual(b.value.params, a.value.params);
  assert.deepEqual(b.updates.map((u) => u.meanReturn), a.updates.map((u) => u.meanReturn));
});

test("with a rewardFn the env reward is never learned from: a NaN-poisoned env trains identically", () => {
  const seen: number[] = []; // batch sizes
  let terminals = 0;
  const recovered: RewardFn = {
    name: "stand-in", obsDim: 2, actDim: 2,
    evaluate: (b) => {
      seen.push(b.n);
      for (const t of b.terminated) terminals += t;
      return Float64Array.from({ length: b.n }, (_, i) => Math.tanh(b.obs[2 * i]! - b.actions[2 * i + 1]!) + (b.terminated[i] ? -1 : 0));
    },
  };
  const clean = trainPpo(SMALL, walk(false), { ...RUN, reward: recovered });
  const poisoned = trainPpo(SMALL, walk(true), { ...RUN, reward: recovered });
  assert.deepEqual(poisoned.policy.params, clean.policy.params);
  assert.deepEqual(poisoned.value.params, clean.value.params);
  assert.deepEqual(poisoned.gaussian.logStd, clean.gaussian.logStd);
  assert.equal(seen.length, 2 * 3 * 32, "one batch per lockstep step, in both runs");
  assert.ok(seen.every((n) => n === 2), "a batch holds numEnvs transitions");
  assert.ok(terminals > 0, "terminal transitions reach the reward");
  // The env reward still feeds the scoring statistics only: finite for the clean env, NaN for the poisoned one.
  assert.ok(clean.updates.some((u) => Number.isFinite(u.meanReturn)));
  assert.ok(poisoned.updates.every((u) => !Number.isFinite(u.meanReturn)));
  // Without a rewardFn the poisoned reward is learned from, hence refused.
  assert.throws(() => trainPpo(SMALL, walk(true), RUN), NumericalError);
});

test("init: π_0 is the given actor (weights, log-std, statistics); mismatches are refused", () => {
  const first = trainPpo({ ...SMALL, normalizeObservations: true }, walk(), RUN);
  const given: PpoActorJson = { ...first.model(), obsNorm: first.obsNorm!.toJSON() };
  let pi0: PpoActorJson | null = null;
  trainPpo({ ...SMALL, normalizeObservations: true }, walk(), { ...RUN, seed: 9, init: given }, {
    onPolicy: (k, actor) => { if (k === 0) pi0 = actor(); },
  });
  assert.ok(pi0 !== null);
  const got: PpoActorJson = pi0;
  assert.deepEqual(got.policy.params, given.policy.params);
  assert.deepEqual(got.logStd, given.logStd);
  assert.deepEqual(got.obsNorm, given.obsNorm);
  assert.throws(() => trainPpo({ ...SMALL, normalizeObservations: false }, walk(), { ...RUN, init: given }), InputError);
  assert.throws(() => trainPpo({ ...SMALL, hidden: [8], normalizeObservations: true }, walk(), { ...RUN, init: given }), InputError);
  const wrongDims: RewardFn = { ...envReward, obsDim: 3 };
  assert.throws(() => trainPpo(SMALL, walk(), { ...RUN, reward: wrongDims }), InputError);
});
