/**
 * A JSON file format for user-supplied tabular MDPs (documented in docs/mdp-json.md; example examples/two-state.json).
 *
 *   { "nS": 2, "nA": 2, "gamma": 0.5, "start": 0,
 *     "P": [[[1,0],[0,1]], [[0,1],[1,0]]],      P[s][a][s′] = P(s′|s,a); every row P[s][a] sums to 1
 *     "r": [[0,0],[1,1]],                        r[s][a]
 *     "name": "two-state", "stateNames": ["A","B"], "actionNames": ["stay","switch"] }   (optional)
 *
 * `start` is a state index or a distribution over the nS states. Unknown fields are rejected (a typo such as
 * "gama" must not silently fall back to something). Every error is an `InputError` whose one-line message starts
 * with the source and names the field and index: E_INVALID_JSON when the text is not JSON, E_INVALID_MDP otherwise.
 * Python's `json.dump` writes bare NaN / Infinity; those tokens are accepted by the reader only so that the
 * validator can name the entry that holds them.
 *
 * Usage: `const mdp = loadMdpJson("examples/two-state.json");`
 */
import { readFileSync } from "node:fs";
import { InputError } from "../../core/errors.ts";
import { TabularMdp, type TabularMdpInit } from "./tabular-mdp.ts";

/** The file's shape, as written by a user (nested arrays, state-major). */
export interface MdpJson {
  nS: number;
  nA: number;
  gamma: number;
  /** A start state index, or a distribution over states. */
  start: number | number[];
  /** P[s][a][s′]. */
  P: number[][][];
  /** r[s][a]. */
  r: number[][];
  name?: string;
  stateNames?: string[];
  actionNames?: string[];
}

const REQUIRED = ["nS", "nA", "gamma", "start", "P", "r"] as const;
const OPTIONAL = ["name", "stateNames", "actionNames"] as const;
const NON_FINITE = "\u0000lfl-non-finite:";

/** Reads and validates an MDP JSON file. */
export function loadMdpJson(path: string): TabularMdp {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError("E_FILE", `cannot read MDP file ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
  return parseMdpJson(text, path);
}

/** Parses and validates MDP JSON text; `source` (a file name) prefixes every error message. */
export function parseMdpJson(text: string, source = "mdp.json"): TabularMdp {
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_MDP", `${source}: ${msg}`);
  };
  const quoted = quoteNonFinite(text);
  let doc: unknown;
  try {
    doc = JSON.parse(quoted);
  } catch (e) {
    throw new InputError("E_INVALID_JSON", `${source}: not valid JSON (${jsonErrorWhere(quoted, (e as Error).message)})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) bad("the top level must be an object with fields nS, nA, gamma, start, P, r");
  const obj = doc as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(REQUIRED as readonly string[]).includes(key) && !(OPTIONAL as readonly string[]).includes(key)) {
      bad(`unknown field '${key}' (allowed: ${[...REQUIRED, ...OPTIONAL].join(", ")})`);
    }
  }
  for (const key of REQUIRED) if (!(key in obj)) bad(`missing field '${key}'`);

  const nS = count(obj.nS, "nS", bad), nA = count(obj.nA, "nA", bad);
  const gamma = num(obj.gamma, "gamma", bad);
  if (!(gamma >= 0 && gamma < 1)) bad(`gamma must be in [0, 1), got ${gamma}`);

  const P = new Float64Array(nS * nA * nS);
  const Ps = list(obj.P, "P", nS, "nS", bad);
  for (let s = 0; s < nS; s++) {
    const Psa = list(Ps[s], `P[${s}]`, nA, "nA", bad);
    for (let a = 0; a < nA; a++) {
      const row = list(Psa[a], `P[${s}][${a}]`, nS, "nS", bad);
      for (let t = 0; t < nS; t++) P[(s * nA + a) * nS + t] = num(row[t], `P[${s}][${a}][${t}]`, bad);
    }
  }
  const r = new Float64Array(nS * nA);
  const rs = list(obj.r, "r", nS, "nS", bad);
  for (let s = 0; s < nS; s++) {
    const row = list(rs[s], `r[${s}]`, nA, "nA", bad);
    for (let a = 0; a < nA; a++) r[s * nA + a] = num(row[a], `r[${s}][${a}]`, bad);
  }
  const start = new Float64Array(nS);
  if (typeof obj.start === "number") {
    if (!Number.isInteger(obj.start) || obj.start < 0 || obj.start >= nS) bad(`start must be a state index in [0, ${nS}) or a distribution over the ${nS} states, got ${obj.start}`);
    start[obj.start as number] = 1;
  } else {
    const st = list(obj.start, "start", nS, "nS", bad);
    for (let s = 0; s < nS; s++) start[s] = num(st[s], `start[${s}]`, bad);
  }

  const init: TabularMdpInit = { nS, nA, P, r, start, gamma };
  if (obj.name !== undefined) {
    if (typeof obj.name !== "string") bad("name must be a string");
    init.name = obj.name as string;
  }
  if (obj.stateNames !== undefined) init.stateNames = names(obj.stateNames, "stateNames", nS, "nS", bad);
  if (obj.actionNames !== undefined) init.actionNames = names(obj.actionNames, "actionNames", nA, "nA", bad);
  // Sums of P rows and of start, signs and finiteness: TabularMdp's own validation, which names the entry.
  try {
    return new TabularMdp(init);
  } catch (e) {
    if (e instanceof InputError) bad(e.message);
    throw e;
  }
}

