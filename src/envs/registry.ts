/**
 * The typed env registry: `makeEnv(id, kwargs?, deps?)` builds a registered env with its keyword arguments
 * (unknown keys or non-numeric values are rejected) and wraps it in `TimeLimit` at the id's max episode steps,
 * as Gymnasium's `gym.make`. MuJoCo envs need a MuJoCo runtime (`await loadMujoco()`), passed in `deps`: the
 * registry never loads WASM itself, so importing it is cheap and holds no state.
 */
import { InputError, LflError } from "../core/errors.ts";
import type { BoxEnv } from "./env.ts";
import { TimeLimit } from "./wrappers/time-limit.ts";
import { Pendulum, PENDULUM_DEFAULTS } from "./classic/pendulum.ts";
import type { MujocoRuntime } from "./mujoco/mujoco-runtime.ts";
import { Reacher, REACHER_DEFAULTS } from "./mujoco/reacher.ts";
import { HalfCheetah, HALF_CHEETAH_DEFAULTS } from "./mujoco/half-cheetah.ts";
import { Hopper, HOPPER_DEFAULTS } from "./mujoco/hopper.ts";
import { Ant, ANT_DEFAULTS } from "./mujoco/ant.ts";

/** Keyword arguments of an env: numbers or booleans by name (as Gymnasium's `gym.make(id, **kwargs)`). */
export type EnvKwargs = Readonly<Record<string, number | boolean>>;

/** What an env may need from its caller: a MuJoCo runtime for the MuJoCo envs. */
export interface EnvDeps {
  mujoco?: MujocoRuntime;
}

export interface EnvSpec {
  readonly id: string;
  readonly maxEpisodeSteps: number;
  /** Gymnasium's reward threshold for "solved", where it defines one. */
  readonly rewardThreshold?: number;
  readonly needsMujoco: boolean;
  /** Every accepted kwarg with its default value; `make` receives the defaults merged with the caller's. */
  readonly defaults: EnvKwargs;
  readonly make: (kwargs: EnvKwargs, deps: EnvDeps) => BoxEnv;
}

function mujocoOf(id: string, deps: EnvDeps): MujocoRuntime {
  if (deps.mujoco === undefined) {
    throw new LflError("E_ENV", `${id} needs a MuJoCo runtime: pass { mujoco: await loadMujoco() } as makeEnv's deps`);
  }
  return deps.mujoco;
}

const SPECS: readonly EnvSpec[] = [
  {
    id: "Pendulum-v1",
    maxEpisodeSteps: 200,
    needsMujoco: false,
    defaults: PENDULUM_DEFAULTS,
    make: (kw) => new Pendulum(kw as typeof PENDULUM_DEFAULTS),
  },
  {
    id: "Reacher-v5",
    maxEpisodeSteps: 50,
    rewardThreshold: -3.75,
    needsMujoco: true,
    defaults: REACHER_DEFAULTS,
    make: (kw, deps) => new Reacher(mujocoOf("Reacher-v5", deps), kw as typeof REACHER_DEFAULTS),
  },
  {
    id: "HalfCheetah-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 4800,
    needsMujoco: true,
    defaults: HALF_CHEETAH_DEFAULTS,
    make: (kw, deps) => new HalfCheetah(mujocoOf("HalfCheetah-v5", deps), kw as typeof HALF_CHEETAH_DEFAULTS),
  },
  {
    id: "Hopper-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 3800,
    needsMujoco: true,
    defaults: HOPPER_DEFAULTS,
    make: (kw, deps) => new Hopper(mujocoOf("Hopper-v5", deps), kw as typeof HOPPER_DEFAULTS),
  },
  {
    id: "Ant-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 6000,
    needsMujoco: true,
    defaults: ANT_DEFAULTS,
    make: (kw, deps) => new Ant(mujocoOf("Ant-v5", deps), kw as typeof ANT_DEFAULTS),
  },
];

const BY_ID: ReadonlyMap<string, EnvSpec> = new Map(SPECS.map((s) => [s.id, s]));

/** Ids of every registered env, in registration order. */
export function registeredEnvIds(): string[] {
  return SPECS.map((s) => s.id);
}

/** The spec of `id`; an unknown id is an `InputError` E_UNKNOWN_ID listing the known ids. */
export function envSpec(id: string): EnvSpec {
  const spec = BY_ID.get(id);
  if (spec === undefined) {
    throw new InputError("E_UNKNOWN_ID", `unknown env id "${id}"; registered: ${registeredEnvIds().join(", ")}`);
  }
  return spec;
}

/** The defaults merged with `kwargs`, each key and type checked against the defaults. */
export function resolveKwargs(spec: EnvSpec, kwargs: EnvKwargs = {}): EnvKwargs {
  for (const [key, value] of Object.entries(kwargs)) {
    const def = spec.defaults[key];
    if (def === undefined) {
      const known = Object.keys(spec.defaults).join(", ") || "(none)";
      throw new InputError("E_INVALID_CONFIG", `${spec.id}: unknown kwarg "${key}"; accepted: ${known}`);
    }
    if (typeof value !== typeof def || (typeof value === "number" && !Number.isFinite(value))) {
      throw new InputError("E_INVALID_CONFIG", `${spec.id}: kwarg "${key}" must be a finite ${typeof def}, got ${String(value)}`);
    }
  }
  return { ...spec.defaults, ...kwargs };
}

/** Builds `id` with `kwargs`, wrapped in `TimeLimit(maxEpisodeSteps)`. Close it (or `using`) when done. */
export function makeEnv(id: string, kwargs: EnvKwargs = {}, deps: EnvDeps = {}): TimeLimit {
  const spec = envSpec(id);
  return new TimeLimit(spec.make(resolveKwargs(spec, kwargs), deps), spec.maxEpisodeSteps);
}
