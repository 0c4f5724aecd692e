/**
 * A queue worker (`lfl worker --queue redis://HOST:PORT [--jobs N]`): takes cells from the BullMQ queue and runs
 * up to `jobs` at a time, each in a BullMQ sandboxed processor (queue-processor.ts in a child process), so a long
 * CPU-bound cell does not stop this process from renewing the job's lock.
 *
 * Failure handling (BullMQ's, configured here):
 * - a cell that throws is retried, up to 3 attempts in all; then it is failed with its error;
 * - a worker that dies (SIGKILL, lost machine) stops renewing its locks; after `lockDurationMs` BullMQ's stalled
 *   check (run by any live worker every `stalledIntervalMs`) puts the cell back in the queue for another
 *   worker; a cell lost this way more than twice is failed;
 * - Redis restarting or briefly unreachable: BullMQ reconnects (backoff up to 20 s) and the worker carries on.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker, type Job } from "bullmq";
import { CELL_QUEUE, bullConnection, checkRedis, keyOfJobId, type CellJobData, type CellJobReturn } from "./queue-connection.ts";
import { defaultWorkRoot } from "./run-one-cell.ts";

export interface QueueWorkerOptions {
  url: string;
  /** Cells run at a time (each in its own process); default: the machine's cores. */
  jobs?: number;
  queue?: string;
  /** Root of the cells' work directories on this host (default $LFL_WORK_DIR or <tmp>/lfl-cells). */
  workRoot?: string;
  /** How long a job's lock lasts without renewal (default 30 s): a dead worker's cell is re-queued after it. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /** One line per cell started / finished / failed, and connection trouble (default: none). */
  log?: (line: string) => void;
}

export interface QueueWorkerHandle {
  /** Waits for the running cells, then disconnects. `force` abandons them (they are re-queued once stalled). */
  close(force?: boolean): Promise<void>;
  /** Cells this worker finished so far. */
  readonly finished: number;
}

/** Starts a worker; throws E_QUEUE when Redis cannot be reached. */
export async function runQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  await checkRedis(opts.url);
  const jobs = opts.jobs ?? availableParallelism();
  const lockDuration = opts.lockDurationMs ?? 30_000;
  const log = opts.log ?? (() => {});
  const connection = bullConnection(opts.url);
  const worker = new Worker<CellJobData, CellJobReturn>(opts.queue ?? CELL_QUEUE, join(import.meta.dirname, "queue-processor.ts"), {
    connection,
    concurrency: jobs,
    useWorkerThreads: false,
    workerForkOptions: {
      execArgv: ["--import", import.meta.resolve("tsx")],
      env: { ...process.env, LFL_WORK_DIR: opts.workRoot ?? defaultWorkRoot() },
    },
    lockDuration,
    stalledInterval: opts.stalledIntervalMs ?? lockDuration,
    maxStalledCount: 2,
    // After a connection error, try again in 2 s (BullMQ's default is 15 s) so workers resume soon after Redis.
    runRetryDelay: 2000,
  });
  let finished = 0;
  let lastError = "";
  const label = (job: Job<CellJobData>) => job.data?.spec?.label ?? keyOfJobId(job.id ?? "?");
  worker.on("active", (job) => log(`start  ${label(job)} (attempt ${job.attemptsMade + 1})`));
  worker.on("completed", (job, ret) => {
    finished++;
    log(`done   ${label(job)} in ${ret.seconds.toFixed(1)} s`);
  });
  worker.on("failed", (job, err) => {
    if (job !== undefined) log(`failed ${label(job)} (attempt ${job.attemptsMade}): ${err.message}`);
  });
  worker.on("error", (err) => {
    // Connection trouble repeats every reconnect attempt: log each distinct message once.
    if (err.message !== lastError) log(`queue: ${err.message} (reconnecting)`);
    lastError = err.message;
  });
  worker.on("ready", () => {
    lastError = "";
  });
  await worker.waitUntilReady();
  return {
    async close(force = false) {
      await worker.close(force);
      await connection.quit().catch(() => {});
    },
    get finished() {
      return finished;
    },
  };
}
