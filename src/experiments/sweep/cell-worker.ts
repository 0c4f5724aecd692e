/**
 * Entry of a local-pool worker process (forked by local-pool.ts with tsx): runs the cells it is sent, one at a
 * time, and reports over IPC.
 *
 *   parent → worker   { type: "run", task: CellTask }
 *   worker → parent   { type: "ready" } once, then per cell: { type: "progress", key, progress }…,
 *                     then { type: "result", key, result } or { type: "error", key, error }
 *
 * Progress messages are throttled (a stage change is always sent; otherwise at most one per 250 ms).
 */
import type { CellProgress } from "../engine/cell.ts";
import { describeError, runOneCell } from "./run-one-cell.ts";
import type { CellTask } from "./sweep-types.ts";

export type ToWorker = { type: "run"; task: CellTask };
export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; key: string; progress: CellProgress }
  | { type: "result"; key: string; result: unknown }
  | { type: "error"; key: string; error: string };

/** Returns a progress callback that forwards at most one message per `ms` unless the stage changes. */
export function throttledProgress(send: (p: CellProgress) => void, ms = 250): (p: CellProgress) => void {
  let last = 0;
  let stage: string | undefined;
  return (p) => {
    const now = Date.now();
    if (p.stage !== stage || now - last >= ms || p.done === p.total) {
      stage = p.stage;
      last = now;
      send({ stage: p.stage, done: p.done, total: p.total });
    }
  };
}

function send(m: FromWorker): void {
  if (process.connected) process.send!(m);
}

if (process.send !== undefined && process.env.LFL_CELL_WORKER === "1") {
  process.on("message", (m: ToWorker) => {
    if (m.type !== "run") return;
    const key = m.task.spec.key;
    runOneCell(m.task, throttledProgress((progress) => send({ type: "progress", key, progress }))).then(
      (result) => send({ type: "result", key, result }),
      (e: unknown) => send({ type: "error", key, error: describeError(e) }),
    );
  });
  // Exit when the pool goes away (the IPC channel closes).
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}
