/**
 * A minimal encoder of the Protocol Buffers wire format (protobuf.dev/programming-guides/encoding): enough to
 * write ONNX ModelProto files and TensorBoard Event records by hand, without a protobuf library.
 *
 * A message is built field by field; nested messages are encoded first and embedded as length-delimited bytes.
 * Wire types: 0 = varint (int32/int64/uint64/bool/enum), 1 = 64-bit (double), 2 = length-delimited
 * (string, bytes, sub-message, packed repeated scalars), 5 = 32-bit (float).
 *
 * Usage: `const w = new ProtoWriter(); w.int64(1, 8); w.string(2, "lfl"); const bytes = w.finish();`
 */

const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private rawVarint(value: bigint): void {
    let v = BigInt.asUintN(64, value); // negative int64 → its 64-bit two's complement (10 bytes), as the spec says
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    if (!(Number.isInteger(field) && field >= 1 && field < 2 ** 29)) throw new RangeError(`protobuf field number ${field} is out of range`);
    this.rawVarint(BigInt(field * 8 + wire));
  }

  /** int32 / int64 / uint64 / enum / bool field (varint). */
  int64(field: number, value: number | bigint): void {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new RangeError(`protobuf field ${field}: ${value} is not an integer`);
    this.tag(field, VARINT);
    this.rawVarint(BigInt(value));
  }

  /** double field (fixed 64-bit, little-endian). */
  double(field: number, value: number): void {
    this.tag(field, I64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.push(b);
  }

  /** float field (fixed 32-bit, little-endian; the value is rounded to float32). */
  float(field: number, value: number): void {
    this.tag(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
  }

  /** bytes / embedded message field (length-delimited). */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, LEN);
    this.rawVarint(BigInt(value.length));
    this.push(value);
  }

  /** string field (UTF-8, length-delimited). */
  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  /** Embedded message field: the message's encoded bytes, or a writer that is finished here. */
  message(field: number, value: ProtoWriter | Uint8Array): void {
    this.bytes(field, value instanceof ProtoWriter ? value.finish() : value);
  }

  /** Packed repeated int64 field. */
  packedInt64(field: number, values: readonly (number | bigint)[]): void {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(BigInt(v));
    this.bytes(field, inner.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
