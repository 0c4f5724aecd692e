import { test } from "node:test";
import assert from "node:assert/strict";
import { TabularReward } from "./tabular-reward.ts";
import { ensembleReward, normalisedReward, shapedReward, standardisedReward } from "./reward-wrappers.ts";
import type { TransitionBatch } from "./reward-fn.ts";

const batch = (obs: number[], actions: number[], nextObs: number[], terminated: number[]): TransitionBatch =>
  ({ n: obs.length, obs: Float64Array.from(obs), actions: Float64Array.from(actions), nextObs: Float64Array.from(nextObs), terminated: Uint8Array.from(terminated) });

test("TabularReward answers the RewardFn contract for r(s,a) and r(s); out-of-range indices are refused", () => {
  const sa = new TabularReward(2, 2, Float64Array.from([1, 2, 3, 4]));
  assert.deepEqual([...sa.evaluate(batch([0, 1, 1], [1, 0, 1], [1, 0, 0], [0, 0, 1]))], [2, 3, 4]);
  const s = new TabularReward(2, 2, Float64Array.from([5, 7]));
  assert.deepEqual([...s.evaluate(batch([1, 0], [0, 1], [0, 0], [0, 0]))], [7, 5]);
  assert.throws(() => sa.evaluate(batch([2], [0], [0], [0])), /outside 2 × 2/);
  assert.throws(() => new TabularReward(2, 2, new Float64Array(3)), /expected/);
});

test("wrappers compose: normalise, shape with terminal potential 0, ensemble mean − β·std", () => {
  const base = new TabularReward(3, 1, Float64Array.from([0, 1, 2]));
  const b = batch([0, 1, 2], [0, 0, 0], [1, 2, 0], [0, 0, 1]);
  assert.deepEqual([...normalisedReward(base, 1, 2).evaluate(b)], [-2, 0, 2]);
  const phi = (obs: Float64Array, n: number) => Float64Array.from({ length: n }, (_, i) => 10 * obs[i]!);
  // r + γΦ(s′) − Φ(s); the terminal transition's Φ(s′) counts as 0.
  assert.deepEqual([...shapedReward(base, phi, 0.5).evaluate(b)], [0 + 5 - 0, 1 + 10 - 10, 2 + 0 - 20]);
  // Shaping telescopes: over an episode ending in a terminal state the shaped return differs by −Φ(s0) only.
  const shaped = shapedReward(base, phi, 1).evaluate(b);
  const sum = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sum(shaped) - sum(base.evaluate(b)) + phi(b.obs, 1)[0]!) < 1e-12);
  const other = new TabularReward(3, 1, Float64Array.from([2, 1, 0]));
  assert.deepEqual([...ensembleReward([base, other]).evaluate(b)], [1, 1, 1]);
  assert.deepEqual([...ensembleReward([base, other], 1).evaluate(b)], [0, 1, 0]);
  assert.match(shapedReward(normalisedReward(base, 0, 1), phi, 0.9).name, /^shaped\(normalised\(tabular/);
});

test("standardisedReward: mean 0 and std 1 over the batch it is fitted on, the same affine map elsewhere; a constant base keeps its scale", () => {
  const base = new TabularReward(4, 1, Float64Array.from([1, 3, 5, 10]));
  const fit = batch([0, 1, 2], [0, 0, 0], [0, 0, 0], [0, 0, 0]);
  const r = standardisedReward(base, fit);
  const onFit = [...r.evaluate(fit)];
  // base 1, 3, 5: mean 3, population std √(8/3).
  const sd = Math.sqrt(8 / 3);
  onFit.forEach((x, i) => assert.ok(Math.abs(x - [-2 / sd, 0, 2 / sd][i]!) < 1e-12));
  assert.ok(Math.abs(r.evaluate(batch([3], [0], [0], [0]))[0]! - 7 / sd) < 1e-12);
  const flat = standardisedReward(new TabularReward(2, 1, Float64Array.from([4, 4])), batch([0, 1], [0, 0], [0, 0], [0, 0]));
  assert.deepEqual([...flat.evaluate(batch([0, 1], [0, 0], [0, 0], [0, 0]))], [0, 0]);
  assert.throws(() => standardisedReward(base, batch([], [], [], [])), /empty/);
});
