/** Smoke test: every registered env can be made, reset and stepped, and passes the env checker. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv, registeredEnvIds, envSpec, type EnvDeps } from "../src/envs/registry.ts";
import { checkEnv } from "../src/envs/env-checker.ts";
import { InputError } from "../src/core/errors.ts";
import { Rng } from "../src/core/rng.ts";

async function deps(): Promise<EnvDeps> {
  return {};
}

test("every registered env resets, steps to its time limit and passes the checker", async () => {
  const d = await deps();
  const ids = registeredEnvIds();
  assert.ok(ids.includes("Pendulum-v1"));
  for (const id of ids) {
    const env = makeEnv(id, {}, d);
    try {
      const { observation } = env.reset({ seed: 1 });
      assert.equal(observation.length, env.observationSpace.shape, id);
      const rng = new Rng(2);
      let steps = 0, truncated = false;
      while (!truncated) {
        const r = env.step(env.actionSpace.sample(rng));
        steps++;
        truncated = r.truncated;
        if (r.terminated) {
          env.reset();
          steps = 0;
        }
      }
      assert.equal(steps, envSpec(id).maxEpisodeSteps, `${id}: truncated after ${steps} steps`);
    } finally {
      env.close();
    }
    assert.deepEqual(checkEnv(() => makeEnv(id, {}, d), { seed: 7, steps: 60 }), [], id);
  }
});

test("unknown ids and kwargs are input errors", () => {
  assert.throws(() => makeEnv("Nope-v0"), (e: unknown) => e instanceof InputError && e.code === "E_UNKNOWN_ID");
  assert.throws(() => makeEnv("Pendulum-v1", { gravity: 9.8 }), (e: unknown) => e instanceof InputError && e.code === "E_INVALID_CONFIG");
  assert.throws(() => makeEnv("Pendulum-v1", { g: Number.NaN }), (e: unknown) => e instanceof InputError && e.code === "E_INVALID_CONFIG");
});

test("the checker reports a broken env", () => {
  const problems = checkEnv(() => {
    const env = makeEnv("Pendulum-v1");
    const step = env.step.bind(env);
    env.step = (a) => ({ ...step(a), reward: Number.NaN });
    return env;
  }, { steps: 3 });
  assert.ok(problems.some((p) => p.includes("reward NaN")), problems.join("; "));
});
