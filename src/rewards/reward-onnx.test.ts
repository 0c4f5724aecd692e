import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Rng } from "../core/rng.ts";
import { MLP } from "../nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward, loadRewardModel } from "./neural-reward.ts";
import { rewardToOnnx } from "./reward-onnx.ts";

const rand = (rng: Rng, n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, () => scale * rng.normal());

/** A reward with non-trivial normalisation (some observations get clipped), log-stds, and optionally the v2 terms. */
function makeReward(rng: Rng, D: number, A: number, v2: boolean): GaussianLogDensityReward {
  const data = rand(rng, 50 * D, 3);
  const norm = fixedObsNorm(data, 50, D, 2.5);
  const net = new MLP([D, 16, 16, A], { rng });
  const logStd = Array.from({ length: A }, () => 0.5 * rng.normal());
  const extra = v2 ? { state: new MLP([D, 8, 1], { rng }), shift: 1.75, scale: 0.3 } : {};
  // Round-trip through the JSON file format, as `lfl export` reads it.
  return loadRewardModel(JSON.parse(JSON.stringify(new GaussianLogDensityReward(net, logStd, norm, extra).toJSON())));
}

async function ortReward(model: Uint8Array, dtype: "float32" | "float64", D: number, A: number, obs: Float64Array, actions: Float64Array, nextObs: Float64Array, terminated: Uint8Array): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(model);
  const n = terminated.length;
  const T = dtype === "float32" ? Float32Array : Float64Array;
  const feeds = {
    obs: new ort.Tensor(dtype, T.from(obs), [n, D]),
    action: new ort.Tensor(dtype, T.from(actions), [n, A]),
    next_obs: new ort.Tensor(dtype, T.from(nextObs), [n, D]),
    terminated: new ort.Tensor(dtype, T.from(terminated), [n]),
  };
  const out = await session.run(feeds);
  assert.deepEqual(session.outputNames, ["reward"]);
  assert.deepEqual(out["reward"]!.dims, [n]);
  await session.release();
  return Float64Array.from(out["reward"]!.data as Float32Array | Float64Array);
}

for (const v2 of [false, true]) {
  test(`reward ONNX (${v2 ? "version 2: state term, shift, scale" : "version 1: log-density"}) matches our RewardFn under onnxruntime`, async () => {
    const rng = new Rng(v2 ? 17 : 16);
    const D = 7, A = 3, n = 64;
    const reward = makeReward(rng, D, A, v2);
    const obs = rand(rng, n * D, 4), actions = rand(rng, n * A), nextObs = rand(rng, n * D, 4);
    const terminated = Uint8Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 1 : 0));
    const ours = reward.evaluate({ n, obs, actions, nextObs, terminated });

    const r64 = await ortReward(rewardToOnnx(reward, "float64"), "float64", D, A, obs, actions, nextObs, terminated);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(r64[i]! - ours[i]!) <= 1e-9, `float64 row ${i}: ORT ${r64[i]} vs ours ${ours[i]}`);

    // float32: parameters and inputs rounded to float32; the stated tolerance is 1e-5 · (1 + |r|) (measured ≤ 4e-7).
    const r32 = await ortReward(rewardToOnnx(reward, "float32"), "float32", D, A, obs, actions, nextObs, terminated);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(r32[i]! - ours[i]!) <= 1e-5 * (1 + Math.abs(ours[i]!)), `float32 row ${i}: ORT ${r32[i]} vs ours ${ours[i]}`);

    // The reward ignores next_obs and terminated, in ONNX too.
    const again = await ortReward(rewardToOnnx(reward, "float64"), "float64", D, A, obs, actions, rand(rng, n * D), new Uint8Array(n));
    assert.deepEqual(again, r64);
  });
}
