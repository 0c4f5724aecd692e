/**
 * JSON text → value for user-supplied files, as fast as `JSON.parse` on valid input and with a precise
 * one-line message on invalid input.
 *
 * 1. `JSON.parse` first (the common case costs exactly one native parse).
 * 2. If that fails and `nonFinite` is allowed, the bare tokens NaN / Infinity / -Infinity that Python's
 *    `json.dump` writes are turned into marker strings by one native regex pass (strings are skipped whole),
 *    and the text is parsed again, so a validator can name the field that holds them (`nonFiniteToken`).
 * 3. Otherwise an iterative scanner (an explicit stack, so any nesting depth is fine) finds the first
 *    offending character and the message gives line, column and a reason in our words; the offending
 *    character is named (U+0000 (NUL), U+FEFF (a byte-order mark), …), never echoed raw.
 *
 * A leading UTF-8 byte-order mark is ignored (RFC 8259 §8.1 allows parsers to); anywhere else it is an error
 * that names it.
 */
import { InputError, type ErrorCode } from "./errors.ts";
import { describeChar, printable } from "./printable.ts";

const MARKER = "\u0000lfl-non-finite:";
/** A whole JSON string (skipped unchanged) or a bare non-finite token outside strings. */
const NON_FINITE_SCAN = /"[^"\\]*(?:\\[\s\S][^"\\]*)*"|-?Infinity|NaN/g;

export interface JsonTextOptions {
  /** Accept bare NaN / Infinity / -Infinity as marker strings for the validator to name. Default false. */
  nonFinite?: boolean;
  /** Code of a syntax error. Default E_INVALID_JSON. */
  code?: ErrorCode;
}

/** "NaN", "Infinity" or "-Infinity" when `v` is a marker left by `parseJsonText({ nonFinite: true })`. */
export function nonFiniteToken(v: unknown): string | undefined {
  return typeof v === "string" && v.startsWith(MARKER) ? v.slice(MARKER.length) : undefined;
}

/** Parses `text`; throws `InputError(code, "<source>: not valid JSON (line L, column C: reason)")`. */
export function parseJsonText(text: string, source: string, options: JsonTextOptions = {}): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const offset = body === text ? 0 : 1;
  try {
    return JSON.parse(body);
  } catch (first) {
    if (options.nonFinite && /NaN|Infinity/.test(body)) {
      const quoted = body.replace(NON_FINITE_SCAN, (m) => (m.charCodeAt(0) === 0x22 ? m : `"\\u0000${MARKER.slice(1)}${m}"`));
      try {
        return JSON.parse(quoted);
      } catch {
        // fall through: locate the error in the original text
      }
    }
    const at = jsonSyntaxError(body, options.nonFinite ?? false);
    const where = at ? `${lineColumn(text, at.pos + offset)}: ${at.reason}` : printable(String((first as Error).message).split("\n")[0] ?? "", 120);
    throw new InputError(options.code ?? "E_INVALID_JSON", `${printable(source)}: not valid JSON (${where})`);
  }
}

/** "line L, column C" of the UTF-16 offset `pos` (1-based). */
export function lineColumn(text: string, pos: number): string {
  let line = 1, lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < pos; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${pos - lineStart + 1}`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The first syntax error of `text` as { pos, reason }, or undefined if it is valid JSON (with bare
 * non-finite tokens when `nonFinite`). Iterative: nesting depth costs heap, not stack.
 */
export function jsonSyntaxError(text: string, nonFinite: boolean): { pos: number; reason: string } | undefined {
  const n = text.length;
  let i = 0;
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  const ws = (): void => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const err = (reason: string): { pos: number; reason: string } => ({ pos: i, reason });
  const unexpected = (expected: string): { pos: number; reason: string } =>
    i >= n ? err(`unexpected end of input, expected ${expected}`) : err(`unexpected ${describeChar(String.fromCodePoint(text.codePointAt(i)!))}, expected ${expected}`);
  /** Scans a string starting at the quote; returns an error or undefined. */
  const string = (): { pos: number; reason: string } | undefined => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return err(`${describeChar(text[i])} inside a string (escape it)`);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return err("invalid \\u escape in a string");
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          i++;
          return e === undefined ? err("unexpected end of input inside a string") : err(`invalid escape \\${printable(e)} in a string`);
        }
        i += 2;
        continue;
      }
      i++;
    }
    return err("unexpected end of input inside a string (missing closing quote)");
  };
  /** An object member's key and its ':' (the cursor on the key's opening quote, or an error naming `expected`). */
  const key = (expected: string): { pos: number; reason: string } | undefined => {
    if (text.charCodeAt(i) !== 0x22) return unexpected(expected);
    const e = string();
    if (e) return e;
    ws();
    if (text.charCodeAt(i) !== 0x3a) return unexpected("':'");
    i++;
    ws();
    return undefined;
  };
  /** Scans a scalar value at i. */
  const scalar = (): { pos: number; reason: string } | undefined => {
    const c = text.charCodeAt(i);
    if (c === 0x22) return string();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    if (nonFinite) {
      for (const word of ["NaN", "Infinity", "-Infinity"]) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return undefined;
        }
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0] !== "-") {
      i += m[0].length;
      return undefined;
    }
    return unexpected("a value");
  };
  // State machine: after a value, expect ',' or the container's close; after '[' or ',' a value; in objects
  // a key string then ':' before each value.
  ws();
  for (;;) {
    // expect a value
    if (i >= n) return unexpected("a value");
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      stack.push(c);
      i++;
      ws();
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(i) === close) {
        stack.pop();
        i++;
      } else {
        if (c === 0x7b) {
          const e = key("a string key or '}'");
          if (e) return e;
        }
        continue;
      }
    } else {
      const e = scalar();
      if (e) return e;
    }
    // after a value: close containers or continue with ','
    for (;;) {
      ws();
      if (stack.length === 0) {
        return i < n ? err(`unexpected ${describeChar(String.fromCodePoint(text.codePointAt(i)!))} after the top-level value`) : undefined;
      }
      const top = stack[stack.length - 1]!;
      const close = top === 0x7b ? 0x7d : 0x5d;
      const ch = text.charCodeAt(i);
      if (ch === close) {
        stack.pop();
        i++;
        continue;
      }
      if (ch === 0x2c) {
        i++;
        ws();
        if (top === 0x7b) {
          const e = key("a string key");
          if (e) return e;
        }
        break;
      }
      return unexpected(top === 0x7b ? "',' or '}'" : "',' or ']'");
    }
  }
}

/**
 * The path ("a.b[2]") and token of the first non-finite value in a parsed document, if any: a marker left by
 * `nonFinite` parsing, or a number JSON.parse overflowed to ±Infinity (1e400). Iterative walk.
 */
export function firstNonFinite(doc: unknown): { path: string; token: string } | undefined {
  const stack: Array<[unknown, string]> = [[doc, ""]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    const token = typeof v === "number" && !Number.isFinite(v) ? String(v) : nonFiniteToken(v);
    if (token !== undefined) return { path: path || "the value", token };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], path ? `${path}.${printable(entries[i]![0], 60)}` : printable(entries[i]![0], 60)]);
    }
  }
  return undefined;
}

/** A short, one-line, stack-safe description of a parsed JSON value for messages (JSON.stringify overflows on deep nesting). */
export function describeJson(v: unknown, max = 60): string {
  const token = nonFiniteToken(v);
  if (token !== undefined) return token;
  if (v === undefined) return "nothing";
  if (typeof v === "string") return printable(JSON.stringify(v), max);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return printable(String(v), max);
}
