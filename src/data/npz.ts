/**
 * `.npz` files: a zip archive of `.npy` arrays (member `name.npy` holds array `name`), as `numpy.savez` writes
 * and `numpy.load` reads, plus optional JSON members (e.g. `meta.json`; `numpy.load(f)["meta.json"]` returns
 * its bytes).
 *
 * Writing is atomic: the archive goes to a temporary file in the target's directory, is flushed to disk, and
 * is renamed over the target, so readers never see a half-written file. Reading is bounded: each array member
 * is sized by its own `.npy` header before it is inflated, and inflation stops at that size.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../core/errors.ts";
import { decodeNpy, encodeNpy, formatShape, NPY_MAX_PREAMBLE, parseNpyHeader, type NpyArray } from "./npy.ts";
import { writeZip, ZipReader, type ZipMemberInput } from "./zip.ts";

/** JSON members larger than this are refused. */
export const NPZ_MAX_JSON_BYTES = 16 * 2 ** 20;

export interface NpzContents {
  /** Arrays by name (member name without `.npy`). */
  readonly arrays: ReadonlyMap<string, NpyArray>;
  /** Parsed JSON members by full member name (e.g. `meta.json`). */
  readonly json: ReadonlyMap<string, unknown>;
  /** Every member name in the archive, in directory order. */
  readonly members: readonly string[];
}

export interface NpzWriteOptions {
  /** DEFLATE the members (like `numpy.savez_compressed`); default STORE (like `numpy.savez`). */
  deflate?: boolean;
}

/** Writes arrays (as `name.npy`) and JSON members atomically to `path`. */
export function writeNpz(
  path: string,
  arrays: Readonly<Record<string, NpyArray>>,
  extraJsonMembers: Readonly<Record<string, unknown>> = {},
  options: NpzWriteOptions = {},
): void {
  const members: ZipMemberInput[] = [];
  for (const [name, array] of Object.entries(arrays)) members.push({ name: `${name}.npy`, data: encodeNpy(array) });
  for (const [name, value] of Object.entries(extraJsonMembers)) {
    members.push({ name, data: Buffer.from(JSON.stringify(value, null, 2) + "\n", "utf8") });
  }
  writeFileAtomic(path, (fd) => writeZip(fd, members, options.deflate ? { deflate: true } : {}));
}

/** Runs `write(fd)` on a temporary file beside `path`, fsyncs it, then renames it to `path`. */
export function writeFileAtomic(path: string, write: (fd: number) => void): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${process.hrtime.bigint()}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "wx", 0o644);
  } catch (e) {
    throw new InputError("E_FILE", `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    write(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    if (e instanceof InputError) throw e;
    throw new InputError("E_FILE", `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a `.npz` file. `only` restricts which arrays are decoded (other `.npy` members are listed but never
 * inflated). Each array member is sized by its `.npy` header first: a member whose declared size disagrees
 * with its header, or that inflates beyond it, is rejected before the rest is inflated.
 */
export function readNpz(path: string, options: { only?: readonly string[] } = {}): NpzContents {
  using zip = new ZipReader(path);
  const arrays = new Map<string, NpyArray>();
  const json = new Map<string, unknown>();
  const wanted = options.only ? new Set(options.only) : undefined;
  for (const entry of zip.entries.values()) {
    if (entry.name.endsWith(".npy")) {
      const name = entry.name.slice(0, -4);
      if (wanted && !wanted.has(name)) continue;
      // Two bounded looks: the fixed preamble (gives the header length), then the whole header.
      const pre = Buffer.from(zip.readPrefix(entry, 12));
      const headerEnd = pre.length < 12 ? pre.length : pre[6] === 1 ? 10 + (pre[8]! | (pre[9]! << 8)) : 12 + pre.readUInt32LE(8);
      const header = parseNpyHeader(zip.readPrefix(entry, Math.min(headerEnd, NPY_MAX_PREAMBLE)), name);
      const why = `the .npy header of '${name}' (shape ${formatShape(header.shape)}, dtype ${header.dtype})`;
      arrays.set(name, decodeNpy(zip.read(entry, header.byteLength, why), name));
    } else if (entry.name.endsWith(".json")) {
      if (entry.size > NPZ_MAX_JSON_BYTES) throw new InputError("E_INVALID_HISTORY", `member '${entry.name}' declares ${entry.size} bytes, more than the ${NPZ_MAX_JSON_BYTES}-byte limit for JSON`);
      const text = Buffer.from(zip.read(entry, entry.size, "its declared size")).toString("utf8");
      try {
        json.set(entry.name, JSON.parse(text));
      } catch (e) {
        throw new InputError("E_INVALID_HISTORY", `member '${entry.name}' is not valid JSON: ${(e as Error).message}`, { cause: e });
      }
    }
  }
  return { arrays, json, members: [...zip.entries.keys()] };
}
