/**
 * The environment contract, shaped like Gymnasium's `Env` (reset → observation; step → observation, reward,
 * terminated, truncated, info). `terminated` means the MDP reached an absorbing state (do not bootstrap);
 * `truncated` means the episode was cut from outside, e.g. by a time limit (bootstrap from the value of the
 * final observation).
 */
import type { Box, Discrete, Space } from "./spaces.ts";

export type Info = Record<string, number | boolean | string>;

export interface ResetResult<Obs> {
  observation: Obs;
  info: Info;
}

export interface StepResult<Obs> {
  observation: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export interface Env<Obs = Float64Array, Act = Float64Array> {
  readonly id: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Starts an episode. `seed` reseeds the env's own RNG (as Gymnasium's `reset(seed=…)`). */
  reset(options?: { seed?: number }): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  /** Frees native resources (MuJoCo models); a no-op for pure-TS envs. */
  close(): void;
}

/** A continuous-control env: Box observations and Box actions. */
export interface BoxEnv extends Env<Float64Array, Float64Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
}

/** A finite env: Discrete observations (state index) and Discrete actions. */
export interface DiscreteEnv extends Env<number, number> {
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
}
