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
 * validator can name the entry that holds them. Inputs are bounded (core/input-limits.ts): the file's size
 * before it is read, nS, nA and nS·nA·nS before anything is allocated (E_TOO_LARGE). Valid JSON costs one
 * `JSON.parse` (core/json-text.ts); a syntax error is located by line and column.
 *
 * Usage: `const mdp = loadMdpJson("examples/two-state.json");`
 */
import { InputError } from "../../core/errors.ts";
import { checkLimit, readInputText, resolveLimits, type InputLimits } from "../../core/input-limits.ts";
import { nonFiniteToken, parseJsonText } from "../../core/json-text.ts";
import { scanNumericArray } from "../../core/numeric-array-scan.ts";
import { printable } from "../../core/printable.ts";
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
  /** The states are the cells of a rows × cols grid, row-major (pictures such as Fig. 3 draw it). */
  layout?: { kind: "grid"; rows: number; cols: number };
  stateNames?: string[];
  actionNames?: string[];
}

const REQUIRED = ["nS", "nA", "gamma", "start", "P", "r"] as const;
const OPTIONAL = ["name", "stateNames", "actionNames", "layout"] as const;

export interface MdpJsonOptions {
  /** Budgets (defaults: DEFAULT_INPUT_LIMITS): `maxJsonBytes` (checked before reading), `maxCount` (nS, nA), `maxElements` (nS·nA·nS). */
  limits?: Partial<InputLimits>;
}

/**
 * Reads and validates an MDP JSON file. The file's size is checked before it is read (E_TOO_LARGE), and the
 * text is parsed by one `JSON.parse` when it is valid JSON.
 */
export function loadMdpJson(path: string, options: MdpJsonOptions = {}): TabularMdp {
  const limits = resolveLimits(options.limits);
  return parseMdpJson(readInputText(path, limits.maxJsonBytes, "MDP file"), path, options);
}

