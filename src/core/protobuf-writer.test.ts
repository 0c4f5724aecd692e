import { test } from "node:test";
import assert from "node:assert/strict";
import { ProtoWriter } from "./protobuf-writer.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

test("varint fields follow the encoding guide's examples", () => {
  const w = new ProtoWriter();
  w.int64(1, 150); // the guide's example: 08 96 01
  assert.equal(hex(w.finish()), "089601");
  const neg = new ProtoWriter();
  neg.int64(2, -1); // negative int64: ten bytes of two's complement
  assert.equal(hex(neg.finish()), "10ffffffffffffffffff01");
  const big = new ProtoWriter();
  big.int64(16, 2n ** 63n - 1n); // field 16 needs a two-byte tag
  assert.equal(hex(big.finish()), "8001ffffffffffffffff7f");
});

test("strings, nested messages, fixed-width numbers and packed ints", () => {
  const inner = new ProtoWriter();
  inner.string(2, "testing"); // the guide's example: 12 07 74 65 73 74 69 6e 67
  assert.equal(hex(inner.finish()), "120774657374696e67");
  const outer = new ProtoWriter();
  outer.message(3, inner);
  assert.equal(hex(outer.finish()), "1a09120774657374696e67");
  const f = new ProtoWriter();
  f.double(1, 1);
  f.float(2, 1);
  assert.equal(hex(f.finish()), "09000000000000f03f150000803f");
  const p = new ProtoWriter();
  p.packedInt64(4, [3, 270, 86942]); // the guide's packed example: 22 06 03 8e 02 9e a7 05
  assert.equal(hex(p.finish()), "2206038e029ea705");
  assert.throws(() => new ProtoWriter().int64(0, 1), /field number/);
});
