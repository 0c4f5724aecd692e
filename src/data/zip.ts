/**
 * A minimal zip archive writer and a validating, bounded reader: just enough of PKWARE's APPNOTE for `.npz`
 * files (what `numpy.savez` / `numpy.savez_compressed` write and `numpy.load` reads).
 *
 * Layout: for each member a local file header (signature 0x04034b50, 30 bytes + name + extra) followed by its
 * data; then the central directory (one 0x02014b50 record of 46 bytes + name + extra + comment per member);
 * then the end-of-central-directory record (0x06054b50, 22 bytes + comment). Methods: 0 = STORE, 8 = DEFLATE
 * (raw, RFC 1951). Every member carries the CRC-32 of its uncompressed bytes.
 *
 * The reader trusts nothing: it finds the end record, checks that the central directory and every member lie
 * inside the file without overlapping, rejects unsafe or duplicate names, encryption, unknown methods and zip64,
 * verifies CRCs, and inflates with an explicit output bound chosen by the caller, so a member that inflates
 * beyond what it should is stopped at the bound instead of filling memory.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { constants as zc, deflateRawSync, inflateRawSync } from "node:zlib";
import { InputError } from "../core/errors.ts";
import { checkLimit, DEFAULT_INPUT_LIMITS, fsReason, INFLATE_RATIO_FLOOR } from "../core/input-limits.ts";
import { printable } from "../core/printable.ts";

export interface ZipEntry {
  readonly name: string;
  /** 0 = STORE, 8 = DEFLATE. */
  readonly method: 0 | 8;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Declared uncompressed size (from the central directory). */
  readonly size: number;
  /** Offset of the member's data (after its local header) in the archive. */
  readonly dataOffset: number;
}

/** Budgets of one archive read (defaults: DEFAULT_INPUT_LIMITS). */
export interface ZipReadLimits {
  /** Bytes of the archive on disk. */
  maxFileBytes?: number | undefined;
  /** Total bytes all members may inflate to. */
  maxInflatedBytes?: number | undefined;
  /** Total inflated / on-disk bytes (never binding below 64 MiB). */
  maxInflateRatio?: number | undefined;
}

export interface ZipMemberInput {
  readonly name: string;
  readonly data: Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
/** Largest output DEFLATE can produce per input byte (a 258-byte match coded in 2 bits, rounded up). */
const DEFLATE_MAX_RATIO = 1032;
/** 1980-01-01 00:00 in MS-DOS format: every member gets the same timestamp, so archives are reproducible. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as zip and gzip use it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function invalid(msg: string): never {
  throw new InputError("E_INVALID_HISTORY", msg);
}

/** A member name we accept: a plain file name, no directories, no traversal, no absolute or drive paths. */
export function checkMemberName(name: string): void {
  if (name.length === 0) invalid("zip member with an empty name");
  if (name.includes("/") || name.includes("\\")) invalid(`zip member '${printable(name)}': names with '/' or '\\' are not allowed`);
  if (name.includes("..")) invalid(`zip member '${printable(name)}': names with '..' are not allowed`);
  if (/^[A-Za-z]:/.test(name)) invalid(`zip member '${printable(name)}': absolute (drive) paths are not allowed`);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) invalid(`zip member "${printable(name)}": control characters are not allowed`);
  }
}

/**
 * Writes `members` as a zip archive to the already-open file descriptor or byte sink `out` (STORE, or DEFLATE when
 * `deflate` is set). Sizes and offsets must fit the classic (non-zip64) format: < 4 GiB, < 65535 members.
 */
