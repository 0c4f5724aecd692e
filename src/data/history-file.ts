/**
 * The learning-history file (DESIGN.md "Learning-history file", docs/history-format.md): one `.npz` archive,
 * one row per transition, readable by `numpy.load`.
 *
 * | array                 | dtype, shape                                   | meaning                              |
 * |-----------------------|------------------------------------------------|--------------------------------------|
 * | `obs`, `next_obs`     | float64 [N, dObs] (int64 [N] if Discrete)       | raw observations before/after a step |
 * | `actions`             | float64 [N, dAct] (int64 [N] if Discrete)       | the action taken                     |
 * | `rewards`             | float64 [N]                                    | true reward (evaluation only)        |
 * | `terminated`, `truncated` | bool [N]                                   | episode-end flags of the transition  |
 * | `update`              | int64 [N]                                      | learner's policy-update index        |
 * | `episode`             | int64 [N]                                      | episode id                           |
 * | `meta.json`           | JSON member                                    | format version, env, learner, seed   |
 *
 * Writing is atomic and refuses non-finite values; reading validates everything and names the first bad
 * array and row.
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { checkLimit, DEFAULT_INPUT_LIMITS, resolveLimits, type InputLimits } from "../core/input-limits.ts";
import { describeJson, firstNonFinite } from "../core/json-text.ts";
import { columnsToHistory, historyToColumns, validateColumns, type HistoryColumns } from "./history-columns.ts";
import type { HistoryMeta, LearningHistory, SpaceInfo } from "./learning-history.ts";
import { formatShape, int64FromNumbers, numbersFromInt64, type NpyArray, type NpyHeader } from "./npy.ts";
import { namingFile, NpzReader, writeNpz, type NpzWriteOptions } from "./npz.ts";

export type { HistoryColumns } from "./history-columns.ts";

/** The `format` field of meta.json. */
export const HISTORY_FORMAT = "lfl-learning-history";
/** The current `formatVersion` of meta.json; readers accept versions up to this one. */
export const HISTORY_FORMAT_VERSION = 1;
/** The arrays every history file holds. */
export const HISTORY_ARRAYS = ["obs", "next_obs", "actions", "rewards", "terminated", "truncated", "update", "episode"] as const;

function bad(msg: string): never {
  throw new InputError("E_INVALID_HISTORY", msg);
}

/** Writes `history` to `path` atomically (temp file + rename). Throws `NumericalError` on NaN/Inf. */
export function writeHistoryFile(path: string, history: LearningHistory, options: NpzWriteOptions = {}): void {
  writeHistoryColumns(path, historyToColumns(history), options);
}

/** Writes validated columns to `path` atomically. */
export function writeHistoryColumns(path: string, c: HistoryColumns, options: NpzWriteOptions = {}): void {
  validateColumns(c, "numerical");
  const metaJson = { format: HISTORY_FORMAT, formatVersion: HISTORY_FORMAT_VERSION, ...c.meta, updates: c.updates };
  assertFiniteJson(metaJson, "meta");
  const n = c.n;
  const ints = int64FromNumbers;
  const column = (xs: Float64Array, space: SpaceInfo): NpyArray =>
    space.kind === "discrete" ? { dtype: "i8", shape: [n], data: ints(xs) } : { dtype: "f8", shape: [n, space.dim], data: xs };
  const arrays: Record<(typeof HISTORY_ARRAYS)[number], NpyArray> = {
    obs: column(c.obs, c.meta.observationSpace),
    next_obs: column(c.nextObs, c.meta.observationSpace),
    actions: column(c.actions, c.meta.actionSpace),
    rewards: { dtype: "f8", shape: [n], data: c.rewards },
    terminated: { dtype: "b1", shape: [n], data: c.terminated },
    truncated: { dtype: "b1", shape: [n], data: c.truncated },
    update: { dtype: "i8", shape: [n], data: ints(c.update) },
    episode: { dtype: "i8", shape: [n], data: ints(c.episode) },
  };
  writeNpz(path, arrays, { "meta.json": metaJson }, options);
}

/** Budgets of a history read (defaults: DEFAULT_INPUT_LIMITS); the CLI exposes `maxNpzBytes` as a flag. */
export interface HistoryReadOptions {
  limits?: Partial<InputLimits>;
}

