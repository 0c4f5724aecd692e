/**
 * Replaying a MuJoCo learning history (the MuJoCo page): for one recorded episode, the simulator state is
 * rebuilt from its FIRST observation (the positions the observation omits — root x, and y for Ant — are set to 0:
 * the dynamics do not depend on them), then the recorded actions are stepped through the library's own env
 * (src/envs/mujoco/*), recording every frame's body poses for rendering, the replayed observations and the true
 * reward terms. The observer is rolled out from the same start state with its deterministic (mean, clipped)
 * action, as `policyReturns` acts. DOM-free: the page runs it in a Web Worker; tests run it in Node.
 */
import type { HistoryColumns } from "../../../src/data/history-columns.ts";
import { Ant } from "../../../src/envs/mujoco/ant.ts";
import { HalfCheetah } from "../../../src/envs/mujoco/half-cheetah.ts";
import { Hopper } from "../../../src/envs/mujoco/hopper.ts";
import type { MujocoEnv } from "../../../src/envs/mujoco/mujoco-env.ts";
import type { MujocoRuntime } from "../../../src/envs/mujoco/mujoco-runtime.ts";
import { Reacher } from "../../../src/envs/mujoco/reacher.ts";
import type { PpoActorJson } from "../../../src/learners/ppo.ts";
import { MLP } from "../../../src/nn/mlp.ts";
import { RunningMeanStd } from "../../../src/nn/running-mean-std.ts";
import type { RewardFn } from "../../../src/rewards/reward-fn.ts";

export const REPLAY_ENVS = ["HalfCheetah-v5", "Hopper-v5", "Ant-v5", "Reacher-v5"] as const;

/** Builds the library's env class for a history's env id and kwargs (no TimeLimit: the episode's length is the data's). */
export function makeReplayEnv(runtime: MujocoRuntime, envId: string, kwargs: Record<string, unknown> = {}): MujocoEnv {
  const kw = kwargs as never;
  switch (envId) {
    case "HalfCheetah-v5": return new HalfCheetah(runtime, kw);
    case "Hopper-v5": return new Hopper(runtime, kw);
    case "Ant-v5": return new Ant(runtime, kw);
    case "Reacher-v5": return new Reacher(runtime, kw);
    default: throw new Error(`the MuJoCo page replays ${REPLAY_ENVS.join(", ")}; this history is ${envId}`);
  }
}

/** qpos/qvel from an observation of `env` (positions the observation omits are 0; see the header). */
export function stateFromObservation(env: MujocoEnv, obs: ArrayLike<number>): { qpos: Float64Array; qvel: Float64Array } {
  const { nq, nv } = env.sim.sizes;
  const qpos = new Float64Array(nq), qvel = new Float64Array(nv);
  const dim = env.observationSpace.shape;
  if (env.id === "Reacher-v5") {
    qpos[0] = Math.atan2(obs[2]!, obs[0]!);
    qpos[1] = Math.atan2(obs[3]!, obs[1]!);
    qpos[2] = obs[4]!;
    qpos[3] = obs[5]!;
    qvel[0] = obs[6]!;
    qvel[1] = obs[7]!;
    return { qpos, qvel };
  }
  // HalfCheetah, Hopper: [qpos[skip:], qvel]; Ant: [qpos[skip:], qvel, contact forces?]. skip = nq + nv − dim (+ contacts).
  const contact = env.id === "Ant-v5" && dim > nq + nv ? dim - (nq + nv - 2) : 0;
  const skip = nq + nv + contact - dim;
  if (skip < 0 || skip > 2) throw new Error(`${env.id}: cannot rebuild the state from a ${dim}-dimensional observation`);
  for (let i = skip; i < nq; i++) qpos[i] = obs[i - skip]!;
  for (let i = 0; i < nv; i++) qvel[i] = obs[nq - skip + i]!;
  return { qpos, qvel };
}

export interface EpisodeRef {
  update: number;
  episode: number;
  /** Rows [start, end) of the history. */
  start: number;
  end: number;
}

/** The episodes of a history, in file order. */
export function listEpisodes(c: HistoryColumns): EpisodeRef[] {
  const out: EpisodeRef[] = [];
  for (let i = 0; i < c.n; i++) {
    const last = out[out.length - 1];
    if (last && last.episode === c.episode[i] && last.update === c.update[i]) last.end = i + 1;
    else out.push({ update: c.update[i]!, episode: c.episode[i]!, start: i, end: i + 1 });
  }
  return out;
}

