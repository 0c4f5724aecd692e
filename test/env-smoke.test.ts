/** Smoke test: every registered env can be made, reset and stepped, and passes the env checker. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv, registeredEnvIds, envSpec, type EnvDeps } from "../src/envs/registry.ts";
import { checkEnv } from "../src/envs/env-checker.ts";
import { InputError, LflError } from "../src/core/errors.ts";
import { Rng } from "../src/core/rng.ts";
import { loadMujoco } from "../src/envs/mujoco/mujoco-runtime.ts";

/** One MuJoCo runtime for every MuJoCo env of this test file. */
async function deps(): Promise<EnvDeps> {
  return { mujoco: await loadMujoco() };
}

test("every registered env resets, steps to its time limit and passes the checker", async () => {
  const d = await deps();
  const ids = registeredEnvIds();
  for (const id of ["Pendulum-v1", "Reacher-v5", "HalfCheetah-v5", "Hopper-v5", "Ant-v5"]) assert.ok(ids.includes(id), id);
  for (const id of ids) {
    // Envs that end on a fall (Hopper, Ant) would rarely reach the time limit under random actions.
    const env = makeEnv(id, "terminate_when_unhealthy" in envSpec(id).defaults ? { terminate_when_unhealthy: false } : {}, d);
    try {
      const { observation } = env.reset({ seed: 1 });
      assert.equal(observation.length, env.observationSpace.shape, id);
      // One episode: it ends by termination before the time limit, or by truncation exactly at it.
      const rng = new Rng(2);
      const max = envSpec(id).maxEpisodeSteps;
      let steps = 0;
      for (;;) {
        const r = env.step(env.actionSpace.sample(rng));
        steps++;
        if (r.terminated) {
          assert.ok(steps <= max, `${id}: terminated after ${steps} steps`);
          break;
        }
        if (r.truncated) {
          assert.equal(steps, max, `${id}: truncated after ${steps} steps`);
          break;
        }
        assert.ok(steps < max, `${id}: not truncated at ${max} steps`);
      }
    } finally {
      env.close();
    }
    assert.deepEqual(checkEnv(() => makeEnv(id, {}, d), { seed: 7, steps: 60 }), [], id);
  }
});

test("MuJoCo envs without a runtime fail with a clear error", () => {
  assert.throws(() => makeEnv("HalfCheetah-v5"), (e: unknown) => e instanceof LflError && e.code === "E_ENV" && /loadMujoco/.test(e.message));
});

test("kwargs reach the env", async () => {
  const d = await deps();
  using env = makeEnv("HalfCheetah-v5", { exclude_current_positions_from_observation: false, frame_skip: 2 }, d);
  assert.equal(env.observationSpace.shape, 18);
  assert.equal(env.reset({ seed: 0 }).observation.length, 18);
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
