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
import { runCellsOnQueue } from "../src/experiments/sweep/redis-queue.ts";
import { MemoryCellStore } from "../src/experiments/sweep/sweep-types.ts";
import { markerCount, toySweep } from "./fixtures/toy-cell-runner.ts";
import { bytes, killScenario, localReference, redisSkipReason, startRedis, type RedisServer, type WorkerProcess } from "./sweep-redis-server.ts";

const skip = redisSkipReason();

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
    workers.push(...(await killScenario({ url: redis.url, work })));
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

  test("a worker whose code differs from the submitter's refuses the cell at once, naming the runner", async () => {
    const markerDir = mkdtempSync(join(work, "markers-"));
    const cells = toySweep({ name: "othercode", seeds: 1, draws: 1000, markerDir });
    const out = await runCellsOnQueue(cells, { url: redis.url, store: new MemoryCellStore(), codeHashOf: () => "0".repeat(64) });
    assert.deepEqual(out.failed.map((f) => f.label).sort(), ["othercode/seed-0/learner"]);
    assert.match(out.failed[0]!.error, /code of test\/fixtures\/toy-cell-runner\.ts on this worker .* differs from the submitter's/);
    assert.equal(out.failed.length + out.skipped.length, cells.length);
    assert.equal(markerCount(markerDir, cells[0]!.key, "start"), 0); // refused before running, and not retried
  });

  test("a submitter stopped mid-sweep: its queued cells still finish, and the re-run collects them without recomputing", async () => {
    const markerDir = mkdtempSync(join(work, "markers-"));
    const cells = toySweep({ name: "stopped", seeds: 2, draws: 1000, sleepMs: 300, markerDir });
    const store = new MemoryCellStore();
    const stop = new AbortController();
    await assert.rejects(runCellsOnQueue(cells, { url: redis.url, store, signal: stop.signal, onEvent: (e) => { if (e.type === "cell-done") stop.abort(new Error("stopped by the test")); } }), /stopped by the test/);
    const stored = cells.filter((c) => store.has(c.key)).length;
    assert.ok(stored >= 1 && stored < cells.length);
    // Give the worker time to finish what was queued (3 s is ample for 300 ms cells).
    await sleep(3000);
    const ranWhileAway = cells.filter((c) => !store.has(c.key) && markerCount(markerDir, c.key, "done") === 1).length;
    assert.ok(ranWhileAway >= 1, "no queued cell finished after the submitter stopped");
    const out = await runCellsOnQueue(cells, { url: redis.url, store });
    assert.deepEqual(out.failed, []);
    for (const c of cells) assert.equal(markerCount(markerDir, c.key, "done"), 1, `${c.label} ran twice`);
    assert.equal(bytes(store, cells), bytes(await localReference(cells), cells));
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
