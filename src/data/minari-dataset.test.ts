import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "./history-columns.ts";
import type { HistoryMeta } from "./learning-history.ts";
import { readMinariDataset, writeMinariDataset } from "./minari-dataset.ts";

/** Columns of episodes (update, episode id, length, end flag); consecutive rows of an episode chain obs → next_obs. */
function columns(meta: HistoryMeta, updates: number[], spec: Array<[number, number, number, "term" | "trunc" | "none"]>, rng: Rng, discrete = false): HistoryColumns {
  const dO = meta.observationSpace.dim, dA = meta.actionSpace.dim;
  const n = spec.reduce((s, [, , T]) => s + T, 0);
  const c = {
    obs: new Float64Array(n * dO), nextObs: new Float64Array(n * dO), actions: new Float64Array(n * dA), rewards: new Float64Array(n),
    terminated: new Uint8Array(n), truncated: new Uint8Array(n), update: new Float64Array(n), episode: new Float64Array(n),
  };
  const draw = (): number => (discrete ? Math.floor(rng.uniform() * 5) : rng.normal());
  const last = new Map<number, Float64Array>(); // an episode continuing in a later update starts where it stopped
  let row = 0;
  for (const [u, e, T, end] of spec) {
    let s = last.get(e) ?? Float64Array.from({ length: dO }, draw);
    for (let t = 0; t < T; t++, row++) {
      const s2 = Float64Array.from({ length: dO }, draw);
      c.obs.set(s, row * dO);
      c.nextObs.set(s2, row * dO);
      for (let j = 0; j < dA; j++) c.actions[row * dA + j] = discrete ? Math.floor(rng.uniform() * 3) : rng.normal();
      c.rewards[row] = rng.normal();
      c.update[row] = u;
      c.episode[row] = e;
      s = s2;
    }
    last.set(e, s);
    if (end === "term") c.terminated[row - 1] = 1;
    if (end === "trunc") c.truncated[row - 1] = 1;
  }
  return { meta, updates, n, ...c };
}

function assertSameColumns(got: HistoryColumns, want: HistoryColumns): void {
  assert.deepEqual(got.meta, want.meta);
  assert.deepEqual(got.updates, want.updates);
  assert.equal(got.n, want.n);
  for (const k of ["obs", "nextObs", "actions", "rewards", "terminated", "truncated", "update", "episode"] as const) assert.deepEqual(got[k], want[k], k);
}

