/**
 * A single-pass scanner for the one shape that makes big JSON inputs big: a rectangular array of numbers
 * nested `depth` levels (an MDP's P[s][a][s′]). It writes the numbers straight into a Float64Array, so no
 * JS array or boxed number is created per entry (JSON.parse creates both).
 *
 * It is a fast path, not a validator: on anything irregular (a ragged row, a non-number, a token outside the
 * JSON number grammar, a non-finite value, more entries than `capacity`) it returns undefined and the caller
 * falls back to `JSON.parse` and its own validation, which names the bad entry.
 *
 * Numbers: a JSON number with at most 15 significant digits in total and at most 22 fraction digits and no
 * exponent is m / 10^f with m < 2^53 and 10^f exact, so a single IEEE division gives the correctly rounded
 * value (Clinger's fast path) — the same double `JSON.parse` returns. Any other number goes to `Number()`.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // 10^0 … 10^22, all exact doubles

export interface NumericArrayScan {
  /** Index just past the closing ']'. */
  readonly end: number;
  /** Length at each level (every array at one level has the same length). */
  readonly shape: readonly number[];
  /** The numbers in row-major order (a view of length prod(shape)). */
  readonly data: Float64Array;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Scans the array starting at `text[start] === '['` (see the module comment); undefined = use the slow path. */
export function scanNumericArray(text: string, start: number, depth: number, capacity: number): NumericArrayScan | undefined {
  if (depth < 1 || text.charCodeAt(start) !== 0x5b) return undefined;
  const data = new Float64Array(capacity);
  const count = new Array<number>(depth).fill(0);
  const len = new Array<number>(depth).fill(-1);
  const n = text.length;
  let i = start, level = 0, k = 0;
  for (;;) {
    // Expect a value at the current level.
    while (i < n && isWs(text.charCodeAt(i))) i++;
    let c = text.charCodeAt(i);
    if (level < depth) {
      if (c !== 0x5b) return undefined;
      count[level] = 0;
      level++;
      i++;
      while (i < n && isWs(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x5d) continue; // a non-empty array: its first value
      // An empty array: closed below like any other.
    } else {
      // A number.
      if (k >= capacity) return undefined;
      const s = i;
      let neg = false;
      if (c === 0x2d) {
        neg = true;
        c = text.charCodeAt(++i);
      }
      if (!(c >= 0x30 && c <= 0x39)) return undefined;
      let m = 0, digits = 0, frac = 0;
      if (c === 0x30) {
        c = text.charCodeAt(++i);
        if (c >= 0x30 && c <= 0x39) return undefined; // leading zero
      } else {
        while (c >= 0x30 && c <= 0x39) {
          m = m * 10 + (c - 0x30);
          digits++;
          c = text.charCodeAt(++i);
        }
      }
      if (c === 0x2e) {
        c = text.charCodeAt(++i);
        if (!(c >= 0x30 && c <= 0x39)) return undefined;
        while (c >= 0x30 && c <= 0x39) {
          m = m * 10 + (c - 0x30);
          if (m !== 0) digits++; // leading fraction zeros are not significant
          frac++;
          c = text.charCodeAt(++i);
        }
      }
      let v: number;
      if (c === 0x65 || c === 0x45 || digits > 15 || frac > 22) {
        if (c === 0x65 || c === 0x45) {
          c = text.charCodeAt(++i);
          if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
          if (!(c >= 0x30 && c <= 0x39)) return undefined;
          while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++i);
        }
        v = Number(text.slice(s, i));
        if (!Number.isFinite(v)) return undefined;
      } else {
        v = frac === 0 ? m : m / POW10[frac]!;
        if (neg) v = -v;
      }
      data[k++] = v;
      count[level - 1]!++;
    }
    // After a value: ',' continues this array; ']' closes it (and finishes a value of the parent).
    for (;;) {
      while (i < n && isWs(text.charCodeAt(i))) i++;
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        break;
      }
      if (d !== 0x5d) return undefined;
      i++;
      const got = count[level - 1]!;
      if (len[level - 1] === -1) len[level - 1] = got;
      else if (len[level - 1] !== got) return undefined; // ragged
      level--;
      if (level === 0) return { end: i, shape: len, data: data.subarray(0, k) };
      count[level - 1]!++;
    }
  }
}
