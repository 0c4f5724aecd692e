/**
 * PPO's rollout collection (stage 2 of an update in ./ppo.ts): `numEnvs` envs stepped in lockstep with ONE batched
 * forward pass of each network per step, the Gaussian actions, their log-probabilities, the values, rewards and
 * episode ends written into the [T, E] buffers, and the recorded trajectories (raw observations) of the history.
 *
 * It is a function of its own, with `trainPpo` only calling it, for speed: V8 optimises a hot loop together with
 * the function around it, and when that was all of `trainPpo` every (re)optimisation compiled the whole trainer
 * (measured ≈ 0.5 CPU s of TurboFan per 20k-step HalfCheetah run, a fifth of the run). The arithmetic and the
 * order of every random draw are exactly those of the loop it replaces.
 */
import { NumericalError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import { Trajectory } from "../data/trajectory.ts";
import type { DiagGaussian } from "../nn/gaussian.ts";
import type { MLP } from "../nn/mlp.ts";
import type { RunningMeanStd } from "../nn/running-mean-std.ts";
import type { RewardFn } from "../rewards/reward-fn.ts";
import type { PpoCallbacks } from "./ppo-config.ts";

/** Growable record of one env's current trajectory segment (raw observations). */
export interface Segment {
  obs: number[];
  actions: number[];
  rewards: number[];
  episode: number;
}

/** Everything the rollout reads and writes: envs, networks, buffers [T, E], episode records and counters. */
export interface RolloutState {
  envs: BoxEnv[];
  E: number;
  T: number;
  D: number;
  A: number;
  low: Float64Array;
  high: Float64Array;
  policy: MLP;
  value: MLP;
  gaussian: DiagGaussian;
  /** Updated with every batch of raw observations (null: no observation normalisation). */
  running: RunningMeanStd | null;
  rewardFn: RewardFn | undefined;
  clipObs: number;
  /** Row t of the observation [T, E, D], action [T, E, A] and log-probability [T, E] buffers (views made once). */
  obsRows: Float64Array[];
  actRows: Float64Array[];
  logpRows: Float64Array[];
  valBuf: Float64Array;
  rewBuf: Float64Array;
  termBuf: Uint8Array;
  truncBuf: Uint8Array;
  truncValBuf: Float64Array;
  /** The current raw observation of each env [E, D]. */
  rawObs: Float64Array;
  normObs: Float64Array;
  envAction: Float64Array;
  prevObs: Float64Array;
  nextObs: Float64Array;
  stepTerm: Uint8Array;
  /** Every action each env received (to replay envs on resume), or null without checkpointing. */
  envActions: number[][] | null;
  segments: Segment[];
  recordEnvs: number;
  episodeReturn: Float64Array;
  recentReturns: number[];
  steps: number;
  episodes: number;
  nextEpisode: number;
  actRng: Rng;
}

/** The T row views buf[t·width, (t+1)·width) (made once, not per step). */
export function rowViews(buf: Float64Array, T: number, width: number): Float64Array[] {
  return Array.from({ length: T }, (_, t) => buf.subarray(t * width, (t + 1) * width));
}

/** Mean of the last (≤ 100) episode returns (NaN before the first episode ends). */
export function meanRecent(recentReturns: number[]): number {
  return recentReturns.length ? recentReturns.reduce((s, r) => s + r, 0) / recentReturns.length : NaN;
}

/** dst[n, D] = the observations src[n, D] as π_k sees them: normalised with the frozen statistics, or copied. */
export function normalizeObs(frozen: RunningMeanStd | null, clipObs: number, src: Float64Array, dst: Float64Array, n: number, D: number): void {
  if (frozen) frozen.normalize(src, dst, n, clipObs);
  else dst.set(src.subarray(0, n * D));
}

/** Closes env e's segment into `trajectories` (if the env is recorded and the segment has steps). */
export function flushSegment(s: RolloutState, e: number, terminated: boolean, truncated: boolean, trajectories: Trajectory[]): void {
  const seg = s.segments[e]!;
  if (e < s.recordEnvs && seg.rewards.length > 0) {
    trajectories.push(new Trajectory({
      observations: Float64Array.from(seg.obs), actions: Float64Array.from(seg.actions), rewards: Float64Array.from(seg.rewards),
      obsDim: s.D, actDim: s.A, terminated, truncated, episode: seg.episode,
    }));
  }
}

/**
 * Collects update k's rollout (T lockstep steps, or fewer when `onStep` stops training) with the frozen statistics
 * of π_k. Returns the number of steps taken and whether `onStep` stopped training.
 */
export function collectRollout(
  s: RolloutState, k: number, frozen: RunningMeanStd | null, trajectories: Trajectory[], onStep: PpoCallbacks["onStep"],
): { t: number; stopped: boolean } {
  const { E, T, D, policy, value, gaussian, running, rewardFn, obsRows, actRows, logpRows, valBuf, prevObs, rawObs } = s;
  let t = 0;
  for (; t < T; t++) {
    const row = t * E;
    if (running) running.update(rawObs, E);
    const obsT = obsRows[t]!;
    normalizeObs(frozen, s.clipObs, rawObs, obsT, E, D);
    const mean = policy.forward(obsT, E);
    const actT = actRows[t]!;
    gaussian.sample(mean, E, s.actRng, actT);
    gaussian.logProb(mean, actT, E, logpRows[t]!);
    valBuf.set(value.forward(obsT, E), row);
    let anyTruncated = false;
    if (rewardFn) prevObs.set(rawObs);
    for (let e = 0; e < E; e++) {
      if (stepEnv(s, k, t, e, actT, trajectories)) anyTruncated = true;
    }
    if (rewardFn) {
      const r = rewardFn.evaluate({ n: E, obs: prevObs, actions: actT, nextObs: s.nextObs, terminated: s.stepTerm });
      if (!allFinite(r)) assertFiniteAt(r, `update ${k}, stage rollout: step ${t} reward of '${rewardFn.name}'`);
      s.rewBuf.set(r, row);
    }
    if (anyTruncated) bootstrapTruncated(s, frozen, row);
    s.steps += E;
    if (onStep?.({ update: k, steps: s.steps, episodes: s.episodes, meanReturn: meanRecent(s.recentReturns) }) === false) {
      return { t: t + 1, stopped: true };
    }
  }
  return { t, stopped: false };
}

/** Steps env e with its clipped action of step t; returns true when the step was truncated (time limit). */
function stepEnv(s: RolloutState, k: number, t: number, e: number, actT: Float64Array, trajectories: Trajectory[]): boolean {
  const { A, low, high, envAction, rewardFn, envActions } = s;
  const i = t * s.E + e;
  for (let j = 0; j < A; j++) {
    const a = actT[e * A + j]!;
    envAction[j] = a < low[j]! ? low[j]! : a > high[j]! ? high[j]! : a;
  }
  if (envActions) for (let j = 0; j < A; j++) envActions[e]!.push(envAction[j]!);
  const res = s.envs[e]!.step(envAction);
  // (no closure per step for the messages: they are built only when a check fails)
  if (!allFinite(res.observation)) assertFiniteAt(res.observation, `update ${k}, stage rollout: env ${e} step ${t} observation`);
  if (!rewardFn && !Number.isFinite(res.reward)) throw new NumericalError(`non-finite reward ${res.reward} at update ${k}, stage rollout: env ${e} step ${t}`);
  const terminated = res.terminated;
  const truncated = res.truncated && !terminated;
  s.rewBuf[i] = res.reward;
  if (rewardFn) {
    s.nextObs.set(res.observation, e * s.D);
    s.stepTerm[e] = terminated ? 1 : 0;
  }
  s.termBuf[i] = terminated ? 1 : 0;
  s.truncBuf[i] = truncated ? 1 : 0;
  s.episodeReturn[e] += res.reward;
  if (e < s.recordEnvs) {
    const seg = s.segments[e]!;
    for (let j = 0; j < A; j++) seg.actions.push(actT[e * A + j]!);
    seg.rewards.push(res.reward);
    const obs = res.observation;
    for (let j = 0; j < obs.length; j++) seg.obs.push(obs[j]!);
  }
  if (terminated || truncated) {
    endEpisode(s, k, e, res.observation, terminated, truncated, trajectories);
    return truncated;
  }
  s.rawObs.set(res.observation, e * s.D);
  return false;
}

/** Env e's episode ended at this step: record it, count it, reset the env (kept out of the per-step path). */
function endEpisode(s: RolloutState, k: number, e: number, finalObs: Float64Array, terminated: boolean, truncated: boolean, trajectories: Trajectory[]): void {
  // V(final observation) is evaluated in one batch after the step; park the raw observation in normObs.
  if (truncated) s.normObs.set(finalObs, e * s.D);
  flushSegment(s, e, terminated, truncated, trajectories);
  s.episodes++;
  s.recentReturns.push(s.episodeReturn[e]!);
  if (s.recentReturns.length > 100) s.recentReturns.shift();
  s.episodeReturn[e] = 0;
  const { observation } = s.envs[e]!.reset();
  assertFiniteAt(observation, `update ${k}, stage reset: env ${e} observation`);
  s.rawObs.set(observation, e * s.D);
  s.segments[e] = { obs: e < s.recordEnvs ? Array.from(observation) : [], actions: [], rewards: [], episode: s.nextEpisode++ };
}

/** truncValBuf[row + e] = V(final observation) for the envs of this row that were truncated. */
function bootstrapTruncated(s: RolloutState, frozen: RunningMeanStd | null, row: number): void {
  normalizeObs(frozen, s.clipObs, s.normObs, s.normObs, s.E, s.D);
  const v = s.value.forward(s.normObs, s.E);
  for (let e = 0; e < s.E; e++) if (s.truncBuf[row + e]) s.truncValBuf[row + e] = v[e]!;
}

/** True when every entry of `xs` is finite (the per-step check; the message is built only when it fails). */
export function allFinite(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
  return true;
}

/** Throws NumericalError at the first NaN/Inf of `xs`; `where` is built only then (it runs every env step). */
export function assertFiniteAt(xs: ArrayLike<number>, where: string | (() => string)): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) throw new NumericalError(`non-finite value ${xs[i]} at ${typeof where === "string" ? where : where()}[${i}]`);
  }
}
