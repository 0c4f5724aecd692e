/**
 * A recovered tabular reward as a JSON file (written by `lfl infer`, read by `lfl observe`):
 *
 *   { "format": "lfl-tabular-reward", "formatVersion": 1, "nS": 25, "nA": 4, "gamma": 0.96,
 *     "reward": [[r(0,0), …, r(0,nA−1)], …],          r̄φ(s,a), state-major
 *     "info": { … }  }                                  free-form: how it was inferred, diagnostics
 *
 * Reading validates the shape and that every entry is a finite number, naming the field and index.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { InputError } from "../core/errors.ts";

export const TABULAR_REWARD_FORMAT = "lfl-tabular-reward";

export interface TabularRewardFile {
  nS: number;
  nA: number;
  gamma: number;
  /** r̄φ(s,a), row-major nS×nA. */
  reward: Float64Array;
  info: Record<string, unknown>;
}

/** Writes the reward file atomically (temp file + rename). */
export function writeTabularRewardFile(path: string, file: TabularRewardFile): void {
  const { nS, nA, gamma, reward, info } = file;
  const rows = Array.from({ length: nS }, (_, s) => Array.from(reward.subarray(s * nA, (s + 1) * nA)));
  const text = `${JSON.stringify({ format: TABULAR_REWARD_FORMAT, formatVersion: 1, nS, nA, gamma, reward: rows, info }, null, 1)}\n`;
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw new InputError("E_FILE", `cannot write reward file ${path}: ${(e as Error).message}`);
  }
}

export function readTabularRewardFile(path: string): TabularRewardFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === undefined ? "E_INVALID_JSON" : "E_FILE";
    throw new InputError(code, `${path}: ${(e as Error).message}`);
  }
  const bad = (msg: string): never => { throw new InputError("E_INVALID_REWARD", `${path}: ${msg}`); };
  if (typeof raw !== "object" || raw === null) bad("not a JSON object");
  const o = raw as Record<string, unknown>;
  if (o.format !== TABULAR_REWARD_FORMAT) bad(`format must be "${TABULAR_REWARD_FORMAT}", got ${JSON.stringify(o.format)}`);
  const nS = o.nS, nA = o.nA, gamma = o.gamma;
  if (typeof nS !== "number" || !Number.isInteger(nS) || nS <= 0) bad(`nS must be a positive integer, got ${JSON.stringify(nS)}`);
  if (typeof nA !== "number" || !Number.isInteger(nA) || nA <= 0) bad(`nA must be a positive integer, got ${JSON.stringify(nA)}`);
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma < 1)) bad(`gamma must be in [0, 1), got ${JSON.stringify(gamma)}`);
  const S = nS as number, A = nA as number;
  if (!Array.isArray(o.reward) || o.reward.length !== S) bad(`reward must be an array of nS = ${S} rows`);
  const reward = new Float64Array(S * A);
  (o.reward as unknown[]).forEach((row, s) => {
    if (!Array.isArray(row) || row.length !== A) bad(`reward[${s}] must be an array of nA = ${A} numbers`);
    (row as unknown[]).forEach((v, a) => {
      if (typeof v !== "number" || !Number.isFinite(v)) bad(`reward[${s}][${a}] is not a finite number (${JSON.stringify(v)})`);
      reward[s * A + a] = v as number;
    });
  });
  const info = typeof o.info === "object" && o.info !== null ? (o.info as Record<string, unknown>) : {};
  return { nS: S, nA: A, gamma: gamma as number, reward, info };
}
