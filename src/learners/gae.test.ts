import { test } from "node:test";
import assert from "node:assert/strict";
import { computeGae } from "./gae.ts";

test("GAE equals the hand-computed λ-return on a chain with a terminal and a truncation (T = 5, E = 1)", () => {
  // Steps: s0 → s1 → s2 (terminal) | s3 → s4 (truncated: final obs has V = 10) | s5 → … (cut, V(s_T) = 4).
  const gamma = 0.9, lambda = 0.8;
  const r = [1, 2, 3, 4, 5];
  const V = [0.5, 1.5, -1, 2, 3];
  const term = [0, 0, 1, 0, 0], trunc = [0, 0, 0, 1, 0];
  const vFinalTrunc = 10, vLast = 4;
  const adv = new Float64Array(5), ret = new Float64Array(5);
  computeGae({
    rewards: Float64Array.from(r), values: Float64Array.from(V), terminated: Uint8Array.from(term), truncated: Uint8Array.from(trunc),
    truncationValues: Float64Array.from([0, 0, 0, vFinalTrunc, 0]), lastValues: Float64Array.of(vLast), T: 5, E: 1, gamma, lambda,
  }, adv, ret);
  // By hand: δ4 = 5 + .9·4 − 3 = 5.6; A4 = 5.6.
  // δ3 = 4 + .9·10 − 2 = 11 (truncation bootstraps from V(final)); A3 = 11 (episode ended: no carry from A4).
  // δ2 = 3 + 0 − (−1) = 4 (terminal: no bootstrap); A2 = 4.
  // δ1 = 2 + .9·(−1) − 1.5 = −0.4; A1 = −0.4 + .72·4 = 2.48.
  // δ0 = 1 + .9·1.5 − 0.5 = 1.85; A0 = 1.85 + .72·2.48 = 3.6356.
  const expected = [3.6356, 2.48, 4, 11, 5.6];
  expected.forEach((a, i) => {
    assert.ok(Math.abs(adv[i]! - a) < 1e-12, `A${i} = ${adv[i]} ≠ ${a}`);
    assert.ok(Math.abs(ret[i]! - (a + V[i]!)) < 1e-12, `return ${i}`);
  });
  // λ = 1 gives the discounted Monte-Carlo return with the bootstrap: G0 = 1 + .9·2 + .81·3 = 5.23.
  computeGae({
    rewards: Float64Array.from(r), values: Float64Array.from(V), terminated: Uint8Array.from(term), truncated: Uint8Array.from(trunc),
    truncationValues: Float64Array.from([0, 0, 0, vFinalTrunc, 0]), lastValues: Float64Array.of(vLast), T: 5, E: 1, gamma, lambda: 1,
  }, adv, ret);
  assert.ok(Math.abs(ret[0]! - 5.23) < 1e-12);
  assert.ok(Math.abs(ret[3]! - (4 + 0.9 * 10)) < 1e-12);
});

test("GAE keeps envs independent in the [T, E] layout", () => {
  const adv = new Float64Array(4), ret = new Float64Array(4);
  // Env 0: rewards 1, 1, not done, V = 0, last V = 0. Env 1: terminal at t = 0.
  computeGae({
    rewards: Float64Array.of(1, 7, 1, 0), values: new Float64Array(4), terminated: Uint8Array.of(0, 1, 0, 0), truncated: new Uint8Array(4),
    truncationValues: new Float64Array(4), lastValues: new Float64Array(2), T: 2, E: 2, gamma: 0.5, lambda: 1,
  }, adv, ret);
  assert.deepEqual(Array.from(ret), [1.5, 7, 1, 0]);
});
