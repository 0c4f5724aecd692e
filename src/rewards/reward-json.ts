/**
 * The continuous reward file (`GaussianLogDensityReward.toJSON`, written by `lfl infer` on Box spaces, read by
 * `lfl observe` and the Table 3 runner) read and written safely:
 *
 * - the file's size is checked before it is read (E_TOO_LARGE), the text parsed by core/json-text.ts (one
 *   `JSON.parse` when valid; otherwise line and column, control characters escaped);
 * - every network's `sizes` is checked (≥ 2 positive integers, each ≤ maxWidth, Σ parameters ≤ maxElements)
 *   and `params.length` compared with it BEFORE any network is allocated; every number must be finite;
 * - errors are one line naming the file and the field (E_INVALID_REWARD, E_INVALID_JSON, E_TOO_LARGE);
 * - writing is atomic and refuses non-finite numbers anywhere (E_NUMERICAL naming the field).
 *
 * `loadRewardModel` here is neural-reward.ts's with these checks in front; observer/algorithm-1 re-exports it.
 */
import { writeFileAtomic, type AtomicWriteOptions } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import { checkLimit, DEFAULT_INPUT_LIMITS, readInputText, resolveLimits, type InputLimits } from "../core/input-limits.ts";
import { describeJson, firstNonFinite, parseJsonText } from "../core/json-text.ts";
import { printable } from "../core/printable.ts";
import { Linear } from "../nn/linear.ts";
import { loadRewardModel as buildRewardModel, NEURAL_REWARD_KIND, type GaussianLogDensityReward } from "./neural-reward.ts";

export interface RewardJsonOptions {
  /** Budgets (defaults: DEFAULT_INPUT_LIMITS): `maxJsonBytes` before reading; `maxWidth`, `maxElements` for networks. */
  limits?: Partial<InputLimits>;
}

/** A validated reward and the parsed document it came from (its `info`, e.g. `info.bcPolicy`, for callers). */
export interface RewardJsonFile {
  readonly reward: GaussianLogDensityReward;
  readonly json: Record<string, unknown>;
}

type Bad = (msg: string) => never;

const show = (v: unknown): string => describeJson(v);

/** Checks an MLP's JSON (sizes bounded, params count and finiteness) without allocating the network. */
export function checkMlpJson(v: unknown, field: string, bad: Bad, limits: Pick<InputLimits, "maxWidth" | "maxElements"> = DEFAULT_INPUT_LIMITS): void {
  if (typeof v !== "object" || v === null || Array.isArray(v)) bad(`${field} must be a network object {kind, activation, sizes, params}, got ${show(v)}`);
  const o = v as Record<string, unknown>;
  if (o["kind"] !== "mlp") bad(`${field}.kind must be "mlp", got ${show(o["kind"])}`);
  if (o["activation"] !== "tanh") bad(`${field}.activation must be "tanh", got ${show(o["activation"])}`);
  const sizes = o["sizes"];
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.length > 64) bad(`${field}.sizes must be an array of 2 to 64 layer widths`);
  let count = 0;
  (sizes as unknown[]).forEach((w, k) => {
    if (typeof w !== "number" || !Number.isSafeInteger(w) || w <= 0) bad(`${field}.sizes[${k}] must be a positive integer, got ${show(w)}`);
    if ((w as number) > limits.maxWidth) throw new InputError("E_TOO_LARGE", `${field}.sizes[${k}] is ${w}, more than the limit of ${limits.maxWidth}`);
    if (k > 0) count += Linear.parameterCount((sizes as number[])[k - 1]!, w as number);
  });
  if (count > limits.maxElements) throw new InputError("E_TOO_LARGE", `${field}: sizes [${(sizes as number[]).join(", ")}] need ${count} parameters, more than the limit of ${limits.maxElements}`);
  const params = o["params"];
  if (!Array.isArray(params)) bad(`${field}.params must be an array of numbers`);
  if ((params as unknown[]).length !== count) bad(`${field}.params has ${(params as unknown[]).length} values, sizes [${(sizes as number[]).join(", ")}] need ${count}`);
  const ps = params as unknown[];
  for (let i = 0; i < ps.length; i++) {
    const x = ps[i];
    if (typeof x !== "number" || !Number.isFinite(x)) bad(`${field}.params[${i}] is not a finite number (${show(x)})`);
  }
}

