import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { numericGrad, relError } from "../nn/grad-check.ts";
import { AirlDiscriminator, concatTransitions, transitionsOfUpdates } from "./airl-reward.ts";
import type { TransitionBatch } from "./reward-fn.ts";

/** n random 2-D transitions (1-D actions), the i-th terminated where `term(i)`. */
function batch(n: number, rng: Rng, centre = 0, term = (_i: number) => false): TransitionBatch {
  const g = (): number => centre + rng.normal();
  return {
    n, obs: Float64Array.from({ length: 2 * n }, g), nextObs: Float64Array.from({ length: 2 * n }, g),
    actions: Float64Array.from({ length: n }, () => rng.normal()), terminated: Uint8Array.from({ length: n }, (_, i) => (term(i) ? 1 : 0)),
  };
}

test("f = g(s) + γ(1 − terminated) h(s′) − h(s), and the recovered reward is g alone, standardised over the given rows", () => {
  const rng = new Rng(1), b = batch(6, rng, 0, (i) => i % 2 === 1);
  const d = AirlDiscriminator.forDemonstrations(b, 2, 1, rng.split(), { gamma: 0.9 });
  const f = d.f(b);
  const g = d.reward(b.obs, b.n);
  const z = (x: Float64Array): Float64Array => { const o = new Float64Array(x.length); d.norm.stats.normalize(x, o, x.length / 2, d.norm.clip, 1e-8); return o; };
  const hs = d.h.forward(z(b.obs), b.n).slice(), hs2 = d.h.forward(z(b.nextObs), b.n).slice();
  for (let i = 0; i < b.n; i++) {
    const want = g[i]! + (i % 2 === 1 ? 0 : 0.9 * hs2[i]!) - hs[i]!;
    assert.ok(Math.abs(f[i]! - want) < 1e-12, `row ${i}: f ${f[i]} vs ${want}`);
  }
  const r = d.recoveredReward(b).evaluate(b);
  const mean = r.reduce((a, x) => a + x) / r.length, sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / r.length);
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(sd - 1) < 1e-9, `standardised: mean ${mean}, sd ${sd}`);
  // r is an increasing affine map of g, and does not depend on a or s′.
  const other = { ...b, actions: b.actions.map((a) => a + 5), nextObs: b.nextObs.map((x) => -x) };
  assert.deepEqual(d.recoveredReward(b).evaluate(other), r);
  for (let i = 1; i < b.n; i++) assert.equal(Math.sign(r[i]! - r[0]!), Math.sign(g[i]! - g[0]!));
});

test("the discriminator's logistic-loss gradient (through f − ln π, both networks, terminations) matches finite differences", () => {
  const rng = new Rng(2), b = batch(8, rng, 0, (i) => i === 2 || i === 6);
  const d = AirlDiscriminator.forDemonstrations(b, 2, 1, rng.split(), { hidden: [5] });
  const lp = Float64Array.from({ length: b.n }, () => rng.normal());
  d.lossAndGrad(b, lp, 3);
  const gg = d.g.grads.slice(), hg = d.h.grads.slice();
  const loss = (): number => d.lossAndGrad(b, lp, 3);
  assert.ok(relError(gg, numericGrad(d.g.params, loss)) < 1e-6, "g");
  assert.ok(relError(hg, numericGrad(d.h.params, loss)) < 1e-6, "h");
});

test("training separates demonstrations from samples by their STATES and gives demonstrated states the larger g", () => {
  const rng = new Rng(3), demos = batch(200, rng, 1), samples = batch(200, rng, -1);
  const d = AirlDiscriminator.forDemonstrations(demos, 2, 1, rng.split());
  const logPi = (_o: Float64Array, a: Float64Array, n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => -0.5 * a[i]! ** 2 - 0.919);
  const all = concatTransitions([demos, samples]), lpAll = logPi(all.obs, all.actions, all.n);
  const before = d.lossAndGrad(all, lpAll, demos.n);
  let s = d.train(demos, samples, logPi, rng.split());
  for (let k = 0; k < 10; k++) s = d.train(demos, samples, logPi, rng.split());
  const after = d.lossAndGrad(all, lpAll, demos.n);
  assert.ok(after < 0.5 * before, `loss ${before} → ${after}`);
  assert.ok(s.expertAccuracy > 0.8 && s.generatorAccuracy > 0.8, `accuracies ${s.expertAccuracy}, ${s.generatorAccuracy}`);
  const r = d.recoveredReward(demos);
  const mean = (x: Float64Array): number => x.reduce((a, v) => a + v) / x.length;
  assert.ok(mean(r.evaluate(demos)) > mean(r.evaluate(samples)) + 0.5);
  assert.throws(() => d.train(demos, { ...samples, n: 0, obs: new Float64Array(0), actions: new Float64Array(0), nextObs: new Float64Array(0), terminated: new Uint8Array(0) }, logPi, rng), /needs demonstrations and samples/);
});

test("transitionsOfUpdates copies the (s, a, s′, terminated) rows of the chosen updates only", () => {
  const rows = [0, 0, 1, 1, 1, 2];
  const n = rows.length;
  const c: HistoryColumns = {
    meta: { envId: "x", learner: "x", observationSpace: { kind: "box", dim: 1 } as never, actionSpace: { kind: "box", dim: 1 } as never },
    updates: [0, 1, 2], n,
    obs: Float64Array.from(rows, (_, i) => i), nextObs: Float64Array.from(rows, (_, i) => i + 0.5), actions: Float64Array.from(rows, (_, i) => -i),
    rewards: new Float64Array(n).fill(NaN), terminated: Uint8Array.from(rows, (_, i) => (i === 4 ? 1 : 0)), truncated: new Uint8Array(n),
    update: Float64Array.from(rows), episode: new Float64Array(n),
  };
  const t = transitionsOfUpdates(c, [1]);
  assert.equal(t.n, 3);
  assert.deepEqual([...t.obs], [2, 3, 4]);
  assert.deepEqual([...t.nextObs], [2.5, 3.5, 4.5]);
  assert.deepEqual([...t.actions], [-2, -3, -4]);
  assert.deepEqual([...t.terminated], [0, 0, 1]);
  t.obs[0] = 99;
  assert.equal(c.obs[2], 2, "a copy");
  assert.throws(() => transitionsOfUpdates(c, [7]), /no transitions in update/);
});
