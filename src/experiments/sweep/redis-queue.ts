/**
 * The distributed executor (`lfl reproduce … --queue redis://HOST:PORT`): enqueues cells on the BullMQ queue,
 * collects their results and puts them into this machine's store; workers on any host (`lfl worker`) run them.
 *
 * - Job id = "cell-" + content key (queue-connection.ts), so enqueueing a cell twice runs it once, and a cell
 *   already in the store is never enqueued. A cell whose job already completed (e.g. the submitter was stopped
 *   and started again) is collected, not recomputed; one that failed for good in an earlier sweep is retried.
 * - Dependencies: a cell is enqueued when its inputs are finished, with their results in the job data.
 * - Redis unreachable at the start, or lost mid-sweep for longer than `graceMs` → LflError E_QUEUE. Results
 *   collected before are in the store, so re-running the same command resumes.
 */
import { Queue, QueueEvents, type Job } from "bullmq";
import { LflError } from "../../core/errors.ts";
import type { CellSpec } from "../engine/cell.ts";
import { CellSchedule } from "./cell-schedule.ts";
import { CELL_ATTEMPTS, CELL_QUEUE, RedisWatchdog, bullConnection, cellJobId, checkRedis, keyOfJobId, runnerCodeHash, type CellJobData, type CellJobProgress, type CellJobReturn } from "./queue-connection.ts";
import type { SweepEvent, SweepOptions, SweepOutcome } from "./sweep-types.ts";

export interface QueueSweepOptions extends Omit<SweepOptions, "workRoot"> {
  url: string;
  queue?: string;
  /** How long Redis may be unreachable mid-sweep before giving up with E_QUEUE (default 15 s). */
  graceMs?: number;
  /**
   * Stops waiting (rejects with the signal's reason); the cells already enqueued stay on the queue and the
   * workers finish them, so running the sweep again collects them without recomputing.
   */
  signal?: AbortSignal;
  /** How often the state of the cells in flight is read, in case an event was missed (default 2000 ms). */
  pollMs?: number;
  /** How the submitter hashes a runner's code (default runnerCodeHash; tests override it). */
  codeHashOf?: (runner: string) => string;
}

