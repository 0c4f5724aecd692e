import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { loadMethod, methodFile } from "../table3-method-cell.ts";
import { KNOWN_TABLE3_METHODS, TABLE3_CANDIDATES, TABLE3_METHODS } from "./method-registry.ts";

test("every registered method lives in methods/<id>.ts (its cells' keys hash that file) and loads from it", async () => {
  const ids = KNOWN_TABLE3_METHODS.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
  for (const m of KNOWN_TABLE3_METHODS) {
    assert.ok(existsSync(methodFile(m.id)), `methods/${m.id}.ts`);
    assert.equal(await loadMethod(m.id), m, `methods/${m.id}.ts exports the registered object`);
  }
  assert.throws(() => methodFile("../table3"), RangeError);
});

test("candidates are not in the default table (they run only when named), and only PPO methods are candidates", () => {
  for (const m of TABLE3_CANDIDATES) {
    assert.ok(!TABLE3_METHODS.includes(m), m.id);
    assert.equal(m.kind, "ppo", m.id);
  }
});
