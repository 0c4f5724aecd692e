import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "./mujoco-runtime.ts";
import { InputError, LflError } from "../../core/errors.ts";

const PENDULUM = `<mujoco><option timestep="0.01"/><size memory="64K"/>
  <worldbody><body name="arm"><joint name="hinge" type="hinge" axis="0 1 0"/><geom type="capsule" fromto="0 0 0 0 0 -1" size="0.05"/></body></worldbody>
  <actuator><motor joint="hinge" ctrlrange="-1 1" ctrllimited="true"/></actuator></mujoco>`;

test("runtime: version, compile, views, steps, names, disposal", async () => {
  const rt = await loadMujoco();
  assert.equal(rt.version, "3.5.1");
  const sim = rt.compile("pendulum", PENDULUM);
  assert.deepEqual(sim.sizes, { nq: 1, nv: 1, nu: 1, na: 0, nbody: 2, njnt: 1, ngeom: 1 });
  assert.equal(sim.options.timestep, 0.01);
  assert.equal(sim.id("body", "arm"), 1);
  assert.equal(sim.nameOf("joint", 0), "hinge");
  assert.throws(() => sim.id("body", "nope"), (e: unknown) => e instanceof LflError && e.code === "E_ENV" && /nope/.test(e.message));
  sim.view("qpos")[0] = 0.5;
  sim.step(10);
  assert.ok(Math.abs(sim.time - 0.1) < 1e-12);
  assert.ok(sim.view("qvel")[0]! < 0, "gravity swings the arm back");
  const stale = sim.view("qpos");
  const q = stale[0]!;
  // Allocate until WASM memory grows: the cached views must be refreshed, not left detached.
  const others = Array.from({ length: 40 }, () => rt.compile("extra", PENDULUM.replace('memory="64K"', 'memory="16M"')));
  // mujoco 3.1.16 uses a shared WASM memory: growth leaves old views attached (a non-shared build would detach
  // them, which `view` detects and re-fetches). Either way, what `view` returns must read the live state.
  assert.ok(others[others.length - 1]!.view("qpos").buffer.byteLength > stale.buffer.byteLength, "memory grew");
  assert.equal(sim.view("qpos").length, 1);
  assert.equal(sim.view("qpos")[0], q);
  sim.view("qpos")[0] = 0.25;
  sim.forward();
  assert.equal(sim.view("qpos")[0], 0.25);
  for (const o of others) o.dispose();
  sim.dispose();
  sim.dispose(); // idempotent
  assert.throws(() => sim.step(1), /after dispose/);
  rt.dispose();
  assert.throws(() => rt.compile("x", PENDULUM), /after dispose/);
});

test("runtime: MJCF errors are InputErrors with MuJoCo's message, and the runtime stays usable", async () => {
  const rt = await loadMujoco();
  assert.throws(
    () => rt.compile("bad.xml", PENDULUM.replace('type="hinge"', 'type="hinxge"')),
    (e: unknown) => e instanceof InputError && e.code === "E_ENV" && /bad\.xml/.test(e.message) && /hinxge/.test(e.message) && /line/.test(e.message),
  );
  assert.throws(() => rt.compile("garbage", "<mujoco"), (e: unknown) => e instanceof InputError && e.code === "E_ENV");
  using sim = rt.compile("ok", PENDULUM);
  assert.equal(sim.sizes.nq, 1);
});
