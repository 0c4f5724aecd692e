import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { GaussianActor } from "./gaussian-actor.ts";
import { MLP } from "./mlp.ts";
import { RunningMeanStd } from "./running-mean-std.ts";

function actor(): GaussianActor {
  const net = new MLP([3, 8, 2], { rng: new Rng(1) });
  const norm = new RunningMeanStd(3);
  norm.update(Float64Array.from([1, 2, 3, -1, 0, 5, 2, 2, 2]), 3);
  return new GaussianActor(net, [-0.5, 0.3], norm, 5);
}

test("GaussianActor: the PPO actor's JSON round-trips; the mean acts deterministically; samples are mean + σ·z in row order", () => {
  const a = actor();
  const b = GaussianActor.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  const obs = Float64Array.from([0.5, -1, 2, 3, 3, 3]);
  assert.deepEqual(b.mean(obs, 2), a.mean(obs, 2));
  assert.deepEqual(a.act(obs, 2, "deterministic", new Rng(0)), a.mean(obs, 2));
  const rng = new Rng(7), z = new Rng(7);
  const s = a.act(obs, 2, "stochastic", rng), mu = a.mean(obs, 2);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.equal(s[i * 2 + j], mu[i * 2 + j]! + Math.exp(a.logStd[j]!) * z.normal());
});

test("GaussianActor: log-density and entropy are the diagonal Gaussian's", () => {
  const a = actor();
  const obs = Float64Array.from([0.5, -1, 2]), act = Float64Array.from([0.1, -0.2]);
  const mu = a.mean(obs, 1);
  let expected = 0;
  for (let j = 0; j < 2; j++) {
    const sd = Math.exp(a.logStd[j]!);
    expected += -0.5 * ((act[j]! - mu[j]!) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
  }
  assert.ok(Math.abs(a.logProb(obs, act, 1)[0]! - expected) < 1e-12);
  assert.ok(Math.abs(a.entropy() - (1 + Math.log(2 * Math.PI) + (-0.5 + 0.3))) < 1e-12);
  assert.throws(() => new GaussianActor(new MLP([3, 2], { rng: new Rng(0) }), [0], null, 10), /1 log-stds for a 2-dimensional action/);
});
