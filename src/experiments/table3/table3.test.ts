import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../core/errors.ts";
import { TABLE3_SCALES, parseWindow, withWindow } from "./table3.ts";

test("parseWindow reads 'from-to/step' inclusively and plain lists", () => {
  assert.deepEqual(parseWindow("100-200/25"), [100, 125, 150, 175, 200]);
  assert.deepEqual(parseWindow("10-13"), [10, 11, 12, 13]);
  assert.deepEqual(parseWindow("3, 5,9"), [3, 5, 9]);
  for (const bad of ["", "a-b", "10-5", "1-9/0", "1,,2", "-3,4"]) {
    assert.throws(() => parseWindow(bad), (e: unknown) => e instanceof InputError && e.code === "E_USAGE", bad);
  }
});

test("withWindow replaces one env's window and leaves the scale and the other envs untouched", () => {
  const full = TABLE3_SCALES.full;
  const before = JSON.stringify(full);
  const s = withWindow(full, "Ant-v5", [100, 125, 150]);
  assert.deepEqual(s.envs.find((e) => e.id === "Ant-v5")!.window, [100, 125, 150]);
  assert.deepEqual(s.envs.find((e) => e.id === "Hopper-v5")!.window, full.envs.find((e) => e.id === "Hopper-v5")!.window);
  assert.equal(JSON.stringify(full), before);
  assert.throws(() => withWindow(full, "Pendulum-v1", [1, 2]), /not an env of the 'full' scale/);
  assert.throws(() => withWindow(full, "Ant-v5", [5]), /at least two increasing/);
  assert.throws(() => withWindow(full, "Ant-v5", [5, 5]), /at least two increasing/);
});