/** Runs `cells` on the queue (skipping those already in the store); resolves when all are done or failed. */
export async function runCellsOnQueue(cells: readonly CellSpec[], opts: QueueSweepOptions): Promise<SweepOutcome> {
  const t0 = performance.now();
  const schedule = new CellSchedule(cells, opts.store);
  const emit = (e: SweepEvent): void => opts.onEvent?.(e);
  const outcome: SweepOutcome = { done: [], cached: [], failed: [], skipped: [], wallSeconds: 0 };
  const cached = schedule.cachedCells();
  emit({ type: "sweep-start", total: schedule.cells.length, cached: cached.length, workers: 0, executor: `queue ${opts.url}` });
  for (const c of cached) {
    outcome.cached.push(c.key);
    emit({ type: "cell-cached", key: c.key, label: c.label });
  }
  const finish = (): SweepOutcome => {
    outcome.wallSeconds = (performance.now() - t0) / 1000;
    emit({ type: "sweep-end", outcome });
    return outcome;
  };
  if (schedule.unfinished === 0) return finish();

  await checkRedis(opts.url);
  const name = opts.queue ?? CELL_QUEUE;
  const connQ = bullConnection(opts.url);
  const connE = bullConnection(opts.url);
  const queue = new Queue<CellJobData, CellJobReturn>(name, { connection: connQ });
  const events = new QueueEvents(name, { connection: connE });
  // Connection errors are handled by the watchdog; BullMQ's own reconnection attempts would otherwise throw.
  queue.on("error", () => {});
  events.on("error", () => {});

  return new Promise<SweepOutcome>((resolve, reject) => {
    let settled = false;
    const mine = new Set(schedule.cells.map((c) => c.key));
    const inFlight = new Set<string>(); // enqueued, not yet collected
    const collecting = new Set<string>();
    const attempts = new Map<string, number>();
    const codes = new Map<string, string>();
    const enqueued = new Set<string>();

    const shutdown = async (): Promise<void> => {
      watchdog.stop();
      clearInterval(poller);
      await Promise.allSettled([events.close(), queue.close()]);
      await Promise.allSettled([connQ.quit(), connE.quit()]);
    };
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      void shutdown().finally(() => reject(e));
    };
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      void shutdown().finally(() => resolve(finish()));
    };
    const lost = (reason: string): LflError => new LflError("E_QUEUE", `lost Redis at ${opts.url} mid-sweep (${reason}); ${outcome.done.length + outcome.cached.length} of ${schedule.cells.length} cells are finished and stored — run the same command again to resume`);
    const watchdog = new RedisWatchdog(opts.url, opts.graceMs ?? 15_000, (reason) => fail(lost(reason)));
    /** A command failed: a lost connection reads as "lost Redis", anything else names the queue. */
    const queueError = (e: Error): LflError => {
      if (e instanceof LflError) return e;
      if (/connection|closed|ECONNREFUSED|ECONNRESET|EPIPE/i.test(e.message)) return lost(e.message);
      return new LflError("E_QUEUE", `queue at ${opts.url}: ${e.message}`, { cause: e });
    };

    const spec = (key: string): CellSpec => schedule.spec(key);

    const maybeFinished = (): void => {
      if (schedule.unfinished === 0) succeed();
      else if (!settled) enqueueReady().catch((e: Error) => fail(queueError(e)));
    };

    const cellFailed = (key: string, error: string, n: number): void => {
      if (!inFlight.delete(key)) return;
      const s = spec(key);
      outcome.failed.push({ key, label: s.label, error });
      emit({ type: "cell-failed", key, label: s.label, error, attempts: n });
      for (const sk of schedule.markFailed(key)) {
        const reason = `input '${s.label}' failed`;
        outcome.skipped.push({ ...sk, reason });
        emit({ type: "cell-skipped", ...sk, reason });
      }
      maybeFinished();
    };

    const collect = async (key: string, job?: Job<CellJobData, CellJobReturn>): Promise<void> => {
      if (!inFlight.has(key) || collecting.has(key)) return;
      collecting.add(key);
      try {
        const j = job ?? (await queue.getJob(cellJobId(key)));
        const ret = j?.returnvalue;
        if (ret === undefined || ret === null) throw new Error(`job ${cellJobId(key)} completed without a return value`);
        if (!inFlight.delete(key)) return;
        opts.store.put(key, ret.result, { seconds: ret.seconds, worker: ret.worker });
        schedule.markDone(key);
        outcome.done.push(key);
        emit({ type: "cell-done", key, label: spec(key).label, worker: ret.worker, seconds: ret.seconds, result: ret.result });
        maybeFinished();
      } finally {
        collecting.delete(key);
      }
    };

    const enqueueReady = async (): Promise<void> => {
      for (const s of schedule.ready()) {
        if (settled) return;
        if (enqueued.has(s.key)) continue; // another enqueueReady loop took it since our list was made
        enqueued.add(s.key);
        schedule.markRunning(s.key);
        const inputs: Record<string, unknown> = {};
        for (const k of s.inputs) inputs[k] = opts.store.get(k);
        let code = codes.get(s.runner);
        if (code === undefined) codes.set(s.runner, (code = (opts.codeHashOf ?? runnerCodeHash)(s.runner)));
        const job = await queue.add(s.label, { spec: s, inputs, code }, { jobId: cellJobId(s.key), attempts: CELL_ATTEMPTS, removeOnComplete: false, removeOnFail: false });
        // The job may exist from an earlier sweep: collect it if completed, retry it if it failed for good. (Events
        // of this job before it is in flight are ignored; the poll below catches what they said.)
        const state = await job.getState();
        if (state === "failed") {
          emit({ type: "cell-retry", key: s.key, label: s.label, error: `failed in an earlier sweep: ${job.failedReason}`, attempt: 1 });
          await job.retry("failed", { resetAttemptsMade: true });
        }
        inFlight.add(s.key);
        if (state === "completed") await collect(s.key); // (the Job `add` returns does not carry the return value)
      }
    };

    // Events can be missed (before the event reader's first read, or while Redis was briefly away): every
    // `pollMs` the state of every cell in flight is read, and finished ones are collected or failed.
    let polling = false;
    const poll = async (): Promise<void> => {
      if (polling || settled) return;
      polling = true;
      try {
        for (const key of [...inFlight]) {
          if (settled) return;
          const job = await queue.getJob(cellJobId(key));
          if (job === undefined) continue;
          const state = await job.getState();
          if (state === "completed") await collect(key, job);
          else if (state === "failed") cellFailed(key, job.failedReason, job.attemptsMade);
        }
      } finally {
        polling = false;
      }
    };
    const poller = setInterval(() => void poll().catch((e: Error) => fail(queueError(e))), opts.pollMs ?? 2000);

    events.on("active", ({ jobId }) => {
      const key = keyOfJobId(jobId);
      if (!inFlight.has(key)) return;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      emit({ type: "cell-start", key, label: spec(key).label, worker: "queue", attempt: n });
    });
    events.on("progress", ({ jobId, data }) => {
      const key = keyOfJobId(jobId);
      if (!inFlight.has(key) || typeof data !== "object" || data === null) return;
      const p = data as CellJobProgress;
      emit({ type: "cell-progress", key, label: spec(key).label, worker: p.worker, progress: { stage: p.stage, done: p.done, total: p.total } });
    });
    events.on("stalled", ({ jobId }) => {
      const key = keyOfJobId(jobId);
      if (inFlight.has(key)) emit({ type: "cell-retry", key, label: spec(key).label, error: "its worker was lost (lock expired); re-queued", attempt: attempts.get(key) ?? 1 });
    });
    events.on("completed", ({ jobId }) => {
      const key = keyOfJobId(jobId);
      if (mine.has(key)) collect(key).catch((e: Error) => fail(queueError(e)));
    });
    events.on("failed", ({ jobId, failedReason }) => {
      const key = keyOfJobId(jobId);
      if (!inFlight.has(key)) return;
      // Failed for good (attempts used up, lost too often, or unrecoverable) only if the job rests in "failed".
      (async () => {
        const job = await queue.getJob(jobId);
        const state = job === undefined ? "failed" : await job.getState();
        const made = job?.attemptsMade ?? CELL_ATTEMPTS;
        if (state === "failed") cellFailed(key, failedReason, made);
        else emit({ type: "cell-retry", key, label: spec(key).label, error: failedReason, attempt: made });
      })().catch((e: Error) => fail(queueError(e)));
    });

    if (opts.signal !== undefined) {
      const signal = opts.signal;
      if (signal.aborted) fail(signal.reason as Error);
      else signal.addEventListener("abort", () => fail(signal.reason as Error), { once: true });
    }

    events.waitUntilReady().then(async () => {
      watchdog.start();
      await enqueueReady();
      if (schedule.unfinished === 0) succeed();
    }).catch((e: Error) => fail(queueError(e)));
  });
}
