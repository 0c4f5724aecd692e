import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { historyToColumns } from "./history-columns.ts";
import { readHistoryColumns, readHistoryFile, writeHistoryColumns, writeHistoryFile } from "./history-file.ts";
import { LearningHistory, type HistoryMeta, type PolicyUpdate } from "./learning-history.ts";
import type { NpyArray } from "./npy.ts";
import { writeNpz } from "./npz.ts";
import { Trajectory } from "./trajectory.ts";

const dir = mkdtempSync(join(tmpdir(), "lfl-history-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmp = (): string => join(dir, `h${fileNo++}.npz`);

/** A random trajectory whose observation chain is continuous (obs[t+1] is next_obs[t]). */
function randomTrajectory(rng: Rng, T: number, meta: HistoryMeta, episode: number, end: "terminated" | "truncated" | "cut"): Trajectory {
  const draw = (s: HistoryMeta["observationSpace"], rows: number): Float64Array =>
    Float64Array.from({ length: rows * s.dim }, () => (s.kind === "discrete" ? rng.int(s.n!) : rng.normal() * 10));
  return new Trajectory({
    observations: draw(meta.observationSpace, T + 1), actions: draw(meta.actionSpace, T),
    rewards: Float64Array.from({ length: T }, () => rng.normal()), obsDim: meta.observationSpace.dim, actDim: meta.actionSpace.dim,
    terminated: end === "terminated", truncated: end === "truncated", episode,
  });
}

const boxMeta: HistoryMeta = {
  envId: "Pendulum-v1", envKwargs: { g: 10 }, learner: "ppo", learnerConfig: { gamma: 0.99, nSteps: 16 }, seed: 7,
  observationSpace: { kind: "box", dim: 3 }, actionSpace: { kind: "box", dim: 1 }, extra: { obsRms: [[0, 1.5, 2], [3, 4, 5]] },
};
const gridMeta: HistoryMeta = { envId: "GridWorld", learner: "spi", observationSpace: { kind: "discrete", dim: 1, n: 25 }, actionSpace: { kind: "discrete", dim: 1, n: 4 } };

/** Updates with finished, truncated and cut trajectories, an episode spanning two updates, and an empty update. */
function sampleHistory(meta: HistoryMeta, seed: number): LearningHistory {
  const rng = new Rng(seed);
  const updates: PolicyUpdate[] = [
    { index: 0, trajectories: [randomTrajectory(rng, 5, meta, 0, "terminated"), randomTrajectory(rng, 4, meta, 1, "truncated"), randomTrajectory(rng, 3, meta, 2, "cut")] },
    { index: 1, trajectories: [] },
    { index: 3, trajectories: [randomTrajectory(rng, 2, meta, 2, "terminated"), randomTrajectory(rng, 1, meta, 3, "cut")] },
  ];
  return new LearningHistory(meta, updates);
}

function assertSameHistory(a: LearningHistory, b: LearningHistory): void {
  assert.deepEqual(b.meta, a.meta);
  assert.deepEqual(b.updates.map((u) => u.index), a.updates.map((u) => u.index));
  a.updates.forEach((u, k) => {
    assert.equal(b.updates[k]!.trajectories.length, u.trajectories.length, `update ${u.index}: trajectory count`);
    u.trajectories.forEach((t, j) => {
      const r = b.updates[k]!.trajectories[j]!;
      for (const key of ["observations", "actions", "rewards", "terminated", "truncated", "episode", "obsDim", "actDim"] as const) {
        assert.deepEqual(r[key], t[key], `update ${u.index} trajectory ${j}: ${key}`);
      }
    });
  });
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.code === "E_INVALID_HISTORY" && pattern.test(e.message), `expected InputError matching ${pattern}`);
}

test("continuous and discrete histories round-trip exactly (STORE and DEFLATE)", () => {
  for (const meta of [boxMeta, gridMeta]) {
    const h = sampleHistory(meta, 11);
    for (const deflate of [false, true]) {
      const p = tmp();
      writeHistoryFile(p, h, { deflate });
      assertSameHistory(h, readHistoryFile(p));
      const cols = readHistoryColumns(p);
      const want = historyToColumns(h);
      assert.equal(cols.n, 15);
      for (const key of ["obs", "nextObs", "actions", "rewards", "terminated", "truncated", "update", "episode", "updates"] as const) {
        assert.deepEqual(cols[key], want[key], key);
      }
    }
  }
});

test("edge cases: no updates, updates without transitions, one transition, trajectories out of episode order", () => {
  const rng = new Rng(3);
  const cases = [
    new LearningHistory(boxMeta, []),
    new LearningHistory(boxMeta, [{ index: 0, trajectories: [] }, { index: 5, trajectories: [] }]),
    new LearningHistory(gridMeta, [{ index: 2, trajectories: [randomTrajectory(rng, 1, gridMeta, 9, "terminated")] }]),
  ];
  for (const h of cases) {
    const p = tmp();
    writeHistoryFile(p, h);
    assertSameHistory(h, readHistoryFile(p));
  }
  // The file orders rows by episode within an update, so a history listing episode 4 before 1 comes back sorted.
  const t4 = randomTrajectory(rng, 2, boxMeta, 4, "terminated"), t1 = randomTrajectory(rng, 3, boxMeta, 1, "cut");
  const p = tmp();
  writeHistoryFile(p, new LearningHistory(boxMeta, [{ index: 0, trajectories: [t4, t1] }]));
  assert.deepEqual(readHistoryFile(p).updates[0]!.trajectories.map((t) => t.episode), [1, 4]);
});

test("writing is atomic and refuses NaN (in arrays or in meta), leaving the old file intact", () => {
  const p = tmp();
  const h = sampleHistory(boxMeta, 1);
  writeHistoryFile(p, h);
  const before = readFileSync(p);
  const cols = historyToColumns(h);
  const rewards = cols.rewards.slice();
  rewards[6] = NaN;
  assert.throws(() => writeHistoryColumns(p, { ...cols, rewards }), (e: unknown) => e instanceof NumericalError && /'rewards' row 6 is NaN/.test(e.message));
  const badMeta = new LearningHistory({ ...boxMeta, extra: { obsRms: [1, Infinity] } }, h.updates);
  assert.throws(() => writeHistoryFile(p, badMeta), (e: unknown) => e instanceof NumericalError && /meta\.extra\.obsRms\[1\] is Infinity/.test(e.message));
  assert.deepEqual(readFileSync(p), before);
  writeHistoryFile(p, sampleHistory(gridMeta, 2));
  assert.equal(readHistoryFile(p).meta.envId, "GridWorld");
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temporary files left behind");
});

test("two trajectories of one episode in one update split where the observation chain breaks; terminated wins over truncated", () => {
  const meta: HistoryMeta = { ...gridMeta };
  const arrays = validArrays();
  arrays.obs = i8([0, 1, 7, 3, 4]); // row 2 does not continue row 1 (next_obs 2): a new trajectory
  arrays.next_obs = i8([1, 2, 3, 4, 5]);
  arrays.terminated = b1([0, 0, 0, 0, 1]);
  arrays.truncated = b1([0, 0, 0, 0, 1]);
  const p = tmp();
  writeNpz(p, arrays, { "meta.json": metaJson(meta) });
  const trs = readHistoryFile(p).updates[0]!.trajectories;
  assert.deepEqual(trs.map((t) => [...t.observations]), [[0, 1, 2], [7, 3, 4, 5]]);
  assert.deepEqual(trs.map((t) => [t.terminated, t.truncated]), [[false, false], [true, false]]);
});

// Bad files: a valid discrete history of N = 5 rows in update 0, episode 0, written by writeNpz with one defect.
const f8 = (xs: number[], shape: number[] = [xs.length]): NpyArray => ({ dtype: "f8", shape, data: Float64Array.from(xs) });
const i8 = (xs: number[]): NpyArray => ({ dtype: "i8", shape: [xs.length], data: BigInt64Array.from(xs, BigInt) });
const b1 = (xs: number[]): NpyArray => ({ dtype: "b1", shape: [xs.length], data: Uint8Array.from(xs) });
function validArrays(): Record<string, NpyArray> {
  return {
    obs: i8([0, 1, 2, 3, 4]), next_obs: i8([1, 2, 3, 4, 5]), actions: i8([1, 1, 1, 1, 3]), rewards: f8([0, 0, 0, 0, 1]),
    terminated: b1([0, 0, 0, 0, 1]), truncated: b1([0, 0, 0, 0, 0]), update: i8([0, 0, 0, 0, 0]), episode: i8([0, 0, 0, 0, 0]),
  };
}
function metaJson(meta: HistoryMeta = gridMeta): Record<string, unknown> {
  return { format: "lfl-learning-history", formatVersion: 1, ...meta };
}
function fileWith(change: (a: Record<string, NpyArray>, m: Record<string, unknown>) => void, withMeta = true): string {
  const a = validArrays(), m = metaJson();
  change(a, m);
  const p = tmp();
  writeNpz(p, a, withMeta ? { "meta.json": m } : {});
  return p;
}

test("the unmodified bad-file fixture is valid", () => {
  const h = readHistoryFile(fileWith(() => {}));
  assert.equal(h.updates[0]!.trajectories[0]!.length, 5);
});

test("bad files are rejected with InputError naming the array (and row)", () => {
  const good = readFileSync(fileWith(() => {}));
  const truncated = tmp();
  writeFileSync(truncated, good.subarray(0, good.length - 100));
  rejects(() => readHistoryFile(truncated), /truncated/);
  rejects(() => readHistoryFile(fileWith((a) => (a.rewards = i8([0, 0, 0, 0, 1])))), /array 'rewards' has dtype int64, expected float64/);
  rejects(() => readHistoryFile(fileWith((a) => (a.actions = f8([1, 1, 1, 1, 3])))), /array 'actions' has dtype float64, expected int64 for a discrete action space/);
  rejects(() => readHistoryFile(fileWith((a) => (a.terminated = i8([0, 0, 0, 0, 1])))), /array 'terminated' has dtype int64, expected bool/);
  rejects(() => readHistoryFile(fileWith((a) => (a.episode = i8([0, 0, 0, 0])))), /array 'episode' has 4 rows but 'obs' has 5/);
  rejects(() => readHistoryFile(fileWith((a) => (a.next_obs = i8([1, 2, 3, 4, 5, 6])))), /array 'next_obs' has 6 rows but 'obs' has 5/);
  rejects(() => readHistoryFile(fileWith((a) => (a.rewards = f8([0, 0, NaN, 0, 1])))), /array 'rewards' row 2 is NaN/);
  rejects(() => readHistoryFile(fileWith(() => {}, false)), /member 'meta\.json' is missing/);
  rejects(() => readHistoryFile(fileWith((a) => delete a.episode)), /array 'episode' is missing/);
  rejects(() => readHistoryFile(fileWith((a) => (a.actions = i8([1, 1, 4, 1, 3])))), /array 'actions' row 2 is 4, outside the discrete space \{0, …, 3\}/);
  rejects(() => readHistoryFile(fileWith((a) => (a.obs = i8([0, 1, -1, 3, 4])))), /array 'obs' row 2 is -1, outside/);
  rejects(() => readHistoryFile(fileWith((a) => (a.update = i8([0, 0, 1, 0, 1])))), /array 'update' decreases at row 3/);
  rejects(() => readHistoryFile(fileWith((a) => (a.episode = i8([0, 0, 1, 0, 0])))), /array 'episode' decreases within update 0 at row 3/);
  rejects(() => readHistoryFile(fileWith((a) => (a.terminated = b1([0, 1, 0, 0, 1])))), /array 'episode' row 2: episode 0 continues after it ended .* at row 1/);
  rejects(() => readHistoryFile(fileWith((a) => (a.terminated = { dtype: "b1", shape: [5], data: Uint8Array.of(0, 0, 2, 0, 1) }))), /array 'terminated': element 2 is byte 2/);
  rejects(() => readHistoryFile(fileWith((a) => (a.update = i8([0, 0, 0, 0, 2 ** 53 + 2])))), /array 'update': row 4 is 9007199254740994, beyond/);
  rejects(() => readHistoryFile(fileWith((_a, m) => (m.formatVersion = 2))), /formatVersion 2 is newer/);
  rejects(() => readHistoryFile(fileWith((_a, m) => (m.format = "other"))), /'format' must be "lfl-learning-history"/);
  rejects(() => readHistoryFile(fileWith((_a, m) => delete m.envId)), /'envId' must be a non-empty string/);
  rejects(() => readHistoryFile(fileWith((_a, m) => (m.actionSpace = { kind: "discrete", n: 0 }))), /'actionSpace\.n' must be a positive integer/);
  rejects(() => readHistoryFile(fileWith((_a, m) => (m.updates = [1]))), /array 'update' row 0 is 0, which is not in the history's update list/);
  const boxFile = (obs: NpyArray): string => {
    const p = tmp();
    writeNpz(p, { ...validArrays(), obs, next_obs: f8(Array(15).fill(0), [5, 3]), actions: f8([0, 0, 0, 0, 0], [5, 1]) }, { "meta.json": metaJson(boxMeta) });
    return p;
  };
  assert.equal(readHistoryColumns(boxFile(f8(Array(15).fill(0), [5, 3]))).n, 5);
  rejects(() => readHistoryFile(boxFile(f8(Array(10).fill(0), [5, 2]))), /array 'obs' has shape \(5, 2\), expected \(5, 3\) for a box observation space of dimension 3/);
  rejects(() => readHistoryFile(boxFile(f8([0, 0, 0, 0, 0, 0, 0, Infinity, 0, 0, 0, 0, 0, 0, 0], [5, 3]))), /array 'obs' row 2 column 1 is Infinity/);
  const notZip = tmp();
  writeFileSync(notZip, "obs,actions\n1,2\n");
  rejects(() => readHistoryFile(notZip), /not a zip archive/);
  assert.throws(() => readHistoryFile(join(dir, "missing.npz")), (e: unknown) => e instanceof InputError && e.code === "E_FILE");
});

test("a discrete space without n is refused when writing; a directory is not a history file", () => {
  const meta: HistoryMeta = { envId: "X", learner: "y", observationSpace: { kind: "discrete", dim: 1 }, actionSpace: { kind: "discrete", dim: 1, n: 2 } };
  rejects(() => writeHistoryFile(tmp(), new LearningHistory(meta, [])), /observation space .* is invalid/);
  assert.throws(() => readHistoryFile(dir), (e: unknown) => e instanceof InputError && e.code === "E_FILE");
});

test("property: random valid histories round-trip exactly", () => {
  const arbHistory = fc.record({
    discrete: fc.boolean(), dObs: fc.integer({ min: 1, max: 4 }), dAct: fc.integer({ min: 1, max: 3 }), deflate: fc.boolean(),
    updates: fc.array(fc.record({
      gap: fc.integer({ min: 1, max: 3 }),
      trajectories: fc.array(fc.record({ T: fc.integer({ min: 1, max: 5 }), end: fc.constantFrom("terminated", "truncated", "cut"), seed: fc.nat() }), { maxLength: 3 }),
    }), { maxLength: 4 }),
  });
  fc.assert(fc.property(arbHistory, (a) => {
    const meta: HistoryMeta = a.discrete
      ? { envId: "D", learner: "l", observationSpace: { kind: "discrete", dim: 1, n: 3 }, actionSpace: { kind: "discrete", dim: 1, n: 2 } }
      : { envId: "B", learner: "l", observationSpace: { kind: "box", dim: a.dObs }, actionSpace: { kind: "box", dim: a.dAct } };
    let index = -1, episode = 0;
    const updates = a.updates.map((u) => ({
      index: (index += u.gap),
      trajectories: u.trajectories.map((t) => randomTrajectory(new Rng(t.seed), t.T, meta, episode++, t.end)),
    }));
    const h = new LearningHistory(meta, updates);
    const p = tmp();
    writeHistoryFile(p, h, { deflate: a.deflate });
    assertSameHistory(h, readHistoryFile(p));
    rmSync(p);
  }), { numRuns: 60 });
});

test("property: corrupted or truncated files raise InputError or read as valid histories, never anything else", () => {
  const sources = [false, true].map((deflate) => {
    const p = tmp();
    writeHistoryFile(p, sampleHistory(gridMeta, 4), { deflate });
    return readFileSync(p);
  });
  const arbDamage = fc.record({
    source: fc.integer({ min: 0, max: 1 }),
    cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
  });
  const p = tmp();
  fc.assert(fc.property(arbDamage, (d) => {
    const bytes = Buffer.from(sources[d.source]!);
    for (const f of d.flips) bytes[Math.min(bytes.length - 1, Math.floor(f.at * bytes.length))] = f.byte;
    writeFileSync(p, d.cut === null ? bytes : bytes.subarray(0, Math.floor(d.cut * bytes.length)));
    try {
      assert.ok(readHistoryFile(p) instanceof LearningHistory);
    } catch (e) {
      assert.ok(e instanceof InputError, `unexpected ${(e as Error).name}: ${(e as Error).message}`);
    }
  }), { numRuns: 300 });
});

/** Asserts an InputError with `code`, one line, naming `path`, matching `pattern`. */
function refuses(fn: () => unknown, code: string, path: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!e.message.includes("\n"), e.message);
    assert.ok(e.message.includes(path), `'${e.message}' names ${path}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test("every history error names the file", () => {
  const p = fileWith((a) => (a.rewards = f8([0, 0, NaN, 0, 1])));
  refuses(() => readHistoryFile(p), "E_INVALID_HISTORY", p, /^.*h\d+\.npz: array 'rewards' row 2 is NaN/);
  const q = fileWith((a) => (a.episode = i8([0, 0, 0, 0])));
  refuses(() => readHistoryColumns(q), "E_INVALID_HISTORY", q, /'episode' has 4 rows but 'obs' has 5/);
});

test("budgets: file size, total inflate, element counts and space sizes are refused before reading or inflating", () => {
  const good = fileWith(() => {});
  const size = readFileSync(good).length;
  refuses(() => readHistoryColumns(good, { limits: { maxNpzBytes: size - 1 } }), "E_TOO_LARGE", good, /size in bytes is \d+, more than the limit of \d+ \(raise it with --max-input-bytes\)/);
  // The arrays total 8·(5·8) + 2·5 + header bytes; a budget below that is refused before the first array is inflated.
  refuses(() => readHistoryColumns(good, { limits: { maxInflatedBytes: 600, maxInflateRatio: 1e9 } }), "E_TOO_LARGE", good, /would inflate to \d+ bytes, more than this archive's budget of 600 bytes/);
  refuses(() => readHistoryColumns(good, { limits: { maxElements: 4 } }), "E_TOO_LARGE", good, /element count of array '\w+' \(shape \(5,\)\) is 5, more than the limit of 4/);
  refuses(() => readHistoryFile(fileWith((_a, m) => (m.observationSpace = { kind: "discrete", n: 1e9 }))), "E_TOO_LARGE", "meta.json", /'observationSpace\.n' is 1000000000, more than the limit/);
  refuses(() => readHistoryFile(fileWith((_a, m) => (m.actionSpace = { kind: "box", dim: 1e7 }))), "E_TOO_LARGE", "meta.json", /'actionSpace\.dim' is 10000000/);
});

test("a row-count mismatch visible in the headers is refused before anything is inflated", () => {
  // 'rewards' declares 4,000,000 rows (32 MB of zeros, ~32 KB deflated); 'obs' has 5. With an inflate budget far
  // below 32 MB, reaching the inflate step would answer E_TOO_LARGE: the row-count error proves it was never reached.
  const p = tmp();
  const zeros = new Float64Array(4_000_000);
  writeNpz(p, { ...validArrays(), rewards: { dtype: "f8", shape: [zeros.length], data: zeros } }, { "meta.json": metaJson() }, { deflate: true });
  refuses(() => readHistoryColumns(p, { limits: { maxInflatedBytes: 2 ** 20 } }), "E_INVALID_HISTORY", p, /array 'rewards' has 4000000 rows but 'obs' has 5/);
});