/** Reads and validates a history file, grouped into trajectories per update. */
export function readHistoryFile(path: string, options: HistoryReadOptions = {}): LearningHistory {
  return columnsToHistory(readHistoryColumns(path, options));
}

const DTYPE_NAME = { f8: "float64", i8: "int64", b1: "bool" } as const;

/**
 * Reads and validates a history file as columns (one row per transition). Order of checks: file size (before
 * reading), meta.json (spaces bounded), every array's .npy header against meta and against the row count of
 * 'obs' (dtypes, shapes), the total against the inflate budget — and only then is any array inflated.
 * Every error names the file.
 */
export function readHistoryColumns(path: string, options: HistoryReadOptions = {}): HistoryColumns {
  const limits = resolveLimits(options.limits);
  return namingFile(path, () => {
    using npz = new NpzReader(path, { only: HISTORY_ARRAYS, limits });
    const rawMeta = npz.readJson("meta.json");
    if (rawMeta === undefined) bad(`member 'meta.json' is missing`);
    const { meta, updates } = parseMeta(rawMeta, limits);
    for (const name of HISTORY_ARRAYS) if (!npz.headers.has(name)) bad(`array '${name}' is missing (no member '${name}.npy')`);
    const header = (name: (typeof HISTORY_ARRAYS)[number]): NpyHeader => npz.headers.get(name)!;
    const n = header("obs").shape[0] ?? 0;
    const expect = (name: (typeof HISTORY_ARRAYS)[number], dtype: NpyArray["dtype"], shape: number[], why: string): void => {
      const a = header(name);
      if (a.dtype !== dtype) bad(`array '${name}' has dtype ${DTYPE_NAME[a.dtype]}, expected ${DTYPE_NAME[dtype]}${why}`);
      if (a.shape.length !== shape.length || a.shape.some((d, k) => d !== shape[k])) {
        if (a.shape.length === shape.length && a.shape[0] !== n && shape.slice(1).every((d, k) => d === a.shape[k + 1])) {
          bad(`array '${name}' has ${a.shape[0]} rows but 'obs' has ${n}: N must agree across arrays`);
        }
        bad(`array '${name}' has shape ${formatShape(a.shape)}, expected ${formatShape(shape)}${why}`);
      }
    };
    const expectSpace = (name: "obs" | "next_obs" | "actions", space: SpaceInfo): void => {
      const label = name === "actions" ? "action" : "observation";
      if (space.kind === "discrete") expect(name, "i8", [n], ` for a discrete ${label} space`);
      else expect(name, "f8", [n, space.dim], ` for a box ${label} space of dimension ${space.dim}`);
    };
    // Every check the headers allow, before anything is inflated.
    expectSpace("obs", meta.observationSpace);
    expectSpace("next_obs", meta.observationSpace);
    expectSpace("actions", meta.actionSpace);
    expect("rewards", "f8", [n], "");
    expect("terminated", "b1", [n], "");
    expect("truncated", "b1", [n], "");
    expect("update", "i8", [n], "");
    expect("episode", "i8", [n], "");
    const arrays = npz.readArrays([...HISTORY_ARRAYS]);
    const get = (name: (typeof HISTORY_ARRAYS)[number]): NpyArray => arrays.get(name)!;
    const update = toFloat(get("update"), "update");
    const cols: HistoryColumns = {
      meta, n, update,
      updates: updates ?? [...new Set(update)].sort((a, b) => a - b),
      obs: toFloat(get("obs"), "obs"),
      nextObs: toFloat(get("next_obs"), "next_obs"),
      actions: toFloat(get("actions"), "actions"),
      rewards: toFloat(get("rewards"), "rewards"),
      terminated: get("terminated").data as Uint8Array,
      truncated: get("truncated").data as Uint8Array,
      episode: toFloat(get("episode"), "episode"),
    };
    validateColumns(cols, "input");
    return cols;
  });
}

/** float64 data as is; int64 data converted to numbers (rejecting values beyond ±2^53); bool as 0/1. */
function toFloat(a: NpyArray, name: string): Float64Array {
  if (a.dtype === "f8") return a.data;
  if (a.dtype === "b1") return Float64Array.from(a.data);
  return numbersFromInt64(a.data, name);
}

