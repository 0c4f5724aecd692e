// The local executors (in-process, worker pool) on the toy sweep: same bytes whatever runs it, the store is
// honoured, failures are contained, committed cells round-trip, the progress display reports what happened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { LflError } from "../src/core/errors.ts";
import type { CellSpec } from "../src/experiments/engine/cell.ts";
import { commitCellsListener, committedCellPath, loadCommittedCells } from "../src/experiments/sweep/commit-cells.ts";
import { runCellsLocal } from "../src/experiments/sweep/local-pool.ts";
import { SweepProgress } from "../src/experiments/sweep/sweep-progress.ts";
import { MemoryCellStore, type SweepEvent } from "../src/experiments/sweep/sweep-types.ts";
import { markerCount, toySweep, type ToyResult } from "./fixtures/toy-cell-runner.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "lfl-sweep-test-"));
const bytes = (s: MemoryCellStore): string => JSON.stringify([...s.results.entries()].sort(([a], [b]) => a.localeCompare(b)));

test("the toy sweep gives the same bytes in-process and on the pool with 1 and 2 jobs", async () => {
  const work = tmp();
  try {
    const cells = toySweep({ name: "same", seeds: 2, draws: 20000 });
    const runs: string[] = [];
    for (const jobs of [0, 1, 2]) {
      const store = new MemoryCellStore();
      const out = await runCellsLocal(cells, { jobs, store, workRoot: work });
      assert.equal(out.done.length, cells.length, `jobs ${jobs}: ${JSON.stringify(out.failed)}`);
      runs.push(bytes(store));
    }
    assert.equal(runs[1], runs[0]);
    assert.equal(runs[2], runs[0]);
    // The summary depends on its inputs: its inputSum is the sum of the observers' means.
    const store = new MemoryCellStore();
    await runCellsLocal(cells, { jobs: 0, store, workRoot: work });
    const summary = store.get("same-summary") as ToyResult;
    const observers = cells.filter((c) => c.label.endsWith("observer")).map((c) => (store.get(c.key) as ToyResult).mean);
    assert.equal(summary.inputSum, observers.reduce((a, b) => a + b, 0));
    assert.notEqual(summary.inputSum, 0);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("cells already in the store are not run; inputs run before the cells that read them", async () => {
  const work = tmp();
  try {
    const cells = toySweep({ name: "cached", seeds: 2, draws: 1000, markerDir: work });
    const store = new MemoryCellStore();
    store.put(cells[0]!.key, { seed: 0, mean: 0.5, inputSum: 0, first: [] }); // seed-0/learner, pretend finished
    const order: string[] = [];
    const out = await runCellsLocal(cells, { jobs: 2, store, workRoot: work, onEvent: (e) => { if (e.type === "cell-done") order.push(e.label); } });
    assert.deepEqual(out.cached, [cells[0]!.key]);
    assert.equal(out.done.length, cells.length - 1);
    assert.equal(markerCount(work, cells[0]!.key, "start"), 0);
    for (const c of cells.slice(1)) assert.equal(markerCount(work, c.key, "done"), 1, c.label);
    // The observer of seed 0 read the stored learner result.
    assert.equal((store.get(cells[1]!.key) as ToyResult).inputSum, 0.5);
    const pos = (key: string): number => order.indexOf(cells.find((c) => c.key === key)!.label);
    for (const c of cells) for (const k of c.inputs) if (out.done.includes(k)) assert.ok(pos(k) < pos(c.key), `${c.label} finished before its input`);
    // A second run computes nothing.
    const again = await runCellsLocal(cells, { jobs: 2, store, workRoot: work });
    assert.equal(again.done.length, 0);
    assert.equal(again.cached.length, cells.length);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("a failed cell is reported with its error, its dependents are skipped, the rest finish", async () => {
  const work = tmp();
  try {
    const cells = toySweep({ name: "fail", seeds: 2, draws: 1000, failLabel: "seed-1/learner" });
    for (const jobs of [0, 2]) {
      const store = new MemoryCellStore();
      const out = await runCellsLocal(cells, { jobs, store, workRoot: work });
      assert.deepEqual(out.failed.map((f) => f.label), ["fail/seed-1/learner"]);
      assert.match(out.failed[0]!.error, /fails on purpose/);
      assert.deepEqual(out.skipped.map((s) => s.label).sort(), ["fail/seed-1/observer", "fail/summary"]);
      assert.deepEqual(out.done.map((k) => cells.find((c) => c.key === k)!.label).sort(), ["fail/seed-0/learner", "fail/seed-0/observer"]);
      assert.equal(store.has("fail-summary"), false);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("bad sweeps are refused: missing inputs, cycles, two cells with one key", async () => {
  const cell = (key: string, inputs: string[]): CellSpec => ({ key, label: key, experiment: "x", runner: "test/fixtures/toy-cell-runner.ts", payload: { seed: 1, draws: 1 }, inputs });
  const run = (cells: CellSpec[]) => runCellsLocal(cells, { jobs: 0, store: new MemoryCellStore() });
  await assert.rejects(run([cell("a", ["nope"])]), (e: LflError) => e.code === "E_INVALID_ARGUMENT" && /nope/.test(e.message));
  await assert.rejects(run([cell("a", ["b"]), cell("b", ["a"])]), (e: LflError) => e.code === "E_INVALID_ARGUMENT" && /cycle/.test(e.message));
  await assert.rejects(run([cell("a", []), { ...cell("a", []), label: "other" }]), (e: LflError) => /share the key/.test(e.message));
});

test("a runner returning non-finite numbers or typed arrays fails its cell with a clear error", async () => {
  const work = tmp();
  try {
    const runner = join(work, "bad-runner.ts");
    writeFileSync(runner, `export const runCell = async (spec) => spec.payload.kind === "nan" ? { x: [1, NaN] } : { y: new Float64Array(2) };\n`);
    // An absolute runner path resolves to itself.
    const cells: CellSpec[] = ["nan", "typed"].map((kind) => ({ key: kind, label: kind, experiment: "bad", runner, payload: { kind }, inputs: [] }));
    const out = await runCellsLocal(cells, { jobs: 0, store: new MemoryCellStore(), workRoot: work });
    assert.match(out.failed.find((f) => f.key === "nan")!.error, /E_NUMERICAL: .*non-finite value NaN .*result\.x\[1\]/);
    assert.match(out.failed.find((f) => f.key === "typed")!.error, /E_CELL: .*Float64Array/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("a pool worker that dies mid-cell fails that cell; a new worker runs the rest", async () => {
  const work = tmp();
  try {
    const runner = join(work, "dying-runner.ts");
    writeFileSync(runner, `export const runCell = async (spec) => { if (spec.payload.die) process.kill(process.pid, "SIGKILL"); return { ok: spec.key }; };\n`);
    const cells: CellSpec[] = ["a", "b", "c"].map((key) => ({ key, label: key, experiment: "die", runner, payload: { die: key === "a" }, inputs: key === "c" ? ["a"] : [] }));
    const store = new MemoryCellStore();
    const out = await runCellsLocal(cells, { jobs: 1, store, workRoot: work });
    assert.deepEqual(out.failed.map((f) => f.key), ["a"]);
    assert.match(out.failed[0]!.error, /worker process pool-1 exited \(SIGKILL\) while running the cell/);
    assert.deepEqual(out.skipped.map((x) => x.key), ["c"]);
    assert.deepEqual(store.get("b"), { ok: "b" });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("--commit-cells: each finished cell is written atomically and loads back into a store", async () => {
  const work = tmp();
  try {
    const dir = join(work, "results", "cells");
    const cells = toySweep({ name: "commit", seeds: 1, draws: 1000 });
    const meta = { command: "lfl reproduce toy --commit-cells results/cells", seeds: [0], revision: "abc123" };
    const store = new MemoryCellStore();
    await runCellsLocal(cells, { jobs: 0, store, workRoot: work, onEvent: commitCellsListener(dir, cells, meta) });
    const files = readdirSync(join(dir, "commit"));
    assert.deepEqual(files.sort(), cells.map((c) => `${c.key}.json`).sort()); // no temp files left
    const one = JSON.parse(readFileSync(committedCellPath(dir, cells[0]!), "utf8"));
    assert.ok(typeof one.wallSeconds === "number" && one.wallSeconds >= 0, "the cell's wall time where it ran");
    assert.deepEqual({ ...one, result: undefined, wallSeconds: undefined }, { format: 1, command: meta.command, seeds: [0], revision: "abc123", key: cells[0]!.key, label: cells[0]!.label, experiment: "commit", result: undefined, wallSeconds: undefined });
    const other = new MemoryCellStore();
    assert.equal(loadCommittedCells(dir, other).length, cells.length);
    assert.equal(bytes(other), bytes(store));
    // Assembling on "another machine": nothing is recomputed.
    const out = await runCellsLocal(cells, { jobs: 0, store: other, workRoot: work });
    assert.equal(out.done.length, 0);
    writeFileSync(join(dir, "commit", "junk.json"), "{}");
    assert.throws(() => loadCommittedCells(dir, new MemoryCellStore()), (e: LflError) => e.code === "E_INVALID_JSON" && /junk\.json/.test(e.message));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("the progress display writes plain lines when the stream is not a terminal", () => {
  let text = "";
  const stream = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } });
  const p = new SweepProgress({ stream, tty: false, intervalMs: 60_000 });
  const ev = (e: SweepEvent): void => p.onEvent(e);
  ev({ type: "sweep-start", total: 4, cached: 1, workers: 2, executor: "local pool (2 jobs)" });
  ev({ type: "cell-start", key: "a", label: "t/a", worker: "pool-1", attempt: 1 });
  ev({ type: "cell-progress", key: "a", label: "t/a", worker: "pool-1", progress: { stage: "ppo", done: 3, total: 10 } });
  ev({ type: "cell-done", key: "a", label: "t/a", worker: "pool-1", seconds: 12, result: {} });
  ev({ type: "cell-failed", key: "b", label: "t/b", error: "boom", attempts: 1 });
  ev({ type: "cell-skipped", key: "c", label: "t/c", reason: "input 't/b' failed" });
  ev({ type: "sweep-end", outcome: { done: ["a"], cached: ["d"], failed: [{ key: "b", label: "t/b", error: "boom" }], skipped: [{ key: "c", label: "t/c", reason: "" }], wallSeconds: 1 } });
  const lines = text.trim().split("\n");
  assert.match(lines[0]!, /^sweep: 4 cells \(1 already stored\) on local pool \(2 jobs\), 2 worker\(s\)$/);
  assert.match(lines[1]!, /^sweep: done t\/a in 12 s on pool-1 — 2\/4 cells \(1 cached\), 0 running, ETA /);
  assert.match(lines[2]!, /^sweep: FAILED t\/b after 1 attempt\(s\): boom — 3\/4 cells \(1 cached\), 0 running, 1 failed, ETA /);
  assert.match(lines[3]!, /skipped t\/c: input 't\/b' failed — 4\/4 cells .*1 skipped, ETA 0 s$/);
  assert.match(lines[4]!, /^sweep: 4 cells: 1 computed, 1 cached, 1 failed, 1 skipped, in /);
  assert.match(lines[5]!, /failed: t\/b: boom/);
});
