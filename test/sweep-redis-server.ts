/**
 * Helpers for the Redis sweep tests: a private redis-server on a free port (temp dir, no persistence) and
 * `lfl worker` processes, each in its own process group so a test can SIGKILL a whole "machine".
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import assert from "node:assert/strict";
import type { CellSpec } from "../src/experiments/engine/cell.ts";
import { runCellsLocal } from "../src/experiments/sweep/local-pool.ts";
import { runCellsOnQueue } from "../src/experiments/sweep/redis-queue.ts";
import { RespClient } from "../src/experiments/sweep/resp-client.ts";
import { MemoryCellStore, type SweepEvent } from "../src/experiments/sweep/sweep-types.ts";
import { markerCount, markerPids, toySweep } from "./fixtures/toy-cell-runner.ts";
import { ROOT } from "./lfl-cli.ts";

/** Why Redis tests cannot run here, or undefined when they can. */
export function redisSkipReason(): string | undefined {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return r.error ? "redis-server is not installed here (apt-get install redis-server; CI installs it)" : undefined;
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  host: string;
  /** Stops the server (SIGKILL: as if the host went away). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

async function waitForPing(url: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const c = new RespClient(url, { connectTimeoutMs: 500 });
    try {
      await c.connect();
      if ((await c.send("PING")) === "PONG") return;
    } catch (e) {
      if (Date.now() - t0 > ms) throw new Error(`redis-server at ${url} did not answer: ${(e as Error).message}`);
    } finally {
      c.close();
    }
    await sleep(50);
  }
}

/** Starts redis-server bound to `host` (default 127.0.0.1) on a free port with a temp dir. */
export async function startRedis(host = "127.0.0.1"): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "lfl-redis-"));
  const port = await freePort(host);
  const url = `redis://${host}:${port}`;
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", host, "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "no"], { stdio: "ignore" });
    await waitForPing(url);
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
  };
  await start();
  return { url, port, host, kill, restart: start, stop: async () => { await kill(); rmSync(dir, { recursive: true, force: true }); } };
}

export interface WorkerProcess {
  proc: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves when a stderr line matches. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** SIGKILL to its whole process group (the worker and its sandboxed cell processes). */
  killHard(): void;
  /** SIGTERM (graceful) and wait for exit. */
  stop(): Promise<void>;
}

/** Starts `lfl worker --queue url --jobs 1` (optionally wrapped, e.g. ["ip", "netns", "exec", NS]). */
export function startWorker(url: string, opts: { workDir: string; lockSeconds?: number; wrap?: string[] }): WorkerProcess {
  const args = ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "worker", "--queue", url, "--jobs", "1", "--lock-seconds", String(opts.lockSeconds ?? 2), "--work-dir", opts.workDir];
  const [cmd, ...pre] = opts.wrap ?? [];
  const proc = cmd === undefined
    ? spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], detached: true })
    : spawn(cmd, [...pre, process.execPath, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let text = "";
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  proc.stderr!.on("data", (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.splice(0)) {
      if (w.re.test(text)) w.resolve();
      else waiters.push(w);
    }
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    proc,
    log: () => text,
    waitFor: (re, ms = 30_000) => new Promise<void>((resolve, reject) => {
      if (re.test(text)) return resolve();
      const t = setTimeout(() => reject(new Error(`worker did not log ${re} within ${ms} ms; its log:\n${text}`)), ms);
      waiters.push({ re, resolve: () => { clearTimeout(t); resolve(); } });
      exited.then(() => { clearTimeout(t); if (!re.test(text)) reject(new Error(`worker exited before logging ${re}; its log:\n${text}`)); });
    }),
    killHard: () => {
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch { /* already gone */ }
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        try {
          process.kill(-proc.pid!, "SIGTERM");
        } catch { /* already gone */ }
        const t = setTimeout(() => { try { process.kill(-proc.pid!, "SIGKILL"); } catch { /* gone */ } }, 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** The stored results of `cells`, in order, as one string (for byte-for-byte comparisons). */
export function bytes(s: MemoryCellStore, cells: readonly CellSpec[]): string {
  return JSON.stringify(cells.filter((c) => s.has(c.key)).map((c) => [c.key, s.get(c.key)]));
}

/** The reference: the same cells in this process (results only; marker files go to a scratch dir). */
export async function localReference(cells: readonly CellSpec[]): Promise<MemoryCellStore> {
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

/** The process group of `pid` (undefined once it is gone). */
function processGroup(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[2]);
  } catch {
    return undefined;
  }
}

/**
 * Two workers (optionally wrapped, e.g. in `ip netns exec NS`), two submitters of the same toy sweep, worker 1
 * SIGKILLed (with its sandboxed cell process) while one of its cells runs. Asserts every cell finished exactly
 * once, one was interrupted and re-queued, and both submitters' results equal the local run. Returns the workers
 * (for the caller to stop).
 */
export async function killScenario(opts: { url: string; work: string; wrap?: string[] }): Promise<WorkerProcess[]> {
  const markerDir = mkdtempSync(join(opts.work, "markers-"));
  const cells = toySweep({ name: "kill", seeds: 2, draws: 20000, sleepMs: 800, markerDir });
  const wrap = opts.wrap !== undefined ? { wrap: opts.wrap } : {};
  const w1 = startWorker(opts.url, { workDir: join(opts.work, "w1"), ...wrap });
  const w2 = startWorker(opts.url, { workDir: join(opts.work, "w2"), ...wrap });
  await Promise.all([w1.waitFor(/ready:/), w2.waitFor(/ready:/)]);
  // Kill worker 1's process group as soon as one of its cells is running.
  let sweepOver = false;
  const killed = (async () => {
    while (!markerPids(markerDir).some((pid) => processGroup(pid) === w1.proc.pid)) {
      if (sweepOver) return false; // worker 2 ran every cell: nothing to kill
      await sleep(50);
    }
    w1.killHard();
    return true;
  })();
  const events: SweepEvent[] = [];
  const a = new MemoryCellStore();
  const b = new MemoryCellStore();
  const [outA, outB] = await Promise.all([
    runCellsOnQueue(cells, { url: opts.url, store: a, onEvent: (e) => events.push(e) }),
    runCellsOnQueue(cells, { url: opts.url, store: b }),
  ]).finally(() => { sweepOver = true; });
  assert.ok(await killed, "worker 1 never ran a cell, so it could not be killed mid-cell");
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
  const again = await runCellsOnQueue(cells, { url: opts.url, store: a });
  assert.equal(again.cached.length, cells.length);
  return [w1, w2];
}
