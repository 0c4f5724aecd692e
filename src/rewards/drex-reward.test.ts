import assert from "node:assert/strict";
import { test } from "node:test";
import type { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import { makeEnv } from "../envs/registry.ts";
import { noiseRankedRollouts, trainDrex, type ClonePolicy } from "./drex-reward.ts";
import { pearson } from "../core/correlation.ts";

/**
 * An energy-pumping swing-up with a PD balance near the top for Pendulum-v1 (θ̈ = 15 sin θ + 3u, so
 * E = ½θ̇² + 15 cos θ has dE/dt = 3uθ̇ and the upright rest is E = 15): the demonstrator whose clone D-REX perturbs.
 */
const heuristic: ClonePolicy = (o: Float64Array, _rng: Rng) => {
  const th = Math.atan2(o[1]!, o[0]!), thdot = o[2]!, energy = 0.5 * thdot * thdot + 15 * o[0]!;
  return Float64Array.of(Math.max(-2, Math.min(2, o[0]! > 0.95 ? -10 * th - 2 * thdot : (15 - energy) * thdot)));
};
const pendulum = (): BoxEnv => makeEnv("Pendulum-v1") as unknown as BoxEnv;

/** The env with its reward replaced by NaN: D-REX must never read it. */
const poisoned = (): BoxEnv => {
  const env = pendulum();
  return new Proxy(env, { get: (t, k) => (k === "step" ? (a: Float64Array) => ({ ...t.step(a), reward: NaN }) : Reflect.get(t, k)) });
};

test("noise-ranked rollouts: K per level, ranked −ε, of the env's length, seeded", () => {
  const r = noiseRankedRollouts(heuristic, pendulum, { seed: 3, noiseLevels: [0, 1], rolloutsPerLevel: 2, maxSteps: 50 });
  assert.deepEqual(r.map((t) => t.rank), [-0, -0, -1, -1]);
  for (const t of r) assert.ok(t.length === 50 && t.obs.length === 150 && t.actions.length === 50);
  const again = noiseRankedRollouts(heuristic, pendulum, { seed: 3, noiseLevels: [0, 1], rolloutsPerLevel: 2, maxSteps: 50 });
  assert.deepEqual(again.map((t) => Array.from(t.obs)), r.map((t) => Array.from(t.obs)));
  assert.throws(() => noiseRankedRollouts(heuristic, pendulum, { seed: 0, noiseLevels: [0.5, 0.5] }), /at least 2 distinct/);
});

test("competence: D-REX on noise-ranked rollouts of a Pendulum demonstrator learns a reward whose returns correlate ≥ 0.9 with the true returns of held-out noisy rollouts — never reading the env's rewards", () => {
  const reward = trainDrex(heuristic, poisoned, { seed: 7, config: { maxSteps: 200 } });
  // Held-out: other seeds, other noise levels; true returns from the real env.
  const held = noiseRankedRollouts(heuristic, pendulum, { seed: 1234, noiseLevels: [0, 0.1, 0.3, 0.6, 0.9], rolloutsPerLevel: 4, maxSteps: 200 });
  const truth: number[] = [], learned: number[] = [];
  for (const t of held) {
    // Pendulum's true reward, −(θ² + 0.1·θ̇² + 0.001·u²), from the state before each step (the recorded observation).
    let ret = 0;
    for (let i = 0; i < t.length; i++) {
      const th = Math.atan2(t.obs[3 * i + 1]!, t.obs[3 * i]!), thdot = t.obs[3 * i + 2]!, u = t.actions[i]!;
      ret -= th * th + 0.1 * thdot * thdot + 0.001 * u * u;
    }
    truth.push(ret);
    learned.push(reward.evaluate({ n: t.length, obs: t.obs, actions: t.actions, nextObs: t.obs, terminated: new Uint8Array(t.length) }).reduce((a, b) => a + b, 0));
  }
  const r = pearson(learned, truth);
  assert.ok(r >= 0.9, `Pearson ${r.toFixed(3)} between learned and true returns`);
});
