/**
 * `.npz` files: a zip archive of `.npy` arrays (member `name.npy` holds array `name`), as `numpy.savez` writes
 * and `numpy.load` reads, plus optional JSON members (e.g. `meta.json`; `numpy.load(f)["meta.json"]` returns
 * its bytes).
 *
 * Writing is atomic (core/atomic-file.ts): the archive goes to a temporary file in the target's directory, is
 * fsynced, and is renamed over the target, so readers never see a half-written file. Reading is bounded: the
 * file's size is checked before it is read, every array member is sized by its own `.npy` header before
 * anything is inflated, the sum of those sizes must fit the archive's total inflate budget, and inflation of
 * each member stops at its size.
 */
import { writeFileAtomic, type AtomicWriteOptions } from "../core/atomic-file.ts";
import { InputError, NumericalError } from "../core/errors.ts";
import { checkLimit, DEFAULT_INPUT_LIMITS, type InputLimits } from "../core/input-limits.ts";
import { printable } from "../core/printable.ts";
import { decodeNpy, encodeNpy, formatShape, NPY_MAX_PREAMBLE, parseNpyHeader, type NpyArray, type NpyHeader } from "./npy.ts";
import { writeZip, ZipReader, type ZipEntry, type ZipMemberInput } from "./zip.ts";

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

export interface NpzWriteOptions extends AtomicWriteOptions {
  /** DEFLATE the members (like `numpy.savez_compressed`); default STORE (like `numpy.savez`). */
  deflate?: boolean;
}

/** Budgets of one `.npz` read (defaults: DEFAULT_INPUT_LIMITS). */
export type NpzLimits = Partial<Pick<InputLimits, "maxNpzBytes" | "maxInflatedBytes" | "maxInflateRatio" | "maxElements">>;

export interface NpzReadOptions {
  /** Decode only these arrays (others are listed but never inflated). */
  only?: readonly string[];
  limits?: NpzLimits;
}

/** Writes arrays (as `name.npy`) and JSON members atomically to `path`. JSON must hold only finite numbers. */
export function writeNpz(
  path: string,
  arrays: Readonly<Record<string, NpyArray>>,
  extraJsonMembers: Readonly<Record<string, unknown>> = {},
  options: NpzWriteOptions = {},
): void {
  const members: ZipMemberInput[] = [];
  for (const [name, array] of Object.entries(arrays)) members.push({ name: `${name}.npy`, data: encodeNpy(array) });
  for (const [name, value] of Object.entries(extraJsonMembers)) {
    const text = JSON.stringify(value, (key, v: unknown) => {
      if (typeof v === "number" && !Number.isFinite(v)) throw new NumericalError(`refusing to write ${printable(path)}: member '${name}' field '${key}' is ${v}`);
      return v;
    }, 2);
    members.push({ name, data: Buffer.from(text + "\n", "utf8") });
  }
  const { deflate, ...atomic } = options;
  writeFileAtomic(path, (sink) => writeZip(sink, members, deflate ? { deflate: true } : {}), atomic);
}

/** An `.npz` archive opened for bounded reading: every `.npy` header parsed, nothing inflated yet. */
export class NpzReader {
  readonly path: string;
  /** Headers of the `.npy` members (restricted to `only`), by array name. */
  readonly headers: ReadonlyMap<string, NpyHeader>;
  /** Every member name in the archive, in directory order. */
  readonly members: readonly string[];
  private readonly zip: ZipReader;
  private readonly maxElements: number;

  constructor(path: string, options: NpzReadOptions = {}) {
    const limits = options.limits ?? {};
    this.path = path;
    this.maxElements = limits.maxElements ?? DEFAULT_INPUT_LIMITS.maxElements;
    this.zip = new ZipReader(path, { maxFileBytes: limits.maxNpzBytes ?? DEFAULT_INPUT_LIMITS.maxNpzBytes, maxInflatedBytes: limits.maxInflatedBytes, maxInflateRatio: limits.maxInflateRatio });
    try {
      this.members = [...this.zip.entries.keys()];
      const wanted = options.only ? new Set(options.only) : undefined;
      const headers = new Map<string, NpyHeader>();
      for (const entry of this.zip.entries.values()) {
        if (!entry.name.endsWith(".npy")) continue;
        const name = entry.name.slice(0, -4);
        if (wanted && !wanted.has(name)) continue;
        headers.set(name, this.header(entry, name));
      }
      this.headers = headers;
    } catch (e) {
      this.zip.close();
      throw e;
    }
  }

