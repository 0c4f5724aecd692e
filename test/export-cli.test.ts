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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lfl export converts a learning history to a Minari dataset and back; a dataset without the update index is refused in one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-export-"));
  try {
    const rng = new Rng(4);
    const n = 10, D = 2, A = 1;
    const obs = new Float64Array(n * D), nextObs = new Float64Array(n * D);
    let s = [rng.normal(), rng.normal()];
    for (let i = 0; i < n; i++) {
      const s2 = [rng.normal(), rng.normal()];
      obs.set(s, i * D);
      nextObs.set(s2, i * D);
      s = i === 5 ? [rng.normal(), rng.normal()] : s2; // episode 0: rows 0–5 (terminated), episode 1: rows 6–9
    }
    const terminated = new Uint8Array(n);
    terminated[5] = 1;
    const columns = {
      meta: { envId: "Test-v0", learner: "ppo", observationSpace: { kind: "box" as const, dim: D }, actionSpace: { kind: "box" as const, dim: A } },
      updates: [0, 1], n, obs, nextObs, actions: Float64Array.from({ length: n }, () => rng.normal()), rewards: Float64Array.from({ length: n }, () => rng.normal()),
      terminated, truncated: new Uint8Array(n), update: Float64Array.from({ length: n }, (_, i) => (i < 3 ? 0 : 1)), episode: Float64Array.from({ length: n }, (_, i) => (i <= 5 ? 0 : 1)),
    };
    const { readHistoryColumns, writeHistoryColumns } = await import("../src/data/history-file.ts");
    writeHistoryColumns(join(dir, "h.npz"), columns);
    const to = lfl("export", "--history", join(dir, "h.npz"), "--to-minari", join(dir, "ds"));
    assert.equal(to.code, 0, to.stderr);
    assert.match(to.stdout, /wrote the Minari dataset .*10 steps of 2 policy updates/);
    const from = lfl("export", "--from-minari", join(dir, "ds"), "--out", join(dir, "back.npz"));
    assert.equal(from.code, 0, from.stderr);
    assert.deepEqual(readHistoryColumns(join(dir, "back.npz")), readHistoryColumns(join(dir, "h.npz")));

    // Strip the update index from every episode: refused, exit 2, one line.
    const h5wasm = (await import("h5wasm/node")).default;
    await h5wasm.ready;
    const f = new h5wasm.File(join(dir, "ds", "data", "main_data.hdf5"), "a");
    for (const name of f.keys()) (f.get(name) as InstanceType<typeof h5wasm.Group>).delete_attribute("update");
    f.close();
    const bad = lfl("export", "--from-minari", join(dir, "ds"), "--out", join(dir, "x.npz"));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lfl: error E_INVALID_HISTORY: .*episode_0 records no policy-update index/);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
