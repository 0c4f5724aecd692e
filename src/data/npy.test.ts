import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { historyToColumns } from "./history-columns.ts";
import { readHistoryFile, writeHistoryFile } from "./history-file.ts";
import { LearningHistory, type HistoryMeta } from "./learning-history.ts";
import { decodeNpy, encodeNpy, int64FromNumbers, npyHeaderBytes, numbersFromInt64, parseNpyHeader, type NpyArray } from "./npy.ts";
import { Trajectory } from "./trajectory.ts";
import { ZipReader } from "./zip.ts";

/**
 * Checks an .npy file byte by byte against the format spec (numpy.lib.format, NEP 1), independently of our
 * parser: magic, version 1.0, little-endian uint16 header length, data aligned to 64 bytes, an ASCII dict
 * literal ended by spaces and one '\n', and exactly prod(shape)·itemsize data bytes. Returns the dict text.
 */
function assertNpySpec(bytes: Uint8Array, descr: string, shape: readonly number[], itemsize: number): string {
  assert.deepEqual([...bytes.subarray(0, 6)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], "magic \\x93NUMPY");
  assert.equal(bytes[6], 1, "major version");
  assert.equal(bytes[7], 0, "minor version");
  const hlen = bytes[8]! + 256 * bytes[9]!;
  assert.equal((10 + hlen) % 64, 0, "data starts on a 64-byte boundary");
  const text = Buffer.from(bytes.subarray(10, 10 + hlen)).toString("latin1");
  assert.ok(/^[\x20-\x7e]*\n$/.test(text), "header is printable ASCII ended by a single newline");
  const dict = text.slice(0, -1).trimEnd();
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  assert.equal(dict, `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`);
  assert.equal(bytes.length - 10 - hlen, shape.reduce((a, b) => a * b, 1) * itemsize, "data length = prod(shape)·itemsize");
  return dict;
}

/** An .npy file with an arbitrary header dict (padded per the spec) and data bytes. */
function npyWith(dict: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const pad = 64 - ((pre + dict.length + 1) % 64);
  const text = dict + " ".repeat(pad) + "\n";
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) out.set([text.length & 0xff, text.length >> 8], 8);
  else out.set([text.length & 0xff, text.length >> 8, 0, 0], 8);
  out.set(Buffer.from(text, "latin1"), pre);
  out.set(data, pre + text.length);
  return out;
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.code === "E_INVALID_HISTORY" && pattern.test(e.message), `expected InputError matching ${pattern}`);
}

test("headers are byte-identical to numpy.save 1.24 (v1.0, growth padding, 64-byte alignment)", () => {
  // numpy 1.24.2: np.save(np.zeros((3, 2))) has a 118-byte header (0x76), 176 bytes in all.
  const f = encodeNpy({ dtype: "f8", shape: [3, 2], data: new Float64Array(6) });
  assert.equal(f.length, 176);
  assert.deepEqual([...f.subarray(0, 10)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x76, 0]);
  const expected = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }" + " ".repeat(58) + "\n";
  assert.equal(Buffer.from(f.subarray(10, 128)).toString("latin1"), expected);
  assertNpySpec(f, "<f8", [3, 2], 8);
  assertNpySpec(encodeNpy({ dtype: "i8", shape: [5], data: new BigInt64Array(5) }), "<i8", [5], 8);
  assertNpySpec(encodeNpy({ dtype: "b1", shape: [0], data: new Uint8Array(0) }), "|b1", [0], 1);
  assertNpySpec(encodeNpy({ dtype: "f8", shape: [], data: new Float64Array(1) }), "<f8", [], 8);
  for (let n = 0; n < 200; n += 7) assertNpySpec(npyHeaderBytes("f8", [10 ** (n % 13), n]), "<f8", [10 ** (n % 13), n], 0);
});

test("each dtype round-trips, including empty and scalar shapes", () => {
  const cases: NpyArray[] = [
    { dtype: "f8", shape: [2, 3], data: Float64Array.of(1.5, -0, 1e-310, Number.MAX_VALUE, -2, 3) },
    { dtype: "f8", shape: [0, 4], data: new Float64Array(0) },
    { dtype: "f8", shape: [], data: Float64Array.of(Math.PI) },
    { dtype: "i8", shape: [4], data: BigInt64Array.of(0n, -1n, 2n ** 62n, -(2n ** 63n)) },
    { dtype: "b1", shape: [3], data: Uint8Array.of(1, 0, 1) },
  ];
  for (const a of cases) {
    const back = decodeNpy(encodeNpy(a), "x");
    assert.equal(back.dtype, a.dtype);
    assert.deepEqual(back.shape, a.shape);
    assert.deepEqual([...back.data], [...a.data]);
  }
});

