import { test } from "node:test";
import assert from "node:assert/strict";
import { assertFinite, check, InputError, LflError, NumericalError } from "./errors.ts";

test("check() throws an InputError carrying the stable code", () => {
  assert.throws(() => check(false, "E_INVALID_MDP", "P[0,1] sums to 0.9"), (e: unknown) =>
    e instanceof InputError && e instanceof LflError && e.code === "E_INVALID_MDP" && e.message === "P[0,1] sums to 0.9");
  check(true, "E_USAGE", "never thrown");
});

test("assertFinite() names where the first NaN is", () => {
  assert.throws(() => assertFinite([1, NaN], "loss"), (e: unknown) => e instanceof NumericalError && /loss\[1\]/.test(e.message));
  assertFinite(new Float64Array([0, 1]), "ok");
});
