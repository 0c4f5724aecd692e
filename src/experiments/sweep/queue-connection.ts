/**
 * What the submitting side (redis-queue.ts) and the workers (redis-worker.ts) agree on: the queue's name, the
 * job id of a cell, the job's data and return value, and how to reach Redis (BullMQ over resp-client.ts), with a
 * reachability check and a watchdog that turn an unreachable or lost server into one coded error (E_QUEUE).
 */
import { createBunRedisClient } from "bullmq";
import { InputError, LflError } from "../../core/errors.ts";
import { resolve } from "node:path";
import type { CellProgress, CellSpec } from "../engine/cell.ts";
import { codeHash } from "../engine/content-key.ts";
import { RespClient, parseRedisUrl } from "./resp-client.ts";
import { REPO_ROOT } from "./run-one-cell.ts";

/** The BullMQ queue every sweep uses (cells of different sweeps share it: their keys differ). */
export const CELL_QUEUE = "lfl-cells";

/** Attempts per cell (a failure or a lost worker each use one). */
export const CELL_ATTEMPTS = 3;

/**
 * A cell's BullMQ job id: "cell-" + its content key. (BullMQ refuses job ids that read as integers, which a hex
 * key can; the prefix keeps the id a pure function of the key.)
 */
export function cellJobId(key: string): string {
  return `cell-${key}`;
}

/** The key of a cell's job id. */
export function keyOfJobId(jobId: string): string {
  return jobId.startsWith("cell-") ? jobId.slice(5) : jobId;
}

export interface CellJobData {
  spec: CellSpec;
  /** Results of the cell's inputs, by key (the submitter sends them; workers need no store). */
  inputs: Record<string, unknown>;
  /**
   * The submitter's hash of the runner's code (runnerCodeHash): a worker whose checkout hashes differently
   * refuses the cell instead of filing other code's result under its key.
   */
  code: string;
}

/** Hash of the code a runner module runs (its import closure, native kernels, MuJoCo version) in this checkout. */
export function runnerCodeHash(runner: string): string {
  return codeHash([resolve(REPO_ROOT, runner)]);
}

export interface CellJobReturn {
  result: unknown;
  /** "host:pid" of the process that ran it. */
  worker: string;
  seconds: number;
}

export type CellJobProgress = CellProgress & { worker: string };

/** A BullMQ connection (its own socket) to `url`. */
export function bullConnection(url: string): ReturnType<typeof createBunRedisClient> {
  // BullMQ's client interface (IRedisClient) over our RESP client; the raw-client type is BullMQ's Bun shape.
  return createBunRedisClient(new RespClient(url) as unknown as Parameters<typeof createBunRedisClient>[0]);
}

/** Checks `url` is a redis:// URL (InputError E_USAGE otherwise). */
export function checkQueueUrl(url: string): void {
  try {
    parseRedisUrl(url);
  } catch (e) {
    throw new InputError("E_USAGE", `--queue: ${(e as Error).message} (expected redis://HOST:PORT)`);
  }
}

/** Connects and PINGs; throws E_QUEUE naming the URL and the reason when Redis cannot be reached. */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  checkQueueUrl(url);
  const c = new RespClient(url, { connectTimeoutMs: timeoutMs });
  try {
    await c.connect();
    const pong: unknown = await c.send("PING");
    if (pong !== "PONG") throw new Error(`PING answered ${String(pong)}`);
  } catch (e) {
    throw new LflError("E_QUEUE", `cannot reach Redis at ${url}: ${(e as Error).message} (is redis-server running there and reachable from this host?)`);
  } finally {
    c.close();
  }
}

/**
 * Pings Redis every `intervalMs` on its own connection; after `graceMs` without an answer it calls `onLost`
 * once. `stop()` ends it.
 */
export class RedisWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private client: RespClient | undefined;
  private lastOk = Date.now();
  private stopped = false;
  private busy = false;

  constructor(private readonly url: string, private readonly graceMs: number, private readonly onLost: (reason: string) => void, private readonly intervalMs = 500) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    let reason = "";
    try {
      if (this.client === undefined || !this.client.connected) {
        this.client?.close();
        this.client = new RespClient(this.url, { connectTimeoutMs: Math.min(2000, this.graceMs) });
        await this.client.connect();
      }
      await Promise.race([this.client.send("PING"), new Promise((_, reject) => setTimeout(() => reject(new Error("PING timed out")), Math.min(2000, this.graceMs)))]);
      this.lastOk = Date.now();
    } catch (e) {
      reason = (e as Error).message;
      this.client?.close();
      this.client = undefined;
    } finally {
      this.busy = false;
    }
    if (!this.stopped && Date.now() - this.lastOk > this.graceMs) {
      this.stop();
      this.onLost(reason || "no answer");
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.client?.close();
    this.client = undefined;
  }
}
