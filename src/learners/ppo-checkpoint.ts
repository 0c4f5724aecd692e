/**
 * Checkpoint and resume of a PPO run (`lfl learn --checkpoint-every N --resume`): the COMPLETE training state at
 * an update boundary, so that a resumed run produces the same bytes (history, model) as an uninterrupted one.
 *
 * What is saved: the actor, log-std and critic parameters, Adam's moments and step count, the running
 * observation statistics, the states of the two random streams still in use (actions, minibatch shuffles), the
 * counters (steps, episodes, next episode id), the last 100 episode returns and each env's return so far, each
 * env's current observation and episode id, the recorded history so far (trajectories and the per-update
 * normalisation statistics), the per-update statistics, and every action each env has received.
 *
 * Env state is restored by REPLAY, not by poking simulator fields: each env is rebuilt from its factory, reset
 * with its original seed and stepped through exactly the actions it received (resetting where its episodes
 * ended, as training did). Physics is deterministic, so this reproduces every part of the env's state —
 * MuJoCo's qpos/qvel, activations, solver warm start and time, the time-limit counter, episode statistics and
 * the env's own RNG — for every registered env, without an env-specific state API. Replay is physics-only
 * (no networks), a fraction of the training time; the restored observation is compared bit for bit with the
 * saved one and a mismatch is refused with E_ENV.
 *
 * File format (one file, written atomically by the caller): the 8 bytes "LFLPPOCK", a u32 format version, a
 * u32 header length, the UTF-8 JSON header, zero padding to a multiple of 8, then little-endian float64 blobs
 * the header refers to as {"$f64": [offset, length]} (in elements). Non-finite numbers in the statistics (NaN
 * before the first episode) are written as {"$num": "NaN"}.
 */
import { InputError, LflError } from "../core/errors.ts";
import { Rng, type RngState } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import type { PolicyUpdate } from "../data/learning-history.ts";
import { Trajectory } from "../data/trajectory.ts";
import type { Adam, AdamState } from "../nn/adam.ts";
import type { DiagGaussian } from "../nn/gaussian.ts";
import type { MLP } from "../nn/mlp.ts";
import type { RunningMeanStd, RunningMeanStdJson } from "../nn/running-mean-std.ts";
import type { PpoResolvedRun, PpoUpdateStats } from "./ppo-config.ts";

export const PPO_CHECKPOINT_VERSION = 1;
const MAGIC = "LFLPPOCK";
const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;

/** The complete state of a PPO run after `nextUpdate` updates. */
export interface PpoTrainingState {
  /** The run's configuration, as JSON text: a resume must use the same. */
  configKey: string;
  nextUpdate: number;
  steps: number;
  episodes: number;
  nextEpisode: number;
  recentReturns: number[];
  episodeReturn: Float64Array;
  /** Current raw observation of each env, [E·D]. */
  rawObs: Float64Array;
  /** Episode id of each env's current episode. */
  segmentEpisodes: number[];
  policy: Float64Array;
  value: Float64Array;
  logStd: Float64Array;
  adam: AdamState;
  running: RunningMeanStdJson | null;
  rng: { act: RngState; shuffle: RngState };
  updates: PolicyUpdate[];
  obsNormLog: Array<{ update: number } & RunningMeanStdJson>;
  stats: PpoUpdateStats[];
  /** Every (clipped) action env e received since its first reset, [steps/E · A]. */
  envActions: Float64Array[];
}

/** Checkpointing of one run: `save` is called every `every` updates (not after the last); `resume` restarts from a state. */
export interface PpoCheckpointing {
  every: number;
  save?: (state: PpoTrainingState) => void;
  resume?: PpoTrainingState;
}

/** The configuration fields a resume must match (everything that shapes the run; functions by name). */
export function ppoConfigKey(cfg: PpoResolvedRun): string {
  return JSON.stringify({ ...cfg, rewardFn: cfg.rewardFn?.name ?? null, initialActor: cfg.initialActor ? "given" : null });
}

/**
 * Restores env `e` by replaying its actions (see the module comment); returns nothing, throws E_ENV if the
 * replayed observation differs from the saved one.
 */
export function replayEnv(env: BoxEnv, seed: number, actions: Float64Array, A: number, expectObs: Float64Array, label: string): void {
  let obs = env.reset({ seed }).observation;
  for (let i = 0; i < actions.length; i += A) {
    const r = env.step(actions.subarray(i, i + A));
    obs = r.terminated || r.truncated ? env.reset().observation : r.observation;
  }
  if (obs.length !== expectObs.length || obs.some((x, j) => !Object.is(x, expectObs[j]))) {
    throw new LflError("E_ENV", `${label}: replaying the env's ${actions.length / A} actions did not reproduce its saved observation; this env cannot be resumed exactly`);
  }
}

