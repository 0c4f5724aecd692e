/**
 * Hopper-v5 parity with Gymnasium 1.3.0 + MuJoCo 3.14.0 (test/fixtures/gym-traces/Hopper-v5.json.gz), plus the
 * healthy/termination rules and the start-state distribution. Tolerances and measured errors: docs/environments.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "../../src/envs/mujoco/mujoco-runtime.ts";
import { Hopper } from "../../src/envs/mujoco/hopper.ts";
import { envSpec, makeEnv } from "../../src/envs/registry.ts";
import { loadTrace, modelFactMismatches, parityTolerance, relError, replayHorizons, singleStepErrors, truncationMismatches } from "./trace.ts";

const ID = "Hopper-v5";
/** Open-loop replay: "close" while qpos, qvel and obs stay within 1e-9 of the recording. */
const MULTI_STEP_TOL = 1e-9;

const trace = loadTrace(ID);
/** 1e-12 on free steps (in flight), 100 × opt.tolerance on steps with foot contacts or joint limits (trace.ts). */
const tol = parityTolerance(trace.model.opt);
const mujoco = await loadMujoco();

test(`${ID}: spaces, limits and the compiled model match Gymnasium's facts, array by array`, () => {
  using env = new Hopper(mujoco);
  assert.deepEqual(modelFactMismatches(env, trace.model), []);
  assert.equal(env.observationSpace.shape, trace.observation_shape[0]);
  assert.deepEqual(Array.from(env.actionSpace.low), trace.action_low);
  assert.deepEqual(Array.from(env.actionSpace.high), trace.action_high);
  assert.equal(envSpec(ID).maxEpisodeSteps, trace.max_episode_steps);
  assert.equal(envSpec(ID).rewardThreshold, 3800);
  for (const r of trace.rollouts) {
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    assert.equal(relError(env.currentObservation(), r.reset.obs), 0, `reset observation of seed ${r.seed}`);
  }
});

test(`${ID}: single steps from recorded states match qpos, qvel, observation, reward, info and flags`, (t) => {
  using env = new Hopper(mujoco);
  const table = singleStepErrors(env, trace);
  t.diagnostic(`largest relative errors: ${table.toString()}`);
  assert.deepEqual(table.failures(tol), [], table.toString());
  const fields = ["qpos", "qvel", "obs", "reward", "terminated", "info.x_position", "info.z_distance_from_origin",
    "info.x_velocity", "info.reward_forward", "info.reward_ctrl", "info.reward_survive"];
  for (const f of fields) assert.ok(table.has(f), f);
  // Every recorded episode ends in a fall; the last step is terminated with reward_survive 0 (v5).
  for (const r of trace.rollouts) assert.equal(r.steps.at(-1)!.terminated, true);
});

test(`${ID}: recorded episodes replayed open-loop drift no faster than our own model amplifies the single-step differences; truncation`, (t) => {
  using env = new Hopper(mujoco);
  const { table, close, twin, eps } = replayHorizons(env, trace, MULTI_STEP_TOL);
  t.diagnostic(`steps within ${MULTI_STEP_TOL} per rollout: ${close.join(", ")}; our model against itself moved by ${eps.map((e) => e.toExponential(0)).join(", ")}: ${twin.join(", ")}; largest errors: ${table.toString()}`);
  trace.rollouts.forEach((r, i) => assert.ok(close[i]! >= twin[i]!, `seed ${r.seed}: close for ${close[i]} steps, our own model for ${twin[i]} (${table.toString()})`));
  assert.deepEqual(truncationMismatches(() => makeEnv(ID, {}, { mujoco }), trace), []);
});

test(`${ID}: healthy rules: height, pitch and state ranges are open intervals; terminate_when_unhealthy`, () => {
  using env = new Hopper(mujoco);
  using lenient = new Hopper(mujoco, { terminate_when_unhealthy: false });
  const zero = new Float64Array(3);
  const stepFrom = (e: Hopper, qpos: number[], qvel: number[] = [0, 0, 0, 0, 0, 0]) => {
    e.setState({ qpos, qvel });
    return e.step(zero);
  };
  const upright = stepFrom(env, [0, 1.25, 0, 0, 0, 0]);
  assert.equal(upright.terminated, false);
  assert.equal(upright.info["reward_survive"], 1);
  // Pitched beyond 0.2 rad, too low, or a joint speed beyond 100: unhealthy after the step.
  for (const [qpos, qvel] of [[[0, 1.25, 0.3, 0, 0, 0]], [[0, 0.6, 0, 0, 0, 0]], [[0, 1.25, 0, 0, 0, 0], [0, 0, 0, 150, 0, 0]]] as const) {
    const r = stepFrom(env, [...qpos], qvel === undefined ? undefined : [...qvel]);
    assert.equal(r.terminated, true, JSON.stringify(qpos));
    assert.equal(r.info["reward_survive"], 0);
    assert.equal(r.reward, (r.info["reward_forward"] as number) + (r.info["reward_ctrl"] as number));
    const l = stepFrom(lenient, [...qpos], qvel === undefined ? undefined : [...qvel]);
    assert.equal(l.terminated, false);
    assert.equal(l.info["reward_survive"], 0);
  }
  // Observed velocities are clipped to ±10; the health check sees the raw ones.
  env.setState({ qpos: [0, 1.25, 0, 0, 0, 0], qvel: [0, 0, 0, 0, 0, 50] });
  assert.equal(env.currentObservation()[10], 10);
});

test(`${ID}: observation layouts and the start-state distribution (qpos0 + U(±5e-3), qvel U(±5e-3))`, () => {
  using env = new Hopper(mujoco);
  using withX = new Hopper(mujoco, { exclude_current_positions_from_observation: false });
  const a = withX.reset({ seed: 3 }).observation;
  assert.equal(a.length, 12);
  assert.deepEqual(Array.from(a.subarray(1)), Array.from(env.reset({ seed: 3 }).observation));
  const { qpos } = env.getState();
  assert.deepEqual(env.reset({ seed: 3 }).info, { x_position: qpos[0], z_distance_from_origin: qpos[1]! - 1.25 });
  const init = [0, 1.25, 0, 0, 0, 0];
  let maxDev = 0, sumSq = 0, n = 0;
  for (let i = 0; i < 300; i++) {
    env.reset();
    const s = env.getState();
    s.qpos.forEach((q, j) => (maxDev = Math.max(maxDev, Math.abs(q - init[j]!))));
    for (const v of s.qvel) {
      maxDev = Math.max(maxDev, Math.abs(v));
      sumSq += v * v;
      n++;
    }
  }
  assert.ok(maxDev <= 5e-3 && maxDev > 4.9e-3, `max deviation ${maxDev}`);
  // U(−s, s) has rms s/√3 ≈ 2.887e-3; 1800 draws give a relative sd of the rms ≈ 1.3%, allow 6%.
  const rms = Math.sqrt(sumSq / n);
  assert.ok(Math.abs(rms / (5e-3 / Math.sqrt(3)) - 1) < 0.06, `qvel rms ${rms}`);
});
