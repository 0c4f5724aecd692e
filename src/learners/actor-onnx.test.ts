import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Rng } from "../core/rng.ts";
import { MLP } from "../nn/mlp.ts";
import { RunningMeanStd } from "../nn/running-mean-std.ts";
import { actorToOnnx } from "./actor-onnx.ts";
import type { PpoActorJson } from "./ppo-config.ts";

const rand = (rng: Rng, n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, () => scale * rng.normal());

/** Our forward pass, written out as policyReturns (evaluation/policy-return.ts) acts: normalise, then the MLP. */
function ourMean(actor: PpoActorJson, obs: Float64Array, n: number): Float64Array {
  const policy = MLP.fromJSON(actor.policy);
  const x = new Float64Array(obs.length);
  if (actor.obsNorm) RunningMeanStd.fromJSON(actor.obsNorm).normalize(obs, x, n, actor.clipObs);
  else x.set(obs);
  return Float64Array.from(policy.forward(x, n));
}

for (const normalised of [true, false]) {
  test(`actor ONNX (${normalised ? "normalised" : "raw"} observations) gives our mean action and log-std under onnxruntime`, async () => {
    const rng = new Rng(normalised ? 5 : 6);
    const D = 9, A = 4, n = 48;
    const stats = new RunningMeanStd(D);
    stats.update(rand(rng, 40 * D, 2), 40);
    const actor: PpoActorJson = JSON.parse(JSON.stringify({
      policy: new MLP([D, 32, 32, A], { rng, outputGain: 0.5 }).toJSON(),
      logStd: Array.from({ length: A }, () => rng.normal() * 0.4 - 0.5),
      obsNorm: normalised ? stats.toJSON() : null,
      clipObs: 3,
    }));
    const obs = rand(rng, n * D, 4);
    const ours = ourMean(actor, obs, n);
    for (const dtype of ["float64", "float32"] as const) {
      const session = await ort.InferenceSession.create(actorToOnnx(actor, dtype));
      assert.deepEqual(session.inputNames, ["obs"]);
      assert.deepEqual(session.outputNames, ["mean_action", "log_std"]);
      const T = dtype === "float32" ? Float32Array : Float64Array;
      const out = await session.run({ obs: new ort.Tensor(dtype, T.from(obs), [n, D]) });
      await session.release();
      assert.deepEqual(out["mean_action"]!.dims, [n, A]);
      assert.deepEqual(out["log_std"]!.dims, [A]);
      // float64: within 1e-9; float32: within 1e-5 · (1 + |μ|).
      const tol = (x: number): number => (dtype === "float64" ? 1e-9 : 1e-5 * (1 + Math.abs(x)));
      const mean = out["mean_action"]!.data as Float32Array | Float64Array;
      for (let i = 0; i < n * A; i++) assert.ok(Math.abs(mean[i]! - ours[i]!) <= tol(ours[i]!), `${dtype} mean_action[${i}]: ORT ${mean[i]} vs ours ${ours[i]}`);
      const logStd = out["log_std"]!.data as Float32Array | Float64Array;
      actor.logStd.forEach((l, j) => assert.ok(Math.abs(logStd[j]! - l) <= tol(l), `${dtype} log_std[${j}]`));
    }
  });
}

test("parseActorJson accepts the actor and the PPO model file, and names the bad field", async () => {
  const { parseActorJson } = await import("./actor-onnx.ts");
  const rng = new Rng(1);
  const actor = { policy: new MLP([3, 4, 2], { rng }).toJSON(), logStd: [0, -1], obsNorm: null, clipObs: 10 };
  assert.deepEqual(parseActorJson(actor), actor);
  assert.deepEqual(parseActorJson({ kind: "ppo", ...actor, value: {}, actionLow: [-1, -1], actionHigh: [1, 1] }), actor);
  assert.throws(() => parseActorJson({ ...actor, logStd: [0] }), /logStd must be an array of 2/);
  assert.throws(() => parseActorJson({ ...actor, obsNorm: { mean: [0, 0, 0], var: [1, -1, 1], count: 3 } }), /obsNorm\.var\[1\]/);
  assert.throws(() => parseActorJson({ ...actor, kind: "lfl-gaussian-log-density-reward" }), /kind/);
});
