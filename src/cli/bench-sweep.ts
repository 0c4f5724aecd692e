/**
 * `lfl bench sweep`: cells per hour of one fixed toy sweep (test/fixtures/toy-cell-runner.ts: CPU-bound seeded
 * draws, per seed a learner cell and an observer cell reading it, then a summary cell reading all observers)
 * run four ways in one process run: in-process, the local pool with 1 and 2 jobs, and a Redis queue with 2
 * workers (a private redis-server on a free loopback port unless --queue is given). Checks the four give the
 * same bytes, and prints the ratios against in-process.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LflError } from "../core/errors.ts";
import type { CellSpec } from "../experiments/engine/cell.ts";
import { runCellsLocal } from "../experiments/sweep/local-pool.ts";
import { checkRedis } from "../experiments/sweep/queue-connection.ts";
import { runCellsOnQueue } from "../experiments/sweep/redis-queue.ts";
import { REPO_ROOT } from "../experiments/sweep/run-one-cell.ts";
import { MemoryCellStore, type SweepOutcome } from "../experiments/sweep/sweep-types.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_SWEEP_USAGE = `lfl bench sweep [--seeds S] [--draws D] [--queue redis://HOST:PORT] [--json FILE]

  One toy sweep of 2·S+1 cells (default S = 6: 13 cells), each D normal draws (default 3000000, CPU-bound),
  run in-process, on the local pool with --jobs 1 and 2, and on a Redis queue with 2 workers (lfl worker
  --jobs 1 each, started before the clock; a private redis-server on a free loopback port unless --queue is
  given). Prints wall time and cells per hour of each, the ratio to in-process, and whether all four gave the
  same bytes. The pool's time includes starting its worker processes; the queue's includes its workers'
  sandboxed processes. Check the machine is quiet first (cat /proc/loadavg): ${availableParallelism()} core(s) here.`;

const TOY_RUNNER = "test/fixtures/toy-cell-runner.ts";

/** The fixed toy sweep (keys carry `name`, so every run is new to a queue that has seen earlier runs). */
function toySweep(name: string, seeds: number, draws: number): CellSpec[] {
  const cells: CellSpec[] = [];
  const cell = (label: string, seed: number, inputs: string[]): string => {
    const key = `${name}-${label.replaceAll("/", "-")}`;
    cells.push({ key, label: `bench/${label}`, experiment: "bench-sweep", runner: TOY_RUNNER, payload: { seed, draws }, inputs });
    return key;
  };
  const observers: string[] = [];
  for (let s = 0; s < seeds; s++) observers.push(cell(`seed-${s}/observer`, 2000 + s, [cell(`seed-${s}/learner`, 1000 + s, [])]));
  cell("summary", 7, observers);
  return cells;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Row {
  executor: string;
  wallSeconds: number;
  cellsPerHour: number;
  ratio: number;
  sameBytes: boolean;
}

export async function runBenchSweep(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench sweep", argv, { seeds: { type: "string" }, draws: { type: "string" }, queue: { type: "string" } });
  const seeds = intFlag("seeds", v.seeds, 6, 1);
  const draws = intFlag("draws", v.draws, 3_000_000, 1);
  if (!existsSync(join(REPO_ROOT, TOY_RUNNER))) throw new LflError("E_FILE", `bench sweep: its cell runner ${TOY_RUNNER} is missing (run it from a checkout of the repository)`);
  const load = (): string => { try { return (spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout ?? "").split(" ").slice(0, 3).join(" "); } catch { return "unknown"; } };
  const nCells = 2 * seeds + 1;
  process.stderr.write(`bench sweep: ${nCells} cells × ${draws} draws, ${availableParallelism()} core(s), load average ${load()}\n`);
  const work = mkdtempSync(join(tmpdir(), "lfl-bench-sweep-"));
  const nonce = `b${Date.now().toString(36)}`;
  const rows: Row[] = [];
  let reference: string | undefined;
  const measure = async (executor: string, run: (cells: CellSpec[], store: MemoryCellStore) => Promise<SweepOutcome>): Promise<void> => {
    const cells = toySweep(`${nonce}-${rows.length}`, seeds, draws);
    const store = new MemoryCellStore();
    const t0 = performance.now();
    const out = await run(cells, store);
    const wallSeconds = (performance.now() - t0) / 1000;
    if (out.failed.length > 0) throw new LflError("E_CELL", `bench sweep (${executor}): ${out.failed[0]!.label}: ${out.failed[0]!.error}`);
    const bytes = JSON.stringify(cells.map((c) => store.get(c.key)));
    reference ??= bytes;
    const cellsPerHour = (nCells / wallSeconds) * 3600;
    rows.push({ executor, wallSeconds, cellsPerHour, ratio: cellsPerHour / (rows[0]?.cellsPerHour ?? cellsPerHour), sameBytes: bytes === reference });
    process.stderr.write(`bench sweep: ${executor}: ${wallSeconds.toFixed(2)} s\n`);
  };

  const procs: ChildProcess[] = [];
  let redis: ChildProcess | undefined;
  try {
    await measure("in-process", (cells, store) => runCellsLocal(cells, { jobs: 0, store, workRoot: work }));
    await measure("pool, 1 job", (cells, store) => runCellsLocal(cells, { jobs: 1, store, workRoot: work }));
    await measure("pool, 2 jobs", (cells, store) => runCellsLocal(cells, { jobs: 2, store, workRoot: work }));

    let url = v.queue;
    if (url === undefined) {
      if (spawnSync("redis-server", ["--version"]).error) {
        process.stderr.write("bench sweep: redis-server is not installed and no --queue was given: skipping the Redis row\n");
      } else {
        const port = await freePort();
        redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", work, "--save", "", "--appendonly", "no"], { stdio: "ignore" });
        url = `redis://127.0.0.1:${port}`;
        for (let i = 0; ; i++) {
          try {
            await checkRedis(url, 500);
            break;
          } catch (e) {
            if (i > 100) throw e;
            await sleep(50);
          }
        }
      }
    }
    if (url !== undefined) {
      const queueUrl = url;
      const ready: Promise<void>[] = [];
      for (let w = 0; w < 2; w++) {
        const p = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), "worker", "--queue", queueUrl, "--jobs", "1", "--work-dir", work], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
        procs.push(p);
        ready.push(new Promise((resolve, reject) => {
          let text = "";
          p.stderr!.on("data", (d: Buffer) => { text += d.toString(); if (text.includes("ready:")) resolve(); });
          p.once("exit", () => reject(new LflError("E_QUEUE", `bench sweep: a worker exited before it was ready:\n${text}`)));
        }));
      }
      await Promise.all(ready);
      await measure("Redis, 2 workers", (cells, store) => runCellsOnQueue(cells, { url: queueUrl, store }));
    }
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once("exit", r)) : undefined)));
    redis?.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }

  console.log(`toy sweep: ${nCells} cells × ${draws} normal draws; ${availableParallelism()} core(s); load average ${load()}`);
  console.log("| executor | wall s | cells/hour | × in-process | same bytes |");
  console.log("|---|---:|---:|---:|---|");
  for (const r of rows) console.log(`| ${r.executor} | ${r.wallSeconds.toFixed(2)} | ${Math.round(r.cellsPerHour)} | ${r.ratio.toFixed(2)} | ${r.sameBytes ? "yes" : "NO"} |`);
  if (v.json !== undefined) writeFileAtomic(v.json, `${JSON.stringify({ target: "sweep", cells: nCells, draws, cores: availableParallelism(), rows }, null, 2)}\n`);
  return rows.every((r) => r.sameBytes) ? 0 : 1;
}
