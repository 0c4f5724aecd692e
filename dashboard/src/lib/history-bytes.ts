/**
 * A learning-history `.npz` (docs/history-format.md) read from BYTES, for the browser (the library's reader,
 * src/data/history-file.ts, reads from a path with node:fs). The zip directory is parsed here (STORE as numpy.savez
 * writes, DEFLATE as numpy.savez_compressed, inflated with the platform's DecompressionStream); each member is
 * decoded and checked by the library's own `decodeNpy`, the meta by `parseMeta` and the columns by
 * `validateColumns` — the same checks as `lfl infer`. DOM-free (works in Node 20 too).
 */
import { validateColumns, type HistoryColumns } from "../../../src/data/history-columns.ts";
import { HISTORY_ARRAYS, parseMeta } from "../../../src/data/history-file.ts";
import type { SpaceInfo } from "../../../src/data/learning-history.ts";
import { decodeNpy, formatShape, numbersFromInt64, type NpyArray } from "../../../src/data/npy.ts";

const SIG_END = 0x06054b50, SIG_CENTRAL = 0x02014b50, SIG_LOCAL = 0x04034b50;

function fail(msg: string): never {
  throw new Error(`history file: ${msg}`);
}

async function inflateRaw(data: Uint8Array, expected: number, name: string): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const out = new Uint8Array(expected);
  let at = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > expected) {
      await reader.cancel();
      fail(`zip member '${name}' inflates beyond its declared ${expected} bytes`);
    }
    out.set(value, at);
    at += value.length;
  }
  if (at !== expected) fail(`zip member '${name}' inflates to ${at} bytes, declared ${expected}`);
  return out;
}

/** The members of a zip archive (STORE or DEFLATE), by name. */
export async function readZipBytes(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === SIG_END) {
      end = i;
      break;
    }
  }
  if (end < 0) fail("not a zip archive (no end-of-central-directory record)");
  const count = dv.getUint16(end + 10, true);
  let p = dv.getUint32(end + 16, true);
  const members = new Map<string, Uint8Array>();
  const utf8 = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== SIG_CENTRAL) fail(`corrupt central directory at entry ${k}`);
    const method = dv.getUint16(p + 10, true);
    const csize = dv.getUint32(p + 20, true), usize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true), extraLen = dv.getUint16(p + 30, true), commentLen = dv.getUint16(p + 32, true);
    const local = dv.getUint32(p + 42, true);
    const name = utf8.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== SIG_LOCAL) fail(`zip member '${name}': bad local header`);
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    if (start + csize > bytes.length) fail(`zip member '${name}' runs past the end of the file: truncated?`);
    const raw = bytes.subarray(start, start + csize);
    if (method === 0) members.set(name, raw);
    else if (method === 8) members.set(name, await inflateRaw(raw, usize, name));
    else fail(`zip member '${name}' uses compression method ${method}; only STORE and DEFLATE are supported`);
  }
  return members;
}

function toFloat(a: NpyArray, name: string): Float64Array {
  if (a.dtype === "f8") return a.data;
  if (a.dtype === "b1") return Float64Array.from(a.data);
  return numbersFromInt64(a.data, name);
}

/** Reads and validates a learning-history .npz from its bytes. */
export async function readHistoryBytes(bytes: Uint8Array): Promise<HistoryColumns> {
  const members = await readZipBytes(bytes);
  const metaBytes = members.get("meta.json");
  if (metaBytes === undefined) fail("member 'meta.json' is missing");
  const { meta, updates } = parseMeta(JSON.parse(new TextDecoder().decode(metaBytes)));
  const arrays = new Map<string, NpyArray>();
  for (const name of HISTORY_ARRAYS) {
    const m = members.get(`${name}.npy`);
    if (m === undefined) fail(`array '${name}' is missing (no member '${name}.npy')`);
    arrays.set(name, decodeNpy(m, name));
  }
  const n = arrays.get("obs")!.shape[0] ?? 0;
  const expect = (name: string, dtype: NpyArray["dtype"], shape: number[]): NpyArray => {
    const a = arrays.get(name)!;
    if (a.dtype !== dtype || a.shape.length !== shape.length || a.shape.some((d, k) => d !== shape[k])) {
      fail(`array '${name}' is ${a.dtype} ${formatShape(a.shape)}, expected ${dtype} ${formatShape(shape)}`);
    }
    return a;
  };
  const space = (name: string, s: SpaceInfo): Float64Array => toFloat(s.kind === "discrete" ? expect(name, "i8", [n]) : expect(name, "f8", [n, s.dim]), name);
  const update = toFloat(expect("update", "i8", [n]), "update");
  const cols: HistoryColumns = {
    meta, n, update,
    updates: updates ?? [...new Set(update)].sort((a, b) => a - b),
    obs: space("obs", meta.observationSpace),
    nextObs: space("next_obs", meta.observationSpace),
    actions: space("actions", meta.actionSpace),
    rewards: toFloat(expect("rewards", "f8", [n]), "rewards"),
    terminated: expect("terminated", "b1", [n]).data as Uint8Array,
    truncated: expect("truncated", "b1", [n]).data as Uint8Array,
    episode: toFloat(expect("episode", "i8", [n]), "episode"),
  };
  validateColumns(cols, "input");
  return cols;
}
