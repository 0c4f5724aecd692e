/**
 * Ant-v5 parity with Gymnasium 1.3.0 + MuJoCo 3.14.0 (test/fixtures/gym-traces/Ant-v5.json.gz), plus the
 * healthy/termination rules, observation layouts and the start-state distribution. Tolerances and measured
 * errors: docs/environments.md.
 *
 * Why a "primed" single step: Ant-v5's x/y velocity is the change of the torso's `xpos` over the step, and after
 * `mj_step` MuJoCo's `xpos` holds the kinematics of the last physics substep's start, not of the final qpos.
 * In Gymnasium's recorded step t ≥ 1, "xpos before" is therefore what step t − 1 left behind, which a fresh
 * `setState(qpos_before)` (it runs `mj_forward`) cannot reproduce: the velocities would differ by up to 0.03
 * (absolute) even with identical physics. So for t ≥ 1 we first replay step t − 1 from its recorded state, then overwrite
 * qpos/qvel with step t's recorded state (without `mj_forward`, as Gymnasium's data stood), and step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "../../src/envs/mujoco/mujoco-runtime.ts";
import { Ant } from "../../src/envs/mujoco/ant.ts";
import { envSpec, makeEnv } from "../../src/envs/registry.ts";
import { ConstraintWatch, ErrorTable, loadTrace, modelFactMismatches, parityTolerance, relError, replayHorizons, singleStepErrors, truncationMismatches, type GymTrace, type StepClass } from "./trace.ts";

const ID = "Ant-v5";
/** Open-loop replay: "close" while qpos, qvel and obs stay within 1e-5 of the recording. */
const MULTI_STEP_TOL = 1e-5;

const trace = loadTrace(ID);
const mujoco = await loadMujoco();
/**
 * 1e-12 on free steps; on constrained ones (the ant's feet touch the ground on all but one recorded step) 100 ×
 * opt.tolerance = 1e-6 for Gymnasium's solver stopping one iteration earlier (trace.ts), and 100 times that for
 * two kinds of field the early stop reaches undamped: the contact forces (obs.cfrc_ext and reward_contact, the
 * solver's own output rather than its integral over a substep; measured 4.6e-6) and the xpos-based velocities
 * (x/y_velocity, reward_forward: the previous step's position difference divided by dt = 0.05, relative to a
 * velocity that can be near 0; measured 7.5e-6 relative = 6e-8 absolute).
 */
const EARLY_STOP_UNDAMPED = { "obs.cfrc_ext": 100, "info.reward_contact": 100, "info.x_velocity": 100, "info.y_velocity": 100, "info.reward_forward": 100 };
const tol = parityTolerance(trace.model.opt, EARLY_STOP_UNDAMPED);
const N_STATE = 27; // qpos[2:] (13) + qvel (14): the observation before the contact forces

function record(table: ErrorTable, env: Ant, res: ReturnType<Ant["step"]>, s: GymTrace["rollouts"][number]["steps"][number], where: string, cls: StepClass): void {
  const st = env.getState();
  table.countStep(cls);
  table.record("qpos", st.qpos, s.qpos, where, cls);
  table.record("qvel", st.qvel, s.qvel, where, cls);
  table.record("obs.state", res.observation.subarray(0, N_STATE), s.obs.slice(0, N_STATE), where, cls);
  table.record("obs.cfrc_ext", res.observation.subarray(N_STATE), s.obs.slice(N_STATE), where, cls);
  table.record("reward", res.reward, s.reward, where, cls);
  for (const [k, v] of Object.entries(s.info)) {
    const ours = res.info[k];
    table.record(`info.${k}`, typeof ours === "number" ? ours : NaN, v, where, cls);
  }
  table.record("terminated", res.terminated ? 1 : 0, s.terminated ? 1 : 0, where, cls);
}

/**
 * Single steps as Gymnasium's data stood before each recorded step (see the file comment). A step is constrained
 * if the solver ran in it or in the priming step before it (whose xpos the velocities difference against).
 */
