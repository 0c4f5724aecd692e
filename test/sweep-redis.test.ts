// The BullMQ + Redis executor against a private redis-server: two `lfl worker` processes, one SIGKILLed
// mid-cell (every cell still finishes exactly once, results equal the local run), two submitters of the same
// cells (each cell runs once), a cell failing on every attempt, Redis stopped mid-sweep (E_QUEUE) and the resume.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LflError } from "../src/core/errors.ts";
import type { CellSpec } from "../src/experiments/engine/cell.ts";
import { runCellsLocal } from "../src/experiments/sweep/local-pool.ts";
import { runCellsOnQueue } from "../src/experiments/sweep/redis-queue.ts";
import { MemoryCellStore, type SweepEvent } from "../src/experiments/sweep/sweep-types.ts";
import { markerCount, markerParents, toySweep } from "./fixtures/toy-cell-runner.ts";
import { redisSkipReason, startRedis, startWorker, type RedisServer, type WorkerProcess } from "./sweep-redis-server.ts";

const skip = redisSkipReason();
const bytes = (s: MemoryCellStore, cells: readonly CellSpec[]): string => JSON.stringify(cells.filter((c) => s.has(c.key)).map((c) => [c.key, s.get(c.key)]));

/** The reference: the same cells in this process (results only; marker files go to a scratch dir). */
async function localReference(cells: readonly CellSpec[]): Promise<MemoryCellStore> {
  const scratch = mkdtempSync(join(tmpdir(), "lfl-sweep-ref-"));
  try {
    const store = new MemoryCellStore();
    const plain = cells.map((c) => ({ ...c, payload: { ...(c.payload as object), markerDir: scratch } }));
    await runCellsLocal(plain, { jobs: 0, store, workRoot: scratch });
    return store;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe("sweeps on Redis", { skip }, () => {
  let redis: RedisServer;
  let work: string;
  const workers: WorkerProcess[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "lfl-sweep-redis-"));
    redis = await startRedis();
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test("two workers, one SIGKILLed mid-cell, two submitters: every cell finishes exactly once, results equal the local run", async () => {
    const markerDir = mkdtempSync(join(work, "markers-"));
    const cells = toySweep({ name: "kill", seeds: 2, draws: 20000, sleepMs: 1200, markerDir });
    const w1 = startWorker(redis.url, { workDir: join(work, "w1") });
    const w2 = startWorker(redis.url, { workDir: join(work, "w2") });
    workers.push(w1, w2);
    await Promise.all([w1.waitFor(/ready:/), w2.waitFor(/ready:/)]);
    // Kill worker 1 (and its sandboxed cell process) as soon as one of its cells is running.
    const killed = (async () => {
      while (!markerParents(markerDir).includes(w1.proc.pid!)) await sleep(50);
      w1.killHard();
    })();
    const events: SweepEvent[] = [];
    const a = new MemoryCellStore();
    const b = new MemoryCellStore();
    const [outA, outB] = await Promise.all([
      runCellsOnQueue(cells, { url: redis.url, store: a, onEvent: (e) => events.push(e) }),
      runCellsOnQueue(cells, { url: redis.url, store: b }),
    ]);
    await killed;
    assert.deepEqual(outA.failed, []);
    assert.equal(outA.done.length, cells.length);
    assert.equal(outB.done.length, cells.length);
    // Worker 1 really died mid-cell: one cell was started twice (and announced as re-queued) ...
    assert.ok(cells.some((c) => markerCount(markerDir, c.key, "start") === 2), "no cell was interrupted");
    assert.ok(events.some((e) => e.type === "cell-retry" && /worker was lost/.test(e.error)));
    // ... and yet every cell returned exactly once.
    for (const c of cells) assert.equal(markerCount(markerDir, c.key, "done"), 1, c.label);
    const ref = await localReference(cells);
    assert.equal(bytes(a, cells), bytes(ref, cells));
    assert.equal(bytes(b, cells), bytes(ref, cells));
    // Submitting again enqueues nothing: every cell is in the store.
    const again = await runCellsOnQueue(cells, { url: redis.url, store: a });
    assert.equal(again.cached.length, cells.length);
  });

  test("a cell failing on every attempt is reported after 3 attempts; the rest finish", async () => {
    const markerDir = mkdtempSync(join(work, "markers-"));
    const cells = toySweep({ name: "fail3", seeds: 1, draws: 1000, markerDir, failLabel: "seed-0/observer" });
    const out = await runCellsOnQueue(cells, { url: redis.url, store: new MemoryCellStore() });
    assert.deepEqual(out.failed.map((f) => f.label), ["fail3/seed-0/observer"]);
    assert.match(out.failed[0]!.error, /fails on purpose \(execution 3\)/);
    assert.deepEqual(out.skipped.map((s) => s.label), ["fail3/summary"]);
    assert.equal(markerCount(markerDir, cells[1]!.key, "start"), 3);
    assert.equal(markerCount(markerDir, cells[0]!.key, "done"), 1);
  });

  test("Redis unreachable → E_QUEUE; Redis lost mid-sweep → E_QUEUE; re-running resumes without recomputing", async () => {
    await assert.rejects(runCellsOnQueue(toySweep({ name: "nowhere", seeds: 1, draws: 10 }), { url: "redis://127.0.0.1:1", store: new MemoryCellStore() }),
      (e: LflError) => e.code === "E_QUEUE" && /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/.test(e.message));

    const markerDir = mkdtempSync(join(work, "markers-"));
    const cells = toySweep({ name: "lost", seeds: 3, draws: 1000, sleepMs: 400, markerDir });
    const store = new MemoryCellStore();
    let stopped: Promise<void> | undefined;
    await assert.rejects(runCellsOnQueue(cells, {
      url: redis.url, store, graceMs: 1000,
      onEvent: (e) => { if (e.type === "cell-done" && stopped === undefined) stopped = redis.kill(); },
    }), (e: LflError) => e.code === "E_QUEUE" && /lost Redis .* run the same command again to resume/.test(e.message));
    await stopped;
    const finished = cells.filter((c) => store.has(c.key));
    assert.ok(finished.length >= 1 && finished.length < cells.length, `${finished.length} cells finished before Redis went away`);

    await redis.restart(); // empty: the queue is gone, the store is not
    const out = await runCellsOnQueue(cells, { url: redis.url, store });
    assert.deepEqual(out.failed, []);
    assert.deepEqual(out.cached.sort(), finished.map((c) => c.key).sort());
    for (const c of finished) assert.equal(markerCount(markerDir, c.key, "done"), 1, `${c.label} was recomputed`);
    assert.equal(bytes(store, cells), bytes(await localReference(cells), cells));
  });
});
