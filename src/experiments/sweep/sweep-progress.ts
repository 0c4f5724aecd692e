/**
 * One progress display for a sweep, whatever runs it (pass `progress.onEvent` as the executor's `onEvent`):
 * cells done / running / failed, the current stage of every running cell and its worker, an ETA.
 *
 * On a terminal: cli-progress bars (one for the sweep, one line per running cell). Otherwise (CI logs, nohup,
 * a file): plain lines — one per finished or failed cell, and a status line with every running cell's stage
 * every `intervalMs` (default 10 s). A summary line (and the failed cells' errors) at the end in both modes.
 */
import cliProgress from "cli-progress";
import type { CellProgress } from "../engine/cell.ts";
import type { SweepEvent } from "./sweep-types.ts";

export interface SweepProgressOptions {
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Force bars (true) or plain lines (false); default: bars iff the stream is a TTY. */
  tty?: boolean;
  /** Plain mode: a status line at least this often (default 10 000 ms). */
  intervalMs?: number;
  /** Prefix of every line (default "sweep"). */
  title?: string;
}

interface Running {
  label: string;
  worker: string;
  progress: CellProgress | undefined;
  bar: cliProgress.SingleBar | undefined;
}

/** "42 s", "3m05s", "2h07m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export class SweepProgress {
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly tty: boolean;
  private readonly title: string;
  private readonly intervalMs: number;
  private total = 0;
  private cached = 0;
  private done = 0;
  private failed: Array<{ label: string; error: string }> = [];
  private skipped = 0;
  private readonly running = new Map<string, Running>();
  private t0 = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private multi: cliProgress.MultiBar | undefined;
  private overall: cliProgress.SingleBar | undefined;

  constructor(opts: SweepProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? this.stream.isTTY === true;
    this.title = opts.title ?? "sweep";
    this.intervalMs = opts.intervalMs ?? 10_000;
  }

  /** The executor's event listener. */
  readonly onEvent = (e: SweepEvent): void => {
    switch (e.type) {
      case "sweep-start":
        this.total = e.total;
        this.cached = e.cached;
        this.t0 = performance.now();
        this.begin(e.executor, e.workers);
        break;
      case "cell-cached":
        break;
      case "cell-start": {
        const old = this.running.get(e.key);
        const r: Running = { label: e.label, worker: e.worker, progress: undefined, bar: old?.bar };
        if (this.multi && !r.bar) r.bar = this.multi.create(1, 0, this.cellPayload(r), { format: "  {worker} {label} {stage}" });
        this.running.set(e.key, r);
        this.refresh(r);
        break;
      }
      case "cell-progress": {
        const r = this.running.get(e.key);
        if (r === undefined) break;
        r.worker = e.worker;
        r.progress = e.progress;
        this.refresh(r);
        break;
      }
      case "cell-done":
        this.done++;
        this.finishCell(e.key, `done ${e.label} in ${formatDuration(e.seconds)} on ${e.worker}`);
        break;
      case "cell-retry":
        this.line(`retry ${e.label}: ${e.error}`);
        break;
      case "cell-failed":
        this.failed.push({ label: e.label, error: e.error });
        this.finishCell(e.key, `FAILED ${e.label} after ${e.attempts} attempt(s): ${e.error}`);
        break;
      case "cell-skipped":
        this.skipped++;
        this.finishCell(e.key, `skipped ${e.label}: ${e.reason}`);
        break;
      case "sweep-end":
        this.end();
        break;
    }
  };

  /** "12/40 cells (8 cached), 2 running, 1 failed, ETA 3m05s". */
  statusLine(): string {
    const finished = this.cached + this.done + this.failed.length + this.skipped;
    const parts = [`${finished}/${this.total} cells${this.cached > 0 ? ` (${this.cached} cached)` : ""}`, `${this.running.size} running`];
    if (this.failed.length > 0) parts.push(`${this.failed.length} failed`);
    if (this.skipped > 0) parts.push(`${this.skipped} skipped`);
    parts.push(`ETA ${this.eta()}`);
    return parts.join(", ");
  }

  /** Remaining cells × wall time per cell computed so far (“?” before the first one). */
  eta(): string {
    const remaining = this.total - this.cached - this.done - this.failed.length - this.skipped;
    if (remaining <= 0) return "0 s";
    if (this.done === 0) return "?";
    return formatDuration((remaining * (performance.now() - this.t0)) / 1000 / this.done);
  }

  /** Stops timers and bars (also done by the sweep-end event). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.multi?.stop();
    this.multi = undefined;
  }

  private begin(executor: string, workers: number): void {
    this.stop();
    this.line(`${this.total} cells (${this.cached} already stored) on ${executor}${workers > 0 ? `, ${workers} worker(s)` : ""}`);
    if (this.tty) {
      this.multi = new cliProgress.MultiBar({ stream: this.stream as NodeJS.WriteStream, hideCursor: true, clearOnComplete: false, format: `${this.title} {bar} {status}`, autopadding: true }, cliProgress.Presets.shades_classic);
      this.overall = this.multi.create(Math.max(1, this.total), this.cached, { status: this.statusLine() });
    } else {
      this.timer = setInterval(() => this.plainStatus(), this.intervalMs);
      this.timer.unref();
    }
  }

  private cellPayload(r: Running): Record<string, string> {
    const p = r.progress;
    return { worker: r.worker.padEnd(8), label: r.label, stage: p === undefined ? "starting" : `${p.stage} ${p.done}/${p.total}` };
  }

  private refresh(r: Running): void {
    if (r.bar) r.bar.update(0, this.cellPayload(r));
    this.overall?.update(this.cached + this.done + this.failed.length + this.skipped, { status: this.statusLine() });
  }

  private finishCell(key: string, message: string): void {
    const r = this.running.get(key);
    this.running.delete(key);
    if (r?.bar && this.multi) this.multi.remove(r.bar);
    this.overall?.update(this.cached + this.done + this.failed.length + this.skipped, { status: this.statusLine() });
    if (!this.tty) this.line(`${message} — ${this.statusLine()}`);
    else if (!message.startsWith("done ")) this.line(message); // failures and skips are worth a line above the bars
  }

  private plainStatus(): void {
    const cells = [...this.running.values()].map((r) => `${r.worker}: ${r.label} ${this.cellPayload(r).stage}`);
    this.line(`${this.statusLine()}${cells.length > 0 ? ` — ${cells.join("; ")}` : ""}`);
  }

  private end(): void {
    this.stop();
    const wall = (performance.now() - this.t0) / 1000;
    this.line(`${this.total} cells: ${this.done} computed, ${this.cached} cached, ${this.failed.length} failed, ${this.skipped} skipped, in ${formatDuration(wall)}`);
    for (const f of this.failed) this.line(`  failed: ${f.label}: ${f.error}`);
  }

  private line(text: string): void {
    if (this.multi) this.multi.log(`${this.title}: ${text}\n`);
    else this.stream.write(`${this.title}: ${text}\n`);
  }
}
