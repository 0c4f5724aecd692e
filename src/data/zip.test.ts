// Zip layer and hostile archives: truncation, CRC, unsafe names, duplicates, overlaps, zip bombs, absurd headers.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants as zc, deflateRawSync } from "node:zlib";
import { InputError } from "../core/errors.ts";
import { crc32, writeZip, ZipReader } from "./zip.ts";
import { readNpz, writeNpz } from "./npz.ts";
import { encodeNpy, npyHeaderBytes } from "./npy.ts";
import { readHistoryFile } from "./history-file.ts";

const dir = mkdtempSync(join(tmpdir(), "lfl-zip-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmp = (): string => join(dir, `f${fileNo++}.npz`);

interface RawMember {
  name: string;
  /** Bytes as stored (already compressed for method 8). */
  body: Uint8Array;
  method?: number;
  crc: number;
  usize: number;
  flags?: number;
}

/** Builds a zip byte by byte with no checks, so tests can craft what our writer refuses to produce. */
function rawZip(members: readonly RawMember[], centralOffsets?: readonly number[]): Buffer {
  const parts: Buffer[] = [], central: Buffer[] = [];
  let offset = 0;
  members.forEach((m, k) => {
    const name = Buffer.from(m.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.flags ?? 0, 6);
    local.writeUInt16LE(m.method ?? 0, 8);
    local.writeUInt32LE(m.crc, 14);
    local.writeUInt32LE(m.body.length, 18);
    local.writeUInt32LE(m.usize, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(m.flags ?? 0, 8);
    cd.writeUInt16LE(m.method ?? 0, 10);
    cd.writeUInt32LE(m.crc, 16);
    cd.writeUInt32LE(m.body.length, 20);
    cd.writeUInt32LE(m.usize, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(centralOffsets?.[k] ?? offset, 42);
    central.push(cd, name);
    parts.push(local, name, Buffer.from(m.body));
    offset += 30 + name.length + m.body.length;
  });
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}

function stored(name: string, data: Uint8Array): RawMember {
  return { name, body: data, crc: crc32(data), usize: data.length };
}

function writeRaw(bytes: Uint8Array): string {
  const p = tmp();
  writeFileSync(p, bytes);
  return p;
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected InputError matching ${pattern}`);
}

const small = encodeNpy({ dtype: "f8", shape: [2], data: Float64Array.of(1, 2) });

test("CRC-32 matches the standard check value", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test("STORE and DEFLATE archives round-trip through the reader", () => {
  for (const deflate of [false, true]) {
    const p = tmp();
    const data = Buffer.from("x".repeat(5000) + "y");
    const fd = openSync(p, "w");
    writeZip(fd, [{ name: "a.txt", data }, { name: "empty", data: new Uint8Array(0) }], { deflate });
    closeSync(fd);
    using zip = new ZipReader(p);
    const a = zip.entries.get("a.txt")!;
    assert.equal(a.method, deflate ? 8 : 0);
    assert.deepEqual(Buffer.from(zip.read(a, a.size, "test")), data);
    assert.deepEqual(Buffer.from(zip.readPrefix(a, 3)).toString(), "xxx");
    assert.equal(zip.read(zip.entries.get("empty")!, 0, "test").length, 0);
  }
});

test("truncated archives and CRC mismatches are rejected", () => {
  const p = tmp();
  writeNpz(p, { obs: { dtype: "f8", shape: [2], data: Float64Array.of(1, 2) } }, { "meta.json": { a: 1 } });
  const bytes = readFileSync(p);
  for (const cut of [bytes.length - 1, bytes.length - 30, Math.floor(bytes.length / 2), 10]) {
    rejects(() => readNpz(writeRaw(bytes.subarray(0, cut))), /truncated/);
  }
  const corrupt = Buffer.from(bytes);
  corrupt[30 + "obs.npy".length + 130] ^= 0xff; // a data byte of obs.npy (STORE)
  rejects(() => readNpz(writeRaw(corrupt)), /'obs\.npy' fails its CRC-32 check/);
});

test("member names with '/', '\\', '..', absolute paths or duplicates are rejected", () => {
  for (const name of ["../obs.npy", "a/obs.npy", "/obs.npy", "a\\obs.npy", "..", "C:obs.npy", "ob\u0000s.npy"]) {
    rejects(() => readNpz(writeRaw(rawZip([stored(name, small)]))), /not allowed/);
  }
  rejects(() => readNpz(writeRaw(rawZip([stored("obs.npy", small), stored("obs.npy", small)]))), /duplicate zip member 'obs\.npy'/);
  assert.throws(() => writeNpz(tmp(), { "../x": { dtype: "f8", shape: [0], data: new Float64Array(0) } }), /not allowed/);
});

test("overlapping members, encryption and unknown methods are rejected", () => {
  // Member b's central entry points into member a's data, where a second local header has been planted.
  const inner = Buffer.concat([rawZip([stored("b.npy", small)]).subarray(0, 30 + 5 + small.length)]);
  const outer = rawZip([stored("a.npy", inner), stored("b.npy", small)], [0, 30 + 5]);
  rejects(() => readNpz(writeRaw(outer)), /overlap/);
  rejects(() => readNpz(writeRaw(rawZip([{ ...stored("obs.npy", small), flags: 1 }]))), /encrypted/);
  rejects(() => readNpz(writeRaw(rawZip([{ ...stored("obs.npy", small), method: 12 }]))), /method 12/);
});

test("a zip bomb (a member inflating far beyond its .npy header's size) is stopped at that size", () => {
  // obs.npy: an honest 2-element array, then 5 GiB of zeros in 1 MiB DEFLATE blocks (~5 MB on disk) — more than
  // a Node Buffer can hold, so only a bounded inflate can answer at all. Declared size and CRC are honest.
  const sync = { finishFlush: zc.Z_SYNC_FLUSH, level: 9 } as const;
  const zeros = deflateRawSync(new Uint8Array(2 ** 20), sync);
  const bomb = Buffer.concat([deflateRawSync(small, sync), ...Array<Buffer>(5 * 1024).fill(zeros), deflateRawSync(new Uint8Array(0))]);
  const member: RawMember = { name: "obs.npy", body: bomb, method: 8, crc: crc32(small), usize: small.length };
  const p = writeRaw(rawZip([member, stored("meta.json", Buffer.from("{}"))]));
  rejects(() => readNpz(p), new RegExp(`'obs\\.npy' inflates beyond the ${small.length} bytes the \\.npy header of 'obs'.*zip bomb`));
  // The history reader checks meta.json and every header before it inflates any array: it never reaches the bomb.
  rejects(() => readHistoryFile(p), /meta\.json: 'format' must be/);
  // The same bomb declaring its true size disagrees with the header before anything is inflated.
  const declared = rawZip([{ ...member, usize: 4 * 2 ** 30 - 2 }]);
  rejects(() => readNpz(writeRaw(declared)), /declares 4294967294 bytes but the \.npy header of 'obs'.* implies 144/);
});

test("an .npy member claiming 1e12 elements is rejected from its header, stored or deflated", () => {
  const header = npyHeaderBytes("f8", [1_000_000, 1_000_000]);
  const body = Buffer.concat([header, Buffer.alloc(64)]);
  for (const m of [stored("obs.npy", body), { ...stored("obs.npy", body), method: 8, body: deflateRawSync(body) }]) {
    rejects(() => readNpz(writeRaw(rawZip([m]))), /array 'obs': shape \(1000000, 1000000\) has 1000000000000 elements/);
  }
  // A plausible element count that the member's bytes cannot hold.
  const liar = Buffer.concat([npyHeaderBytes("f8", [50_000_000]), Buffer.alloc(64)]);
  rejects(() => readNpz(writeRaw(rawZip([stored("obs.npy", liar)]))), /'obs\.npy' declares 192 bytes but the \.npy header of 'obs'.*implies 400000128/);
});

test("a total inflate budget across members: arrays whose headers sum past it are refused before any is inflated", () => {
  const arr = encodeNpy({ dtype: "f8", shape: [100], data: new Float64Array(100) });
  const p = tmp();
  writeNpz(p, { a: { dtype: "f8", shape: [100], data: new Float64Array(100) }, b: { dtype: "f8", shape: [100], data: new Float64Array(100) } }, {}, { deflate: true });
  assert.equal(readNpz(p).arrays.size, 2);
  assert.throws(() => readNpz(p, { limits: { maxInflatedBytes: arr.length + 500, maxInflateRatio: 1e9 } }), (e: unknown) =>
    e instanceof InputError && e.code === "E_TOO_LARGE" && e.message.startsWith(p) && /arrays 'a', 'b' would inflate to \d+ bytes, more than this archive's budget/.test(e.message));
  // The ratio cap binds only above its 64 MiB floor; the file-size budget is checked before reading.
  assert.equal(readNpz(p, { limits: { maxInflateRatio: 1 } }).arrays.size, 2);
  assert.throws(() => readNpz(p, { limits: { maxNpzBytes: 100 } }), (e: unknown) => e instanceof InputError && e.code === "E_TOO_LARGE" && /size in bytes/.test(e.message));
  assert.throws(() => new ZipReader(dir), (e: unknown) => e instanceof InputError && e.code === "E_FILE" && /not a regular file|is a directory/.test(e.message));
});
