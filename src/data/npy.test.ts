import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { decodeNpy, encodeNpy, npyHeaderBytes, parseNpyHeader, type NpyArray } from "./npy.ts";

/**
 * Checks an .npy file byte by byte against the format spec (numpy.lib.format, NEP 1), independently of our
 * parser: magic, version 1.0, little-endian uint16 header length, data aligned to 64 bytes, an ASCII dict
 * literal ended by spaces and one '\n', and exactly prod(shape)·itemsize data bytes. Returns the dict text.
 */
function assertNpySpec(bytes: Uint8Array, descr: string, shape: readonly number[], itemsize: number): string {
  assert.deepEqual([...bytes.subarray(0, 6)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], "magic \\x93NUMPY");
  assert.equal(bytes[6], 1, "major version");
  assert.equal(bytes[7], 0, "minor version");
  const hlen = bytes[8]! + 256 * bytes[9]!;
  assert.equal((10 + hlen) % 64, 0, "data starts on a 64-byte boundary");
  const text = Buffer.from(bytes.subarray(10, 10 + hlen)).toString("latin1");
  assert.ok(/^[\x20-\x7e]*\n$/.test(text), "header is printable ASCII ended by a single newline");
  const dict = text.slice(0, -1).trimEnd();
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  assert.equal(dict, `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`);
  assert.equal(bytes.length - 10 - hlen, shape.reduce((a, b) => a * b, 1) * itemsize, "data length = prod(shape)·itemsize");
  return dict;
}

/** An .npy file with an arbitrary header dict (padded per the spec) and data bytes. */
function npyWith(dict: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const pad = 64 - ((pre + dict.length + 1) % 64);
  const text = dict + " ".repeat(pad) + "\n";
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) out.set([text.length & 0xff, text.length >> 8], 8);
  else out.set([text.length & 0xff, text.length >> 8, 0, 0], 8);
  out.set(Buffer.from(text, "latin1"), pre);
  out.set(data, pre + text.length);
  return out;
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.code === "E_INVALID_HISTORY" && pattern.test(e.message), `expected InputError matching ${pattern}`);
}

test("headers are byte-identical to numpy.save 1.24 (v1.0, growth padding, 64-byte alignment)", () => {
  // numpy 1.24.2: np.save(np.zeros((3, 2))) has a 118-byte header (0x76), 176 bytes in all.
  const f = encodeNpy({ dtype: "f8", shape: [3, 2], data: new Float64Array(6) });
  assert.equal(f.length, 176);
  assert.deepEqual([...f.subarray(0, 10)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x76, 0]);
  const expected = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }" + " ".repeat(58) + "\n";
  assert.equal(Buffer.from(f.subarray(10, 128)).toString("latin1"), expected);
  assertNpySpec(f, "<f8", [3, 2], 8);
  assertNpySpec(encodeNpy({ dtype: "i8", shape: [5], data: new BigInt64Array(5) }), "<i8", [5], 8);
  assertNpySpec(encodeNpy({ dtype: "b1", shape: [0], data: new Uint8Array(0) }), "|b1", [0], 1);
  assertNpySpec(encodeNpy({ dtype: "f8", shape: [], data: new Float64Array(1) }), "<f8", [], 8);
  for (let n = 0; n < 200; n += 7) assertNpySpec(npyHeaderBytes("f8", [10 ** (n % 13), n]), "<f8", [10 ** (n % 13), n], 0);
});

test("each dtype round-trips, including empty and scalar shapes", () => {
  const cases: NpyArray[] = [
    { dtype: "f8", shape: [2, 3], data: Float64Array.of(1.5, -0, 1e-310, Number.MAX_VALUE, -2, 3) },
    { dtype: "f8", shape: [0, 4], data: new Float64Array(0) },
    { dtype: "f8", shape: [], data: Float64Array.of(Math.PI) },
    { dtype: "i8", shape: [4], data: BigInt64Array.of(0n, -1n, 2n ** 62n, -(2n ** 63n)) },
    { dtype: "b1", shape: [3], data: Uint8Array.of(1, 0, 1) },
  ];
  for (const a of cases) {
    const back = decodeNpy(encodeNpy(a), "x");
    assert.equal(back.dtype, a.dtype);
    assert.deepEqual(back.shape, a.shape);
    assert.deepEqual([...back.data], [...a.data]);
  }
});

test("format 2.0 and 3.0 headers are read", () => {
  for (const v of [2, 3]) {
    const a = decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(new Float64Array([1, 2]).buffer), v), "x");
    assert.deepEqual([...a.data], [1, 2]);
  }
});

test("bad headers are rejected with the array named", () => {
  const ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
  const eight = new Uint8Array(8);
  const wrongMagic = npyWith(ok, eight);
  wrongMagic[1] = 0x4f;
  rejects(() => decodeNpy(wrongMagic, "obs"), /'obs'.*magic/);
  rejects(() => decodeNpy(npyWith(ok, eight, 4), "obs"), /'obs'.*version 4\.0/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", eight), "obs"), /'obs'.*unsupported dtype '<f4' \(float32\)/);
  rejects(() => decodeNpy(npyWith("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", eight), "rewards"), /'rewards'.*'>f8'/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", eight), "obs"), /Fortran/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'shape': (1,), }", eight), "obs"), /lacks/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", eight), "obs"), /unexpected key 'x'/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", eight), "obs"), /malformed/);
  rejects(() => decodeNpy(npyWith("__import__('os')", eight), "obs"), /malformed/);
  rejects(() => decodeNpy(npyWith(ok, new Uint8Array(7)), "obs"), /'obs'.*needs 8 data bytes but the file holds 7/);
  rejects(() => decodeNpy(npyWith(ok, new Uint8Array(9)), "obs"), /holds 9/);
  rejects(() => decodeNpy(npyWith("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", Uint8Array.of(1, 2)), "terminated"), /'terminated'.*element 1 is byte 2/);
  rejects(() => decodeNpy(new Uint8Array(5), "obs"), /too short/);
  const hugeLen = npyWith(ok, eight, 2);
  hugeLen.set([0xff, 0xff, 0xff, 0x7f], 8);
  rejects(() => parseNpyHeader(hugeLen, "obs"), /exceeds/);
});

test("a header claiming 1e12 elements is refused from the header alone, before any allocation", () => {
  const h = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", new Uint8Array(16));
  rejects(() => parseNpyHeader(h, "obs"), /'obs'.*1000000000000 elements, more than the limit/);
  rejects(() => decodeNpy(h, "obs"), /1000000000000 elements/);
  rejects(() => parseNpyHeader(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }"), "obs"), /absurd/);
  // Within the element limit but far beyond the bytes present: rejected by the length check, still before allocating.
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000,), }", new Uint8Array(16)), "obs"), /needs 800000000 data bytes but the file holds 16/);
});
