/**
 * The shared base of the MuJoCo envs, mirroring Gymnasium v5's `MujocoEnv`: the model is compiled from our MJCF
 * in assets/mujoco/; the action space is the actuators' ctrlrange; one env step writes the action to `ctrl`
 * unclipped (MuJoCo clamps it to ctrlrange when `ctrllimited`) and runs `frameSkip` × `mj_step`, so
 * `dt = timestep · frameSkip`; `reset` is `mj_resetData` followed by the env's own `resetModel` (its reset noise,
 * drawn from our `Rng`), and `setState` writes qpos/qvel and runs `mj_forward`.
 *
 * Subclasses implement `resetModel`, `observe`, `resetInfo` and `step` (calling `doSimulation`), and report each
 * reward term in `info` under Gymnasium's names. The env owns its MjModel/MjData: `close()` (or `using`) frees
 * them; the runtime is borrowed and stays open.
 */
import { LflError } from "../../core/errors.ts";
import { Rng } from "../../core/rng.ts";
import { Box } from "../spaces.ts";
import type { BoxEnv, Info, ResetResult, StepResult } from "../env.ts";
import type { MujocoRuntime, MujocoSim } from "./mujoco-runtime.ts";

export interface MujocoEnvOptions {
  id: string;
  /** MJCF file in assets/mujoco/. */
  modelFile: string;
  frameSkip: number;
  observationDim: number;
  /** Run `mj_rnePostConstraint` after stepping, so `cfrc_ext` is current (Gymnasium always does; only Ant reads it). */
  rnePostConstraint?: boolean;
}

/** The simulator state an env step depends on. */
export interface MujocoState {
  qpos: Float64Array;
  qvel: Float64Array;
}

export abstract class MujocoEnv implements BoxEnv, Disposable {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly sim: MujocoSim;
  readonly frameSkip: number;
  /** Seconds of simulated time per env step: timestep · frameSkip. */
  readonly dt: number;
  /** qpos and qvel after `mj_resetData` (the model's qpos0 and zeros), as Gymnasium's `init_qpos`/`init_qvel`. */
  readonly initQpos: Float64Array;
  readonly initQvel: Float64Array;
  protected rng = new Rng(0);
  private started = false;
  private readonly rnePost: boolean;

  constructor(runtime: MujocoRuntime, options: MujocoEnvOptions) {
    if (!Number.isInteger(options.frameSkip) || options.frameSkip < 1) {
      throw new LflError("E_INVALID_CONFIG", `${options.id}: frame_skip must be a positive integer, got ${options.frameSkip}`);
    }
    this.id = options.id;
    this.frameSkip = options.frameSkip;
    this.rnePost = options.rnePostConstraint ?? false;
    this.sim = runtime.compileAsset(options.modelFile);
    this.dt = this.sim.options.timestep * this.frameSkip;
    const range = this.sim.modelArray("actuator_ctrlrange");
    const nu = this.sim.sizes.nu;
    this.actionSpace = new Box(
      Array.from({ length: nu }, (_, i) => range[2 * i]!),
      Array.from({ length: nu }, (_, i) => range[2 * i + 1]!),
    );
    this.observationSpace = Box.uniform(options.observationDim, -Infinity, Infinity);
    this.sim.resetData();
    this.initQpos = Float64Array.from(this.sim.view("qpos"));
    this.initQvel = Float64Array.from(this.sim.view("qvel"));
  }

  /** Draws the start state from `rng` and applies it with `setState`. */
  protected abstract resetModel(rng: Rng): void;
  /** The observation of the current state (a fresh array). */
  protected abstract observe(): Float64Array;
  /** The info returned by `reset`. */
  protected abstract resetInfo(): Info;
  abstract step(action: Float64Array): StepResult<Float64Array>;

  reset(options?: { seed?: number }): ResetResult<Float64Array> {
    if (options?.seed !== undefined) this.rng = new Rng(options.seed);
    this.sim.resetData();
    this.resetModel(this.rng);
    this.started = true;
    return { observation: this.observe(), info: this.resetInfo() };
  }

  /** The observation of the current state (Gymnasium's `_get_obs()`), e.g. after `setState`. */
  currentObservation(): Float64Array {
    return this.observe();
  }

  /** Copies of the current qpos and qvel. */
  getState(): MujocoState {
    return { qpos: Float64Array.from(this.sim.view("qpos")), qvel: Float64Array.from(this.sim.view("qvel")) };
  }

  /** Writes qpos and qvel, then `mj_forward` (Gymnasium's `set_state`). */
  setState(state: { qpos: ArrayLike<number>; qvel: ArrayLike<number> }): void {
    const { nq, nv } = this.sim.sizes;
    if (state.qpos.length !== nq || state.qvel.length !== nv) {
      throw new LflError("E_ENV", `${this.id}: setState needs qpos of length ${nq} and qvel of length ${nv}, got ${state.qpos.length} and ${state.qvel.length}`);
    }
    const qpos = this.sim.view("qpos"), qvel = this.sim.view("qvel");
    for (let i = 0; i < nq; i++) {
      if (!Number.isFinite(state.qpos[i]!)) throw new LflError("E_ENV", `${this.id}: setState qpos[${i}] = ${state.qpos[i]} is not finite`);
      qpos[i] = state.qpos[i]!;
    }
    for (let i = 0; i < nv; i++) {
      if (!Number.isFinite(state.qvel[i]!)) throw new LflError("E_ENV", `${this.id}: setState qvel[${i}] = ${state.qvel[i]} is not finite`);
      qvel[i] = state.qvel[i]!;
    }
    this.sim.forward();
    this.started = true;
  }

  /**
   * Gymnasium's noisy reset: qpos = init + U(−scale, scale); qvel = init + U(−scale, scale) ("uniform", Hopper)
   * or init + scale·N(0, 1) ("normal", HalfCheetah, Ant). Draws qpos first, then qvel, from `rng`.
   */
  protected resetWithNoise(rng: Rng, scale: number, qvelNoise: "uniform" | "normal"): void {
    const { nq, nv } = this.sim.sizes;
    const qpos = new Float64Array(nq), qvel = new Float64Array(nv);
    for (let i = 0; i < nq; i++) qpos[i] = this.initQpos[i]! + rng.uniformIn(-scale, scale);
    for (let i = 0; i < nv; i++) qvel[i] = this.initQvel[i]! + (qvelNoise === "uniform" ? rng.uniformIn(-scale, scale) : scale * rng.normal());
    this.setState({ qpos, qvel });
  }

  /** Writes `action` to ctrl and advances `frameSkip` physics steps. */
  protected doSimulation(action: Float64Array): void {
    if (!this.started) throw new LflError("E_ENV", `${this.id}: step() called before reset()`);
    const nu = this.sim.sizes.nu;
    if (action.length !== nu) throw new LflError("E_ENV", `${this.id}: action has length ${action.length}, expected ${nu}`);
    const ctrl = this.sim.view("ctrl");
    for (let i = 0; i < nu; i++) {
      const a = action[i]!;
      if (!Number.isFinite(a)) throw new LflError("E_ENV", `${this.id}: action[${i}] = ${a} is not finite`);
      ctrl[i] = a;
    }
    this.sim.step(this.frameSkip, this.rnePost);
  }

  /** Σ aᵢ², the control cost's core. */
  protected static sumSquares(a: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
    return s;
  }

  close(): void {
    this.sim.dispose();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