/** Validates meta.json and returns the HistoryMeta it describes (and its update list, if present). */
export function parseMeta(raw: unknown, limits: Pick<InputLimits, "maxCount" | "maxWidth"> = DEFAULT_INPUT_LIMITS): { meta: HistoryMeta; updates?: number[] } {
  const where = "meta.json";
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad(`${where} must be a JSON object`);
  const o = raw as Record<string, unknown>;
  const nf = firstNonFinite(o);
  if (nf) bad(`${where}: ${nf.path} is ${nf.token}, not a finite number`);
  if (o.format !== HISTORY_FORMAT) bad(`${where}: 'format' must be "${HISTORY_FORMAT}", got ${describeJson(o.format)}`);
  const v = o.formatVersion;
  if (!Number.isInteger(v) || (v as number) < 1) bad(`${where}: 'formatVersion' must be a positive integer, got ${describeJson(v)}`);
  if ((v as number) > HISTORY_FORMAT_VERSION) bad(`${where}: formatVersion ${v} is newer than this reader (${HISTORY_FORMAT_VERSION}); upgrade lfl`);
  const str = (k: string): string => {
    if (typeof o[k] !== "string" || (o[k] as string).length === 0) bad(`${where}: '${k}' must be a non-empty string`);
    return o[k] as string;
  };
  const record = (k: string): Record<string, unknown> | undefined => {
    if (o[k] === undefined || o[k] === null) return undefined;
    if (typeof o[k] !== "object" || Array.isArray(o[k])) bad(`${where}: '${k}' must be an object`);
    return o[k] as Record<string, unknown>;
  };
  const space = (k: string): SpaceInfo => {
    const s = o[k] as Record<string, unknown> | undefined;
    if (typeof s !== "object" || s === null) bad(`${where}: '${k}' must be an object {kind, dim, n?}`);
    if (s.kind === "discrete") {
      if (!Number.isSafeInteger(s.n) || (s.n as number) <= 0) bad(`${where}: '${k}.n' must be a positive integer for a discrete space`);
      if (s.dim !== undefined && s.dim !== 1) bad(`${where}: '${k}.dim' must be 1 for a discrete space`);
      checkLimit(s.n as number, limits.maxCount, `${where} '${k}.n'`, "");
      return { kind: "discrete", dim: 1, n: s.n as number };
    }
    if (s.kind === "box") {
      if (!Number.isSafeInteger(s.dim) || (s.dim as number) <= 0) bad(`${where}: '${k}.dim' must be a positive integer`);
      checkLimit(s.dim as number, limits.maxWidth, `${where} '${k}.dim'`, "");
      return { kind: "box", dim: s.dim as number };
    }
    return bad(`${where}: '${k}.kind' must be "box" or "discrete", got ${describeJson(s.kind)}`);
  };
  const meta: HistoryMeta = { envId: str("envId"), learner: str("learner"), observationSpace: space("observationSpace"), actionSpace: space("actionSpace") };
  const envKwargs = record("envKwargs"), learnerConfig = record("learnerConfig"), extra = record("extra");
  if (envKwargs) meta.envKwargs = envKwargs;
  if (learnerConfig) meta.learnerConfig = learnerConfig;
  if (extra) meta.extra = extra;
  if (o.seed !== undefined && o.seed !== null) {
    if (!Number.isSafeInteger(o.seed)) bad(`${where}: 'seed' must be an integer, got ${describeJson(o.seed)}`);
    meta.seed = o.seed as number;
  }
  if (o.updates === undefined || o.updates === null) return { meta };
  const u = o.updates;
  if (!Array.isArray(u) || !u.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) bad(`${where}: 'updates' must be a list of non-negative integers`);
  return { meta, updates: u as number[] };
}

/** Refuses NaN/±Inf anywhere in a JSON value (JSON.stringify would silently write null). */
function assertFiniteJson(x: unknown, path: string): void {
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw new NumericalError(`refusing to write a learning history with non-finite values: ${path} is ${x}`);
  } else if (Array.isArray(x)) {
    x.forEach((y, i) => assertFiniteJson(y, `${path}[${i}]`));
  } else if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    assertFiniteJson(Array.from(x as unknown as ArrayLike<number>), path);
  } else if (typeof x === "object" && x !== null) {
    for (const [k, y] of Object.entries(x)) assertFiniteJson(y, `${path}.${k}`);
  }
}
