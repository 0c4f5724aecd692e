/**
 * Reacher-v5 parity with Gymnasium 1.3.0 + MuJoCo 3.14.0 (test/fixtures/gym-traces/Reacher-v5.json.gz).
 * Tolerances and measured errors: docs/environments.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "../../src/envs/mujoco/mujoco-runtime.ts";
import { Reacher } from "../../src/envs/mujoco/reacher.ts";
import { envSpec, makeEnv } from "../../src/envs/registry.ts";
import { FREE_STEP_TOL, loadTrace, modelFactMismatches, parityTolerance, relError, replayHorizons, singleStepErrors, truncationMismatches } from "./trace.ts";

const ID = "Reacher-v5";
/** Open-loop replay: "close" while qpos, qvel and obs stay within 1e-9 of the recording. */
const MULTI_STEP_TOL = 1e-9;

const trace = loadTrace(ID);
/**
 * 1e-12 on free steps; on steps where joint1 runs into its limit (the only constraint: nothing collides),
 * 100 × opt.tolerance = 1e-6, for Gymnasium's solver stopping one iteration earlier (trace.ts, docs/environments.md).
 */
const tol = parityTolerance(trace.model.opt);
const mujoco = await loadMujoco();

test(`${ID}: spaces, limits and the compiled model match Gymnasium's facts, array by array`, () => {
  using env = new Reacher(mujoco);
  assert.deepEqual(modelFactMismatches(env, trace.model), []);
  assert.equal(env.observationSpace.shape, trace.observation_shape[0]);
  assert.deepEqual(Array.from(env.actionSpace.low), trace.action_low);
  assert.deepEqual(Array.from(env.actionSpace.high), trace.action_high);
  assert.equal(envSpec(ID).maxEpisodeSteps, trace.max_episode_steps);
  for (const r of trace.rollouts) {
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    assert.ok(relError(env.currentObservation(), r.reset.obs) <= FREE_STEP_TOL, `reset observation of seed ${r.seed}`);
  }
});

test(`${ID}: single steps from recorded states match qpos, qvel, observation, reward, info and flags`, (t) => {
  using env = new Reacher(mujoco);
  const table = singleStepErrors(env, trace);
  t.diagnostic(`largest relative errors: ${table.toString()}`);
  assert.deepEqual(table.failures(tol), [], table.toString());
  for (const f of ["qpos", "qvel", "obs", "reward", "info.reward_dist", "info.reward_ctrl", "terminated"]) assert.ok(table.has(f), f);
});

test(`${ID}: recorded episodes replayed open-loop drift no faster than our own model amplifies the single-step differences; truncation at 50`, (t) => {
  using env = new Reacher(mujoco);
  const { table, close, twin, eps } = replayHorizons(env, trace, MULTI_STEP_TOL);
  t.diagnostic(`steps within ${MULTI_STEP_TOL} per rollout: ${close.join(", ")}; our model against itself moved by ${eps.map((e) => e.toExponential(0)).join(", ")}: ${twin.join(", ")}; largest errors up to the first diverging step: ${table.toString()}`);
  trace.rollouts.forEach((r, i) => assert.ok(close[i]! >= twin[i]!, `seed ${r.seed}: close for ${close[i]} steps, our own model for ${twin[i]} (${table.toString()})`));
  assert.deepEqual(truncationMismatches(() => makeEnv(ID, {}, { mujoco }), trace), []);
});

test(`${ID}: start states follow Gymnasium's distribution`, () => {
  using env = new Reacher(mujoco);
  env.reset({ seed: 5 });
  let maxArm = 0, maxVel = 0, maxGoal = 0;
  for (let i = 0; i < 500; i++) {
    env.reset();
    const { qpos, qvel } = env.getState();
    maxArm = Math.max(maxArm, Math.abs(qpos[0]!), Math.abs(qpos[1]!));
    maxVel = Math.max(maxVel, Math.abs(qvel[0]!), Math.abs(qvel[1]!));
    maxGoal = Math.max(maxGoal, Math.hypot(qpos[2]!, qpos[3]!));
    assert.equal(qvel[2], 0);
    assert.equal(qvel[3], 0);
  }
  assert.ok(maxArm <= 0.1 && maxArm > 0.09, `arm ${maxArm}`);
  assert.ok(maxVel <= 0.005 && maxVel > 0.0045, `vel ${maxVel}`);
  assert.ok(maxGoal < 0.2 && maxGoal > 0.18, `goal ${maxGoal}`);
});
