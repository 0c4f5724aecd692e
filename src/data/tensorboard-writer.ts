/**
 * Writes TensorBoard event files of scalar curves, in TypeScript (no TensorFlow): a file
 * `events.out.tfevents.<unix seconds>.<host>` holding TFRecord-framed `Event` protos
 * (tensorflow/core/util/event.proto; tensorflow/core/framework/summary.proto).
 *
 * Record framing (TFRecord): uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes · data ·
 * uint32 masked CRC-32C of the data (core/crc32c.ts). The first record is an Event with
 * `file_version = "brain.Event:2"`; every scalar is an Event { wall_time (1, double), step (2, int64),
 * summary (5) = Summary { value (1) = Value { tag (1, string), simple_value (2, float) } } }.
 *
 * Semantics: the file is created with its header at `open`; scalars are buffered and appended as whole records
 * on `flush()` (also when the buffer passes `flushBytes`) and on `close()`, so a reader (TensorBoard polls the
 * file) never sees half a record from us. Non-finite values are skipped (TensorBoard would draw them as gaps).
 *
 * Usage: `const tb = TensorBoardWriter.open("runs/reacher"); tb.scalar("rollout/ep_rew_mean", -12.5, 2048); tb.close();`
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { crc32c, maskCrc } from "../core/crc32c.ts";
import { ProtoWriter } from "../core/protobuf-writer.ts";

export const TF_EVENT_FILE_VERSION = "brain.Event:2";

/** Something that takes scalars (a `TensorBoardWriter`, or a test double). */
export interface ScalarSink {
  scalar(tag: string, value: number, step: number): void;
}

export interface TensorBoardOptions {
  /** Seconds since the epoch for file names and wall_time (default: the clock). */
  now?: () => number;
  /** Host name in the file name (default: os.hostname()). */
  host?: string;
  /** Flush once this many bytes are buffered (default 64 KiB). */
  flushBytes?: number;
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskCrc(crc32c(out.subarray(0, 8))), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskCrc(crc32c(data)), true);
  return out;
}

/** The Event proto of one scalar. */
export function scalarEvent(tag: string, value: number, step: number, wallTime: number): Uint8Array {
  const v = new ProtoWriter();
  v.string(1, tag);
  v.float(2, value);
  const summary = new ProtoWriter();
  summary.message(1, v);
  const e = new ProtoWriter();
  e.double(1, wallTime);
  e.int64(2, step);
  e.message(5, summary);
  return e.finish();
}

/** The first Event of every file: wall_time and file_version. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  const e = new ProtoWriter();
  e.double(1, wallTime);
  e.string(3, TF_EVENT_FILE_VERSION);
  return e.finish();
}

export class TensorBoardWriter implements ScalarSink {
  /** The event file's path. */
  readonly path: string;
  private fd: number | null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly now: () => number;
  private readonly flushBytes: number;

  private constructor(path: string, fd: number, now: () => number, flushBytes: number) {
    this.path = path;
    this.fd = fd;
    this.now = now;
    this.flushBytes = flushBytes;
  }

  /** Creates `dir` (and parents) and a new event file in it, with its header record written. */
  static open(dir: string, options: TensorBoardOptions = {}): TensorBoardWriter {
    const now = options.now ?? (() => Date.now() / 1000);
    const host = (options.host ?? hostname()).replace(/[^\w.-]/g, "_") || "localhost";
    const t = now();
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new InputError("E_FILE", `tensorboard: cannot create directory ${dir}: ${(e as Error).message}`);
    }
    const base = join(dir, `events.out.tfevents.${Math.floor(t)}.${host}`);
    for (let k = 0; ; k++) {
      const path = k === 0 ? base : `${base}.${k}`; // two writers in the same second: never append to another's file
      let fd: number;
      try {
        fd = openSync(path, "wx");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST" && k < 1000) continue;
        throw new InputError("E_FILE", `tensorboard: cannot create ${path}: ${(e as Error).message}`);
      }
      const w = new TensorBoardWriter(path, fd, now, options.flushBytes ?? 65536);
      w.append(fileVersionEvent(t));
      w.flush();
      return w;
    }
  }

  private append(event: Uint8Array): void {
    if (this.fd === null) throw new InputError("E_FILE", `tensorboard: ${this.path} is closed`);
    const rec = tfRecord(event);
    this.pending.push(rec);
    this.pendingBytes += rec.length;
  }

  /** Buffers one scalar (skipped if not finite). `step` is a non-negative integer (e.g. env steps). */
  scalar(tag: string, value: number, step: number): void {
    if (!(Number.isSafeInteger(step) && step >= 0)) throw new InputError("E_INVALID_ARGUMENT", `tensorboard: step must be a non-negative integer, got ${step}`);
    if (tag.length === 0) throw new InputError("E_INVALID_ARGUMENT", "tensorboard: empty tag");
    if (!Number.isFinite(value)) return;
    this.append(scalarEvent(tag, value, step, this.now()));
    if (this.pendingBytes >= this.flushBytes) this.flush();
  }

  /** Buffers every finite entry of `values` as `<prefix><key>` at `step`. */
  scalars(values: Readonly<Record<string, number>>, step: number, prefix = ""): void {
    for (const [k, v] of Object.entries(values)) this.scalar(`${prefix}${k}`, v, step);
  }

  /** Appends the buffered records to the file. */
  flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    for (const rec of this.pending) {
      let off = 0;
      while (off < rec.length) off += writeSync(this.fd, rec, off, rec.length - off);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Flushes and closes the file; further writes throw. Closing twice is harmless. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }
}