/** Parses and validates MDP JSON text; `source` (a file name) prefixes every error message. */
export function parseMdpJson(text: string, source = "mdp.json", options: MdpJsonOptions = {}): TabularMdp {
  const limits = resolveLimits(options.limits);
  const shown = printable(source);
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_MDP", `${shown}: ${printable(msg, 1000)}`);
  };
  checkLimit(text.length, limits.maxJsonBytes, "the MDP text's length", source);
  let fast = scanMdpText(text, limits);
  let doc = fast ? fast.doc : parseJsonText(text, source, { nonFinite: true });
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) bad("the top level must be an object with fields nS, nA, gamma, start, P, r");
  let obj = doc as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(REQUIRED as readonly string[]).includes(key) && !(OPTIONAL as readonly string[]).includes(key)) {
      bad(`unknown field '${printable(key, 60)}' (allowed: ${[...REQUIRED, ...OPTIONAL].join(", ")})`);
    }
  }
  for (const key of REQUIRED) if (!(key in obj)) bad(`missing field '${key}'`);

  const nS = count(obj.nS, "nS", bad), nA = count(obj.nA, "nA", bad);
  // Sizes before any allocation: each of P's nS·nA·nS entries takes at least 2 characters ("0,").
  checkLimit(nS, limits.maxCount, "nS", source);
  checkLimit(nA, limits.maxCount, "nA", source);
  checkLimit(nS * nA * nS, limits.maxElements, "nS·nA·nS (the entries of P)", source);
  if (2 * nS * nA * nS > text.length) bad(`nS = ${nS}, nA = ${nA} need nS·nA·nS = ${nS * nA * nS} entries in P, more than a text of ${text.length} characters can hold`);
  const gamma = num(obj.gamma, "gamma", bad);
  if (!(gamma >= 0 && gamma < 1)) bad(`gamma must be in [0, 1), got ${gamma}`);

  if (fast && !(fast.shape.length === 3 && fast.shape[0] === nS && fast.shape[1] === nA && fast.shape[2] === nS)) {
    doc = parseJsonText(text, source, { nonFinite: true }); // P's shape is wrong: the slow path names the entry
    obj = doc as Record<string, unknown>;
    fast = undefined;
  }
  // The scan's buffer is exact when nS, nA precede P; otherwise it was sized by the text: keep only what is used.
  const P = fast ? (fast.P.byteLength === fast.P.buffer.byteLength ? fast.P : fast.P.slice()) : new Float64Array(nS * nA * nS);
  const Ps = fast ? [] : list(obj.P, "P", nS, "nS", bad);
  for (let s = 0; s < Ps.length; s++) {
    const Psa = list(Ps[s], `P[${s}]`, nA, "nA", bad);
    for (let a = 0; a < nA; a++) {
      const row = list(Psa[a], `P[${s}][${a}]`, nS, "nS", bad);
      const base = (s * nA + a) * nS;
      for (let t = 0; t < nS; t++) {
        const v = row[t];
        // The hot loop (nS·nA·nS entries): the field name is built only when an entry is bad.
        if (typeof v === "number" && Number.isFinite(v)) P[base + t] = v;
        else num(v, `P[${s}][${a}][${t}]`, bad);
      }
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

  const init: TabularMdpInit = { nS, nA, P, r, start, gamma, ownP: true }; // P is this call's own buffer: no second 8·nS²·nA-byte copy
  if (obj.name !== undefined) {
    if (typeof obj.name !== "string" || nonFiniteToken(obj.name) !== undefined) bad("name must be a string");
    init.name = obj.name as string;
  }
  if (obj.stateNames !== undefined) init.stateNames = names(obj.stateNames, "stateNames", nS, "nS", bad);
  if (obj.actionNames !== undefined) init.actionNames = names(obj.actionNames, "actionNames", nA, "nA", bad);
  if (obj.layout !== undefined) {
    const l = obj.layout as { kind?: unknown; rows?: unknown; cols?: unknown } | null;
    if (typeof l !== "object" || l === null || l.kind !== "grid" || typeof l.rows !== "number" || typeof l.cols !== "number" || Object.keys(l).some((k) => !["kind", "rows", "cols"].includes(k))) {
      bad('layout must be { "kind": "grid", "rows": R, "cols": C }');
    }
    init.layout = { kind: "grid", rows: (l as { rows: number }).rows, cols: (l as { cols: number }).cols };
  }
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
  if (typeof v === "string") return nonFiniteToken(v) ?? printable(JSON.stringify(v), 60);
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
  arr.forEach((x, i) => { if (typeof x !== "string" || nonFiniteToken(x) !== undefined) bad(`${field}[${i}] must be a string, got ${describe(x)}`); });
  return arr as string[];
}

/**
 * The fast path for big MDPs: P (nS·nA·nS numbers, nearly all of the text) is scanned straight into a
 * Float64Array (core/numeric-array-scan.ts) and only the rest of the object goes through `JSON.parse`.
 * Undefined whenever anything is unusual (P not a rectangular array of plain finite numbers, escapes in keys,
 * duplicate P, sizes over the limits, invalid JSON): the caller then takes the slow path, whose messages
 * name the bad entry.
 */
function scanMdpText(text: string, limits: InputLimits): { doc: Record<string, unknown>; P: Float64Array; shape: readonly number[] } | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const ws = (): void => {
    while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x0a || text.charCodeAt(i) === 0x0d || text.charCodeAt(i) === 0x09)) i++;
  };
  /** Skips a JSON value (strings and brackets balanced); false when the text ends first. */
  const skip = (): boolean => {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        for (i++; i < n && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
        i++;
      } else if (c === 0x5b || c === 0x7b) {
        depth++;
        i++;
      } else if (c === 0x5d || c === 0x7d) {
        if (depth === 0) return true;
        depth--;
        i++;
      } else if (c === 0x2c && depth === 0) {
        return true;
      } else {
        i++;
      }
      if (depth === 0 && (c === 0x22 || c === 0x5d || c === 0x7d)) return true;
    }
    return false;
  };
  ws();
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  i++;
  const small: Record<string, number> = {};
  let scan: ReturnType<typeof scanNumericArray>;
  let pStart = -1;
  for (;;) {
    ws();
    if (text.charCodeAt(i) !== 0x22) return undefined;
    const close = text.indexOf('"', i + 1);
    if (close < 0) return undefined;
    const key = text.slice(i + 1, close);
    if (key.includes("\\")) return undefined;
    i = close + 1;
    ws();
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i++;
    ws();
    if (key === "P") {
      if (pStart >= 0) return undefined;
      const { nS, nA } = small;
      let capacity: number;
      if (nS !== undefined && nA !== undefined) {
        if (!(Number.isInteger(nS) && Number.isInteger(nA) && nS > 0 && nA > 0 && nS <= limits.maxCount && nA <= limits.maxCount && nS * nA * nS <= limits.maxElements)) return undefined;
        capacity = nS * nA * nS;
      } else {
        capacity = Math.min(limits.maxElements, Math.floor((n - i) / 2) + 1); // untouched pages cost nothing
      }
      pStart = i;
      scan = scanNumericArray(text, i, 3, capacity);
      if (!scan) return undefined;
      i = scan.end;
    } else {
      const at = i;
      if (!skip()) return undefined;
      if (key === "nS" || key === "nA") small[key] = Number(text.slice(at, i));
    }
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x7d) break;
    if (c !== 0x2c) return undefined;
    i++;
  }
  if (!scan) return undefined;
  let doc: unknown;
  try {
    // The rest is small; NaN / Infinity tokens in it (r, start) are kept as markers for the validator to name.
    doc = parseJsonText(text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0, pStart) + "0" + text.slice(scan.end), "", { nonFinite: true });
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null || (doc as Record<string, unknown>).P !== 0) return undefined;
  return { doc: doc as Record<string, unknown>, P: scan.data, shape: scan.shape };
}