// ── Restore and snapshot (called by trainPpo) ───────────────────────────────────────────────────────────
/** trainPpo's training state, by reference: restore writes into it, snapshot copies it. */
export interface PpoLiveState {
  cfg: PpoResolvedRun;
  envs: BoxEnv[];
  D: number;
  A: number;
  nUpdates: number;
  recordEnvs: number;
  policy: MLP;
  value: MLP;
  gaussian: DiagGaussian;
  adam: Adam;
  running: RunningMeanStd | null;
  rawObs: Float64Array;
  episodeReturn: Float64Array;
  recentReturns: number[];
  segments: Array<{ obs: number[]; actions: number[]; rewards: number[]; episode: number }>;
  updates: PolicyUpdate[];
  obsNormLog: PpoTrainingState["obsNormLog"];
  stats: PpoUpdateStats[];
  /** Every action each env received (kept only when checkpointing). */
  envActions: number[][];
}

/** The scalars and generators trainPpo keeps in local variables. */
export interface PpoCounters {
  nextUpdate: number;
  steps: number;
  episodes: number;
  nextEpisode: number;
  actRng: Rng;
  shuffleRng: Rng;
}

/** Restores `r` into `s` (envs by replay); returns the counters and generators to continue with. E_INVALID_CONFIG if `r` is of another run. */
export function restoreTrainingState(r: PpoTrainingState, s: PpoLiveState): Omit<PpoCounters, "nextUpdate"> & { firstUpdate: number } {
  const { cfg, envs, D, A } = s, E = envs.length;
  const bad = (what: string): never => {
    throw new InputError("E_INVALID_CONFIG", `ppo: cannot resume: the checkpoint's ${what} does not match this run`);
  };
  if (r.configKey !== ppoConfigKey(cfg)) bad("configuration");
  if (r.rawObs.length !== E * D || r.envActions.length !== E || r.segmentEpisodes.length !== E || r.episodeReturn.length !== E) bad("env count or observation size");
  if (r.policy.length !== s.policy.params.length || r.value.length !== s.value.params.length || r.logStd.length !== A) bad("network sizes");
  if ((r.running === null) !== (s.running === null) || (r.running !== null && r.running.mean.length !== D)) bad("observation statistics");
  if (r.nextUpdate > s.nUpdates || r.envActions.some((a) => a.length !== (r.steps / E) * A)) bad("step counts");
  s.policy.params.set(r.policy);
  s.value.params.set(r.value);
  s.gaussian.logStd.set(r.logStd);
  s.adam.loadState(r.adam);
  if (s.running && r.running) {
    s.running.mean.set(r.running.mean);
    s.running.var.set(r.running.var);
    s.running.count = r.running.count;
  }
  for (let e = 0; e < E; e++) {
    replayEnv(envs[e]!, cfg.seed + e, r.envActions[e]!, A, r.rawObs.subarray(e * D, (e + 1) * D), `ppo resume: env ${e} (${envs[e]!.id})`);
    s.envActions[e] = Array.from(r.envActions[e]!);
    s.segments[e] = { obs: e < s.recordEnvs ? Array.from(r.rawObs.subarray(e * D, (e + 1) * D)) : [], actions: [], rewards: [], episode: r.segmentEpisodes[e]! };
  }
  s.rawObs.set(r.rawObs);
  s.episodeReturn.set(r.episodeReturn);
  refill(s.recentReturns, r.recentReturns);
  refill(s.updates, r.updates);
  refill(s.obsNormLog, r.obsNormLog);
  refill(s.stats, r.stats);
  return { steps: r.steps, episodes: r.episodes, nextEpisode: r.nextEpisode, actRng: Rng.fromState(r.rng.act), shuffleRng: Rng.fromState(r.rng.shuffle), firstUpdate: r.nextUpdate };
}

/** Replaces the contents of `dst` by those of `src` (a loop: no argument-count limit). */
function refill<T>(dst: T[], src: readonly T[]): void {
  dst.length = 0;
  for (const x of src) dst.push(x);
}

