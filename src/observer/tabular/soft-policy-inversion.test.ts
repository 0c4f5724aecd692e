import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../core/errors.ts";
import { gridWorld, GRID_ALPHA } from "../../envs/tabular/grid-world.ts";
import { softPolicyImprovement, uniformPolicy } from "../../solvers/soft-policy.ts";
import { invertSoftImprovement, policyKl } from "./soft-policy-inversion.ts";

test("KL between policies, with 0 ln 0 = 0", () => {
  const kl = policyKl(Float64Array.from([1, 0, 0.5, 0.5]), Float64Array.from([0.5, 0.5, 0.25, 0.75]), 2, 2);
  assert.ok(Math.abs(kl[0]! - Math.log(2)) < 1e-15);
  assert.ok(Math.abs(kl[1]! - (0.5 * Math.log(2) + 0.5 * Math.log(2 / 3))) < 1e-15);
});

test("on the grid, r̄1→2 is α ln π2 where every successor has the same KL, e.g. at the reset states", () => {
  const mdp = gridWorld();
  const pi1 = uniformPolicy(25, 4), pi2 = softPolicyImprovement(mdp, pi1, GRID_ALPHA);
  const rBar = invertSoftImprovement(mdp, pi1, pi2, GRID_ALPHA);
  // From the goal (24) every action leads to the start (0): r̄(24,a) − r̄(24,b) = α (ln π2(a|24) − ln π2(b|24)) = 0.
  for (let a = 1; a < 4; a++) assert.ok(Math.abs(rBar[24 * 4 + a]! - rBar[24 * 4]!) < 1e-12);
});

test("bad policies are rejected, naming the entry", () => {
  const mdp = gridWorld();
  const u = uniformPolicy(25, 4);
  const zero = Float64Array.from(u);
  zero[7 * 4 + 2] = 0;
  zero[7 * 4 + 3] = 0.5;
  assert.throws(() => invertSoftImprovement(mdp, u, zero, 0.3), (e: unknown) => e instanceof InputError && /pi2\[7\]\[2\]/.test(e.message));
  assert.throws(() => invertSoftImprovement(mdp, u, u.subarray(4), 0.3), (e: unknown) => e instanceof InputError && /pi2 has 96 entries/.test(e.message));
  assert.throws(() => invertSoftImprovement(mdp, u, u, 0), (e: unknown) => e instanceof InputError && /alpha/.test(e.message));
});
