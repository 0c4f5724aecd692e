/**
 * The observer never reads the true reward: trained on a NaN-poisoned Pendulum (the true reward kept in
 * `info` only) it ends bit-identical to the same training on the clean env; scoring on the clean env works.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv, StepResult } from "../envs/env.ts";
import { makeEnv } from "../envs/registry.ts";
import type { PpoActorJson } from "../learners/ppo.ts";
import { MLP } from "../nn/mlp.ts";
import type { RewardFn } from "../rewards/reward-fn.ts";
import { constantReward, trainObserver } from "./observer-training.ts";

/** Wraps an env: reward NaN, the true reward moved to info.trueReward (for scoring only). */
class PoisonedReward implements BoxEnv {
  readonly id: string;
  readonly observationSpace: BoxEnv["observationSpace"];
  readonly actionSpace: BoxEnv["actionSpace"];
  constructor(private readonly inner: BoxEnv) {
    this.id = inner.id;
    this.observationSpace = inner.observationSpace;
    this.actionSpace = inner.actionSpace;
  }
  reset(options?: { seed?: number }) {
    return this.inner.reset(options);
  }
  step(a: Float64Array): StepResult<Float64Array> {
    const r = this.inner.step(a);
    return { ...r, reward: NaN, info: { ...r.info, trueReward: r.reward } };
  }
  close(): void {
    this.inner.close();
  }
}

/** A stand-in recovered reward (cos θ-ish upright bonus minus action cost) and a random stand-in clone. */
const standIn: RewardFn = {
  name: "stand-in", obsDim: 3, actDim: 1,
  evaluate: (b) => Float64Array.from({ length: b.n }, (_, i) => b.nextObs[3 * i]! - 0.01 * b.actions[i]! ** 2),
};
const clone: PpoActorJson = {
  policy: new MLP([3, 16, 1], { rng: new Rng(7), outputGain: 0.01 }).toJSON(), logStd: [-0.5],
  obsNorm: { mean: [0, 0, 0], var: [0.5, 0.5, 4], count: 2048 }, clipObs: 10,
};
const PPO = { numEnvs: 2, nSteps: 128, batchSize: 64, nEpochs: 2 };

test("observer training never reads the true reward: a NaN-poisoned env trains identically", () => {
  let poisonedSteps = 0;
  const clean = trainObserver({ makeEnv: () => makeEnv("Pendulum-v1"), reward: standIn, start: clone, updates: 2, seed: 4, ppo: PPO });
  const poisoned = trainObserver({
    makeEnv: () => { poisonedSteps++; return new PoisonedReward(makeEnv("Pendulum-v1")); },
    reward: standIn, start: clone, updates: 2, seed: 4, ppo: PPO,
  });
  assert.equal(poisonedSteps, 2, "the poisoned envs were the ones trained on");
  assert.deepEqual(poisoned.final, clean.final);
  assert.equal(poisoned.steps, 2 * 2 * 128);
  assert.ok(poisoned.updates.every((u) => Number.isNaN(u.meanReturn)), "the env reward reaches the scoring statistics only");
  assert.ok(Number.isFinite(clean.updates.at(-1)!.meanReturn), "the clean env's true returns are scored (after the first 200-step episodes)");
  // The true-reward control is the one run that reads the env reward: on the poisoned env it refuses NaN.
  assert.throws(() => trainObserver({ makeEnv: () => new PoisonedReward(makeEnv("Pendulum-v1")), reward: "env", start: clone, updates: 1, seed: 4, ppo: PPO }), NumericalError);
});

test("observer starts from the clone (π_0 = clone) and a constant reward trains", () => {
  const seen: PpoActorJson[] = [];
  const run = trainObserver({
    makeEnv: () => makeEnv("Pendulum-v1"), reward: constantReward(3, 1), start: clone, updates: 2, seed: 1, ppo: PPO,
    onPolicy: (_, actor) => { seen.push(actor()); },
  });
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0], clone);
  assert.notDeepEqual(run.final.policy.params, clone.policy.params);
});