/** A copy of the complete training state (at an update boundary). */
export function snapshotTrainingState(s: PpoLiveState, c: PpoCounters): PpoTrainingState {
  return {
    configKey: ppoConfigKey(s.cfg), nextUpdate: c.nextUpdate, steps: c.steps, episodes: c.episodes, nextEpisode: c.nextEpisode,
    recentReturns: [...s.recentReturns], episodeReturn: s.episodeReturn.slice(), rawObs: s.rawObs.slice(), segmentEpisodes: s.segments.map((x) => x.episode),
    policy: s.policy.params.slice(), value: s.value.params.slice(), logStd: s.gaussian.logStd.slice(), adam: s.adam.state(),
    running: s.running ? s.running.toJSON() : null, rng: { act: c.actRng.getState(), shuffle: c.shuffleRng.getState() },
    updates: [...s.updates], obsNormLog: [...s.obsNormLog], stats: [...s.stats], envActions: s.envActions.map((a) => Float64Array.from(a)),
  };
}

// ── Encoding ────────────────────────────────────────────────────────────────────────────────────────────
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Encodes a training state into the checkpoint file's bytes. */
export function encodePpoCheckpoint(s: PpoTrainingState): Uint8Array {
  const blobs: Float64Array[] = [];
  let offset = 0;
  const blob = (a: Float64Array): Json => {
    blobs.push(a);
    const ref = { $f64: [offset, a.length] };
    offset += a.length;
    return ref;
  };
  const num = (x: number): Json => (Number.isFinite(x) ? x : { $num: String(x) });
  const header = {
    ...s,
    recentReturns: blob(Float64Array.from(s.recentReturns)),
    episodeReturn: blob(s.episodeReturn),
    rawObs: blob(s.rawObs),
    policy: blob(s.policy),
    value: blob(s.value),
    logStd: blob(s.logStd),
    adam: { t: s.adam.t, m: s.adam.m.map((a) => blob(Float64Array.from(a))), v: s.adam.v.map((a) => blob(Float64Array.from(a))) },
    updates: s.updates.map((u) => ({
      index: u.index,
      trajectories: u.trajectories.map((t) => ({
        observations: blob(t.observations), actions: blob(t.actions), rewards: blob(t.rewards),
        obsDim: t.obsDim, actDim: t.actDim, terminated: t.terminated, truncated: t.truncated, episode: t.episode,
      })),
    })),
    stats: s.stats.map((st) => Object.fromEntries(Object.entries(st).map(([k, x]) => [k, num(x as number)]))),
    envActions: s.envActions.map((a) => blob(a)),
  };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const head = 16 + text.length;
  const pad = (8 - (head % 8)) % 8;
  const out = new Uint8Array(head + pad + offset * 8);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, PPO_CHECKPOINT_VERSION, true);
  view.setUint32(12, text.length, true);
  out.set(text, 16);
  let at = head + pad;
  for (const b of blobs) {
    if (LITTLE_ENDIAN) new Float64Array(out.buffer, at, b.length).set(b); // `at` is a multiple of 8
    else for (let i = 0; i < b.length; i++) view.setFloat64(at + 8 * i, b[i]!, true);
    at += 8 * b.length;
  }
  return out;
}

