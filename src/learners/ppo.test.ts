import { test } from "node:test";
import assert from "node:assert/strict";
import { NumericalError } from "../core/errors.ts";
import { TimeLimit } from "../envs/wrappers/time-limit.ts";
import { PointWalk, type PointWalkOptions } from "../envs/testing/point-walk.ts";
import { makeEnv } from "../envs/registry.ts";
import { MLP } from "../nn/mlp.ts";
import { trainPpo } from "./ppo.ts";

/** PointWalk (src/envs/testing) with a 25-step limit, optionally emitting a NaN observation / infinite reward at one step. */
const drift = (fault: PointWalkOptions["fault"] = null) => () => new TimeLimit(new PointWalk({ fault }), 25);
const SMALL = { nSteps: 32, batchSize: 16, nEpochs: 2 };

test("history: one batch per update, per recorded env, raw observations continuous across update boundaries", () => {
  const r = trainPpo({ numEnvs: 3, normalizeObservations: true, ...SMALL }, drift(), { totalSteps: 3 * 96, seed: 1, recordEnvs: 2 });
  const h = r.history!;
  assert.deepEqual(h.updates.map((u) => u.index), [0, 1, 2]);
  assert.equal(r.steps, 288);
  assert.equal(h.meta.learner, "ppo");
  assert.equal(h.meta.envId, "PointWalk-test");
  for (let u = 0; u < 3; u++) assert.equal(h.transitions(u), 32 * 2, "nSteps × recorded envs");
  const flagged = h.updates.flatMap((u) => u.trajectories).filter((t) => t.terminated || t.truncated);
  assert.ok(flagged.some((t) => t.truncated) && flagged.every((t) => !(t.terminated && t.truncated)));
  // An episode cut at an update boundary continues (same id) from the same raw observation.
  let continued = 0;
  for (let u = 0; u + 1 < 3; u++) {
    for (const tr of h.updates[u]!.trajectories.filter((t) => !t.terminated && !t.truncated)) {
      const next = h.updates[u + 1]!.trajectories.find((t) => t.episode === tr.episode)!;
      assert.deepEqual(next.obs(0), tr.obs(tr.length));
      continued++;
    }
  }
  assert.equal(continued, 4, "2 recorded envs × 2 boundaries");
  // Frozen statistics: one entry per update, update 0 is the prior (mean 0, var 1), later ones moved.
  const norm = h.meta.extra!["obsNorm"] as Array<{ update: number; mean: number[]; var: number[] }>;
  assert.deepEqual(norm.map((s) => s.update), [0, 1, 2]);
  assert.deepEqual(norm[0]!.mean, [0, 0]);
  assert.notDeepEqual(norm[1]!.mean, norm[2]!.mean);
});

test("training is a pure function of (config, seed): same seed → identical parameters, another seed differs", () => {
  const cfg = { numEnvs: 2, ...SMALL };
  const a = trainPpo(cfg, drift(), { totalSteps: 128, seed: 5 });
  const b = trainPpo(cfg, drift(), { totalSteps: 128, seed: 5 });
  const c = trainPpo(cfg, drift(), { totalSteps: 128, seed: 6 });
  assert.deepEqual(a.policy.params, b.policy.params);
  assert.deepEqual(a.value.params, b.value.params);
  assert.notDeepEqual(a.policy.params, c.policy.params);
  const model = JSON.parse(JSON.stringify(a.model()));
  assert.deepEqual(MLP.fromJSON(model.policy).params, a.policy.params);
});

test("onStep returning false stops training; the partial rollout is kept and no update follows", () => {
  let updates = 0;
  const r = trainPpo({ numEnvs: 2, ...SMALL }, drift(), { totalSteps: 1000, seed: 2 }, {
    onStep: ({ steps }) => steps < 70,
    onUpdate: () => void updates++,
  });
  assert.equal(r.stopped, true);
  assert.equal(r.steps, 70);
  assert.equal(updates, 1, "update 0 (64 steps) completed; update 1 stopped after 3 lockstep steps");
  assert.deepEqual(r.history!.updates.map((u) => u.index), [0, 1]);
  assert.equal(r.history!.transitions(1), 2 * 3);
});

test("a NaN observation or an infinite reward stops training with NumericalError naming the update and stage", () => {
  assert.throws(
    () => trainPpo(SMALL, drift({ at: 40, kind: "obs" }), { totalSteps: 500, seed: 0 }),
    (e: unknown) => e instanceof NumericalError && /update 1, stage rollout: env 0 step 7 observation\[1\]/.test(e.message),
  );
  assert.throws(
    () => trainPpo(SMALL, drift({ at: 3, kind: "reward" }), { totalSteps: 500, seed: 0 }),
    (e: unknown) => e instanceof NumericalError && /non-finite reward Infinity at update 0, stage rollout/.test(e.message),
  );
});

test("PPO improves Pendulum-v1's return on each of 3 seeds (Welch t > 3 per seed, first vs last 8 updates)", () => {
  // Budget 40,960 steps per seed (~10 s each here), Pendulum-friendly settings in the spirit of rl-zoo
  // (4 envs, γ = 0.9, lr 1e-3): SB3's defaults (γ = 0.99, 2048-step rollouts) need far more steps on Pendulum.
  const returnsOf = (h: NonNullable<ReturnType<typeof trainPpo>["history"]>, us: number[]): number[] =>
    h.updates.filter((u) => us.includes(u.index)).flatMap((u) => u.trajectories.filter((t) => t.truncated || t.terminated).map((t) => t.return));
  for (const seed of [0, 1, 2]) {
    const r = trainPpo({ numEnvs: 4, nSteps: 256, gamma: 0.9, learningRate: 1e-3 }, () => makeEnv("Pendulum-v1"), { totalSteps: 40960, seed });
    const h = r.history!;
    const first = returnsOf(h, [0, 1, 2, 3, 4, 5, 6, 7]);
    const last = returnsOf(h, [32, 33, 34, 35, 36, 37, 38, 39]);
    assert.ok(first.length >= 30 && last.length >= 30, "≥ 30 finished episodes in each window");
    const t = welchT(last, first);
    assert.ok(t > 3, `seed ${seed}: mean return ${mean(first).toFixed(0)} → ${mean(last).toFixed(0)}, Welch t = ${t.toFixed(2)}`);
  }
});

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
function welchT(a: number[], b: number[]): number {
  const v = (xs: number[]): number => {
    const m = mean(xs);
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  };
  return (mean(a) - mean(b)) / Math.sqrt(v(a) / a.length + v(b) / b.length);
}
