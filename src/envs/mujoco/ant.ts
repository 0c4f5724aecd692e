/**
 * Ant-v5 (Gymnasium v5 semantics, on our MJCF assets/mujoco/ant.xml).
 *
 * Description: a quadruped (sphere torso on a free joint, four legs of hip + ankle hinges; nq = 15, nv = 14)
 *   must walk forward (+x).
 * Action space: Box(−1, 1, (8,)): torques (gear 150) in Gymnasium's actuator order hip_4, ankle_4, hip_1,
 *   ankle_1, hip_2, ankle_2, hip_3, ankle_3; written to ctrl unclipped, MuJoCo clamps them to ctrlrange.
 * Observation space: Box(−∞, ∞, (105,)): qpos[2:15] (torso z, torso quaternion w x y z, 8 joint angles), then
 *   qvel[0:14], then the 78 values of clip(cfrc_ext, contact_force_min, contact_force_max) of bodies 1..13
 *   (6 per body: torque then force, world body excluded). exclude_current_positions_from_observation = false
 *   prepends qpos[0:2] (x, y); include_cfrc_ext_in_observation = false drops the 78 contact values.
 * Reward: reward_forward + reward_survive + reward_ctrl + reward_contact, with
 *   reward_forward = forward_reward_weight · x_velocity, where (x_velocity, y_velocity) = (xy_after − xy_before)
 *     / dt of `xpos` of body main_body (the torso). As in Gymnasium, `xpos` is read from MuJoCo's data as it
 *     stands after `mj_step`, i.e. the kinematics computed at the start of the step's last physics substep;
 *   reward_survive = healthy_reward if healthy after the step, else 0 (v5: only while healthy);
 *   reward_ctrl = −ctrl_cost_weight · ‖a‖² (of the unclipped action);
 *   reward_contact = −contact_cost_weight · ‖clip(cfrc_ext, contact_force_min, contact_force_max)‖² over all
 *     bodies (v5 always includes it). cfrc_ext is made current by `mj_rnePostConstraint` after stepping.
 *   info: x_position, y_position (qpos[0], qpos[1] after), distance_from_origin = ‖qpos[0:2]‖, x_velocity,
 *   y_velocity, reward_forward, reward_ctrl, reward_contact, reward_survive.
 * Healthy: every entry of (qpos, qvel) is finite and healthy_z_min ≤ qpos[2] ≤ healthy_z_max (torso height).
 * Start state: qpos ~ qpos0 + U(−s, s), qvel ~ s · N(0, 1) per dof, s = reset_noise_scale; from the env's Rng.
 *   qpos0 = (0, 0, 0.75, 1, 0, …, 0) (the quaternion is perturbed unnormalised, as in Gymnasium).
 *   Reset info: x_position, y_position, distance_from_origin.
 * Episode end: terminated when not healthy (if terminate_when_unhealthy); truncated after 1000 steps (registry
 *   TimeLimit). Gymnasium's reward threshold: 6000.
 * Arguments (kwargs; Gymnasium's tuple ranges are split into _min/_max): forward_reward_weight (1),
 *   ctrl_cost_weight (0.5), contact_cost_weight (5e-4), healthy_reward (1), main_body (1 = torso),
 *   terminate_when_unhealthy (true), healthy_z_min/max (0.2, 1), contact_force_min/max (∓1),
 *   reset_noise_scale (0.1), exclude_current_positions_from_observation (true),
 *   include_cfrc_ext_in_observation (true), frame_skip (5; dt = 0.01 · frame_skip = 0.05).
 *   (v4's use_contact_forces does not exist in v5: the contact cost is always on.)
 * Model: RK4, timestep 0.01; see the MJCF for bodies, joints, ranges and contacts.
 * Version: v5 (105-dim observation with contact forces by default, contact cost always on, healthy reward only
 *   while healthy, reward terms in info; same model facts as Gymnasium 1.3.0).
 */
import { LflError } from "../../core/errors.ts";
import type { Info, StepResult } from "../env.ts";
import type { Rng } from "../../core/rng.ts";
import type { MujocoRuntime } from "./mujoco-runtime.ts";
import { MujocoEnv } from "./mujoco-env.ts";

export interface AntConfig {
  forward_reward_weight: number;
  ctrl_cost_weight: number;
  contact_cost_weight: number;
  healthy_reward: number;
  main_body: number;
  terminate_when_unhealthy: boolean;
  healthy_z_min: number;
  healthy_z_max: number;
  contact_force_min: number;
  contact_force_max: number;
  reset_noise_scale: number;
  exclude_current_positions_from_observation: boolean;
  include_cfrc_ext_in_observation: boolean;
  frame_skip: number;
}