/** Decodes a checkpoint file's bytes; `where` names the file in errors (E_FILE: not a readable checkpoint). */
export function decodePpoCheckpoint(bytes: Uint8Array, where: string): PpoTrainingState {
  const bad = (msg: string): never => {
    throw new InputError("E_FILE", `${where}: not a usable PPO checkpoint (${msg})`);
  };
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) bad("wrong magic bytes");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true), len = view.getUint32(12, true);
  if (version !== PPO_CHECKPOINT_VERSION) bad(`format version ${version}, this build reads ${PPO_CHECKPOINT_VERSION}`);
  if (16 + len > bytes.length) bad("truncated header");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + len))) as Record<string, unknown>;
  } catch {
    return bad("header is not JSON");
  }
  const base = 16 + len + ((8 - ((16 + len) % 8)) % 8);
  const total = (bytes.length - base) / 8;
  if (!Number.isInteger(total) || total < 0) bad("data section is not a whole number of float64s");
  const f64 = (ref: unknown, name: string): Float64Array => {
    const r = (ref as { $f64?: unknown } | null)?.$f64;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isSafeInteger(x) && x >= 0) || r[0] + r[1] > total) return bad(`${name} is not a valid array reference`);
    const from = base + 8 * (r[0] as number), n = r[1] as number;
    if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer.slice(bytes.byteOffset + from, bytes.byteOffset + from + 8 * n));
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(from + 8 * i, true);
    return out;
  };
  const num = (x: unknown, name: string): number => {
    if (typeof x === "number") return x;
    const t = (x as { $num?: unknown } | null)?.$num;
    return t === "NaN" || t === "Infinity" || t === "-Infinity" ? Number(t) : bad(`${name} is not a number`);
  };
  const int = (x: unknown, name: string): number => (Number.isSafeInteger(x) && (x as number) >= 0 ? (x as number) : bad(`${name} must be a non-negative integer`));
  const arr = (x: unknown, name: string): unknown[] => (Array.isArray(x) ? x : bad(`${name} must be an array`));
  const h = header;
  if (typeof h.configKey !== "string") bad("configKey is missing");
  const adam = h.adam as { t?: unknown; m?: unknown; v?: unknown } | undefined;
  try {
    return {
      configKey: h.configKey as string,
      nextUpdate: int(h.nextUpdate, "nextUpdate"), steps: int(h.steps, "steps"), episodes: int(h.episodes, "episodes"), nextEpisode: int(h.nextEpisode, "nextEpisode"),
      recentReturns: Array.from(f64(h.recentReturns, "recentReturns")),
      episodeReturn: f64(h.episodeReturn, "episodeReturn"), rawObs: f64(h.rawObs, "rawObs"),
      segmentEpisodes: arr(h.segmentEpisodes, "segmentEpisodes").map((x, i) => int(x, `segmentEpisodes[${i}]`)),
      policy: f64(h.policy, "policy"), value: f64(h.value, "value"), logStd: f64(h.logStd, "logStd"),
      adam: { t: int(adam?.t, "adam.t"), m: arr(adam?.m, "adam.m").map((r, i) => Array.from(f64(r, `adam.m[${i}]`))), v: arr(adam?.v, "adam.v").map((r, i) => Array.from(f64(r, `adam.v[${i}]`))) },
      running: h.running === null || h.running === undefined ? null : runningStats(h.running, "running", bad),
      rng: { act: Rng.fromState((h.rng as { act: RngState }).act).getState(), shuffle: Rng.fromState((h.rng as { shuffle: RngState }).shuffle).getState() },
      updates: arr(h.updates, "updates").map((u0, i) => {
        const u = u0 as { index?: unknown; trajectories?: unknown };
        return {
          index: int(u.index, `updates[${i}].index`),
          trajectories: arr(u.trajectories, `updates[${i}].trajectories`).map((t0, j) => {
            const t = t0 as Record<string, unknown>, name = `updates[${i}].trajectories[${j}]`;
            return new Trajectory({
              observations: f64(t.observations, `${name}.observations`), actions: f64(t.actions, `${name}.actions`), rewards: f64(t.rewards, `${name}.rewards`),
              obsDim: int(t.obsDim, `${name}.obsDim`), actDim: int(t.actDim, `${name}.actDim`), terminated: t.terminated === true, truncated: t.truncated === true, episode: int(t.episode, `${name}.episode`),
            });
          }),
        };
      }),
      obsNormLog: arr(h.obsNormLog, "obsNormLog").map((x, i) => ({ update: int((x as { update?: unknown }).update, `obsNormLog[${i}].update`), ...runningStats(x, `obsNormLog[${i}]`, bad) })),
      stats: arr(h.stats, "stats").map((s0, i) => Object.fromEntries(Object.entries(s0 as object).map(([k, x]) => [k, num(x, `stats[${i}].${k}`)])) as unknown as PpoUpdateStats),
      envActions: arr(h.envActions, "envActions").map((r, i) => f64(r, `envActions[${i}]`)),
    };
  } catch (e) {
    if (e instanceof LflError) throw e;
    return bad((e as Error).message);
  }
}

/** Running observation statistics checked field by field (finite numbers, equal lengths, positive count). */
function runningStats(x: unknown, name: string, bad: (msg: string) => never): RunningMeanStdJson {
  const o = (x ?? {}) as { mean?: unknown; var?: unknown; count?: unknown };
  const finite = (v: unknown): v is number[] => Array.isArray(v) && v.every((y) => typeof y === "number" && Number.isFinite(y));
  if (!finite(o.mean) || !finite(o.var) || o.mean.length !== o.var.length) return bad(`${name}.mean and .var must be arrays of finite numbers of one length`);
  if (!(typeof o.count === "number" && o.count > 0 && Number.isFinite(o.count))) return bad(`${name}.count must be a positive number`);
  return { mean: o.mean, var: o.var, count: o.count };
}
