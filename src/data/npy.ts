/**
 * NumPy's `.npy` array format (format versions 1.0, 2.0 and 3.0; NEP 1, `numpy.lib.format`), restricted to the
 * three dtypes a learning-history file uses: little-endian float64 (`<f8`), little-endian int64 (`<i8`) and
 * bool (`|b1`), in C (row-major) order.
 *
 * Layout of a file (all integers little-endian):
 *
 *     "\x93NUMPY"            6 bytes   magic
 *     major, minor           2 bytes   format version (1,0) | (2,0) | (3,0)
 *     HEADER_LEN             2 bytes (v1.0) or 4 bytes (v2.0, v3.0)
 *     header                 HEADER_LEN bytes: a Python dict literal with exactly the keys 'descr',
 *                            'fortran_order', 'shape', padded with spaces and ended by '\n' so that the data
 *                            starts on a multiple of 64 bytes
 *     data                   prod(shape) · itemsize bytes
 *
 * The writer emits version 1.0 headers byte-identical to `numpy.save` (numpy ≥ 1.23 also leaves room for the
 * first axis to grow to 21 digits). The reader validates the header before anything is allocated: wrong magic
 * or version, malformed dict, unsupported dtype (named), Fortran order, and absurd shapes are rejected, and the
 * element count must match the bytes actually present.
 */
import { InputError } from "../core/errors.ts";
import { printable } from "../core/printable.ts";

export type NpyDtype = "f8" | "i8" | "b1";

/** A decoded array: flat C-order data with its shape. Booleans are 0/1 bytes. */
export type NpyArray =
  | { readonly dtype: "f8"; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: "i8"; readonly shape: readonly number[]; readonly data: BigInt64Array }
  | { readonly dtype: "b1"; readonly shape: readonly number[]; readonly data: Uint8Array };

/** A parsed and validated `.npy` header. */
export interface NpyHeader {
  readonly version: 1 | 2 | 3;
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** prod(shape). */
  readonly count: number;
  /** Byte offset of the data (magic + version + length field + header). */
  readonly dataOffset: number;
  /** dataOffset + count · itemsize: the exact size of a well-formed file with this header. */
  readonly byteLength: number;
}

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // "\x93NUMPY"
/** The data of every array starts on a multiple of this many bytes (numpy's ARRAY_ALIGN). */
export const NPY_ALIGN = 64;
/** Headers longer than this are refused (ours are 118 bytes; numpy's simple-dtype headers are under 256). */
export const NPY_MAX_HEADER = 16384;
/** Arrays with more elements than this are refused as absurd, before anything is allocated (16 GiB of f8). */
export const NPY_MAX_ELEMENTS = 2 ** 31;
/** Bytes of a file enough to parse any acceptable header (version 2/3 preamble + NPY_MAX_HEADER). */
export const NPY_MAX_PREAMBLE = 12 + NPY_MAX_HEADER;

const DESCR: Record<NpyDtype, string> = { f8: "<f8", i8: "<i8", b1: "|b1" };
const ITEMSIZE: Record<NpyDtype, number> = { f8: 8, i8: 8, b1: 1 };
/** numpy's spare room after the dict so the first axis can grow in place (GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_DIGITS = 21;
const DTYPE_NAMES: Record<string, string> = {
  "<f4": "float32", "<f2": "float16", ">f8": "big-endian float64", "<i4": "int32", "<i2": "int16", "|i1": "int8",
  "|u1": "uint8", "<u4": "uint32", "<u8": "uint64", ">i8": "big-endian int64", "|O": "object",
};

function fail(name: string, msg: string): never {
  throw new InputError("E_INVALID_HISTORY", printable(`array '${name}': ${msg}`, 1000));
}

/** A shape as Python prints it: (), (3,), (3, 2). */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

export function itemSize(dtype: NpyDtype): number {
  return ITEMSIZE[dtype];
}