export function writeZip(out: number | ((bytes: Uint8Array) => void), members: readonly ZipMemberInput[], options: { deflate?: boolean } = {}): void {
  const seen = new Set<string>();
  const central: Buffer[] = [];
  let offset = 0;
  const put = (b: Uint8Array): void => {
    if (typeof out === "function") out(b);
    else for (let done = 0; done < b.length;) done += writeSync(out, b, done, b.length - done);
    offset += b.length;
  };
  for (const m of members) {
    checkMemberName(m.name);
    if (seen.has(m.name)) throw new InputError("E_INVALID_ARGUMENT", `zip: duplicate member '${printable(m.name)}'`);
    seen.add(m.name);
    const name = Buffer.from(m.name, "utf8");
    const method = options.deflate ? 8 : 0;
    const body = method === 8 ? deflateRawSync(m.data, { level: 1 }) : m.data; // level 1: ~4x faster than 6, ~5% larger on float data
    const crc = crc32(m.data);
    if (m.data.length > 0xfffffffe || offset + 30 + name.length + body.length > 0xfffffffe || members.length > 0xfffe) {
      throw new InputError("E_FILE", "zip: archives of 4 GiB or more (zip64) are not supported");
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(SIG_CENTRAL, 0);
    cd.writeUInt16LE(20, 4); // version made by: 2.0, MS-DOS attributes
    cd.writeUInt16LE(20, 6); // version needed
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(m.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal and external attributes: all 0
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    put(local);
    put(name);
    put(body);
  }
  const cdOffset = offset;
  for (const b of central) put(b);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(offset - cdOffset, 12);
  end.writeUInt32LE(cdOffset, 16);
  put(end);
}

/** A zip archive opened for validated reading. Use with `using` or call `close()`. */
export class ZipReader {
  readonly path: string;
  readonly entries: ReadonlyMap<string, ZipEntry>;
  private fd: number;

  /** Total bytes the members of this archive may inflate to (see `ZipReadLimits`). */
  readonly inflateBudget: number;
  private inflated = 0;

  constructor(path: string, limits: ZipReadLimits = {}) {
    this.path = path;
    try {
      this.fd = openSync(path, "r");
    } catch (e) {
      throw new InputError("E_FILE", `cannot open ${printable(path)}: ${fsReason(e)}`, { cause: e });
    }
    try {
      const st = fstatSync(this.fd);
      if (!st.isFile()) throw new InputError("E_FILE", `cannot read ${printable(path)}: not a regular file`);
      const maxFileBytes = limits.maxFileBytes ?? DEFAULT_INPUT_LIMITS.maxNpzBytes;
      checkLimit(st.size, maxFileBytes, "the file's size in bytes", path, " (raise it with --max-input-bytes)");
      const ratio = limits.maxInflateRatio ?? DEFAULT_INPUT_LIMITS.maxInflateRatio;
      this.inflateBudget = Math.min(limits.maxInflatedBytes ?? DEFAULT_INPUT_LIMITS.maxInflatedBytes, Math.max(INFLATE_RATIO_FLOOR, ratio * st.size));
      this.entries = this.readDirectory();
    } catch (e) {
      this.close();
      if (e instanceof InputError) throw e;
      throw new InputError("E_FILE", `cannot read ${printable(path)}: ${fsReason(e)}`, { cause: e });
    }
  }

  /** Bytes inflated so far (whole members and header prefixes). */
  get inflatedBytes(): number {
    return this.inflated;
  }

  /**
   * Refuses (E_TOO_LARGE) before anything is inflated when `bytes` more would exceed the archive's total
   * inflate budget: min(maxInflatedBytes, max(64 MiB, maxInflateRatio × file size)).
   */
  reserve(bytes: number, what: string): void {
    if (this.inflated + bytes > this.inflateBudget) {
      throw new InputError("E_TOO_LARGE", `${printable(this.path)}: ${what} would inflate to ${this.inflated + bytes} bytes, more than this archive's budget of ${this.inflateBudget} bytes (${this.fileSize} bytes on disk)`);
    }
  }

  private get fileSize(): number {
    return fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The first min(n, size) uncompressed bytes of a member, inflating only a bounded prefix of it: the
   * compressed prefix read doubles from 64 bytes until it yields n bytes, so a bomb's first bytes can
   * produce at most ~1032× what was needed so far. Counted against the inflate budget.
   */
  readPrefix(entry: ZipEntry, n: number): Uint8Array {
    const want = Math.min(n, entry.size);
    if (entry.method === 0) return this.readAt(entry.dataOffset, want);
    // 2n + 1024 compressed bytes hold at least n output bytes in any sane DEFLATE stream (stored: n + 5 per
    // 64 KiB, fixed Huffman ≤ 9 bits per literal, dynamic ≤ 15 bits per literal + a table of < 300 bytes).
    const kMax = Math.min(entry.compressedSize, 2 * want + 1024);
    for (let k = Math.min(kMax, 64); ; k = Math.min(kMax, 2 * k)) {
      const bound = DEFLATE_MAX_RATIO * k + 1024;
      this.reserve(Math.min(bound, want), `the header of member '${printable(entry.name)}'`);
      const out = this.inflate(entry, this.readAt(entry.dataOffset, k), bound, true, `DEFLATE can produce from its first ${k} compressed bytes`);
      this.inflated += out.length;
      if (out.length >= want || k === kMax) return out.subarray(0, Math.min(want, out.length));
    }
  }

  /**
   * The whole member, which must be exactly `expected` bytes (the caller's bound, e.g. what an .npy header
   * implies). Inflation stops as soon as the output would exceed the bound; the CRC is verified.
   */
  read(entry: ZipEntry, expected: number, why: string): Uint8Array {
    if (entry.size !== expected) invalid(`zip member '${printable(entry.name)}' declares ${entry.size} bytes but ${why} implies ${expected}`);
    this.reserve(expected, `member '${printable(entry.name)}'`);
    const raw = this.readAt(entry.dataOffset, entry.compressedSize);
    const out = entry.method === 0 ? raw : this.inflate(entry, raw, expected, false, `${why} implies`);
    this.inflated += out.length;
    if (out.length !== expected) invalid(`zip member '${printable(entry.name)}' inflates to ${out.length} bytes but ${why} implies ${expected}`);
    const crc = crc32(out);
    if (crc !== entry.crc32) invalid(`zip member '${printable(entry.name)}' fails its CRC-32 check (stored ${hex(entry.crc32)}, computed ${hex(crc)}): the file is corrupt`);
    return out;
  }

  /** Inflates with a hard output bound; `limit` completes "inflates beyond the N bytes …". */
  private inflate(entry: ZipEntry, raw: Uint8Array, bound: number, partial: boolean, limit: string): Uint8Array {
    try {
      const maxOutputLength = Math.max(1, bound); // zlib refuses 0; a 1-byte overrun is caught by the caller's length check
      return partial ? inflateRawSync(raw, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength }) : inflateRawSync(raw, { maxOutputLength });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ERR_BUFFER_TOO_LARGE") {
        invalid(`zip member '${printable(entry.name)}' inflates beyond the ${bound} bytes ${limit} (a zip bomb?); rejected without inflating the rest`);
      }
      invalid(`zip member '${printable(entry.name)}' is not valid DEFLATE data (${(e as Error).message})`);
    }
  }

  private readAt(position: number, length: number): Uint8Array {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) invalid(`${printable(this.path)}: unexpected end of file at byte ${position + done}`);
      done += n;
    }
    return buf;
  }

  private readDirectory(): Map<string, ZipEntry> {
    const fileSize = fstatSync(this.fd).size;
    const where = printable(this.path);
    if (fileSize < 22) invalid(`${where}: not a zip archive or truncated (${fileSize} bytes; no end-of-central-directory record)`);
    // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
    const tailLen = Math.min(fileSize, 22 + 0xffff);
    const tail = Buffer.from(this.readAt(fileSize - tailLen, tailLen));
    let endAt = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_END && i + 22 + tail.readUInt16LE(i + 20) === tailLen) {
        endAt = i;
        break;
      }
    }
    if (endAt < 0) invalid(`${where}: not a zip archive or truncated (no end-of-central-directory record)`);
    const disk = tail.readUInt16LE(endAt + 4), cdDisk = tail.readUInt16LE(endAt + 6);
    const countHere = tail.readUInt16LE(endAt + 8), count = tail.readUInt16LE(endAt + 10);
    const cdSize = tail.readUInt32LE(endAt + 12), cdOffset = tail.readUInt32LE(endAt + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) invalid(`${where}: zip64 archives (4 GiB or more) are not supported`);
    if (disk !== 0 || cdDisk !== 0 || countHere !== count) invalid(`${where}: multi-disk zip archives are not supported`);
    const endOffset = fileSize - tailLen + endAt;
    if (cdOffset + cdSize !== endOffset) invalid(`${where}: truncated or corrupt zip (central directory at ${cdOffset}+${cdSize} does not end at the end record, byte ${endOffset})`);
    const cd = Buffer.from(this.readAt(cdOffset, cdSize));
    const entries = new Map<string, ZipEntry>();
    const spans: Array<[number, number, string]> = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) invalid(`${where}: corrupt central directory at entry ${k}`);
      const flags = cd.readUInt16LE(p + 8), method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16), csize = cd.readUInt32LE(p + 20), usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28), extraLen = cd.readUInt16LE(p + 30), commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      if (p + 46 + nameLen + extraLen + commentLen > cd.length) invalid(`${where}: corrupt central directory at entry ${k}`);
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      checkMemberName(name);
      if (entries.has(name)) invalid(`${where}: duplicate zip member '${printable(name)}'`);
      if (flags & 1) invalid(`zip member '${printable(name)}' is encrypted`);
      if (method !== 0 && method !== 8) invalid(`zip member '${printable(name)}' uses compression method ${method}; only STORE (0) and DEFLATE (8) are supported`);
      if (csize === 0xffffffff || usize === 0xffffffff || localOffset === 0xffffffff) invalid(`zip member '${printable(name)}': zip64 sizes are not supported`);
      if (method === 0 && csize !== usize) invalid(`zip member '${printable(name)}' is stored but declares ${csize} compressed and ${usize} uncompressed bytes`);
      if (method === 8 && usize > DEFLATE_MAX_RATIO * csize + 1024) invalid(`zip member '${printable(name)}' declares ${usize} bytes from ${csize} compressed bytes, beyond what DEFLATE can produce`);
      if (localOffset + 30 > cdOffset) invalid(`zip member '${printable(name)}': local header at ${localOffset} lies outside the archive data`);
      const local = Buffer.from(this.readAt(localOffset, 30));
      if (local.readUInt32LE(0) !== SIG_LOCAL) invalid(`zip member '${printable(name)}': bad local header signature at byte ${localOffset}`);
      const lNameLen = local.readUInt16LE(26), lExtraLen = local.readUInt16LE(28);
      const dataOffset = localOffset + 30 + lNameLen + lExtraLen;
      if (dataOffset + csize > cdOffset) invalid(`zip member '${printable(name)}' (${csize} bytes at ${dataOffset}) runs past the archive data: truncated?`);
      const lName = Buffer.from(this.readAt(localOffset + 30, lNameLen)).toString("utf8");
      if (lName !== name) invalid(`zip member '${printable(name)}': local header names it '${printable(lName)}'`);
      spans.push([localOffset, dataOffset + csize, name]);
      entries.set(name, { name, method, crc32: crc, compressedSize: csize, size: usize, dataOffset });
    }
    if (p !== cd.length) invalid(`${where}: central directory has ${cd.length - p} unexplained bytes`);
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]![0] < spans[i - 1]![1]) invalid(`zip members '${printable(spans[i - 1]![2])}' and '${printable(spans[i]![2])}' overlap`);
    }
    return entries;
  }
}

function hex(x: number): string {
  return "0x" + x.toString(16).padStart(8, "0");
}