export interface Frame {
  /** Body positions (nbody × 3) and orientations (nbody × 4, w x y z) — what the 3-D view draws. */
  xpos: number[];
  xquat: number[];
}

export interface ReplayTrace {
  /** Observations: the rebuilt start, then one per step (T + 1 rows of obsDim). */
  obs: number[][];
  /** The env's true reward of each replayed step. */
  trueReward: number[];
  /** The recovered reward of each step (when a reward model is given). */
  recoveredReward: number[] | null;
  frames: Frame[];
  /** Largest |replayed − recorded| over the next observations (learner replay only). */
  maxObsError: number | null;
}

function frame(env: MujocoEnv): Frame {
  return { xpos: Array.from(env.sim.view("xpos")), xquat: Array.from(env.sim.view("xquat")) };
}

function recovered(reward: RewardFn | null, obs: number[][], actions: number[][], terminated: boolean[]): number[] | null {
  if (reward === null || actions.length === 0) return null;
  const T = actions.length;
  const flat = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());
  return Array.from(reward.evaluate({ n: T, obs: flat(obs.slice(0, T)), actions: flat(actions), nextObs: flat(obs.slice(1, T + 1)), terminated: Uint8Array.from(terminated.map(Number)) } as never));
}

/** Steps the recorded actions of `ep` from the state rebuilt from its first observation. */
export function replayEpisode(env: MujocoEnv, c: HistoryColumns, ep: EpisodeRef, reward: RewardFn | null = null): ReplayTrace {
  const D = c.meta.observationSpace.dim, A = c.meta.actionSpace.dim;
  env.reset({ seed: 0 });
  env.setState(stateFromObservation(env, c.obs.subarray(ep.start * D, (ep.start + 1) * D)));
  const obs: number[][] = [Array.from(env.currentObservation())];
  const frames = [frame(env)];
  const trueReward: number[] = [], actions: number[][] = [], terminated: boolean[] = [];
  let maxErr = 0;
  for (let i = ep.start; i < ep.end; i++) {
    const a = c.actions.slice(i * A, (i + 1) * A);
    const r = env.step(a);
    actions.push(Array.from(a));
    obs.push(Array.from(r.observation));
    trueReward.push(r.reward);
    terminated.push(r.terminated);
    frames.push(frame(env));
    for (let j = 0; j < D; j++) maxErr = Math.max(maxErr, Math.abs(r.observation[j]! - c.nextObs[i * D + j]!));
  }
  return { obs, trueReward, recoveredReward: recovered(reward, obs, actions, terminated), frames, maxObsError: maxErr };
}

/** Rolls out `actor`'s deterministic action (clipped to the action bounds) for `steps` steps from `startObs`'s state. */
export function rolloutObserver(env: MujocoEnv, actor: PpoActorJson, startObs: ArrayLike<number>, steps: number, reward: RewardFn | null = null): ReplayTrace {
  const policy = MLP.fromJSON(actor.policy);
  const norm = actor.obsNorm ? RunningMeanStd.fromJSON(actor.obsNorm) : null;
  const D = policy.inDim, A = policy.outDim;
  if (D !== env.observationSpace.shape || A !== env.actionSpace.shape) throw new Error(`observer policy is ${D}→${A}, ${env.id} is ${env.observationSpace.shape}→${env.actionSpace.shape}`);
  const { low, high } = env.actionSpace;
  env.reset({ seed: 0 });
  env.setState(stateFromObservation(env, startObs));
  let o = env.currentObservation();
  const obs: number[][] = [Array.from(o)];
  const frames = [frame(env)];
  const trueReward: number[] = [], actions: number[][] = [], terminated: boolean[] = [];
  const x = new Float64Array(D), action = new Float64Array(A);
  for (let t = 0; t < steps; t++) {
    if (norm) norm.normalize(o, x, 1, actor.clipObs);
    else x.set(o);
    const mean = policy.forward(x, 1);
    for (let j = 0; j < A; j++) action[j] = Math.min(high[j]!, Math.max(low[j]!, mean[j]!));
    const r = env.step(action);
    actions.push(Array.from(action));
    o = r.observation;
    obs.push(Array.from(o));
    trueReward.push(r.reward);
    terminated.push(r.terminated);
    frames.push(frame(env));
    if (r.terminated) break;
  }
  return { obs, trueReward, recoveredReward: recovered(reward, obs, actions, terminated), frames, maxObsError: null };
}
