/**
 * A recovered tabular reward as a JSON file (written by `lfl infer`, read by `lfl observe`):
 *
 *   { "format": "lfl-tabular-reward", "formatVersion": 1, "nS": 25, "nA": 4, "gamma": 0.96,
 *     "reward": [[r(0,0), …, r(0,nA−1)], …],          r̄φ(s,a), state-major
 *     "info": { … }  }                                  free-form: how it was inferred, diagnostics
 *
 * Writing is atomic (core/atomic-file.ts) and refuses non-finite numbers anywhere, `info` included
 * (E_NUMERICAL naming the field; nothing is written). Reading checks the file's size before reading it,
 * nS and nA before allocating, and that every entry is a finite number; errors are one line naming the file
 * and the field (E_INVALID_JSON for a syntax error, E_INVALID_REWARD otherwise, E_TOO_LARGE over a budget).
 */
import { writeFileAtomic, type AtomicWriteOptions } from "../core/atomic-file.ts";
import { InputError, NumericalError } from "../core/errors.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import { checkLimit, readInputText, resolveLimits, type InputLimits } from "../core/input-limits.ts";
import { describeJson, firstNonFinite, parseJsonText } from "../core/json-text.ts";
import { printable } from "../core/printable.ts";

export const TABULAR_REWARD_FORMAT = "lfl-tabular-reward";

export interface TabularRewardFile {
  nS: number;
  nA: number;
  gamma: number;
  /** r̄φ(s,a), row-major nS×nA. */
  reward: Float64Array;
  info: Record<string, unknown>;
}

export interface TabularRewardReadOptions {
  /** Budgets (defaults: DEFAULT_INPUT_LIMITS): `maxJsonBytes` before reading, `maxCount`/`maxElements` for nS, nA. */
  limits?: Partial<InputLimits>;
}

/** Writes the reward file atomically; a non-finite number anywhere is refused (NumericalError) before writing. */
export function writeTabularRewardFile(path: string, file: TabularRewardFile, options: AtomicWriteOptions = {}): void {
  const { nS, nA, gamma, reward, info } = file;
  if (!Number.isSafeInteger(nS) || nS <= 0 || !Number.isSafeInteger(nA) || nA <= 0 || reward.length !== nS * nA) {
    throw new InputError("E_INVALID_ARGUMENT", `writeTabularRewardFile ${printable(path)}: reward has ${reward.length} entries, nS = ${nS}, nA = ${nA}`);
  }
  for (let i = 0; i < reward.length; i++) {
    if (!Number.isFinite(reward[i]!)) throw new NumericalError(`refusing to write ${printable(path)}: reward[${Math.floor(i / nA)}][${i % nA}] is ${reward[i]} (nothing was written)`);
  }
  const rows = Array.from({ length: nS }, (_, s) => Array.from(reward.subarray(s * nA, (s + 1) * nA)));
  const text = stringifyFinite({ format: TABULAR_REWARD_FORMAT, formatVersion: 1, nS, nA, gamma, reward: rows, info }, path, 1);
  writeFileAtomic(path, text, options);
}

/** Reads and validates a reward file (see the module comment). */
export function readTabularRewardFile(path: string, options: TabularRewardReadOptions = {}): TabularRewardFile {
  const limits = resolveLimits(options.limits);
  return parseTabularRewardJson(readInputText(path, limits.maxJsonBytes, "reward file"), path, options);
}

/** Validates reward-file text; `source` names the file in every message. */
export function parseTabularRewardJson(text: string, source: string, options: TabularRewardReadOptions = {}): TabularRewardFile {
  const limits = resolveLimits(options.limits);
  const raw = parseJsonText(text, source, { nonFinite: true });
  const bad = (msg: string): never => { throw new InputError("E_INVALID_REWARD", `${printable(source)}: ${printable(msg, 1000)}`); };
  const show = (v: unknown): string => describeJson(v);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad("not a JSON object");
  const o = raw as Record<string, unknown>;
  if (o.format !== TABULAR_REWARD_FORMAT) bad(`format must be "${TABULAR_REWARD_FORMAT}", got ${show(o.format)}`);
  if (o.formatVersion !== undefined && o.formatVersion !== 1) bad(`formatVersion must be 1, got ${show(o.formatVersion)}`);
  const nS = o.nS, nA = o.nA, gamma = o.gamma;
  if (typeof nS !== "number" || !Number.isInteger(nS) || nS <= 0) bad(`nS must be a positive integer, got ${show(nS)}`);
  if (typeof nA !== "number" || !Number.isInteger(nA) || nA <= 0) bad(`nA must be a positive integer, got ${show(nA)}`);
  const S = nS as number, A = nA as number;
  checkLimit(S, limits.maxCount, "nS", source);
  checkLimit(A, limits.maxCount, "nA", source);
  checkLimit(S * A, limits.maxElements, "nS·nA", source);
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma < 1)) bad(`gamma must be in [0, 1), got ${show(gamma)}`);
  if (!Array.isArray(o.reward) || o.reward.length !== S) bad(`reward must be an array of nS = ${S} rows`);
  if (2 * S * A > text.length) bad(`nS·nA = ${S * A} entries cannot fit in a text of ${text.length} characters`);
  const reward = new Float64Array(S * A);
  (o.reward as unknown[]).forEach((row, s) => {
    if (!Array.isArray(row) || row.length !== A) bad(`reward[${s}] must be an array of nA = ${A} numbers`);
    (row as unknown[]).forEach((v, a) => {
      if (typeof v !== "number" || !Number.isFinite(v)) bad(`reward[${s}][${a}] is not a finite number (${show(v)})`);
      reward[s * A + a] = v as number;
    });
  });
  const nf = firstNonFinite(o.info);
  if (nf) bad(`info${nf.path === "the value" ? "" : `.${nf.path}`} is ${nf.token}, not a finite number`);
  if (o.info !== undefined && (typeof o.info !== "object" || o.info === null || Array.isArray(o.info))) bad(`info must be an object, got ${show(o.info)}`);
  const info = (o.info ?? {}) as Record<string, unknown>;
  return { nS: S, nA: A, gamma: gamma as number, reward, info };
}
