/**
 * HalfCheetah-v5 parity with Gymnasium 1.3.0 + MuJoCo 3.14.0 (test/fixtures/gym-traces/HalfCheetah-v5.json.gz).
 * Tolerances and measured errors: docs/environments.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "../../src/envs/mujoco/mujoco-runtime.ts";
import { HalfCheetah } from "../../src/envs/mujoco/half-cheetah.ts";
import { envSpec, makeEnv } from "../../src/envs/registry.ts";
import { loadTrace, modelFactMismatches, parityTolerance, relError, replayHorizons, singleStepErrors, truncationMismatches } from "./trace.ts";

const ID = "HalfCheetah-v5";
/** Open-loop replay: contact dynamics amplify round-off; "close" means qpos, qvel and obs within 1e-6. */
const MULTI_STEP_TOL = 1e-6;

const trace = loadTrace(ID);
/** 1e-12 on free steps, 100 × opt.tolerance on steps with ground contacts or joint limits (trace.ts). */
const tol = parityTolerance(trace.model.opt);
const mujoco = await loadMujoco();

test(`${ID}: spaces, limits and the compiled model match Gymnasium's facts, array by array`, () => {
  using env = new HalfCheetah(mujoco);
  assert.deepEqual(modelFactMismatches(env, trace.model), []);
  assert.equal(env.observationSpace.shape, trace.observation_shape[0]);
  assert.deepEqual(Array.from(env.actionSpace.low), trace.action_low);
  assert.deepEqual(Array.from(env.actionSpace.high), trace.action_high);
  assert.equal(envSpec(ID).maxEpisodeSteps, trace.max_episode_steps);
  for (const r of trace.rollouts) {
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    assert.ok(relError(env.currentObservation(), r.reset.obs) === 0, `reset observation of seed ${r.seed}`);
    assert.equal(env.reset({ seed: r.seed }).info["x_position"], env.getState().qpos[0]);
  }
});

test(`${ID}: single steps from recorded states match qpos, qvel, observation, reward, info and flags`, (t) => {
  using env = new HalfCheetah(mujoco);
  const table = singleStepErrors(env, trace);
  t.diagnostic(`largest relative errors: ${table.toString()}`);
  assert.deepEqual(table.failures(tol), [], table.toString());
  for (const f of ["qpos", "qvel", "obs", "reward", "info.x_position", "info.x_velocity", "info.reward_forward", "info.reward_ctrl", "terminated"]) {
    assert.ok(table.has(f), f);
  }
});

test(`${ID}: recorded episodes replayed open-loop drift no faster than our own model amplifies the single-step differences`, (t) => {
  using env = new HalfCheetah(mujoco);
  const { table, close, twin, eps } = replayHorizons(env, trace, MULTI_STEP_TOL);
  t.diagnostic(`steps within ${MULTI_STEP_TOL} per rollout: ${close.join(", ")}; our model against itself moved by ${eps.map((e) => e.toExponential(0)).join(", ")}: ${twin.join(", ")}; largest errors up to the first diverging step: ${table.toString()}`);
  // A tumbling cheetah (random actions) is chaotic: our own model moved by 1e-12 (of the rollout's largest
  // velocity) leaves 1e-6 of itself within ~20 steps, and the replay of Gymnasium's actions may not do worse;
  // gentle episodes stay close throughout.
  trace.rollouts.forEach((r, i) => assert.ok(close[i]! >= twin[i]!, `seed ${r.seed}: close for ${close[i]} steps, our own model for ${twin[i]} (${table.toString()})`));
  assert.deepEqual(truncationMismatches(() => makeEnv(ID, {}, { mujoco }), trace), []);
});

test(`${ID}: start states follow Gymnasium's distribution (qpos0 + U(-0.1, 0.1), 0.1 N(0, 1) velocities)`, () => {
  using env = new HalfCheetah(mujoco);
  env.reset({ seed: 5 });
  let maxPos = 0, sumSq = 0, sum = 0, n = 0;
  for (let i = 0; i < 400; i++) {
    env.reset();
    const { qpos, qvel } = env.getState();
    for (const q of qpos) maxPos = Math.max(maxPos, Math.abs(q));
    for (const v of qvel) {
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n, sd = Math.sqrt(sumSq / n - mean * mean);
  assert.ok(maxPos <= 0.1 && maxPos > 0.099, `max |qpos| ${maxPos}`);
  // 3600 draws: the sample sd of 0.1·N(0,1) has sd ≈ 0.1/√7200 ≈ 0.0012; allow 5 of those.
  assert.ok(Math.abs(sd - 0.1) < 0.006 && Math.abs(mean) < 0.01, `qvel mean ${mean}, sd ${sd}`);
});
