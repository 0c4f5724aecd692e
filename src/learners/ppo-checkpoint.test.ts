import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LflError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { writeHistoryFile } from "../data/history-file.ts";
import { makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import type { BoxEnv } from "../envs/env.ts";
import { decodePpoCheckpoint, encodePpoCheckpoint, type PpoTrainingState } from "./ppo-checkpoint.ts";
import { trainPpo, type PpoConfig, type PpoRun } from "./ppo.ts";

type Cfg = Partial<PpoConfig> & PpoRun;

/** History .npz bytes and model JSON of a run; `states` collects the checkpoints it saved (through the file encoding). */
function run(cfg: Cfg, mk: () => BoxEnv, dir: string, name: string, checkpoint?: { every: number; resume?: PpoTrainingState; states?: PpoTrainingState[] }) {
  const trained: number[] = [];
  const { totalSteps, seed, recordEnvs, ...hp } = cfg;
  const r = trainPpo(hp, mk, { totalSteps, seed, ...(recordEnvs !== undefined ? { recordEnvs } : {}) }, { onUpdate: (u) => { trained.push(u.update); } }, checkpoint && {
    every: checkpoint.every,
    ...(checkpoint.resume ? { resume: checkpoint.resume } : {}),
    save: (s) => checkpoint.states?.push(decodePpoCheckpoint(encodePpoCheckpoint(s), "test")),
  });
  const path = join(dir, `${name}.npz`);
  writeHistoryFile(path, r.history!);
  return { trained, npz: readFileSync(path), model: JSON.stringify(r.model()), updates: r.updates.map((u) => [u.update, u.steps, u.episodes, u.meanReturn, u.policyLoss]) };
}

test("Rng state: a generator restored from getState continues the same stream (including a kept normal)", () => {
  const a = new Rng(7);
  a.normal();
  const b = Rng.fromState(JSON.parse(JSON.stringify(a.getState())));
  assert.deepEqual([a.normal(), a.uniform(), a.nextUint32()], [b.normal(), b.uniform(), b.nextUint32()]);
  assert.throws(() => Rng.fromState({ words: [0, 0, 0, 0], spareNormal: null }), RangeError);
});

test("PPO resume: a run resumed from any checkpoint gives the same history bytes and model as an uninterrupted one (Pendulum, obs normalisation, 2 envs)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-ppo-ckpt-"));
  try {
    const cfg: Cfg = { totalSteps: 5 * 128, seed: 3, numEnvs: 2, nSteps: 64, batchSize: 32, nEpochs: 2, normalizeObservations: true, recordEnvs: 1 };
    const mk = () => makeEnv("Pendulum-v1");
    const plain = run(cfg, mk, dir, "plain");
    const states: PpoTrainingState[] = [];
    const withCkpt = run(cfg, mk, dir, "ckpt", { every: 2, states });
    assert.deepEqual(withCkpt.npz, plain.npz, "checkpointing itself changes nothing");
    assert.deepEqual(states.map((s) => s.nextUpdate), [2, 4], "saved every 2 updates, not after the last");
    for (const s of states) {
      const resumed = run(cfg, mk, dir, `resumed-${s.nextUpdate}`, { every: 2, resume: s });
      assert.ok(resumed.npz.equals(plain.npz), `history bytes after resuming at update ${s.nextUpdate}`);
      assert.equal(resumed.model, plain.model);
      assert.deepEqual(resumed.updates, plain.updates);
      assert.deepEqual(resumed.trained, [2, 3, 4].filter((k) => k >= s.nextUpdate), "only the updates after the checkpoint were trained");
    }
    // A different configuration is refused.
    assert.throws(() => run({ ...cfg, nEpochs: 3 }, mk, dir, "x", { every: 2, resume: states[0]! }), (e: unknown) => e instanceof LflError && e.code === "E_INVALID_CONFIG");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PPO resume: MuJoCo env state (qpos/qvel, warm start, time limit, env RNG) restored exactly by replay (Reacher, 50-step episodes)", async () => {
  const mujoco = await loadMujoco();
  const dir = mkdtempSync(join(tmpdir(), "lfl-ppo-ckpt-"));
  try {
    const cfg: Cfg = { totalSteps: 3 * 96, seed: 5, numEnvs: 1, nSteps: 96, batchSize: 48, nEpochs: 1 };
    const mk = () => makeEnv("Reacher-v5", {}, { mujoco });
    const plain = run(cfg, mk, dir, "plain");
    const states: PpoTrainingState[] = [];
    run(cfg, mk, dir, "ckpt", { every: 1, states });
    const resumed = run(cfg, mk, dir, "resumed", { every: 1, resume: states[1]! });
    assert.ok(resumed.npz.equals(plain.npz));
    assert.equal(resumed.model, plain.model);
    assert.deepEqual(resumed.trained, [2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PPO checkpoint decoding: a damaged file is refused with E_FILE naming it", () => {
  const s = { configKey: "{}", nextUpdate: 0, steps: 0, episodes: 0, nextEpisode: 0, recentReturns: [], episodeReturn: new Float64Array(1), rawObs: new Float64Array(1), segmentEpisodes: [0], policy: new Float64Array(2), value: new Float64Array(2), logStd: new Float64Array(1), adam: { t: 0, m: [], v: [] }, running: null, rng: { act: new Rng(1).getState(), shuffle: new Rng(2).getState() }, updates: [], obsNormLog: [], stats: [], envActions: [new Float64Array(0)] } satisfies PpoTrainingState;
  const bytes = encodePpoCheckpoint(s);
  assert.deepEqual(decodePpoCheckpoint(bytes, "c.ckpt").policy, s.policy);
  const isFile = (e: unknown) => e instanceof LflError && e.code === "E_FILE" && /c\.ckpt/.test(e.message);
  assert.throws(() => decodePpoCheckpoint(bytes.subarray(0, bytes.length - 8), "c.ckpt"), isFile);
  assert.throws(() => decodePpoCheckpoint(new TextEncoder().encode("not a checkpoint at all"), "c.ckpt"), isFile);
  assert.throws(() => decodePpoCheckpoint(encodePpoCheckpoint({ ...s, rng: { ...s.rng, act: { words: [0, 0, 0, 0], spareNormal: null } } }), "c.ckpt"), isFile);
  assert.throws(() => decodePpoCheckpoint(encodePpoCheckpoint({ ...s, running: { mean: [0, 1], var: [1], count: 1 } }), "c.ckpt"), isFile);
});
