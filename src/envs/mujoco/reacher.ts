/**
 * Reacher-v5 (Gymnasium v5 semantics, on our MJCF assets/mujoco/reacher.xml).
 *
 * Description: a two-link planar arm (joints joint0 unlimited, joint1 in [−3, 3] rad) must bring its fingertip
 * to a target placed at random in a disk of radius 0.2 around the shoulder. Nothing collides.
 * Action space: Box([−1, −1], [1, 1]): torques of the two motors (gear 200); written to ctrl unclipped,
 *   MuJoCo clamps them to ctrlrange.
 * Observation space: Box(−∞, ∞, (10,)):
 *   [cos q0, cos q1, sin q0, sin q1, target_x, target_y, q̇0, q̇1, (fingertip − target)_x, (fingertip − target)_y].
 * Reward: reward_dist + reward_ctrl, with reward_dist = −reward_dist_weight · ‖fingertip − target‖ (3-D
 *   distance AFTER the physics step, as v5) and reward_ctrl = −reward_control_weight · ‖a‖². Both terms are in
 *   info under those names.
 * Start state: arm qpos ~ qpos0 + U(−0.1, 0.1) per joint; target (x, y) ~ U(−0.2, 0.2)² redrawn until its norm is
 *   below 0.2; arm qvel ~ U(−0.005, 0.005), target qvel = 0. All draws from the env's Rng.
 * Episode end: never terminates; truncated after 50 steps (registry TimeLimit).
 * Arguments (kwargs): frame_skip (2; dt = 0.01 · frame_skip = 0.02), reward_dist_weight (1),
 *   reward_control_weight (1). (Gymnasium's v5 docstring says 0.1 for the control weight; its code uses 1.)
 * Version: v5 (10-dim observation: v4's always-zero z offset dropped; distance measured after the step).
 */
import type { Info, StepResult } from "../env.ts";
import type { Rng } from "../../core/rng.ts";
import type { MujocoRuntime } from "./mujoco-runtime.ts";
import { MujocoEnv } from "./mujoco-env.ts";

export interface ReacherConfig {
  frame_skip: number;
  reward_dist_weight: number;
  reward_control_weight: number;
}

export const REACHER_DEFAULTS: Readonly<ReacherConfig> = { frame_skip: 2, reward_dist_weight: 1, reward_control_weight: 1 };

export class Reacher extends MujocoEnv {
  readonly config: Readonly<ReacherConfig>;
  private readonly fingertip: number;
  private readonly target: number;

  constructor(runtime: MujocoRuntime, config: Partial<ReacherConfig> = {}) {
    const c = { ...REACHER_DEFAULTS, ...config };
    super(runtime, { id: "Reacher-v5", modelFile: "reacher.xml", frameSkip: c.frame_skip, observationDim: 10 });
    this.config = c;
    this.fingertip = this.sim.id("body", "fingertip");
    this.target = this.sim.id("body", "target");
  }

  protected resetModel(rng: Rng): void {
    const { nq, nv } = this.sim.sizes;
    const qpos = new Float64Array(nq);
    for (let i = 0; i < nq; i++) qpos[i] = this.initQpos[i]! + rng.uniformIn(-0.1, 0.1);
    let gx: number, gy: number;
    do {
      gx = rng.uniformIn(-0.2, 0.2);
      gy = rng.uniformIn(-0.2, 0.2);
    } while (Math.hypot(gx, gy) >= 0.2);
    qpos[nq - 2] = gx;
    qpos[nq - 1] = gy;
    const qvel = new Float64Array(nv);
    for (let i = 0; i < nv; i++) qvel[i] = this.initQvel[i]! + rng.uniformIn(-0.005, 0.005);
    qvel[nv - 2] = 0;
    qvel[nv - 1] = 0;
    this.setState({ qpos, qvel });
  }

  /** fingertip − target in world coordinates (3-D). */
  private offset(): [number, number, number] {
    const x = this.sim.view("xpos");
    const f = 3 * this.fingertip, t = 3 * this.target;
    return [x[f]! - x[t]!, x[f + 1]! - x[t + 1]!, x[f + 2]! - x[t + 2]!];
  }

  protected observe(): Float64Array {
    const q = this.sim.view("qpos"), v = this.sim.view("qvel");
    const [dx, dy] = this.offset();
    return Float64Array.of(Math.cos(q[0]!), Math.cos(q[1]!), Math.sin(q[0]!), Math.sin(q[1]!), q[2]!, q[3]!, v[0]!, v[1]!, dx, dy);
  }

  protected resetInfo(): Info {
    return {};
  }

  step(action: Float64Array): StepResult<Float64Array> {
    this.doSimulation(action);
    const observation = this.observe();
    const [dx, dy, dz] = this.offset();
    const reward_dist = -Math.sqrt(dx * dx + dy * dy + dz * dz) * this.config.reward_dist_weight;
    const reward_ctrl = -MujocoEnv.sumSquares(action) * this.config.reward_control_weight;
    return { observation, reward: reward_dist + reward_ctrl, terminated: false, truncated: false, info: { reward_dist, reward_ctrl } };
  }
}
