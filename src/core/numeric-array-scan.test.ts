import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { scanNumericArray } from "./numeric-array-scan.ts";

test("property: every finite double, as JSON.stringify prints it or in fixed notation, scans to the double JSON.parse gives", () => {
  fc.assert(fc.property(fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 20 }), (rows, digits) => {
    for (const text of [JSON.stringify(rows), `[${rows.map((r) => `[ ${r.map((x) => (Math.abs(x) < 1e15 ? x.toFixed(digits) : String(x))).join(" ,\n")} ]`).join(",")}]`]) {
      const want = (JSON.parse(text) as number[][]).flat();
      const got = scanNumericArray(text, 0, 2, 100);
      assert.ok(got, text);
      assert.deepEqual(got.shape, [rows.length, 3]);
      assert.equal(got.end, text.length);
      assert.deepEqual([...got.data].map((x) => Object.is(x, -0) ? "-0" : x), want.map((x) => Object.is(x, -0) ? "-0" : x), text);
    }
  }), { numRuns: 300, seed: 12 });
});

test("anything irregular returns undefined (the caller's slow path names it)", () => {
  for (const text of ["[[1,2],[3]]", "[[1,2],3]", "[[1,null]]", '[["1"]]', "[[01]]", "[[1.]]", "[[-]]", "[[NaN]]", "[[1e400]]", "[[1,2]", "[[[1]]]", "[[1,,2]]", "[[1 2]]", "[[.5]]", "[[1e]]"]) {
    assert.equal(scanNumericArray(text, 0, 2, 100), undefined, text);
  }
  assert.equal(scanNumericArray("[[1,2,3]]", 0, 2, 2), undefined, "more entries than capacity");
  const ok = scanNumericArray("x [[],[]] y", 2, 2, 4);
  assert.deepEqual(ok && { shape: ok.shape, end: ok.end, n: ok.data.length }, { shape: [2, 0], end: 9, n: 0 });
  const e = scanNumericArray("[[1e3,-2.5E-1,0.1234567890123456789]]", 0, 2, 4)!;
  assert.deepEqual([...e.data], [1000, -0.25, 0.1234567890123456789]);
});
