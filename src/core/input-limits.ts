/**
 * Input budgets: every file the project reads is bounded before it is read, and every size a file declares
 * (states, actions, dimensions, rows, layer widths, inflated bytes) is bounded before anything proportional
 * to it is allocated. A violation is an `InputError` with code E_TOO_LARGE whose one-line message names the
 * file, the quantity and the limit (and the override, for the file-size budget).
 *
 * The defaults suit every file the pipeline produces with a wide margin (the largest committed history is a
 * few MB; a 2000-state MDP is 32 MB of JSON). The CLI exposes `maxFileBytes` as a flag.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "./errors.ts";
import { printable } from "./printable.ts";

export interface InputLimits {
  /** Bytes of a JSON input file (MDP, reward). */
  readonly maxJsonBytes: number;
  /** Bytes of an `.npz` input file (on disk, compressed). */
  readonly maxNpzBytes: number;
  /** Total bytes all members of one archive may inflate to. */
  readonly maxInflatedBytes: number;
  /** Total inflated / compressed bytes of one archive (above `minRatioFloor`): DEFLATE bombs reach 1032. */
  readonly maxInflateRatio: number;
  /** Elements of one array or table (P's nS·nA·nS, an .npy array, an MLP's parameters). */
  readonly maxElements: number;
  /** States or actions of a tabular MDP / reward, `n` of a discrete space. */
  readonly maxCount: number;
  /** Width of one observation / action vector or of one network layer. */
  readonly maxWidth: number;
}

const MiB = 2 ** 20;

export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  maxJsonBytes: 64 * MiB,
  maxNpzBytes: 1024 * MiB,
  maxInflatedBytes: 2048 * MiB,
  maxInflateRatio: 256,
  maxElements: 2 ** 27,
  maxCount: 2 ** 20,
  maxWidth: 2 ** 16,
});

/** Archives whose total inflated size is below this are never refused by the ratio test. */
export const INFLATE_RATIO_FLOOR = 64 * MiB;

/** The defaults with `overrides` applied (each a positive number). */
export function resolveLimits(overrides: Partial<InputLimits> = {}): InputLimits {
  const out = { ...DEFAULT_INPUT_LIMITS };
  for (const [k, v] of Object.entries(overrides) as Array<[keyof InputLimits, number | undefined]>) {
    if (v === undefined) continue;
    if (typeof v !== "number" || !(v > 0)) throw new InputError("E_INVALID_ARGUMENT", `input limit ${k} must be a positive number, got ${String(v)}`);
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** Throws E_TOO_LARGE "<source>: <what> is <value>, more than the limit of <limit>" unless value ≤ limit (no prefix when source is ""). */
export function checkLimit(value: number, limit: number, what: string, source: string, hint = ""): void {
  if (!(value <= limit)) {
    throw new InputError("E_TOO_LARGE", `${source ? `${printable(source)}: ` : ""}${what} is ${value}, more than the limit of ${limit}${hint}`);
  }
}

/** An OS error as a short lowercase reason ("no such file or directory"), never a stack or a newline. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: "no such file or directory", EACCES: "permission denied", EPERM: "operation not permitted",
    EISDIR: "is a directory", ENOTDIR: "a parent is not a directory", ENOSPC: "no space left on device",
    EROFS: "read-only file system", EDQUOT: "disk quota exceeded", EIO: "input/output error",
    ENAMETOOLONG: "file name too long", ELOOP: "too many symbolic links", EMFILE: "too many open files",
    EEXIST: "file exists", EXDEV: "cross-device link", EFBIG: "file too large",
  };
  if (err && typeof err.code === "string") return reasons[err.code] ? `${reasons[err.code]} (${err.code})` : err.code;
  return printable(String(err?.message ?? e).split("\n")[0] ?? "");
}

/**
 * Reads a whole regular file after checking its size against `maxBytes` (via fstat, before reading), so a
 * 200 MB input is refused at once. Directories, FIFOs and devices are refused (reading them could block or
 * never end); a file that grows while being read is refused too.
 */
export function readInputBytes(path: string, maxBytes: number, what = "input file", flag = "--max-input-bytes"): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new InputError("E_FILE", `cannot read ${what} ${printable(path)}: ${fsReason(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError("E_FILE", `cannot read ${what} ${printable(path)}: not a regular file`);
    checkLimit(st.size, maxBytes, `the ${what}'s size in bytes`, path, flag ? ` (raise it with ${flag})` : "");
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, n);
      if (k === 0) break;
      n += k;
      if (n > st.size) throw new InputError("E_FILE", `cannot read ${what} ${printable(path)}: the file grew while it was read`);
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError("E_FILE", `cannot read ${what} ${printable(path)}: ${fsReason(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** `readInputBytes` decoded as UTF-8 (invalid bytes become U+FFFD, which messages escape). */
export function readInputText(path: string, maxBytes: number, what = "input file", flag = "--max-input-bytes"): string {
  return readInputBytes(path, maxBytes, what, flag).toString("utf8");
}

/** The overrides a `--max-input-bytes N` flag means: N bytes for every JSON and .npz input file. */
export function limitsForMaxInputBytes(bytes: number | undefined): Partial<InputLimits> {
  return bytes === undefined ? {} : { maxJsonBytes: bytes, maxNpzBytes: bytes };
}
