/**
 * JSON text for files we write, refusing non-finite numbers: `JSON.stringify` silently writes NaN and ±Infinity
 * as `null` (a reward file with `var: null` that the reader then rejects). Here a non-finite number anywhere
 * stops the write with `NumericalError` (E_NUMERICAL) naming the file and the field, so nothing is written.
 * Typed arrays are written as JSON arrays (JSON.stringify would write them as {"0": …} objects).
 */
import { NumericalError } from "./errors.ts";
import { printable } from "./printable.ts";

/** Deeper values than this are refused (our own outputs are a few levels deep). */
const MAX_DEPTH = 512;

/** `JSON.stringify(value, null, space)` + "\n", after checking every number is finite; `what` names the output. */
export function stringifyFinite(value: unknown, what: string, space?: number): string {
  const stack: Array<[unknown, string, number]> = [[value, "", 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new NumericalError(`refusing to write ${printable(what)}: ${path || "the value"} is ${v} (nothing was written)`);
    } else if (typeof v === "object" && v !== null) {
      if (depth > MAX_DEPTH) throw new NumericalError(`refusing to write ${printable(what)}: ${path} is nested more than ${MAX_DEPTH} levels`);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const xs = v as unknown as ArrayLike<number | bigint>;
        for (let i = 0; i < xs.length; i++) if (typeof xs[i] === "number" && !Number.isFinite(xs[i])) throw new NumericalError(`refusing to write ${printable(what)}: ${path}[${i}] is ${xs[i]} (nothing was written)`);
      } else if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
      } else if (typeof (v as { toJSON?: unknown }).toJSON !== "function") {
        for (const [k, x] of Object.entries(v)) stack.push([x, path ? `${path}.${k}` : k, depth + 1]);
      } else {
        stack.push([(v as { toJSON: () => unknown }).toJSON(), path, depth + 1]);
      }
    }
  }
  const text = JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v), space);
  return `${text}\n`;
}