function primedSingleStepErrors(env: Ant, tr: GymTrace): ErrorTable {
  const table = new ErrorTable();
  env.reset({ seed: 0 });
  using watch = new ConstraintWatch(env);
  for (const r of tr.rollouts) {
    r.steps.forEach((s, t) => {
      watch.clear();
      if (t === 0) env.setState({ qpos: s.qpos_before, qvel: s.qvel_before });
      else {
        const prev = r.steps[t - 1]!;
        env.setState({ qpos: prev.qpos_before, qvel: prev.qvel_before });
        env.step(Float64Array.from(prev.action));
        env.sim.view("qpos").set(s.qpos_before);
        env.sim.view("qvel").set(s.qvel_before);
      }
      const res = env.step(Float64Array.from(s.action));
      record(table, env, res, s, `seed ${r.seed} step ${t}`, watch.stepClass);
    });
  }
  return table;
}

const VELOCITY_FIELDS = new Set(["reward", "info.x_velocity", "info.y_velocity", "info.reward_forward"]);

test(`${ID}: spaces, limits and the compiled model match Gymnasium's facts, array by array`, () => {
  using env = new Ant(mujoco);
  assert.deepEqual(modelFactMismatches(env, trace.model), []);
  assert.equal(env.observationSpace.shape, trace.observation_shape[0]);
  assert.deepEqual(Array.from(env.actionSpace.low), trace.action_low);
  assert.deepEqual(Array.from(env.actionSpace.high), trace.action_high);
  assert.equal(envSpec(ID).maxEpisodeSteps, trace.max_episode_steps);
  assert.equal(envSpec(ID).rewardThreshold, 6000);
  for (const r of trace.rollouts) {
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    // Right after a reset cfrc_ext is all zero (mj_forward does not compute it), as in Gymnasium.
    assert.equal(relError(env.currentObservation(), r.reset.obs), 0, `reset observation of seed ${r.seed}`);
  }
});

test(`${ID}: single steps from recorded states match qpos, qvel, observation, reward, info and flags`, (t) => {
  using env = new Ant(mujoco);
  const table = primedSingleStepErrors(env, trace);
  t.diagnostic(`largest relative errors (primed): ${table.toString()}`);
  assert.deepEqual(table.failures(tol), [], table.toString());
  const fields = ["qpos", "qvel", "obs.state", "obs.cfrc_ext", "reward", "terminated", "info.x_position", "info.y_position",
    "info.distance_from_origin", "info.x_velocity", "info.y_velocity", "info.reward_forward", "info.reward_ctrl",
    "info.reward_contact", "info.reward_survive"];
  for (const f of fields) assert.ok(table.has(f), f);
  // The shared helper's plain single step (setState runs mj_forward) agrees on everything except the
  // xpos-based velocities, which differ only through the stale-xpos convention explained above.
  const plain = singleStepErrors(env, trace);
  t.diagnostic(`largest relative errors (plain setState): ${plain.toString()}`);
  assert.deepEqual(plain.failures((f, cls) => (VELOCITY_FIELDS.has(f) ? Infinity : tol(f === "obs" ? "obs.cfrc_ext" : f, cls))), []);
  assert.ok(plain.max("info.x_velocity") > 1e-4, "the stale-xpos effect is visible in plain single steps");
});

test(`${ID}: recorded episodes replayed open-loop drift no faster than our own model amplifies the single-step differences; falls terminate; truncation`, (t) => {
  using env = new Ant(mujoco);
  const { table, close, twin, eps } = replayHorizons(env, trace, MULTI_STEP_TOL);
  t.diagnostic(`steps within ${MULTI_STEP_TOL} per rollout: ${close.join(", ")}; our model against itself moved by ${eps.map((e) => e.toExponential(0)).join(", ")}: ${twin.join(", ")}; largest errors: ${table.toString()}`);
  // A rollout with an early-stopped step (a 1e-7 single-step difference) drifts from there on, as our own model
  // does when moved by ten times that; the others stay within 1e-5 to their end.
  trace.rollouts.forEach((r, i) => assert.ok(close[i]! >= twin[i]!, `seed ${r.seed}: close for ${close[i]} steps, our own model for ${twin[i]} (${table.toString()})`));
  // Every recorded fall that the replay reaches without leaving the recording terminates on exactly that step.
  trace.rollouts.forEach((r, i) => {
    if (!r.steps.at(-1)!.terminated || close[i]! < r.steps.length) return;
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    const flags = r.steps.map((s) => env.step(Float64Array.from(s.action)).terminated);
    assert.deepEqual(flags, r.steps.map((s) => s.terminated), `seed ${r.seed}`);
  });
  assert.deepEqual(truncationMismatches(() => makeEnv(ID, {}, { mujoco }), trace), []);
});

