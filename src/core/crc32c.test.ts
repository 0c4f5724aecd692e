import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32c, maskCrc, unmaskCrc } from "./crc32c.ts";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test("crc32c matches the standard check value and RFC 3720 §B.4 vectors", () => {
  assert.equal(crc32c(ascii("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

test("maskCrc rotates right by 15 and adds 0xA282EAD8; unmaskCrc inverts it", () => {
  assert.equal(maskCrc(0), 0xa282ead8);
  assert.equal(maskCrc(0xe3069283), 0xc78ab0e5);
  for (const c of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xe3069283, 0x12345678]) assert.equal(unmaskCrc(maskCrc(c)), c);
});
