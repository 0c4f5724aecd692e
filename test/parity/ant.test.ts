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
import { ErrorTable, loadTrace, modelFactMismatches, multiStepErrors, relError, singleStepErrors, truncationMismatches, type GymTrace } from "./trace.ts";

const ID = "Ant-v5";
/**
 * Target 1e-6 (normwise relative, see trace.ts), met by every field except those that feel the contact forces of
 * 2 of the 338 recorded steps (seed 3, steps 31 and 98, one or two foot contacts, one of them breaking during
 * the step): there obs.cfrc_ext differs by up to 4.6e-6 (absolute 2.6e-6; the clipped values are ≤ 1) and
 * reward_contact by 3.9e-6 relative (absolute 2e-9); x/y_velocity and reward_forward of the step after inherit
 * it through the primed xpos (7.5e-6 relative to a velocity of −0.008, i.e. 6e-8 absolute). Tightening our solver
 * tolerance from 1e-8 to 1e-14 leaves those numbers unchanged, so they come from MuJoCo 3.5.1 vs 3.14.0 contact
 * dynamics, not convergence: 1e-5 for those five fields, 1e-6 for all others.
 */
const CONTACT_FIELDS = new Set(["obs.cfrc_ext", "info.reward_contact", "info.x_velocity", "info.y_velocity", "info.reward_forward"]);
const singleStepTol = (field: string): number => (CONTACT_FIELDS.has(field) ? 1e-5 : 1e-6);
/** Open-loop replay: "close" while qpos, qvel and obs stay within 1e-5 of the recording. */
const MULTI_STEP_TOL = 1e-5;

const trace = loadTrace(ID);
const mujoco = await loadMujoco();
const N_STATE = 27; // qpos[2:] (13) + qvel (14): the observation before the contact forces

function record(table: ErrorTable, env: Ant, res: ReturnType<Ant["step"]>, s: GymTrace["rollouts"][number]["steps"][number], where: string): void {
  const st = env.getState();
  table.record("qpos", st.qpos, s.qpos, where);
  table.record("qvel", st.qvel, s.qvel, where);
  table.record("obs.state", res.observation.subarray(0, N_STATE), s.obs.slice(0, N_STATE), where);
  table.record("obs.cfrc_ext", res.observation.subarray(N_STATE), s.obs.slice(N_STATE), where);
  table.record("reward", res.reward, s.reward, where);
  for (const [k, v] of Object.entries(s.info)) {
    const ours = res.info[k];
    table.record(`info.${k}`, typeof ours === "number" ? ours : NaN, v, where);
  }
  table.record("terminated", res.terminated ? 1 : 0, s.terminated ? 1 : 0, where);
}

/** Single steps as Gymnasium's data stood before each recorded step (see the file comment). */
function primedSingleStepErrors(env: Ant, tr: GymTrace): ErrorTable {
  const table = new ErrorTable();
  env.reset({ seed: 0 });
  for (const r of tr.rollouts) {
    r.steps.forEach((s, t) => {
      if (t === 0) env.setState({ qpos: s.qpos_before, qvel: s.qvel_before });
      else {
        const prev = r.steps[t - 1]!;
        env.setState({ qpos: prev.qpos_before, qvel: prev.qvel_before });
        env.step(Float64Array.from(prev.action));
        env.sim.view("qpos").set(s.qpos_before);
        env.sim.view("qvel").set(s.qvel_before);
      }
      record(table, env, env.step(Float64Array.from(s.action)), s, `seed ${r.seed} step ${t}`);
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
  assert.deepEqual(table.failures(singleStepTol), [], table.toString());
  const fields = ["qpos", "qvel", "obs.state", "obs.cfrc_ext", "reward", "terminated", "info.x_position", "info.y_position",
    "info.distance_from_origin", "info.x_velocity", "info.y_velocity", "info.reward_forward", "info.reward_ctrl",
    "info.reward_contact", "info.reward_survive"];
  for (const f of fields) assert.ok(table.worst.has(f), f);
  // The shared helper's plain single step (setState runs mj_forward) agrees on everything except the
  // xpos-based velocities, which differ only through the stale-xpos convention explained above.
  const plain = singleStepErrors(env, trace);
  t.diagnostic(`largest relative errors (plain setState): ${plain.toString()}`);
  assert.deepEqual(plain.failures((f) => (VELOCITY_FIELDS.has(f) ? Infinity : singleStepTol(f === "obs" ? "obs.cfrc_ext" : f))), []);
  assert.ok(plain.max("info.x_velocity") > 1e-4, "the stale-xpos effect is visible in plain single steps");
});

test(`${ID}: recorded episodes replayed open-loop stay close; falls terminate; truncation`, (t) => {
  using env = new Ant(mujoco);
  const { table, closeSteps } = multiStepErrors(env, trace, MULTI_STEP_TOL);
  t.diagnostic(`steps within ${MULTI_STEP_TOL} per rollout: ${closeSteps.join(", ")}; largest errors: ${table.toString()}`);
  // Measured: seeds 0-2 and 4 stay within 1e-5 to their end; seed 3's contacts amplify the version difference
  // (steps 31 and 98 above) and it leaves 1e-5 after 89 steps; asserted ≥ 60.
  trace.rollouts.forEach((r, i) => {
    const need = r.seed === 3 ? 60 : r.steps.length;
    assert.ok(closeSteps[i]! >= need, `seed ${r.seed}: close for ${closeSteps[i]} steps, need ${need} (${table.toString()})`);
  });
  // The falls of seeds 0-2 terminate open-loop on exactly the recorded step.
  for (const r of trace.rollouts.filter((r) => r.steps.at(-1)!.terminated)) {
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    const flags = r.steps.map((s) => env.step(Float64Array.from(s.action)).terminated);
    assert.deepEqual(flags, r.steps.map((s) => s.terminated), `seed ${r.seed}`);
  }
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
