import { test } from "node:test";
import assert from "node:assert/strict";
import type { CellSpec } from "../engine/cell.ts";
import { CellSchedule } from "./cell-schedule.ts";
import { MemoryCellStore } from "./sweep-types.ts";

const cell = (key: string, inputs: string[] = []): CellSpec => ({ key, label: `x/${key}`, experiment: "x", runner: "r.ts", payload: null, inputs });

test("ready cells: inputs finished (done, cached or only in the store), in the caller's order", () => {
  const store = new MemoryCellStore();
  store.put("old", 1); // an input from an earlier sweep, not a cell of this one
  store.put("b", 2);
  const s = new CellSchedule([cell("a"), cell("b"), cell("c", ["a", "b"]), cell("d", ["old"]), cell("e", ["c"])], store);
  assert.deepEqual(s.cachedCells().map((c) => c.key), ["b"]);
  assert.deepEqual(s.ready().map((c) => c.key), ["a", "d"]);
  s.markRunning("a");
  assert.deepEqual(s.ready().map((c) => c.key), ["d"]);
  assert.equal(s.running, 1);
  s.markDone("a");
  assert.deepEqual(s.ready().map((c) => c.key), ["c", "d"]);
  assert.equal(s.unfinished, 3);
});

test("ready cells sharing no input with a running cell come first (workers spread over (env, seed) groups)", () => {
  const store = new MemoryCellStore();
  store.put("learner-0", 1);
  store.put("learner-1", 2);
  const s = new CellSchedule([cell("m0", ["learner-0"]), cell("q0", ["learner-0"]), cell("m1", ["learner-1"]), cell("q1", ["learner-1"]), cell("z")], store);
  assert.deepEqual(s.ready().map((c) => c.key), ["m0", "q0", "m1", "q1", "z"]);
  s.markRunning("m0");
  assert.deepEqual(s.ready().map((c) => c.key), ["m1", "q1", "z", "q0"]);
  s.markRunning("m1");
  assert.deepEqual(s.ready().map((c) => c.key), ["z", "q0", "q1"]);
});

test("a failure skips its transitive dependents only", () => {
  const s = new CellSchedule([cell("a"), cell("b", ["a"]), cell("c", ["b"]), cell("d"), cell("e", ["d", "b"])], new MemoryCellStore());
  s.markRunning("a");
  assert.deepEqual(s.markFailed("a").map((r) => r.key).sort(), ["b", "c", "e"]);
  assert.deepEqual(s.ready().map((c) => c.key), ["d"]);
  assert.equal(s.unfinished, 1);
});

test("identical duplicates are merged; cycles and unknown inputs are refused", () => {
  assert.equal(new CellSchedule([cell("a"), cell("a")], new MemoryCellStore()).cells.length, 1);
  assert.throws(() => new CellSchedule([cell("a", ["c"]), cell("b", ["a"]), cell("c", ["b"])], new MemoryCellStore()), /cycle \(among x\/a, x\/b, x\/c\)/);
  assert.throws(() => new CellSchedule([cell("a", ["zz"])], new MemoryCellStore()), /reads input zz, which is neither a cell of the sweep nor in the store/);
});