/**
 * Validates a parsed reward document and builds the reward. `source` prefixes every message ("reward JSON"
 * when the document did not come from a file).
 */
export function loadRewardModel(json: unknown, source = "reward JSON", options: RewardJsonOptions = {}): GaussianLogDensityReward {
  const limits = resolveLimits(options.limits);
  const where = printable(source);
  const bad: Bad = (msg) => {
    throw new InputError("E_INVALID_REWARD", `${where}: ${printable(msg, 1000)}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) bad("not a JSON object");
  const o = json as Record<string, unknown>;
  if (o["kind"] !== NEURAL_REWARD_KIND) bad(`kind must be "${NEURAL_REWARD_KIND}", got ${show(o["kind"])}`);
  try {
    checkMlpJson(o["mean"], "mean", bad, limits);
    if (o["state"] !== undefined) checkMlpJson(o["state"], "state", bad, limits);
  } catch (e) {
    if (e instanceof InputError && e.code === "E_TOO_LARGE" && !e.message.startsWith(`${where}:`)) throw new InputError("E_TOO_LARGE", `${where}: ${e.message}`);
    throw e;
  }
  for (const k of ["obsDim", "actDim", "clipObs", "shift", "scale"]) {
    const v = o[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) bad(`${k} must be a finite number, got ${show(v)}`);
  }
  if (o["version"] !== 1 && o["version"] !== 2) bad(`version must be 1 or 2, got ${show(o["version"])}`);
  const numbers = (v: unknown, field: string): void => {
    if (!Array.isArray(v)) bad(`${field} must be an array of finite numbers, got ${show(v)}`);
    (v as unknown[]).forEach((x, i) => {
      if (typeof x !== "number" || !Number.isFinite(x)) bad(`${field}[${i}] is ${show(x)}, not a finite number`);
    });
  };
  numbers(o["logStd"], "logStd");
  const norm = o["obsNorm"];
  if (typeof norm !== "object" || norm === null || Array.isArray(norm)) bad(`obsNorm must be an object {mean, var, count}, got ${show(norm)}`);
  const nn = norm as Record<string, unknown>;
  numbers(nn["mean"], "obsNorm.mean");
  numbers(nn["var"], "obsNorm.var");
  const c = nn["count"];
  if (typeof c !== "number" || !Number.isFinite(c) || !(c > 0)) bad(`obsNorm.count must be a finite positive number, got ${show(c)}`);
  try {
    return buildRewardModel(json);
  } catch (e) {
    if (e instanceof InputError) {
      const msg = e.message.replace(/^reward JSON: /, "").replace(/^MLP JSON: /, "");
      throw new InputError(e.code === "E_INVALID_JSON" ? "E_INVALID_REWARD" : e.code, `${where}: ${printable(msg, 1000)}`, { cause: e });
    }
    throw e;
  }
}

/** Parses and validates reward-file text (see the module comment). */
export function parseRewardJson(text: string, source: string, options: RewardJsonOptions = {}): RewardJsonFile {
  const json = parseJsonText(text, source, { nonFinite: true });
  const nf = firstNonFinite(json);
  if (nf) throw new InputError("E_INVALID_REWARD", `${printable(source)}: ${nf.path} is ${nf.token}, not a finite number`);
  const reward = loadRewardModel(json, source, options);
  return { reward, json: json as Record<string, unknown> };
}

/** Reads a reward file: size checked before reading, then `parseRewardJson`. */
export function readRewardJson(path: string, options: RewardJsonOptions = {}): RewardJsonFile {
  const limits = resolveLimits(options.limits);
  return parseRewardJson(readInputText(path, limits.maxJsonBytes, "reward file"), path, options);
}

/** Writes a reward (or any reward document) atomically; a non-finite number anywhere is refused, nothing written. */
export function writeRewardJson(path: string, reward: GaussianLogDensityReward | Record<string, unknown>, options: AtomicWriteOptions & { space?: number } = {}): void {
  const { space, ...atomic } = options;
  const doc = "toJSON" in reward && typeof reward.toJSON === "function" ? reward.toJSON() : reward;
  writeFileAtomic(path, stringifyFinite(doc, path, space), atomic);
}
