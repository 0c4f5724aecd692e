import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { crc32c, maskCrc } from "../core/crc32c.ts";
import { TensorBoardWriter, TF_EVENT_FILE_VERSION, tfRecord } from "./tensorboard-writer.ts";

// --- a small independent reader: TFRecord framing + the few Event/Summary fields we write -------------------

interface ParsedEvent { wallTime?: number; step?: number; fileVersion?: string; tag?: string; simpleValue?: number }

function readVarint(b: Uint8Array, pos: { i: number }): bigint {
  let v = 0n, shift = 0n;
  for (;;) {
    const byte = b[pos.i++]!;
    v |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return v;
    shift += 7n;
  }
}

/** Decodes a message into [field, wireType, value] triples (value: bigint, DataView slice or bytes). */
function fields(b: Uint8Array): Array<[number, number, bigint | Uint8Array]> {
  const out: Array<[number, number, bigint | Uint8Array]> = [];
  const pos = { i: 0 };
  while (pos.i < b.length) {
    const key = Number(readVarint(b, pos));
    const field = key >>> 3, wire = key & 7;
    if (wire === 0) out.push([field, wire, readVarint(b, pos)]);
    else if (wire === 1) { out.push([field, wire, b.slice(pos.i, pos.i + 8)]); pos.i += 8; }
    else if (wire === 5) { out.push([field, wire, b.slice(pos.i, pos.i + 4)]); pos.i += 4; }
    else if (wire === 2) { const n = Number(readVarint(b, pos)); out.push([field, wire, b.slice(pos.i, pos.i + n)]); pos.i += n; }
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}

function parseEvent(data: Uint8Array): ParsedEvent {
  const e: ParsedEvent = {};
  for (const [f, , v] of fields(data)) {
    if (f === 1) e.wallTime = new DataView((v as Uint8Array).buffer).getFloat64(0, true);
    else if (f === 2) e.step = Number(v as bigint);
    else if (f === 3) e.fileVersion = new TextDecoder().decode(v as Uint8Array);
    else if (f === 5) {
      const values = fields(v as Uint8Array).filter(([sf]) => sf === 1);
      assert.equal(values.length, 1);
      for (const [vf, , vv] of fields(values[0]![2] as Uint8Array)) {
        if (vf === 1) e.tag = new TextDecoder().decode(vv as Uint8Array);
        if (vf === 2) e.simpleValue = new DataView((vv as Uint8Array).buffer).getFloat32(0, true);
      }
    }
  }
  return e;
}

/** Splits a file into records, checking both masked CRCs of each. */
function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < bytes.length) {
    const len = Number(view.getBigUint64(off, true));
    assert.equal(view.getUint32(off + 8, true), maskCrc(crc32c(bytes.subarray(off, off + 8))), `length CRC of the record at byte ${off}`);
    const data = bytes.subarray(off + 12, off + 12 + len);
    assert.equal(view.getUint32(off + 12 + len, true), maskCrc(crc32c(data)), `data CRC of the record at byte ${off}`);
    out.push(data);
    off += 16 + len;
  }
  assert.equal(off, bytes.length, "no trailing partial record");
  return out;
}

test("tfRecord frames data as length, masked CRC of length, data, masked CRC of data", () => {
  const data = new TextEncoder().encode("123456789");
  const rec = tfRecord(data);
  assert.equal(rec.length, 8 + 4 + 9 + 4);
  const view = new DataView(rec.buffer);
  assert.equal(view.getBigUint64(0, true), 9n);
  assert.equal(view.getUint32(8, true), maskCrc(crc32c(rec.subarray(0, 8))));
  assert.deepEqual(rec.subarray(12, 21), data);
  assert.equal(view.getUint32(21, true), 0xc78ab0e5); // masked crc32c("123456789")
});

test("a written event file parses back to the file version and the scalars (flushed on close)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-tb-"));
  try {
    let t = 1_700_000_000.25;
    const tb = TensorBoardWriter.open(join(dir, "run"), { now: () => (t += 1), host: "test host" });
    assert.equal(basename(tb.path), "events.out.tfevents.1700000001.test_host");
    const headerOnly = statSync(tb.path).size;
    const expected: Array<[string, number, number]> = [];
    for (let k = 0; k < 5; k++) {
      expected.push(["rollout/ep_rew_mean", -10 + 2.5 * k, 2048 * (k + 1)], ["train/approx_kl", 0.01 * k, 2048 * (k + 1)]);
      tb.scalars({ "rollout/ep_rew_mean": -10 + 2.5 * k, "train/approx_kl": 0.01 * k, skipped: Number.NaN }, 2048 * (k + 1));
    }
    assert.equal(statSync(tb.path).size, headerOnly, "scalars stay buffered until flush/close");
    tb.close();
    tb.close();
    assert.throws(() => tb.scalar("x", 1, 0), /closed/);

    const records = readRecords(new Uint8Array(readFileSync(tb.path))).map(parseEvent);
    assert.equal(records[0]!.fileVersion, TF_EVENT_FILE_VERSION);
    assert.equal(records[0]!.wallTime, 1_700_000_001.25);
    const scalars = records.slice(1);
    assert.equal(scalars.length, expected.length);
    scalars.forEach((e, i) => {
      const [tag, value, step] = expected[i]!;
      assert.equal(e.tag, tag);
      assert.equal(e.step, step);
      assert.equal(e.simpleValue, Math.fround(value));
      assert.ok(e.wallTime! > records[0]!.wallTime!);
    });

    // A second writer in the same second gets its own file.
    t = 1_700_000_000.25;
    const again = TensorBoardWriter.open(join(dir, "run"), { now: () => t, host: "test host" });
    again.scalar("a", 1, 0);
    again.close();
    assert.equal(readdirSync(join(dir, "run")).length, 2);
    assert.deepEqual(readRecords(new Uint8Array(readFileSync(again.path))).map(parseEvent).map((e) => e.tag ?? e.fileVersion), [TF_EVENT_FILE_VERSION, "a"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad steps are refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-tb-"));
  try {
    const tb = TensorBoardWriter.open(dir, { now: () => 1, host: "h" });
    assert.throws(() => tb.scalar("x", 1, -1), /step/);
    assert.throws(() => tb.scalar("x", 1, 0.5), /step/);
    tb.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