test("a learning history round-trips through a Minari dataset (update index in each episode's attributes)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-minari-"));
  try {
    const meta: HistoryMeta = {
      envId: "Reacher-v5", learner: "ppo", seed: 3, learnerConfig: { nSteps: 64 },
      observationSpace: { kind: "box", dim: 3 }, actionSpace: { kind: "box", dim: 2 }, extra: { note: "test" },
    };
    // Episode 1 spans updates 0 and 2 (a rollout boundary); update 1 has no transitions.
    const c = columns(meta, [0, 1, 2], [[0, 0, 4, "term"], [0, 1, 3, "none"], [2, 1, 2, "trunc"], [2, 2, 3, "none"]], new Rng(1));
    const dataDir = await writeMinariDataset(join(dir, "ds"), c);
    assert.ok(existsSync(join(dataDir, "main_data.hdf5")));
    const md = JSON.parse(readFileSync(join(dataDir, "metadata.json"), "utf8").replace(/-?Infinity/g, "0"));
    assert.equal(md.total_episodes, 4);
    assert.equal(md.total_steps, 12);
    assert.equal(md.data_format, "hdf5");
    assert.equal(JSON.parse(md.observation_space.replace(/-?Infinity/g, "0")).type, "Box");

    // The HDF5 file as Minari reads it: observations T+1 rows, per-episode `update` attribute.
    await h5wasm.ready;
    const f = new h5wasm.File(join(dataDir, "main_data.hdf5"), "r");
    try {
      const ep2 = f.get("episode_2") as InstanceType<typeof h5wasm.Group>;
      assert.equal(Number(ep2.attrs["update"]!.value), 2);
      assert.equal(Number(ep2.attrs["total_steps"]!.value), 2);
      assert.deepEqual((ep2.get("observations") as InstanceType<typeof h5wasm.Dataset>).shape, [3, 3]);
      assert.deepEqual(Array.from((ep2.get("truncations") as InstanceType<typeof h5wasm.Dataset>).value as Uint8Array), [0, 1]);
    } finally {
      f.close();
    }

    assertSameColumns(await readMinariDataset(join(dir, "ds")), c);
    assertSameColumns(await readMinariDataset(dataDir), c);
    await assert.rejects(writeMinariDataset(join(dir, "ds"), c), /already there/);

    // Discrete spaces: integer datasets.
    const dmeta: HistoryMeta = { envId: "grid", learner: "spi", observationSpace: { kind: "discrete", dim: 1, n: 5 }, actionSpace: { kind: "discrete", dim: 1, n: 3 } };
    const dc = columns(dmeta, [0, 1], [[0, 0, 5, "term"], [1, 1, 4, "trunc"]], new Rng(2), true);
    await writeMinariDataset(join(dir, "grid"), dc);
    assertSameColumns(await readMinariDataset(join(dir, "grid")), dc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A minimal dataset as another tool would write it; `attr` names the episode attribute holding the policy version. */
async function foreignDataset(dir: string, attr: string | null): Promise<void> {
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "data", "metadata.json"), JSON.stringify({
    total_episodes: 2, total_steps: 5, data_format: "hdf5", dataset_id: "pointmaze-test-v0", minari_version: ">=0.5.0",
    observation_space: '{"type": "Box", "dtype": "float32", "shape": [2], "low": [-Infinity, -Infinity], "high": [Infinity, Infinity]}',
    action_space: '{"type": "Box", "dtype": "float32", "shape": [1], "low": [-1.0], "high": [1.0]}',
  }));
  await h5wasm.ready;
  const f = new h5wasm.File(join(dir, "data", "main_data.hdf5"), "w");
  for (const [k, T] of [[0, 3], [1, 2]] as const) {
    const g = f.create_group(`episode_${k}`);
    g.create_attribute("id", new BigInt64Array([BigInt(k)]), [], "<q");
    if (attr) g.create_attribute(attr, new BigInt64Array([BigInt(7 + k)]), [], "<q");
    const obs = Float32Array.from({ length: 2 * (T + 1) }, (_, i) => i + 10 * k);
    g.create_dataset({ name: "observations", data: obs, shape: [T + 1, 2] });
    g.create_dataset({ name: "actions", data: Float32Array.from({ length: T }, (_, i) => i / 4), shape: [T, 1] });
    g.create_dataset({ name: "rewards", data: Float64Array.from({ length: T }, (_, i) => -i), shape: [T] });
    g.create_dataset({ name: "terminations", data: Uint8Array.from({ length: T }, (_, i) => (i === T - 1 ? 1 : 0)), shape: [T], dtype: "<B" });
    g.create_dataset({ name: "truncations", data: new Uint8Array(T), shape: [T], dtype: "<B" });
  }
  f.close();
}

test("a Minari dataset that records the policy version is read; one without it is refused in one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-minari-"));
  try {
    await foreignDataset(join(dir, "with"), "policy_version");
    const c = await readMinariDataset(join(dir, "with"));
    assert.deepEqual(c.updates, [7, 8]);
    assert.equal(c.n, 5);
    assert.equal(c.meta.envId, "pointmaze-test-v0");
    assert.deepEqual(c.meta.observationSpace, { kind: "box", dim: 2 });
    assert.deepEqual(Array.from(c.update), [7, 7, 7, 8, 8]);
    assert.deepEqual(Array.from(c.episode), [0, 0, 0, 1, 1]);
    assert.deepEqual(Array.from(c.obs.subarray(0, 4)), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(c.nextObs.subarray(0, 2)), [2, 3]);
    assert.deepEqual(Array.from(c.terminated), [0, 0, 1, 0, 1]);

    await foreignDataset(join(dir, "without"), null);
    await assert.rejects(readMinariDataset(join(dir, "without")), (e: Error & { code?: string }) => {
      assert.equal(e.code, "E_INVALID_HISTORY");
      assert.match(e.message, /episode_0 records no policy-update index/);
      assert.equal(e.message.split("\n").length, 1);
      return true;
    });
    await assert.rejects(readMinariDataset(join(dir, "nothing")), /not a Minari dataset/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
