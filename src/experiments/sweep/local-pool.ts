/**
 * The embedded default executor: runs whole cells on this machine's cores, in `jobs` worker processes
 * (cell-worker.ts, forked with tsx), each running one cell at a time; a cell starts when its inputs are finished.
 * `jobs: 0` (or `inProcess: true`) runs the cells one after another in this process (tests, debugging, profiling).
 *
 * A failed cell is reported with its error and the rest continue; cells that read a failed cell are reported as
 * skipped. A worker process that dies mid-cell fails that cell (the local pool does not retry: a crash here is
 * a bug or an out-of-memory to look at, not a lost machine) and is replaced.
 */
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { CellSpec } from "../engine/cell.ts";
import { CellSchedule } from "./cell-schedule.ts";
import type { FromWorker, ToWorker } from "./cell-worker.ts";
import { cellWorkDir, defaultWorkRoot, describeError, runOneCell } from "./run-one-cell.ts";
import type { CellTask, SweepEvent, SweepOptions, SweepOutcome } from "./sweep-types.ts";

export interface LocalPoolOptions extends SweepOptions {
  /** Worker processes; default: the machine's cores (os.availableParallelism()); 0 = in this process. */
  jobs?: number;
  /** Run in this process regardless of `jobs`. */
  inProcess?: boolean;
}

/** Runs `cells` (skipping those already in the store), putting each result into the store as it finishes. */
export async function runCellsLocal(cells: readonly CellSpec[], opts: LocalPoolOptions): Promise<SweepOutcome> {
  const jobs = opts.inProcess ? 0 : opts.jobs ?? availableParallelism();
  const run = new SweepRun(cells, opts, jobs === 0 ? "in-process" : `local pool (${jobs} jobs)`, Math.max(1, jobs));
  if (jobs === 0) await run.inProcess();
  else await run.pool(jobs);
  return run.finish();
}

/** Builds the task sent to a worker: the spec, its inputs' results from the store, its work directory. */
export function cellTask(spec: CellSpec, opts: SweepOptions): CellTask {
  const inputs: Record<string, unknown> = {};
  for (const k of spec.inputs) inputs[k] = opts.store.get(k);
  return { spec, inputs, workDir: cellWorkDir(opts.workRoot ?? defaultWorkRoot(), spec.key) };
}

/** The bookkeeping of one local sweep: schedule, events, outcome. */
class SweepRun {
  readonly schedule: CellSchedule;
  private readonly t0 = performance.now();
  private readonly outcome: SweepOutcome = { done: [], cached: [], failed: [], skipped: [], wallSeconds: 0 };

  constructor(cells: readonly CellSpec[], private readonly opts: LocalPoolOptions, executor: string, workers: number) {
    this.schedule = new CellSchedule(cells, opts.store);
    const cached = this.schedule.cachedCells();
    this.emit({ type: "sweep-start", total: this.schedule.cells.length, cached: cached.length, workers, executor });
    for (const c of cached) {
      this.outcome.cached.push(c.key);
      this.emit({ type: "cell-cached", key: c.key, label: c.label });
    }
  }

  emit(e: SweepEvent): void {
    this.opts.onEvent?.(e);
  }

  started(spec: CellSpec, worker: string): number {
    this.schedule.markRunning(spec.key);
    this.emit({ type: "cell-start", key: spec.key, label: spec.label, worker, attempt: 1 });
    return performance.now();
  }

  succeeded(spec: CellSpec, worker: string, result: unknown, t: number): void {
    const seconds = (performance.now() - t) / 1000;
    this.opts.store.put(spec.key, result, { seconds, worker });
    this.schedule.markDone(spec.key);
    this.outcome.done.push(spec.key);
    this.emit({ type: "cell-done", key: spec.key, label: spec.label, worker, seconds, result });
  }