test("format 2.0 and 3.0 headers are read", () => {
  for (const v of [2, 3]) {
    const a = decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(new Float64Array([1, 2]).buffer), v), "x");
    assert.deepEqual([...a.data], [1, 2]);
  }
});

test("bad headers are rejected with the array named", () => {
  const ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
  const eight = new Uint8Array(8);
  const wrongMagic = npyWith(ok, eight);
  wrongMagic[1] = 0x4f;
  rejects(() => decodeNpy(wrongMagic, "obs"), /'obs'.*magic/);
  rejects(() => decodeNpy(npyWith(ok, eight, 4), "obs"), /'obs'.*version 4\.0/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", eight), "obs"), /'obs'.*unsupported dtype '<f4' \(float32\)/);
  rejects(() => decodeNpy(npyWith("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", eight), "rewards"), /'rewards'.*'>f8'/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", eight), "obs"), /Fortran/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'shape': (1,), }", eight), "obs"), /lacks/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", eight), "obs"), /unexpected key 'x'/);
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", eight), "obs"), /malformed/);
  rejects(() => decodeNpy(npyWith("__import__('os')", eight), "obs"), /malformed/);
  rejects(() => decodeNpy(npyWith(ok, new Uint8Array(7)), "obs"), /'obs'.*needs 8 data bytes but the file holds 7/);
  rejects(() => decodeNpy(npyWith(ok, new Uint8Array(9)), "obs"), /holds 9/);
  rejects(() => decodeNpy(npyWith("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", Uint8Array.of(1, 2)), "terminated"), /'terminated'.*element 1 is byte 2/);
  rejects(() => decodeNpy(new Uint8Array(5), "obs"), /too short/);
  const hugeLen = npyWith(ok, eight, 2);
  hugeLen.set([0xff, 0xff, 0xff, 0x7f], 8);
  rejects(() => parseNpyHeader(hugeLen, "obs"), /exceeds/);
});

test("a header claiming 1e12 elements is refused from the header alone, before any allocation", () => {
  const h = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", new Uint8Array(16));
  rejects(() => parseNpyHeader(h, "obs"), /'obs'.*1000000000000 elements, more than the limit/);
  rejects(() => decodeNpy(h, "obs"), /1000000000000 elements/);
  rejects(() => parseNpyHeader(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }"), "obs"), /absurd/);
  // Within the element limit but far beyond the bytes present: rejected by the length check, still before allocating.
  rejects(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000,), }", new Uint8Array(16)), "obs"), /needs 800000000 data bytes but the file holds 16/);
});

// ---------------------------------------------------------------------------------------------------------
// Python interop. With NumPy on /usr/bin/python3: numpy.load reads our history files exactly, and the Python
// module documented in docs/history-format.md (run with small stand-ins for Stable-Baselines3 and Gymnasium)
// writes files our reader accepts. Without NumPy: every .npy member of our files is checked byte by byte
// against the format spec instead, so this test asserts something either way.

/** The Python to test against (LFL_PYTHON overrides; a path without NumPy selects the byte-level check). */
const PYTHON = process.env.LFL_PYTHON ?? "/usr/bin/python3";
const hasNumpy = spawnSync(PYTHON, ["-c", "import numpy"], { stdio: "ignore" }).status === 0;

const DUMP_PY = `
import sys, json
import numpy as np
h = np.load(sys.argv[1])
out = {"files": sorted(h.files), "meta": json.loads(h["meta.json"])}
for k in h.files:
    if not k.endswith(".json"):
        a = h[k]
        out[k] = {"dtype": a.dtype.str, "shape": list(a.shape), "data": a.ravel().tolist()}
print(json.dumps(out))
`;

