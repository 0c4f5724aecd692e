// `lfl export --onnx`: end to end through the real CLI; the written models run in onnxruntime and agree with our
// forward passes (float64: 1e-9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { Rng } from "../src/core/rng.ts";
import { MLP } from "../src/nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "../src/rewards/neural-reward.ts";
import { lfl } from "./lfl-cli.ts";

test("lfl export --onnx detects reward vs actor JSON and writes models onnxruntime runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-export-"));
  try {
    const rng = new Rng(3);
    const D = 5, A = 2, n = 16;
    const obs = Float64Array.from({ length: n * D }, () => 2 * rng.normal());
    const actions = Float64Array.from({ length: n * A }, () => rng.normal());
    const reward = new GaussianLogDensityReward(new MLP([D, 8, A], { rng }), [-0.3, 0.2], fixedObsNorm(obs, n, D));
    writeFileSync(join(dir, "reward.json"), JSON.stringify(reward.toJSON()));
    const policy = new MLP([D, 8, A], { rng });
    writeFileSync(join(dir, "actor.json"), JSON.stringify({ policy: policy.toJSON(), logStd: [0.1, -0.2], obsNorm: null, clipObs: 10 }));

    const r = lfl("export", "--onnx", join(dir, "reward.json"), "--out", join(dir, "reward.onnx"), "--dtype", "float64", "--json", join(dir, "r.json"));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*reward\.onnx: reward \(float64/);
    assert.equal(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).kind, "reward");
    const rs = await ort.InferenceSession.create(readFileSync(join(dir, "reward.onnx")));
    const out = await rs.run({
      obs: new ort.Tensor("float64", obs, [n, D]), action: new ort.Tensor("float64", actions, [n, A]),
      next_obs: new ort.Tensor("float64", obs, [n, D]), terminated: new ort.Tensor("float64", new Float64Array(n), [n]),
    });
    const ours = reward.evaluate({ n, obs, actions, nextObs: obs, terminated: new Uint8Array(n) });
    const got = out["reward"]!.data as Float64Array;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i]! - ours[i]!) <= 1e-9, `reward row ${i}`);

    const a = lfl("export", "--onnx", join(dir, "actor.json"), "--out", join(dir, "actor.onnx"));
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /actor \(float32/);
    const as = await ort.InferenceSession.create(readFileSync(join(dir, "actor.onnx")));
    const aout = await as.run({ obs: new ort.Tensor("float32", Float32Array.from(obs), [n, D]) });
    const mean = policy.forward(obs, n);
    const gotMean = aout["mean_action"]!.data as Float32Array;
    for (let i = 0; i < n * A; i++) assert.ok(Math.abs(gotMean[i]! - mean[i]!) <= 1e-5 * (1 + Math.abs(mean[i]!)), `mean_action ${i}`);
    assert.deepEqual(Array.from(aout["log_std"]!.data as Float32Array), [Math.fround(0.1), Math.fround(-0.2)]);

    // Bad input: one line naming the file, exit code 2.
    writeFileSync(join(dir, "tab.json"), JSON.stringify({ format: "lfl-tabular-reward", formatVersion: 1 }));
    for (const [file, pattern] of [["tab.json", /E_INVALID_REWARD: .*tab\.json: a tabular reward/], ["r.json", /E_INVALID_JSON: .*neither a Box reward/]] as const) {
      const bad = lfl("export", "--onnx", join(dir, file), "--out", join(dir, "x.onnx"));
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, pattern);
      assert.equal(bad.stderr.trim().split("\n").length, 1);
    }
    assert.equal(lfl("export", "--onnx", join(dir, "actor.json")).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
