import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { loadMethod, methodFile } from "../table3-method-cell.ts";
import { TABLE3_METHODS } from "./method-registry.ts";

test("every registered method lives in methods/<id>.ts (its cells' keys hash that file) and loads from it", async () => {
  const ids = TABLE3_METHODS.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
  for (const m of TABLE3_METHODS) {
    assert.ok(existsSync(methodFile(m.id)), `methods/${m.id}.ts`);
    assert.equal(await loadMethod(m.id), m, `methods/${m.id}.ts exports the registered object`);
  }
  assert.throws(() => methodFile("../table3"), RangeError);
});