const SB3_HARNESS_PY = `
import sys, types, json
import numpy as np
# Stand-ins for gymnasium.spaces and SB3's BaseCallback (neither is installed here).
sp = types.ModuleType("gymnasium.spaces")
class Discrete:
    def __init__(self, n): self.n, self.shape = n, ()
class Box:
    def __init__(self, shape): self.shape = shape
sp.Discrete, sp.Box = Discrete, Box
gym = types.ModuleType("gymnasium"); gym.spaces = sp
cbm = types.ModuleType("stable_baselines3.common.callbacks")
class BaseCallback:
    def __init__(self, verbose=0): self.model, self.training_env, self.locals = None, None, {}
cbm.BaseCallback = BaseCallback
sys.modules.update({"gymnasium": gym, "gymnasium.spaces": sp, "stable_baselines3": types.ModuleType("stable_baselines3"),
                    "stable_baselines3.common": types.ModuleType("stable_baselines3.common"), "stable_baselines3.common.callbacks": cbm})
exec(open(sys.argv[1]).read())  # the module documented in docs/history-format.md
out, discrete = sys.argv[2], sys.argv[3] == "discrete"
# Two environments stepped the way SB3's collect_rollouts does: on_step sees model._last_obs (before the step),
# new_obs (after auto-reset), terminal_observation and TimeLimit.truncated in infos.
class Model: pass
class VecEnv: num_envs = 2
model = Model(); model.n_steps, model.gamma = 5, 0.99
model.observation_space = Discrete(10) if discrete else Box((2,))
model.action_space = Discrete(2) if discrete else Box((1,))
rng = np.random.default_rng(0)
pos, t = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64)
def observe(i): return pos[i] if discrete else np.array([pos[i] * 0.5, t[i]], dtype=np.float32)
def batch(): return np.array([observe(0), observe(1)])
model._last_obs = batch()
cb = LflHistoryCallback(out, "Walk-v0", seed=0); cb.model, cb.training_env = model, VecEnv()
cb._on_training_start()
ends, total = {"terminated": 0, "truncated": 0}, 0.0
for rollout in range(3):
    for step in range(model.n_steps):
        actions = rng.integers(0, 2, size=2) if discrete else rng.normal(size=(2, 1))
        rewards, dones, infos = np.zeros(2, dtype=np.float32), np.zeros(2, dtype=bool), [{}, {}]
        for i in range(2):
            move = int(actions[i]) if discrete else int(actions[i, 0] > 0)
            pos[i] += move; t[i] += 1; rewards[i] = move - 0.1
            term, trunc = pos[i] >= 4, t[i] >= 6 and pos[i] < 4
            if term or trunc:
                dones[i] = True; infos[i]["terminal_observation"] = observe(i)
                if trunc: infos[i]["TimeLimit.truncated"] = True
                ends["truncated" if trunc else "terminated"] += 1
                pos[i], t[i] = 0, 0
        total += float(rewards.astype(np.float64).sum())
        cb.locals = {"new_obs": batch(), "actions": actions, "clipped_actions": actions, "rewards": rewards, "dones": dones, "infos": infos}
        assert cb._on_step() is True
        model._last_obs = cb.locals["new_obs"]
    cb._on_rollout_end()
cb._on_training_end()
print(json.dumps({"rewardSum": total, **ends}))
`;

function python(args: string[], cwd?: string): string {
  const r = spawnSync(PYTHON, args, { encoding: "utf8", ...(cwd ? { cwd } : {}) });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return r.stdout;
}

function docPythonBlock(marker: string): string {
  const doc = readFileSync(resolve(import.meta.dirname, "../../docs/history-format.md"), "utf8");
  const block = [...doc.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(marker));
  assert.ok(block, `docs/history-format.md has a python block containing ${marker}`);
  return block;
}

