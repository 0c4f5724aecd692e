import { test } from "node:test";
import assert from "node:assert/strict";
import { Pendulum, angleNormalize } from "./pendulum.ts";
import { EpisodeStatistics } from "../wrappers/episode-statistics.ts";
import { TimeLimit } from "../wrappers/time-limit.ts";

test("angleNormalize wraps into [-pi, pi) like Python's floored modulo", () => {
  assert.equal(angleNormalize(0), 0);
  assert.ok(Math.abs(angleNormalize(3 * Math.PI / 2) + Math.PI / 2) < 1e-15);
  assert.ok(Math.abs(angleNormalize(-3 * Math.PI / 2) - Math.PI / 2) < 1e-15);
  assert.equal(angleNormalize(Math.PI), -Math.PI);
});

test("one step follows Gymnasium's semi-implicit Euler and cost", () => {
  const env = new Pendulum();
  env.reset({ seed: 3 });
  const [th, thdot] = env.state;
  const u = 5; // clipped to 2
  const r = env.step(Float64Array.of(u));
  const newThdot = thdot + (15 * Math.sin(th) + 3 * 2) * 0.05;
  const clipped = Math.min(8, Math.max(-8, newThdot));
  assert.equal(env.state[1], clipped);
  assert.equal(env.state[0], th + clipped * 0.05);
  assert.equal(r.reward, -(angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * 4));
  assert.deepEqual(Array.from(r.observation), [Math.cos(env.state[0]), Math.sin(env.state[0]), clipped]);
  assert.equal(r.terminated, false);
});

test("start state is uniform in [-pi, pi] x [-1, 1] and the reward lies in [-16.2736044, 0]", () => {
  const env = new Pendulum();
  env.reset({ seed: 0 });
  let maxTh = 0, maxW = 0;
  for (let i = 0; i < 2000; i++) {
    env.reset();
    const [th, w] = env.state;
    maxTh = Math.max(maxTh, Math.abs(th));
    maxW = Math.max(maxW, Math.abs(w));
    const r = env.step(Float64Array.of(2));
    assert.ok(r.reward <= 0 && r.reward >= -16.2736045);
  }
  assert.ok(maxTh <= Math.PI && maxTh > 3.1);
  assert.ok(maxW <= 1 && maxW > 0.99);
});

test("TimeLimit truncates and EpisodeStatistics reports return and length at the end", () => {
  const env = new EpisodeStatistics(new TimeLimit(new Pendulum(), 5));
  env.reset({ seed: 1 });
  let total = 0;
  for (let t = 1; t <= 5; t++) {
    const r = env.step(Float64Array.of(0));
    total += r.reward;
    assert.equal(r.truncated, t === 5);
    if (t < 5) assert.equal(r.info["episode_return"], undefined);
    else {
      assert.equal(r.info["episode_return"], total);
      assert.equal(r.info["episode_length"], 5);
    }
  }
  assert.throws(() => env.step(Float64Array.of(0)), /before reset/);
});