  close(): void {
    this.zip.close();
  }
  [Symbol.dispose](): void {
    this.close();
  }

  /** Two bounded looks at a member: the fixed preamble (gives the header length), then the whole header. */
  private header(entry: ZipEntry, name: string): NpyHeader {
    const pre = Buffer.from(this.zip.readPrefix(entry, 12));
    const headerEnd = pre.length < 12 ? pre.length : pre[6] === 1 ? 10 + (pre[8]! | (pre[9]! << 8)) : 12 + pre.readUInt32LE(8);
    const header = parseNpyHeader(this.zip.readPrefix(entry, Math.min(headerEnd, NPY_MAX_PREAMBLE)), name);
    checkLimit(header.count, this.maxElements, `the element count of array '${printable(name)}' (shape ${formatShape(header.shape)})`, this.path);
    if (entry.size !== header.byteLength) {
      throw new InputError("E_INVALID_HISTORY", `zip member '${printable(entry.name)}' declares ${entry.size} bytes but the .npy header of '${printable(name)}' (shape ${formatShape(header.shape)}, dtype ${header.dtype}) implies ${header.byteLength}`);
    }
    return header;
  }

  /**
   * Decodes the named arrays (all parsed ones by default). Their total size is checked against the archive's
   * inflate budget before the first is inflated.
   */
  readArrays(names: readonly string[] = [...this.headers.keys()]): Map<string, NpyArray> {
    let total = 0;
    for (const n of names) total += this.headers.get(n)?.byteLength ?? 0;
    this.zip.reserve(total, `arrays ${names.map((n) => `'${printable(n)}'`).join(", ")}`);
    const out = new Map<string, NpyArray>();
    for (const name of names) {
      const h = this.headers.get(name);
      if (!h) continue;
      const entry = this.zip.entries.get(`${name}.npy`)!;
      const why = `the .npy header of '${printable(name)}' (shape ${formatShape(h.shape)}, dtype ${h.dtype})`;
      out.set(name, decodeNpy(this.zip.read(entry, h.byteLength, why), name));
    }
    return out;
  }

  /** Parses a JSON member (undefined when absent); members over NPZ_MAX_JSON_BYTES are refused unread. */
  readJson(member: string): unknown {
    const entry = this.zip.entries.get(member);
    if (!entry) return undefined;
    checkLimit(entry.size, NPZ_MAX_JSON_BYTES, `the declared size of member '${printable(member)}' in bytes`, this.path);
    const text = Buffer.from(this.zip.read(entry, entry.size, "its declared size")).toString("utf8");
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InputError("E_INVALID_HISTORY", `member '${printable(member)}' is not valid JSON: ${printable((e as Error).message.split("\n")[0] ?? "", 120)}`, { cause: e });
    }
  }
}

/** Runs `fn`; an `InputError` gets the prefix "<path>: " unless it names the file already, and unsafe characters escaped. */
export function namingFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const shown = printable(path);
    const named = e.message.startsWith(`${shown}:`) || e.message.includes(` ${shown}:`) || e.message.includes(` ${shown} `);
    const message = printable(named ? e.message : `${shown}: ${e.message}`, 1000);
    if (message === e.message) throw e;
    throw new InputError(e.code, message, { cause: e });
  }
}

/**
 * Reads a `.npz` file. `only` restricts which arrays are decoded (other `.npy` members are listed but never
 * inflated). Every wanted array's `.npy` header is parsed and checked first (element limit, declared size);
 * then the total is checked against the inflate budget; only then is anything inflated. Errors name the file.
 */
export function readNpz(path: string, options: NpzReadOptions = {}): NpzContents {
  return namingFile(path, () => {
    using npz = new NpzReader(path, options);
    const json = new Map<string, unknown>();
    for (const m of npz.members) if (m.endsWith(".json")) json.set(m, npz.readJson(m));
    return { arrays: npz.readArrays(), json, members: npz.members };
  });
}
