// Every project writer built on core/atomic-file.ts leaves the previous file byte-identical, and no temp file,
// when the disk fails at any step (ENOSPC, EROFS, ENOENT injected into open/write/fsync/rename).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE_FS, type AtomicFs } from "../src/core/atomic-file.ts";
import { InputError } from "../src/core/errors.ts";
import { Rng } from "../src/core/rng.ts";
import { writeHistoryColumns } from "../src/data/history-file.ts";
import type { HistoryColumns } from "../src/data/history-columns.ts";
import { MLP } from "../src/nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "../src/rewards/neural-reward.ts";
import { writeRewardJson } from "../src/rewards/reward-json.ts";
import { writeTabularRewardFile } from "../src/rewards/tabular-reward-file.ts";

function faulty(op: "openSync" | "writeSync" | "fsyncSync" | "renameSync", code: string): AtomicFs {
  const f = <A extends unknown[], R>(name: string, g: (...a: A) => R) => (...a: A): R => {
    if (name === op) throw Object.assign(new Error(`${code}: injected`), { code });
    return g(...a);
  };
  return { ...NODE_FS, openSync: f("openSync", NODE_FS.openSync), writeSync: f("writeSync", NODE_FS.writeSync), fsyncSync: f("fsyncSync", NODE_FS.fsyncSync), renameSync: f("renameSync", NODE_FS.renameSync) };
}

const columns = (n: number): HistoryColumns => ({
  meta: { envId: "GridWorld", learner: "spi", observationSpace: { kind: "discrete", dim: 1, n: 4 }, actionSpace: { kind: "discrete", dim: 1, n: 2 } },
  updates: [0], n, obs: new Float64Array(n), nextObs: new Float64Array(n), actions: new Float64Array(n), rewards: new Float64Array(n),
  terminated: new Uint8Array(n), truncated: new Uint8Array(n), update: new Float64Array(n), episode: new Float64Array(n),
});

const rng = new Rng(3);
const reward = new GaussianLogDensityReward(new MLP([2, 3, 1], { rng }), [0], fixedObsNorm(Float64Array.of(0, 1, 2, 3), 2, 2));

const WRITERS: Record<string, (path: string, fs?: AtomicFs) => void> = {
  "history .npz": (p, fs) => writeHistoryColumns(p, columns(fs ? 50 : 3), fs ? { fs, deflate: true } : {}),
  "tabular reward": (p, fs) => writeTabularRewardFile(p, { nS: 2, nA: 1, gamma: 0.5, reward: Float64Array.of(fs ? 9 : 1, 2), info: {} }, fs ? { fs } : {}),
  "continuous reward": (p, fs) => writeRewardJson(p, fs ? { ...reward.toJSON(), info: { v: 2 } } : reward, fs ? { fs } : {}),
};

test("each writer, under each injected disk fault, keeps the old file byte-identical and leaves no temp", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-writers-"));
  for (const [name, write] of Object.entries(WRITERS)) {
    const p = join(dir, name.replace(/\W/g, "_"));
    write(p);
    const old = readFileSync(p);
    for (const op of ["openSync", "writeSync", "fsyncSync", "renameSync"] as const) {
      for (const code of ["ENOSPC", "EROFS", "ENOENT"]) {
        assert.throws(() => write(p, faulty(op, code)), (e: unknown) => e instanceof InputError && e.code === "E_FILE" && e.message.includes(code) && e.message.includes(p) && !e.message.includes("\n"), `${name} ${op} ${code}`);
        assert.deepEqual(readFileSync(p), old, `${name} ${op} ${code}: old file intact`);
      }
    }
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
  rmSync(dir, { recursive: true });
});
