// Hand-computed checks of the issue-15 additions: the discounted occupancy behind the OFF-SUPPORT flag, planning
// within the data's support, and the bootstrap's centring (a constant added to a reward changes no policy).
import { test } from "node:test";
import assert from "node:assert/strict";
import { TabularMdp } from "../../src/envs/tabular/tabular-mdp.ts";
import { discountedOccupancy } from "../../src/observer/tabular/observer-flags.ts";
import { centreReward } from "../../src/observer/tabular/reward-bootstrap.ts";
import { supportedReward } from "../../src/observer/tabular/tabular-lfl.ts";

// Two states A, B; actions stay / switch (examples/two-state.json), γ = 0.5, start A.
const mdp = new TabularMdp({ nS: 2, nA: 2, gamma: 0.5, start: [1, 0], P: [1, 0, 0, 1, 0, 1, 1, 0], r: [0, 0, 1, 1] });

test("discounted occupancy: 'always switch' spends (1−γ)Σγ^{2t} = 1/(1+γ) in A and γ/(1+γ) in B", () => {
  const occ = discountedOccupancy(mdp, Float64Array.from([0, 1, 0, 1]));
  assert.ok(Math.abs(occ[1]! - 1 / 1.5) < 1e-9, `A: ${occ[1]}`);
  assert.ok(Math.abs(occ[3]! - 0.5 / 1.5) < 1e-9, `B: ${occ[3]}`);
  assert.equal(occ[0], 0);
  // 'always stay' never leaves (A, stay); a 50/50 policy splits A's mass evenly between its actions.
  assert.ok(Math.abs(discountedOccupancy(mdp, Float64Array.from([1, 0, 1, 0]))[0]! - 1) < 1e-9);
  const half = discountedOccupancy(mdp, Float64Array.from([0.5, 0.5, 0.5, 0.5]));
  assert.ok(Math.abs(half[0]! - half[1]!) < 1e-12);
  assert.ok(Math.abs(half.reduce((a, b) => a + b, 0) - 1) < 1e-9);
});

test("planning within support: a rarely tried action gets its state's lowest well-supported reward minus the penalty; a thin state the global one", () => {
  // Rewards (A,stay)=5 tried twice, (A,switch)=1 tried 50 times, (B,stay)=3 and (B,switch)=2 tried once each.
  const r = Float64Array.from([5, 1, 3, 2]), n = Float64Array.from([2, 50, 1, 1]);
  assert.deepEqual(Array.from(supportedReward(r, n, 2, 2, 10, 0.5)), [0.5, 1, 0.5, 0.5]);
  assert.deepEqual(Array.from(supportedReward(r, n, 2, 2, 0, 0.5)), [5, 1, 3, 2]);
  assert.throws(() => supportedReward(r, n, 2, 2, -1, 0), /E_INVALID_CONFIG|supportVisits/);
});

test("centring: the visit-weighted mean (weights n+1) is removed, differences are kept", () => {
  const c = centreReward(Float64Array.from([1, 2, 3, 4]), Float64Array.from([0, 1, 2, 3]));
  const mean = (1 * 1 + 2 * 2 + 3 * 3 + 4 * 4) / 10;
  assert.ok(Math.abs(c[0]! - (1 - mean)) < 1e-12);
  assert.ok(Math.abs(c[3]! - c[0]! - 3) < 1e-12);
});
