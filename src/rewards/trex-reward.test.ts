import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../core/rng.ts";
import { Pendulum } from "../envs/classic/pendulum.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { trainTrex, trajectoriesByUpdate, trexFromHistory, type RankedTrajectory } from "./trex-reward.ts";
import { pearson } from "../core/correlation.ts";

const T = 100;

/** One Pendulum episode of T steps: with probability `skill` a swing-up/balance heuristic, else a uniform torque. */
function episode(skill: number, seed: number): { traj: RankedTrajectory; ret: number } {
  const env = new Pendulum(), rng = new Rng(seed);
  let o = env.reset({ seed }).observation;
  const obs = new Float64Array(T * 3), actions = new Float64Array(T);
  let ret = 0;
  for (let t = 0; t < T; t++) {
    obs.set(o, 3 * t);
    const th = Math.atan2(o[1]!, o[0]!), thdot = o[2]!;
    const heuristic = o[0]! > 0.8 ? -8 * th - 1.5 * thdot : 2 * Math.sign(thdot || 1);
    const u = rng.uniform() < skill ? Math.max(-2, Math.min(2, heuristic)) : rng.uniformIn(-2, 2);
    actions[t] = u;
    const s = env.step(Float64Array.of(u));
    ret += s.reward;
    o = s.observation;
  }
  return { traj: { rank: ret, length: T, obs, actions }, ret };
}

const learnedReturn = (r: ReturnType<typeof trainTrex>, t: RankedTrajectory) =>
  r.evaluate({ n: t.length, obs: t.obs, actions: t.actions, nextObs: t.obs, terminated: new Uint8Array(t.length) }).reduce((a, b) => a + b, 0);

test("competence: T-REX given true-return rankings of Pendulum episodes learns a reward whose returns correlate ≥ 0.9 with the true returns on held-out episodes", () => {
  const skills = [0, 0.25, 0.5, 0.75, 1];
  const train = Array.from({ length: 40 }, (_, i) => episode(skills[i % 5]!, 1000 + i).traj);
  const held = Array.from({ length: 30 }, (_, i) => episode(skills[i % 5]!, 5000 + i));
  const r = trainTrex(train, 3, 1, { seed: 7 });
  const truth = held.map((h) => h.ret), learned = held.map((h) => learnedReturn(r, h.traj));
  const rho = pearson(learned, truth);
  assert.ok(rho >= 0.9, `Pearson(learned, true) on held-out episodes = ${rho.toFixed(3)}`);
  // The untrained network (0 steps is not allowed; 1 step) is far from that: the score comes from the training.
  const r1 = trainTrex(train, 3, 1, { seed: 7, config: { steps: 1 } });
  assert.ok(pearson(held.map((h) => learnedReturn(r1, h.traj)), truth) < rho);
});

test("rankings from time: trajectories split by update/episode/termination, ranked by update, restricted to the window; same seed → same reward", () => {
  // 3 updates × 2 episodes of 4 steps, a 1-D obs drifting upward with the update (later = larger obs).
  const rows: { u: number; e: number; x: number; term: number }[] = [];
  for (let u = 0; u < 3; u++) for (let e = 0; e < 2; e++) for (let t = 0; t < 4; t++) rows.push({ u, e: 2 * u + e, x: u + 0.1 * t + 0.05 * e, term: t === 3 ? 1 : 0 });
  const n = rows.length;
  const c: HistoryColumns = {
    meta: { envId: "x", learner: "x", observationSpace: { kind: "box", dim: 1 } as never, actionSpace: { kind: "box", dim: 1 } as never },
    updates: [0, 1, 2], n,
    obs: Float64Array.from(rows, (r) => r.x), nextObs: Float64Array.from(rows, (r) => r.x + 0.1), actions: new Float64Array(n),
    rewards: new Float64Array(n).fill(NaN), terminated: Uint8Array.from(rows, (r) => r.term), truncated: new Uint8Array(n),
    update: Float64Array.from(rows, (r) => r.u), episode: Float64Array.from(rows, (r) => r.e),
  };
  const trajs = trajectoriesByUpdate(c, [1, 2]);
  assert.deepEqual(trajs.map((t) => [t.rank, t.length]), [[1, 4], [1, 4], [2, 4], [2, 4]]);
  const a = trexFromHistory(c, [0, 1, 2], { seed: 3, config: { snippetLength: 3, steps: 100 } });
  const b = trexFromHistory(c, [0, 1, 2], { seed: 3, config: { snippetLength: 3, steps: 100 } });
  const batch = { n, obs: c.obs, actions: c.actions, nextObs: c.nextObs, terminated: c.terminated };
  const ra = a.evaluate(batch);
  assert.deepEqual(ra, b.evaluate(batch));
  // Later updates visit larger x: the learned reward increases with x (the rewards column, NaN here, is never read).
  assert.ok(ra.every(Number.isFinite));
  const mean = (u: number) => rows.reduce((s, r, i) => s + (r.u === u ? ra[i]! : 0), 0) / 8;
  assert.ok(mean(0) < mean(1) && mean(1) < mean(2), `per-update mean rewards ${[0, 1, 2].map(mean).join(", ")}`);
  assert.throws(() => trexFromHistory(c, [1], { seed: 3 }), /at least 2 different ranks/);
});