type Bad = (msg: string) => never;

function describe(v: unknown): string {
  if (typeof v === "string") return v.startsWith(NON_FINITE) ? v.slice(NON_FINITE.length) : JSON.stringify(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return v === null ? "null" : typeof v === "object" ? "an object" : String(v);
}

function num(v: unknown, field: string, bad: Bad): number {
  if (typeof v !== "number" || !Number.isFinite(v)) bad(`${field} must be a finite number, got ${describe(v)}`);
  return v as number;
}

function count(v: unknown, field: string, bad: Bad): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) bad(`${field} must be a positive integer, got ${describe(v)}`);
  return v as number;
}

function list(v: unknown, field: string, n: number, nName: string, bad: Bad): unknown[] {
  if (!Array.isArray(v)) bad(`${field} must be an array of ${nName} = ${n} entries, got ${describe(v)}`);
  const arr = v as unknown[];
  if (arr.length !== n) bad(`${field} has ${arr.length} entries, expected ${nName} = ${n}`);
  return arr;
}

function names(v: unknown, field: string, n: number, nName: string, bad: Bad): string[] {
  const arr = list(v, field, n, nName, bad);
  arr.forEach((x, i) => { if (typeof x !== "string") bad(`${field}[${i}] must be a string, got ${describe(x)}`); });
  return arr as string[];
}

/** Replaces bare NaN / Infinity / -Infinity tokens outside strings by marker strings, so the validator can name them. */
function quoteNonFinite(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') { inString = true; out += c; continue; }
    const m = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    if (m) {
      out += JSON.stringify(NON_FINITE + m[1]);
      i += m[1]!.length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** "line L, column C: <reason>": V8 names the position only for some errors, so we locate it ourselves. */
function jsonErrorWhere(text: string, message: string): string {
  const reason = message.replace(/\s+/g, " ").replace(/, ".*" is not valid JSON$/, "").replace(/ in JSON at position \d+.*$/, "");
  const pos = jsonErrorPosition(text);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  return `line ${line}, column ${pos - before.lastIndexOf("\n")}: ${reason}`;
}

/** Index of the first character at which `text` stops being valid JSON (a small recursive-descent scan). */
function jsonErrorPosition(text: string): number {
  let i = 0;
  const ws = (): void => { while (i < text.length && " \t\n\r".includes(text[i]!)) i++; };
  const fail = (): never => { throw i; };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++; ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === "{") { ws(); if (text[i] !== '"') fail(); string(); ws(); if (text[i] !== ":") fail(); i++; }
        value(); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const string = (): void => {
    for (i++; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === '"') { i++; return; }
    }
    fail();
  };
  try {
    value(); ws();
    return i;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}