export const ANT_DEFAULTS: Readonly<AntConfig> = {
  forward_reward_weight: 1,
  ctrl_cost_weight: 0.5,
  contact_cost_weight: 5e-4,
  healthy_reward: 1,
  main_body: 1,
  terminate_when_unhealthy: true,
  healthy_z_min: 0.2,
  healthy_z_max: 1,
  contact_force_min: -1,
  contact_force_max: 1,
  reset_noise_scale: 0.1,
  exclude_current_positions_from_observation: true,
  include_cfrc_ext_in_observation: true,
  frame_skip: 5,
};

/** Bodies (world, torso, 4 × 3 leg bodies) and so rows of cfrc_ext, 6 values each. */
const NBODY = 14;

export class Ant extends MujocoEnv {
  readonly config: Readonly<AntConfig>;

  constructor(runtime: MujocoRuntime, config: Partial<AntConfig> = {}) {
    const c = { ...ANT_DEFAULTS, ...config };
    if (!Number.isInteger(c.main_body) || c.main_body < 0 || c.main_body >= NBODY) {
      throw new LflError("E_INVALID_CONFIG", `Ant-v5: main_body must be a body index in [0, ${NBODY - 1}], got ${c.main_body}`);
    }
    if (!(c.contact_force_min <= c.contact_force_max)) {
      throw new LflError("E_INVALID_CONFIG", `Ant-v5: contact_force_min ${c.contact_force_min} > contact_force_max ${c.contact_force_max}`);
    }
    const nPos = c.exclude_current_positions_from_observation ? 13 : 15;
    super(runtime, {
      id: "Ant-v5",
      modelFile: "ant.xml",
      frameSkip: c.frame_skip,
      observationDim: nPos + 14 + (c.include_cfrc_ext_in_observation ? (NBODY - 1) * 6 : 0),
      rnePostConstraint: true,
    });
    this.config = c;
  }

  /** Gymnasium's `is_healthy`: a finite state and the torso height inside the closed z range. */
  get isHealthy(): boolean {
    const q = this.sim.view("qpos"), v = this.sim.view("qvel");
    for (let i = 0; i < q.length; i++) if (!Number.isFinite(q[i]!)) return false;
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
    return this.config.healthy_z_min <= q[2]! && q[2]! <= this.config.healthy_z_max;
  }

  /** cfrc_ext clipped to the contact force range (Gymnasium's `contact_forces`), nbody × 6 row-major. */
  contactForces(): Float64Array {
    const raw = this.sim.view("cfrc_ext");
    const lo = this.config.contact_force_min, hi = this.config.contact_force_max;
    const out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = Math.min(hi, Math.max(lo, raw[i]!));
    return out;
  }

  protected resetModel(rng: Rng): void {
    this.resetWithNoise(rng, this.config.reset_noise_scale, "normal");
  }

  protected observe(): Float64Array {
    return this.observeWith(this.config.include_cfrc_ext_in_observation ? this.contactForces() : undefined);
  }

  private observeWith(contact: Float64Array | undefined): Float64Array {
    const q = this.sim.view("qpos"), v = this.sim.view("qvel");
    const skip = this.config.exclude_current_positions_from_observation ? 2 : 0;
    const obs = new Float64Array(this.observationSpace.shape);
    obs.set(q.subarray(skip), 0);
    obs.set(v, q.length - skip);
    if (contact !== undefined) obs.set(contact.subarray(6), q.length - skip + v.length);
    return obs;
  }

  protected resetInfo(): Info {
    const q = this.sim.view("qpos");
    return { x_position: q[0]!, y_position: q[1]!, distance_from_origin: Math.hypot(q[0]!, q[1]!) };
  }

  step(action: Float64Array): StepResult<Float64Array> {
    const c = this.config;
    const body = 3 * c.main_body;
    const xpos = this.sim.view("xpos");
    const xBefore = xpos[body]!, yBefore = xpos[body + 1]!;
    this.doSimulation(action);
    const after = this.sim.view("xpos");
    const x_velocity = (after[body]! - xBefore) / this.dt;
    const y_velocity = (after[body + 1]! - yBefore) / this.dt;
    const contact = this.contactForces();
    const healthy = this.isHealthy;
    const reward_forward = c.forward_reward_weight * x_velocity;
    const reward_survive = healthy ? c.healthy_reward : 0;
    const ctrlCost = c.ctrl_cost_weight * MujocoEnv.sumSquares(action);
    const contactCost = c.contact_cost_weight * MujocoEnv.sumSquares(contact);
    const reward_ctrl = -ctrlCost, reward_contact = -contactCost;
    const q = this.sim.view("qpos");
    return {
      observation: this.observeWith(c.include_cfrc_ext_in_observation ? contact : undefined),
      reward: reward_forward + reward_survive - (ctrlCost + contactCost),
      terminated: c.terminate_when_unhealthy && !healthy,
      truncated: false,
      info: {
        x_position: q[0]!,
        y_position: q[1]!,
        distance_from_origin: Math.hypot(q[0]!, q[1]!),
        x_velocity,
        y_velocity,
        reward_forward,
        reward_ctrl,
        reward_contact,
        reward_survive,
      },
    };
  }
}