/** The header bytes (magic through the '\n') of a version 1.0 file, as `numpy.save` writes them. */
export function npyHeaderBytes(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  if (shape.length > 0) dict += " ".repeat(Math.max(0, GROWTH_DIGITS - String(shape[0]).length));
  const unpadded = NPY_MAGIC.length + 2 + 2 + dict.length + 1;
  const pad = NPY_ALIGN - (unpadded % NPY_ALIGN); // as numpy: a full 64 spaces when already aligned
  const text = dict + " ".repeat(pad) + "\n";
  const headerLen = text.length;
  if (headerLen > 0xffff) throw new InputError("E_INVALID_ARGUMENT", `npy header of ${headerLen} bytes does not fit format 1.0`);
  const out = new Uint8Array(10 + headerLen);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  for (let i = 0; i < headerLen; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** int64 data from integer-valued numbers (|x| ≤ 2^53), without a BigInt per element. */
export function int64FromNumbers(xs: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(xs.length);
  const words = new Uint32Array(out.buffer); // little-endian: [low, high] per element
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!Number.isSafeInteger(x)) throw new InputError("E_INVALID_ARGUMENT", `int64 element ${i} is ${x}, not an integer within ±2^53`);
    const high = Math.floor(x / 2 ** 32);
    words[2 * i] = x - high * 2 ** 32;
    words[2 * i + 1] = high; // stored modulo 2^32: two's complement for negative values
  }
  return out;
}

/** int64 data as numbers; values beyond ±(2^53 − 1) are rejected naming the array and element. */
export function numbersFromInt64(data: BigInt64Array, name: string): Float64Array {
  const out = new Float64Array(data.length);
  const words = new Uint32Array(data.buffer, data.byteOffset, 2 * data.length);
  const signed = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  for (let i = 0; i < out.length; i++) {
    const x = signed[2 * i + 1]! * 2 ** 32 + words[2 * i]!;
    if (!Number.isSafeInteger(x)) fail(name, `row ${i} is ${data[i]}, beyond the exactly representable integers (±2^53)`);
    out[i] = x;
  }
  return out;
}

