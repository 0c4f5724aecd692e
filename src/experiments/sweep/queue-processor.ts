/**
 * The BullMQ sandboxed processor of a cell job (redis-worker.ts gives BullMQ this file's path; BullMQ runs it in
 * a child process, so a long CPU-bound cell never blocks the worker's lock renewal and is not marked stalled).
 * Refuses (without retries) a cell whose runner code hashes differently here than on the submitter; otherwise
 * runs the cell with runOneCell, forwards progress (throttled) to the queue, and returns
 * { result, worker: "host:pid", seconds }. Large intermediates stay in the cell's work directory on this host
 * ($LFL_WORK_DIR or <tmp>/lfl-cells, then /<key>).
 */
import { hostname } from "node:os";
import type { SandboxedJob } from "bullmq";
import { throttledProgress } from "./cell-worker.ts";
import { runnerCodeHash, type CellJobData, type CellJobProgress, type CellJobReturn } from "./queue-connection.ts";
import { cellWorkDir, defaultWorkRoot, describeError, runOneCell } from "./run-one-cell.ts";

// If the worker process dies (e.g. SIGKILL), this child must not go on computing a cell nobody will collect:
// BullMQ re-runs it elsewhere once the lock expires.
process.on("disconnect", () => process.exit(1));

const localCode = new Map<string, string>();

export default async function processCell(job: SandboxedJob<CellJobData, CellJobReturn>): Promise<CellJobReturn> {
  const { spec, inputs, code } = job.data;
  let mine = localCode.get(spec.runner);
  if (mine === undefined) localCode.set(spec.runner, (mine = runnerCodeHash(spec.runner)));
  if (mine !== code) {
    // Not retried (BullMQ's UnrecoverableError, recognised by name): every attempt on this checkout would fail.
    const e = new Error(`E_CELL: the code of ${spec.runner} on this worker (${hostname()}) differs from the submitter's (hash ${mine.slice(0, 12)}… vs ${code.slice(0, 12)}…): run the submitter's git revision on every worker`);
    e.name = "UnrecoverableError";
    throw e;
  }
  const worker = `${hostname()}:${process.pid}`;
  const t0 = performance.now();
  const progress = throttledProgress((p) => {
    const data: CellJobProgress = { ...p, worker };
    job.updateProgress(data).catch(() => {});
  });
  let result: unknown;
  try {
    result = await runOneCell({ spec, inputs, workDir: cellWorkDir(defaultWorkRoot(), spec.key) }, progress);
  } catch (e) {
    throw new Error(describeError(e));
  }
  if (process.connected === false) process.exit(1);
  return { result, worker, seconds: (performance.now() - t0) / 1000 };
}