test(`${ID}: healthy rules: torso height in the closed range [0.2, 1]; terminate_when_unhealthy`, () => {
  using env = new Ant(mujoco);
  using lenient = new Ant(mujoco, { terminate_when_unhealthy: false });
  const zero = new Float64Array(8);
  const qvel = new Float64Array(14);
  const at = (z: number) => [0, 0, z, 1, 0, 0, 0, 0, 0.5, 0, -0.5, 0, -0.5, 0, 0.5];
  env.setState({ qpos: at(0.75), qvel });
  const ok = env.step(zero);
  assert.equal(ok.terminated, false);
  assert.equal(ok.info["reward_survive"], 1);
  // Launched upwards fast, the torso is above 1 after one step: unhealthy.
  for (const e of [env, lenient]) {
    const v = Float64Array.from(qvel);
    v[2] = 10;
    e.setState({ qpos: at(0.95), qvel: v });
    const r = e.step(zero);
    assert.ok(e.getState().qpos[2]! > 1);
    assert.equal(r.terminated, e === env);
    assert.equal(r.info["reward_survive"], 0);
  }
});

test(`${ID}: observation layouts, contact forces and the start-state distribution (U(±0.1), 0.1·N(0, 1))`, () => {
  using env = new Ant(mujoco);
  using full = new Ant(mujoco, { exclude_current_positions_from_observation: false });
  using noContact = new Ant(mujoco, { include_cfrc_ext_in_observation: false });
  assert.equal(full.observationSpace.shape, 107);
  assert.equal(noContact.observationSpace.shape, 27);
  const o = env.reset({ seed: 4 }).observation;
  const s = env.getState();
  assert.deepEqual(Array.from(full.reset({ seed: 4 }).observation.subarray(2)), Array.from(o));
  assert.deepEqual(Array.from(noContact.reset({ seed: 4 }).observation), Array.from(o.subarray(0, N_STATE)));
  assert.deepEqual(env.reset({ seed: 4 }).info, { x_position: s.qpos[0], y_position: s.qpos[1], distance_from_origin: Math.hypot(s.qpos[0]!, s.qpos[1]!) });
  // Standing still on its legs for a while, the ant's contact forces are clipped to [-1, 1] and cost ≤ 5e-4·78.
  for (let i = 0; i < 20; i++) env.step(new Float64Array(8));
  const r = env.step(new Float64Array(8));
  const cf = r.observation.subarray(N_STATE);
  assert.ok(cf.some((x) => x !== 0) && cf.every((x) => x >= -1 && x <= 1));
  assert.ok((r.info["reward_contact"] as number) < 0 && (r.info["reward_contact"] as number) >= -5e-4 * 84);
  let maxDev = 0, sumSq = 0, n = 0;
  for (let i = 0; i < 200; i++) {
    env.reset();
    const st = env.getState();
    st.qpos.forEach((q, j) => (maxDev = Math.max(maxDev, Math.abs(q - env.initQpos[j]!))));
    for (const v of st.qvel) {
      sumSq += v * v;
      n++;
    }
  }
  assert.ok(maxDev <= 0.1 && maxDev > 0.099, `max qpos deviation ${maxDev}`);
  // 2800 draws of 0.1·N(0,1): the rms has relative sd ≈ 1/√5600 ≈ 1.3%; allow 6%.
  const rms = Math.sqrt(sumSq / n);
  assert.ok(Math.abs(rms / 0.1 - 1) < 0.06, `qvel rms ${rms}`);
});