  failed(spec: CellSpec, error: string): void {
    this.outcome.failed.push({ key: spec.key, label: spec.label, error });
    this.emit({ type: "cell-failed", key: spec.key, label: spec.label, error, attempts: 1 });
    for (const s of this.schedule.markFailed(spec.key)) {
      const reason = `input '${spec.label}' failed`;
      this.outcome.skipped.push({ ...s, reason });
      this.emit({ type: "cell-skipped", ...s, reason });
    }
  }

  finish(): SweepOutcome {
    this.outcome.wallSeconds = (performance.now() - this.t0) / 1000;
    this.emit({ type: "sweep-end", outcome: this.outcome });
    return this.outcome;
  }

  async inProcess(): Promise<void> {
    for (let spec = this.schedule.ready()[0]; spec !== undefined; spec = this.schedule.ready()[0]) {
      const t = this.started(spec, "main");
      const s = spec;
      try {
        const result = await runOneCell(cellTask(s, this.opts), (progress) => this.emit({ type: "cell-progress", key: s.key, label: s.label, worker: "main", progress }));
        this.succeeded(s, "main", result, t);
      } catch (e) {
        this.failed(s, describeError(e));
      }
    }
  }

  /** Runs the cells on `jobs` forked workers; resolves when every cell is done, failed or skipped. */
  pool(jobs: number): Promise<void> {
    const entry = join(import.meta.dirname, "cell-worker.ts");
    const tsx = import.meta.resolve("tsx");
    interface Slot { id: string; child: ChildProcess; ready: boolean; cell: { spec: CellSpec; t: number } | undefined }
    const slots: Slot[] = [];
    let nextId = 1;
    return new Promise<void>((resolvePool) => {
      const spawn = (): Slot => {
        const child = fork(entry, [], { execArgv: ["--import", tsx], env: { ...process.env, LFL_CELL_WORKER: "1" }, stdio: ["ignore", "pipe", "inherit", "ipc"] });
        child.stdout?.pipe(process.stderr); // cells must not write to our stdout (it may carry --json output)
        const slot: Slot = { id: `pool-${nextId++}`, child, ready: false, cell: undefined };
        child.on("message", (m: FromWorker) => {
          if (m.type === "ready") slot.ready = true;
          else if (m.type === "progress" && slot.cell) this.emit({ type: "cell-progress", key: m.key, label: slot.cell.spec.label, worker: slot.id, progress: m.progress });
          else if ((m.type === "result" || m.type === "error") && slot.cell) {
            const { spec, t } = slot.cell;
            slot.cell = undefined;
            if (m.type === "result") this.succeeded(spec, slot.id, m.result, t);
            else this.failed(spec, m.error);
          }
          dispatch();
        });
        child.on("error", () => {}); // e.g. a send to a worker that just died: its 'exit' handler fails the cell
        child.on("exit", (code, signal) => {
          slots.splice(slots.indexOf(slot), 1);
          if (slot.cell) this.failed(slot.cell.spec, `worker process ${slot.id} exited (${signal ?? `code ${code}`}) while running the cell`);
          slot.cell = undefined;
          dispatch();
        });
        slots.push(slot);
        return slot;
      };
      let finished = false;
      const dispatch = (): void => {
        if (finished) return;
        if (this.schedule.unfinished === 0) {
          finished = true;
          for (const s of slots) s.child.disconnect();
          resolvePool();
          return;
        }
        // One cell at a time: each pick sees the cells just started (ready() puts cells sharing no input with a
        // running cell first).
        for (let spec = this.schedule.ready()[0]; spec !== undefined; spec = this.schedule.ready()[0]) {
          const slot = slots.find((s) => s.ready && s.cell === undefined);
          if (slot === undefined) break;
          slot.cell = { spec, t: this.started(spec, slot.id) };
          const m: ToWorker = { type: "run", task: cellTask(spec, this.opts) };
          slot.child.send(m);
        }
        // Start workers for ready cells that no idle or starting worker will take.
        const idle = slots.filter((s) => s.cell === undefined).length;
        const more = Math.min(this.schedule.ready().length - idle, jobs - slots.length);
        for (let i = 0; i < more; i++) spawn();
      };
      dispatch();
    });
  }
}
