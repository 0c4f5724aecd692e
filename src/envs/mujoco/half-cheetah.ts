/**
 * HalfCheetah-v5 (Gymnasium v5 semantics, on our MJCF assets/mujoco/half_cheetah.xml).
 *
 * Description: a planar cat-like robot (torso with head, back and front legs of thigh, shin and foot; 9 dofs:
 *   root x slide, root z slide, root pitch hinge, six limb hinges) must run forward (+x) as fast as possible.
 * Action space: Box(−1, 1, (6,)): torques of bthigh, bshin, bfoot, fthigh, fshin, ffoot (gears 120, 90, 60, 120,
 *   60, 30); written to ctrl unclipped, MuJoCo clamps them to ctrlrange.
 * Observation space: Box(−∞, ∞, (17,)): qpos[1:9] (root z, root pitch, six joint angles) then qvel[0:9]; with
 *   exclude_current_positions_from_observation = false, qpos[0] (root x) is included too (18 dims).
 * Reward: reward_forward + reward_ctrl, with reward_forward = forward_reward_weight · x_velocity,
 *   x_velocity = (x_after − x_before) / dt of the root x over the env step, and
 *   reward_ctrl = −ctrl_cost_weight · ‖a‖². info: x_position (after), x_velocity, reward_forward, reward_ctrl.
 * Start state: qpos ~ qpos0 + U(−s, s), qvel ~ 0 + s · N(0, 1) per dof, s = reset_noise_scale; from the env's
 *   Rng. Reset info: x_position.
 * Episode end: never terminates; truncated after 1000 steps (registry TimeLimit).
 * Arguments (kwargs): forward_reward_weight (1), ctrl_cost_weight (0.1), reset_noise_scale (0.1),
 *   exclude_current_positions_from_observation (true), frame_skip (5; dt = 0.01 · frame_skip = 0.05).
 * Version: v5 (reward terms in info; same dynamics as v4).
 */
import type { Info, StepResult } from "../env.ts";
import type { Rng } from "../../core/rng.ts";
import type { MujocoRuntime } from "./mujoco-runtime.ts";
import { MujocoEnv } from "./mujoco-env.ts";

export interface HalfCheetahConfig {
  forward_reward_weight: number;
  ctrl_cost_weight: number;
  reset_noise_scale: number;
  exclude_current_positions_from_observation: boolean;
  frame_skip: number;
}

export const HALF_CHEETAH_DEFAULTS: Readonly<HalfCheetahConfig> = {
  forward_reward_weight: 1,
  ctrl_cost_weight: 0.1,
  reset_noise_scale: 0.1,
  exclude_current_positions_from_observation: true,
  frame_skip: 5,
};

export class HalfCheetah extends MujocoEnv {
  readonly config: Readonly<HalfCheetahConfig>;

  constructor(runtime: MujocoRuntime, config: Partial<HalfCheetahConfig> = {}) {
    const c = { ...HALF_CHEETAH_DEFAULTS, ...config };
    super(runtime, {
      id: "HalfCheetah-v5",
      modelFile: "half_cheetah.xml",
      frameSkip: c.frame_skip,
      observationDim: c.exclude_current_positions_from_observation ? 17 : 18,
    });
    this.config = c;
  }

  protected resetModel(rng: Rng): void {
    this.resetWithNoise(rng, this.config.reset_noise_scale, "normal");
  }

  protected observe(): Float64Array {
    const q = this.sim.view("qpos"), v = this.sim.view("qvel");
    const skip = this.config.exclude_current_positions_from_observation ? 1 : 0;
    const nPos = q.length - skip;
    const obs = new Float64Array(nPos + v.length);
    // element loops, not .set(subarray): no typed-array view allocated per step
    for (let i = 0; i < nPos; i++) obs[i] = q[skip + i]!;
    for (let i = 0; i < v.length; i++) obs[nPos + i] = v[i]!;
    return obs;
  }

  protected resetInfo(): Info {
    return { x_position: this.sim.view("qpos")[0]! };
  }

  step(action: Float64Array): StepResult<Float64Array> {
    const xBefore = this.sim.view("qpos")[0]!;
    this.doSimulation(action);
    const x_position = this.sim.view("qpos")[0]!;
    const x_velocity = (x_position - xBefore) / this.dt;
    const observation = this.observe();
    const reward_forward = this.config.forward_reward_weight * x_velocity;
    const reward_ctrl = -this.config.ctrl_cost_weight * MujocoEnv.sumSquares(action);
    return {
      observation,
      reward: reward_forward + reward_ctrl,
      terminated: false,
      truncated: false,
      info: { x_position, x_velocity, reward_forward, reward_ctrl },
    };
  }
}