/** Encodes an array as a complete version 1.0 `.npy` file. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw new InputError("E_INVALID_ARGUMENT", `npy: data has ${array.data.length} elements, shape ${formatShape(array.shape)} needs ${count}`);
  }
  const header = npyHeaderBytes(array.dtype, array.shape);
  const bytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header, 0);
  out.set(bytes, header.length); // typed arrays are little-endian on every platform Node supports
  return out;
}

/**
 * Parses and validates the header at the start of `bytes` (which may be just a prefix of the file, at least
 * NPY_MAX_PREAMBLE bytes or the whole file if shorter). Allocates nothing proportional to the shape.
 */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  if (bytes.length < 10) fail(name, `file is ${bytes.length} bytes, too short for an .npy header`);
  for (let i = 0; i < NPY_MAGIC.length; i++) if (bytes[i] !== NPY_MAGIC[i]) fail(name, "not an .npy file (wrong magic string)");
  const major = bytes[6]!, minor = bytes[7]!;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) fail(name, `unsupported .npy format version ${major}.${minor}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(name, "header truncated");
  const headerLen = major === 1 ? bytes[8]! | (bytes[9]! << 8) : (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
  if (headerLen > NPY_MAX_HEADER) fail(name, `header of ${headerLen} bytes exceeds the ${NPY_MAX_HEADER}-byte limit`);
  const dataOffset = 8 + lenBytes + headerLen;
  if (bytes.length < dataOffset) fail(name, `header truncated (${bytes.length} bytes, header needs ${dataOffset})`);
  let text = "";
  for (let i = 8 + lenBytes; i < dataOffset; i++) {
    const c = bytes[i]!;
    if (c > 0x7e || (c < 0x20 && c !== 0x0a && c !== 0x09)) fail(name, `header byte ${i} is not printable ASCII`);
    text += String.fromCharCode(c);
  }
  if (!text.endsWith("\n")) fail(name, "header does not end with a newline");
  const dict = parseHeaderDict(text, name);
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((k) => DESCR[k] === dict.descr);
  if (!dtype) {
    const known = DTYPE_NAMES[dict.descr];
    fail(name, `unsupported dtype '${dict.descr}'${known ? ` (${known})` : ""}; expected one of '<f8' (float64), '<i8' (int64), '|b1' (bool)`);
  }
  if (dict.fortranOrder) fail(name, "Fortran-ordered arrays are not supported (save a C-contiguous array)");
  let count = 1;
  for (const d of dict.shape) count *= d;
  if (count > NPY_MAX_ELEMENTS) fail(name, `shape ${formatShape(dict.shape)} has ${count} elements, more than the limit of ${NPY_MAX_ELEMENTS}`);
  return { version: major as 1 | 2 | 3, dtype, shape: dict.shape, count, dataOffset, byteLength: dataOffset + count * ITEMSIZE[dtype] };
}

/** Decodes a complete `.npy` file; its length must be exactly what the header implies. */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  const h = parseNpyHeader(bytes, name);
  if (bytes.length !== h.byteLength) {
    fail(name, `shape ${formatShape(h.shape)} needs ${h.byteLength - h.dataOffset} data bytes but the file holds ${bytes.length - h.dataOffset}`);
  }
  const raw = new Uint8Array(h.byteLength - h.dataOffset); // a fresh, aligned copy (Buffer#slice would be a view)
  raw.set(bytes.subarray(h.dataOffset, h.byteLength));
  switch (h.dtype) {
    case "f8":
      return { dtype: "f8", shape: h.shape, data: new Float64Array(raw.buffer, 0, h.count) };
    case "i8":
      return { dtype: "i8", shape: h.shape, data: new BigInt64Array(raw.buffer, 0, h.count) };
    case "b1":
      for (let i = 0; i < raw.length; i++) if (raw[i]! > 1) fail(name, `element ${i} is byte ${raw[i]}, not a boolean 0 or 1`);
      return { dtype: "b1", shape: h.shape, data: raw };
  }
}

interface HeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** A strict parser for the one dict literal an .npy header holds: {'descr': str, 'fortran_order': bool, 'shape': tuple}. */
function parseHeaderDict(text: string, name: string): HeaderDict {
  let i = 0;
  const bad = (what: string): never => fail(name, `malformed header (${what} at character ${i}): ${JSON.stringify(text.trim().slice(0, 120))}`);
  const ws = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\t")) i++;
  };
  const eat = (c: string): boolean => {
    ws();
    if (text[i] !== c) return false;
    i++;
    return true;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') bad("expected a string");
    const end = text.indexOf(q!, i + 1);
    if (end < 0) bad("unterminated string");
    const s = text.slice(i + 1, end);
    if (s.includes("\\")) bad("escapes are not supported");
    i = end + 1;
    return s;
  };
  const out: Partial<HeaderDict> = {};
  if (!eat("{")) bad("expected '{'");
  while (!eat("}")) {
    const key = str();
    if (!eat(":")) bad("expected ':'");
    ws();
    if (key === "descr") {
      out.descr = str();
    } else if (key === "fortran_order") {
      if (text.startsWith("True", i)) (out.fortranOrder = true), (i += 4);
      else if (text.startsWith("False", i)) (out.fortranOrder = false), (i += 5);
      else bad("expected True or False");
    } else if (key === "shape") {
      if (!eat("(")) bad("expected a tuple");
      const dims: number[] = [];
      while (!eat(")")) {
        ws();
        const m = /^[0-9]+/.exec(text.slice(i, i + 32));
        if (!m) bad("expected a non-negative integer");
        if (m![0].length > 15) fail(name, `shape dimension ${m![0]} is absurd`);
        dims.push(Number(m![0]));
        i += m![0].length;
        if (text[i] === "L") i++; // Python 2 long suffix in old files
        if (!eat(",")) {
          if (!eat(")")) bad("expected ',' or ')'");
          break;
        }
      }
      if (dims.length > 32) bad("more than 32 dimensions");
      out.shape = dims;
    } else {
      bad(`unexpected key '${key}'`);
    }
    if (!eat(",")) {
      if (!eat("}")) bad("expected ',' or '}'");
      break;
    }
  }
  ws();
  if (i !== text.length) bad("trailing characters");
  if (out.descr === undefined || out.fortranOrder === undefined || out.shape === undefined) {
    fail(name, "header lacks one of 'descr', 'fortran_order', 'shape'");
  }
  return out as HeaderDict;
}
