import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../core/errors.ts";
import type { HistoryColumns } from "../../data/history-columns.ts";
import { int64FromNumbers } from "../../data/npy.ts";
import { writeNpz } from "../../data/npz.ts";
import { improvementCheck, learnerReturns, readLearnerReturnArrays, suggestWindows, windowText } from "./learner-returns.ts";

/** Rows of one recorded env: [update, episode, reward, terminated, truncated]. */
function columns(rows: Array<[number, number, number, 0 | 1, 0 | 1]>, extra?: Record<string, unknown>): HistoryColumns {
  const n = rows.length;
  return {
    meta: { envId: "Pendulum-v1", learner: "test", observationSpace: { kind: "box", dim: 1 }, actionSpace: { kind: "box", dim: 1 }, ...(extra ? { extra } : {}) },
    updates: [...new Set(rows.map((r) => r[0]))], n,
    obs: new Float64Array(n), nextObs: new Float64Array(n), actions: new Float64Array(n),
    rewards: Float64Array.from(rows, (r) => r[2]), terminated: Uint8Array.from(rows, (r) => r[3]), truncated: Uint8Array.from(rows, (r) => r[4]),
    update: Float64Array.from(rows, (r) => r[0]), episode: Float64Array.from(rows, (r) => r[1]),
  };
}

test("returns from rows: counted in the update where the episode ended, across updates; a possibly pre-recording start is left out", () => {
  const c = columns([
    [5, 0, 1, 0, 1], // episode 0: first segment of update 5 and update 4 is not in the file — may have begun earlier
    [5, 1, 2, 0, 0], [5, 1, 3, 0, 0], // episode 1: cut at the end of update 5 …
    [6, 1, 4, 1, 0], // … ends (terminated) in update 6: return 2 + 3 + 4 = 9 counted in update 6
    [6, 2, 5, 0, 1], // episode 2 starts in update 6 (update 5 is in the file): complete, 5
    [6, 3, 7, 0, 0], // episode 3: still running at the end, not counted
  ]);
  const r = learnerReturns(c);
  assert.equal(r.source, "rows");
  assert.equal(r.partialExcluded, 1);
  assert.deepEqual([...r.byUpdate], [[6, [9, 5]]]);
  // Two recorded envs (meta.extra.recordedEnvs): the two smallest ids of update 5 are both possibly partial.
  const two = learnerReturns(columns([[5, 0, 1, 0, 1], [5, 1, 2, 0, 1], [5, 2, 3, 0, 1]], { recordedEnvs: 2 }));
  assert.equal(two.partialExcluded, 2);
  assert.deepEqual([...two.byUpdate], [[5, [3]]]);
});

test("improvement: last − first with a bootstrap interval over episodes; windows of the same shape that improved are suggested", () => {
  const byUpdate = new Map([[0, [1, 2, 3]], [1, [4, 5, 6]], [2, [10, 11, 12]], [3, [0, 1, 2]], [4, [2, 2, 2]]]);
  const up = improvementCheck(byUpdate, [0, 1, 2])!;
  assert.equal(up.diff, 9);
  assert.ok(up.improved && up.ci95[0] > 0 && up.ci95[0] <= 9 && up.ci95[1] >= 9);
  const down = improvementCheck(byUpdate, [2, 3, 4])!;
  assert.equal(down.improved, false);
  assert.equal(down.diff, -9);
  // Updates without a finished episode are skipped at the ends; fewer than two with returns: undefined.
  assert.equal(improvementCheck(new Map([[1, [3]]]), [0, 1, 2]), undefined);
  assert.deepEqual(improvementCheck(byUpdate, [0, 2, 7])!.last, 2);
  // [1, 2, 3] got worse (5 → 1); [2, 3, 4] is the window itself.
  assert.deepEqual(suggestWindows(byUpdate, [0, 1, 2, 3, 4], [2, 3, 4]).map((s) => s.text), ["0-2"]);
  assert.deepEqual(suggestWindows(byUpdate, [0, 1, 3, 4], [2, 3, 4]), [], "every update of a candidate must be in the file");
  assert.equal(windowText([10, 15, 20]), "10-20/5");
  assert.equal(windowText([3, 5, 9]), "3,5,9");
});

test("the file's learner_returns arrays are read when present (all three or none) and used as the source", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-learner-returns-"));
  try {
    const path = join(dir, "h.npz");
    const f8 = (xs: number[]) => ({ dtype: "f8" as const, shape: [xs.length], data: Float64Array.from(xs) });
    const i8 = (xs: number[]) => ({ dtype: "i8" as const, shape: [xs.length], data: int64FromNumbers(Float64Array.from(xs)) });
    writeNpz(path, { learner_returns: f8([-3, -1, 4]), learner_returns_update: i8([0, 0, 2]), learner_returns_episode: i8([0, 1, 2]) });
    const arrays = readLearnerReturnArrays(path)!;
    assert.deepEqual(arrays, { returns: [-3, -1, 4], update: [0, 0, 2], episode: [0, 1, 2] });
    const r = learnerReturns(columns([[0, 9, 100, 0, 1]]), arrays);
    assert.equal(r.source, "file");
    assert.deepEqual([...r.byUpdate], [[0, [-3, -1]], [2, [4]]]);
    writeNpz(path, { obs: f8([1]) });
    assert.equal(readLearnerReturnArrays(path), undefined);
    writeNpz(path, { learner_returns: f8([1]) });
    assert.throws(() => readLearnerReturnArrays(path), (e: unknown) => e instanceof InputError && e.code === "E_INVALID_HISTORY" && /need all of/.test(e.message) && e.message.includes(path));
    writeNpz(path, { learner_returns: f8([1, 2]), learner_returns_update: i8([0]), learner_returns_episode: i8([0, 1]) });
    assert.throws(() => readLearnerReturnArrays(path), /learner_returns_update' must be int64 \[2\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
