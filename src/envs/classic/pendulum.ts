/**
 * Pendulum-v1 (Gymnasium `classic_control/pendulum.py`, same dynamics, reward, limits and start distribution).
 *
 * Description: a frictionless pendulum of mass m and length l hangs from a pivot; the agent applies a torque
 * to swing it up and keep it upright. θ = 0 is upright, θ grows counter-clockwise.
 *
 * Action space: Box([-2], [2]), the torque u (clipped to ±max_torque before use).
 * Observation space: Box([-1, -1, -8], [1, 1, 8]): [cos θ, sin θ, θ̇].
 * Dynamics (semi-implicit Euler, dt = 0.05):
 *   θ̇′ = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, −8, 8),   θ′ = θ + θ̇′·dt.
 * Reward: −(norm(θ)² + 0.1·θ̇² + 0.001·u²), computed from the state BEFORE the step, with
 *   norm(θ) = ((θ + π) mod 2π) − π; it lies in [−16.2736044, 0].
 * Start state: θ ~ U(−π, π), θ̇ ~ U(−1, 1) from the env's RNG.
 * Episode end: never terminates; the registry's TimeLimit truncates at 200 steps.
 * Arguments: g (gravity, default 10.0); m = 1 and l = 1 are fixed as in Gymnasium's registration.
 * Version: v1. Difference from Gymnasium: observations are float64 (Gymnasium returns float32).
 */
import { Rng } from "../../core/rng.ts";
import { LflError } from "../../core/errors.ts";
import { Box } from "../spaces.ts";
import type { BoxEnv, ResetResult, StepResult } from "../env.ts";

export interface PendulumConfig {
  /** Gravitational acceleration. */
  g: number;
}

export const PENDULUM_DEFAULTS: Readonly<PendulumConfig> = { g: 10.0 };

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;
const MASS = 1;
const LENGTH = 1;

/** Angle wrapped into [−π, π) (Python's floored modulo). */
export function angleNormalize(x: number): number {
  const twoPi = 2 * Math.PI;
  const y = (x + Math.PI) % twoPi;
  return (y < 0 ? y + twoPi : y) - Math.PI;
}

export class Pendulum implements BoxEnv {
  readonly id = "Pendulum-v1";
  readonly observationSpace = new Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly actionSpace = new Box([-MAX_TORQUE], [MAX_TORQUE]);
  readonly config: Readonly<PendulumConfig>;
  private rng = new Rng(0);
  private theta = 0;
  private thetaDot = 0;
  private started = false;

  constructor(config: Partial<PendulumConfig> = {}) {
    this.config = { ...PENDULUM_DEFAULTS, ...config };
    if (!Number.isFinite(this.config.g)) throw new RangeError(`Pendulum: g must be finite, got ${this.config.g}`);
  }

  /** The physical state [θ, θ̇]. */
  get state(): [number, number] {
    return [this.theta, this.thetaDot];
  }

  reset(options?: { seed?: number }): ResetResult<Float64Array> {
    if (options?.seed !== undefined) this.rng = new Rng(options.seed);
    this.theta = this.rng.uniformIn(-Math.PI, Math.PI);
    this.thetaDot = this.rng.uniformIn(-1, 1);
    this.started = true;
    return { observation: this.observe(), info: {} };
  }

  step(action: Float64Array): StepResult<Float64Array> {
    if (!this.started) throw new LflError("E_ENV", "Pendulum-v1: step() called before reset()");
    if (action.length !== 1 || !Number.isFinite(action[0]!)) {
      throw new LflError("E_ENV", `Pendulum-v1: action must be 1 finite number, got [${Array.from(action).join(", ")}]`);
    }
    const { g } = this.config;
    const u = Math.min(MAX_TORQUE, Math.max(-MAX_TORQUE, action[0]!));
    const th = this.theta, thdot = this.thetaDot;
    const cost = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
    let newThdot = thdot + ((3 * g) / (2 * LENGTH) * Math.sin(th) + (3 / (MASS * LENGTH ** 2)) * u) * DT;
    newThdot = Math.min(MAX_SPEED, Math.max(-MAX_SPEED, newThdot));
    this.theta = th + newThdot * DT;
    this.thetaDot = newThdot;
    return { observation: this.observe(), reward: -cost, terminated: false, truncated: false, info: {} };
  }

  close(): void {}

  private observe(): Float64Array {
    return Float64Array.of(Math.cos(this.theta), Math.sin(this.theta), this.thetaDot);
  }
}
