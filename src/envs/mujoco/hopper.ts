/**
 * Hopper-v5 (Gymnasium v5 semantics, on our MJCF assets/mujoco/hopper.xml).
 *
 * Description: a planar one-legged robot (torso, thigh, leg, foot; 6 dofs: root x slide, root z slide, root
 *   pitch hinge, then the thigh, leg and foot hinges) must hop forward (+x) without falling.
 * Action space: Box(−1, 1, (3,)): torques of thigh_joint, leg_joint, foot_joint (gear 200 each); written to
 *   ctrl unclipped, MuJoCo clamps them to ctrlrange.
 * Observation space: Box(−∞, ∞, (11,)): qpos[1:6] (torso height z, torso pitch, thigh, leg, foot angles) then
 *   clip(qvel[0:6], −10, 10); with exclude_current_positions_from_observation = false, qpos[0] (root x) leads
 *   (12 dims).
 * Reward: reward_forward + reward_survive + reward_ctrl, with
 *   reward_forward = forward_reward_weight · x_velocity, x_velocity = (x_after − x_before) / dt of qpos[0];
 *   reward_survive = healthy_reward if the hopper is healthy after the step, else 0 (v5: only while healthy);
 *   reward_ctrl = −ctrl_cost_weight · ‖a‖² (of the unclipped action).
 *   info: x_position (after), z_distance_from_origin = qpos[1] − qpos0[1], x_velocity, reward_forward,
 *   reward_ctrl, reward_survive.
 * Healthy: every entry of (qpos[2:], qvel) lies strictly inside (healthy_state_min, healthy_state_max), the
 *   height z = qpos[1] strictly inside (healthy_z_min, healthy_z_max), and the pitch qpos[2] strictly inside
 *   (healthy_angle_min, healthy_angle_max).
 * Start state: qpos ~ qpos0 + U(−s, s), qvel ~ U(−s, s) per dof, s = reset_noise_scale; from the env's Rng.
 *   qpos0 = (0, 1.25, 0, 0, 0, 0). Reset info: x_position, z_distance_from_origin.
 * Episode end: terminated when not healthy (if terminate_when_unhealthy); truncated after 1000 steps (registry
 *   TimeLimit). Gymnasium's reward threshold: 3800.
 * Arguments (kwargs; Gymnasium's tuple ranges are split into _min/_max): forward_reward_weight (1),
 *   ctrl_cost_weight (1e-3), healthy_reward (1), terminate_when_unhealthy (true), healthy_state_min/max (∓100),
 *   healthy_z_min/max (0.7, ∞), healthy_angle_min/max (∓0.2), reset_noise_scale (5e-3),
 *   exclude_current_positions_from_observation (true), frame_skip (4; dt = 0.002 · frame_skip = 0.008).
 * Model: RK4, timestep 0.002; see the MJCF for bodies, joints, ranges and contacts.
 * Version: v5 (reward terms in info; healthy reward only while healthy; same model facts as Gymnasium 1.3.0).
 */
import type { Info, StepResult } from "../env.ts";
import type { Rng } from "../../core/rng.ts";
import type { MujocoRuntime } from "./mujoco-runtime.ts";
import { MujocoEnv } from "./mujoco-env.ts";

export interface HopperConfig {
  forward_reward_weight: number;
  ctrl_cost_weight: number;
  healthy_reward: number;
  terminate_when_unhealthy: boolean;
  healthy_state_min: number;
  healthy_state_max: number;
  healthy_z_min: number;
  healthy_z_max: number;
  healthy_angle_min: number;
  healthy_angle_max: number;
  reset_noise_scale: number;
  exclude_current_positions_from_observation: boolean;
  frame_skip: number;
}

export const HOPPER_DEFAULTS: Readonly<HopperConfig> = {
  forward_reward_weight: 1,
  ctrl_cost_weight: 1e-3,
  healthy_reward: 1,
  terminate_when_unhealthy: true,
  healthy_state_min: -100,
  healthy_state_max: 100,
  healthy_z_min: 0.7,
  healthy_z_max: Infinity,
  healthy_angle_min: -0.2,
  healthy_angle_max: 0.2,
  reset_noise_scale: 5e-3,
  exclude_current_positions_from_observation: true,
  frame_skip: 4,
};

/** Observed joint velocities are clipped to ±this (Gymnasium's `np.clip(qvel, -10, 10)`). */
const VELOCITY_CLIP = 10;

export class Hopper extends MujocoEnv {
  readonly config: Readonly<HopperConfig>;

  constructor(runtime: MujocoRuntime, config: Partial<HopperConfig> = {}) {
    const c = { ...HOPPER_DEFAULTS, ...config };
    super(runtime, {
      id: "Hopper-v5",
      modelFile: "hopper.xml",
      frameSkip: c.frame_skip,
      observationDim: c.exclude_current_positions_from_observation ? 11 : 12,
    });
    this.config = c;
  }

  /** Gymnasium's `is_healthy`: state, height and pitch inside their open ranges. */
  get isHealthy(): boolean {
    const c = this.config;
    const q = this.sim.view("qpos"), v = this.sim.view("qvel");
    const inState = (x: number): boolean => c.healthy_state_min < x && x < c.healthy_state_max;
    for (let i = 2; i < q.length; i++) if (!inState(q[i]!)) return false;
    for (let i = 0; i < v.length; i++) if (!inState(v[i]!)) return false;
    const z = q[1]!, angle = q[2]!;
    return c.healthy_z_min < z && z < c.healthy_z_max && c.healthy_angle_min < angle && angle < c.healthy_angle_max;
  }

  protected resetModel(rng: Rng): void {
    this.resetWithNoise(rng, this.config.reset_noise_scale, "uniform");
  }

  protected observe(): Float64Array {
    const q = this.sim.view("qpos"), v = this.sim.view("qvel");
    const skip = this.config.exclude_current_positions_from_observation ? 1 : 0;
    const nPos = q.length - skip;
    const obs = new Float64Array(nPos + v.length);
    for (let i = 0; i < nPos; i++) obs[i] = q[skip + i]!; // no typed-array view allocated per step
    for (let i = 0; i < v.length; i++) obs[nPos + i] = Math.min(VELOCITY_CLIP, Math.max(-VELOCITY_CLIP, v[i]!));
    return obs;
  }

  protected resetInfo(): Info {
    const q = this.sim.view("qpos");
    return { x_position: q[0]!, z_distance_from_origin: q[1]! - this.initQpos[1]! };
  }

  step(action: Float64Array): StepResult<Float64Array> {
    const c = this.config;
    const xBefore = this.sim.view("qpos")[0]!;
    this.doSimulation(action);
    const q = this.sim.view("qpos");
    const x_position = q[0]!;
    const x_velocity = (x_position - xBefore) / this.dt;
    const healthy = this.isHealthy;
    const reward_forward = c.forward_reward_weight * x_velocity;
    const reward_survive = healthy ? c.healthy_reward : 0;
    const reward_ctrl = -c.ctrl_cost_weight * MujocoEnv.sumSquares(action);
    return {
      observation: this.observe(),
      reward: reward_forward + reward_survive + reward_ctrl,
      terminated: c.terminate_when_unhealthy && !healthy,
      truncated: false,
      info: {
        x_position,
        z_distance_from_origin: q[1]! - this.initQpos[1]!,
        x_velocity,
        reward_forward,
        reward_ctrl,
        reward_survive,
      },
    };
  }
}