test(`Python interop (${hasNumpy ? "numpy.load and the documented SB3 writer" : "no NumPy: .npy headers checked byte by byte"})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-py-"));
  try {
    const rng = new Rng(5);
    const box: HistoryMeta = { envId: "Pendulum-v1", learner: "ppo", seed: 1, observationSpace: { kind: "box", dim: 3 }, actionSpace: { kind: "box", dim: 1 } };
    const grid: HistoryMeta = { envId: "GridWorld", learner: "spi", observationSpace: { kind: "discrete", dim: 1, n: 25 }, actionSpace: { kind: "discrete", dim: 1, n: 4 } };
    const files: Array<[string, LearningHistory]> = [];
    for (const meta of [box, grid]) {
      const d = meta.observationSpace.kind === "discrete";
      const traj = (T: number, episode: number): Trajectory => new Trajectory({
        observations: Float64Array.from({ length: (T + 1) * meta.observationSpace.dim }, () => (d ? rng.int(25) : rng.normal())),
        actions: Float64Array.from({ length: T * meta.actionSpace.dim }, () => (d ? rng.int(4) : rng.normal())),
        rewards: Float64Array.from({ length: T }, () => rng.normal()), obsDim: meta.observationSpace.dim, actDim: meta.actionSpace.dim,
        terminated: episode === 0, episode,
      });
      const h = new LearningHistory(meta, [{ index: 0, trajectories: [traj(4, 0), traj(3, 1)] }, { index: 1, trajectories: [traj(5, 1)] }]);
      for (const deflate of [false, true]) {
        const p = join(dir, `${meta.envId}-${deflate}.npz`);
        writeHistoryFile(p, h, { deflate });
        files.push([p, h]);
      }
    }
    for (const [p, h] of files) {
      const cols = historyToColumns(h);
      const discrete = h.meta.observationSpace.kind === "discrete";
      const expected: Record<string, { descr: string; shape: number[]; data: number[] }> = {
        obs: { descr: discrete ? "<i8" : "<f8", shape: discrete ? [cols.n] : [cols.n, 3], data: [...cols.obs] },
        next_obs: { descr: discrete ? "<i8" : "<f8", shape: discrete ? [cols.n] : [cols.n, 3], data: [...cols.nextObs] },
        actions: { descr: discrete ? "<i8" : "<f8", shape: discrete ? [cols.n] : [cols.n, 1], data: [...cols.actions] },
        rewards: { descr: "<f8", shape: [cols.n], data: [...cols.rewards] },
        terminated: { descr: "|b1", shape: [cols.n], data: [...cols.terminated] },
        truncated: { descr: "|b1", shape: [cols.n], data: [...cols.truncated] },
        update: { descr: "<i8", shape: [cols.n], data: [...cols.update] },
        episode: { descr: "<i8", shape: [cols.n], data: [...cols.episode] },
      };
      if (!hasNumpy) {
        using zip = new ZipReader(p);
        for (const [name, e] of Object.entries(expected)) {
          const entry = zip.entries.get(`${name}.npy`)!;
          assertNpySpec(zip.read(entry, entry.size, "test"), e.descr, e.shape, e.descr === "|b1" ? 1 : 8);
        }
        continue;
      }
      const got = JSON.parse(python(["-c", DUMP_PY, p])) as Record<string, { dtype: string; shape: number[]; data: Array<number | boolean> }> & { files: string[]; meta: Record<string, unknown> };
      assert.deepEqual(got.files, [...Object.keys(expected), "meta.json"].sort());
      assert.equal(got.meta.envId, h.meta.envId);
      for (const [name, e] of Object.entries(expected)) {
        assert.equal(got[name]!.dtype, e.descr, `${name} dtype`);
        assert.deepEqual(got[name]!.shape, e.shape, `${name} shape`);
        assert.deepEqual(got[name]!.data.map(Number), e.data, `${name} values`);
      }
    }
    if (!hasNumpy) return;
    // The documented reading snippet runs on our file.
    copyFileSync(files[0]![0], join(dir, "history.npz"));
    assert.match(python(["-c", docPythonBlock('np.load("history.npz")')], dir), /^Pendulum-v1 \(12, 3\) float64 \{0: 7, 1: 5\}/);
    // The documented SB3 callback writes files our reader accepts, for Box and Discrete spaces.
    const module = join(dir, "lfl_history.py");
    writeFileSync(module, docPythonBlock("class LflHistoryCallback"));
    for (const kind of ["box", "discrete"]) {
      const out = join(dir, `sb3-${kind}.npz`);
      const stats = JSON.parse(python(["-c", SB3_HARNESS_PY, module, out, kind])) as { rewardSum: number; terminated: number; truncated: number };
      const h = readHistoryFile(out);
      const trajectories = h.updates.flatMap((u) => u.trajectories);
      assert.deepEqual(h.updates.map((u) => u.index), [0, 1, 2]);
      assert.equal(trajectories.reduce((s, t) => s + t.length, 0), 30);
      assert.ok(Math.abs(trajectories.reduce((s, t) => s + t.return, 0) - stats.rewardSum) < 1e-9);
      assert.equal(trajectories.filter((t) => t.terminated).length, stats.terminated);
      assert.equal(trajectories.filter((t) => t.truncated).length, stats.truncated);
      assert.ok(stats.terminated > 0 && stats.truncated > 0, "the walk both finishes and times out episodes");
      // next_obs of an episode's last step is its terminal observation (position ≥ 4), not the reset one.
      const position = (t: Trajectory): number => (kind === "box" ? t.obs(t.length)[0]! / 0.5 : t.obs(t.length)[0]!);
      for (const t of trajectories) if (t.terminated) assert.ok(position(t) >= 4, "terminal observation kept");
      assert.equal(h.meta.learner, "sb3-model");
      assert.equal(h.meta.observationSpace.kind, kind);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("int64 conversions are exact up to ±(2^53 − 1) and refuse beyond", () => {
  const xs = [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 - 1, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 123456789012];
  const big = int64FromNumbers(xs);
  assert.deepEqual([...big], xs.map(BigInt));
  assert.deepEqual([...numbersFromInt64(big, "episode")], xs);
  rejects(() => numbersFromInt64(BigInt64Array.of(0n, 2n ** 53n), "episode"), /'episode': row 1 is 9007199254740992/);
  rejects(() => numbersFromInt64(BigInt64Array.of(-(2n ** 63n)), "episode"), /row 0/);
  assert.throws(() => int64FromNumbers([0.5]), /not an integer/);
});
