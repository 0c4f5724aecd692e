import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "./mujoco-runtime.ts";
import { HalfCheetah } from "./half-cheetah.ts";
import { LflError } from "../../core/errors.ts";

const mujoco = await loadMujoco();
const isEnvError = (re: RegExp) => (e: unknown) => e instanceof LflError && e.code === "E_ENV" && re.test(e.message);

test("MujocoEnv: bad calls fail with E_ENV naming the problem", () => {
  using env = new HalfCheetah(mujoco);
  assert.throws(() => env.step(new Float64Array(6)), isEnvError(/before reset/));
  env.reset({ seed: 1 });
  assert.throws(() => env.step(new Float64Array(5)), isEnvError(/length 5, expected 6/));
  assert.throws(() => env.step(Float64Array.of(0, 0, Number.NaN, 0, 0, 0)), isEnvError(/action\[2\]/));
  assert.throws(() => env.setState({ qpos: new Float64Array(8), qvel: new Float64Array(9) }), isEnvError(/qpos of length 9/));
  assert.throws(() => env.setState({ qpos: new Float64Array(9), qvel: new Float64Array(9).fill(Infinity) }), isEnvError(/qvel\[0\]/));
});

test("MujocoEnv: getState copies, setState restores, reset(seed) is reproducible, close is idempotent", () => {
  const env = new HalfCheetah(mujoco);
  const first = env.reset({ seed: 3 }).observation;
  const saved = env.getState();
  const a = Float64Array.of(0.5, -0.5, 0.2, 0.1, -0.3, 0.9);
  const r1 = env.step(a);
  assert.notDeepEqual(env.getState().qpos, saved.qpos, "getState returned a copy");
  env.setState(saved);
  const r2 = env.step(a);
  assert.deepEqual(r2.observation, r1.observation);
  assert.equal(r2.reward, r1.reward);
  assert.deepEqual(env.reset({ seed: 3 }).observation, first);
  assert.equal(env.dt, 0.05);
  env.close();
  env.close();
  assert.throws(() => env.reset(), isEnvError(/after dispose/));
});

test("MujocoEnv: actions beyond ctrlrange are clamped by MuJoCo but charged in full by the control cost", () => {
  using env = new HalfCheetah(mujoco);
  env.reset({ seed: 0 });
  const s = env.getState();
  const big = env.step(new Float64Array(6).fill(3));
  const afterBig = env.getState();
  env.setState(s);
  const one = env.step(new Float64Array(6).fill(1));
  // Equal up to round-off: the constraint solver's warm start (qacc_warmstart, not part of qpos/qvel, and not
  // reset by Gymnasium's set_state either) differs between the two steps.
  const q = env.getState().qpos;
  for (let i = 0; i < q.length; i++) assert.ok(Math.abs(q[i]! - afterBig.qpos[i]!) < 1e-12, `qpos[${i}]`);
  assert.equal(big.info["reward_ctrl"], -0.1 * 6 * 9);
  assert.equal(one.info["reward_ctrl"], -0.1 * 6);
});
