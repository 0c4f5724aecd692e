/**
 * What every sweep executor (in-process, local pool, Redis queue) shares: the result store it reads and writes,
 * the events it reports while running, and the outcome it returns. Executors are independent of what a cell
 * computes: they see only `CellSpec`s (../engine/cell.ts) and the JSON results their runners return.
 */
import type { CellProgress, CellSpec } from "../engine/cell.ts";

/**
 * Where finished cells' results live, by content key. The experiment engine's store implements it; executors
 * skip cells whose key is already present and `put` each result as soon as its cell finishes.
 */
export interface CellResultStore {
  has(key: string): boolean;
  get(key: string): unknown;
  /** `run`: how long the cell took where it ran (for the record; not part of the result). */
  put(key: string, result: unknown, run?: CellRunInfo): void;
}

/** Where and how long a cell ran (wall seconds measured by the process that ran it). */
export interface CellRunInfo {
  seconds: number;
  /** e.g. "pool-2", "main", "host:pid". */
  worker: string;
}

/** A store held in memory (tests, benchmarks, `--finished-only` assembly before handing over to the engine). */
export class MemoryCellStore implements CellResultStore {
  readonly results = new Map<string, unknown>();
  has(key: string): boolean {
    return this.results.has(key);
  }
  get(key: string): unknown {
    return this.results.get(key);
  }
  put(key: string, result: unknown): void {
    this.results.set(key, result);
  }
}

/** Identifies a cell in events: its key and its human label. */
export interface CellRef {
  key: string;
  label: string;
}

/** What an executor reports while a sweep runs (in this order for one cell: start, progress…, done|failed). */
export type SweepEvent =
  /** Once at the start: `total` cells in the sweep, of which `cached` are already in the store. */
  | { type: "sweep-start"; total: number; cached: number; workers: number; executor: string }
  /** A cell already in the store: not run. */
  | ({ type: "cell-cached" } & CellRef)
  /** A cell began on `worker` (e.g. "pool-1", "host:pid"); `attempt` counts from 1. */
  | ({ type: "cell-start"; worker: string; attempt: number } & CellRef)
  | ({ type: "cell-progress"; worker: string; progress: CellProgress } & CellRef)
  /** A cell finished; its result is already in the store (`settingsKey`: the one it was stored under, set by the engine). */
  | ({ type: "cell-done"; worker: string; seconds: number; result: unknown; settingsKey?: string | undefined } & CellRef)
  /** An attempt failed and the cell will be tried again (queue only). */
  | ({ type: "cell-retry"; error: string; attempt: number } & CellRef)
  /** The cell failed for good (after `attempts` attempts). */
  | ({ type: "cell-failed"; error: string; attempts: number } & CellRef)
  /** Not run because an input failed or was skipped. */
  | ({ type: "cell-skipped"; reason: string } & CellRef)
  /** Once at the end. */
  | { type: "sweep-end"; outcome: SweepOutcome };

export type SweepEventListener = (e: SweepEvent) => void;

/** The result of running a list of cells. Results themselves are in the store. */
export interface SweepOutcome {
  /** Keys computed by this run. */
  done: string[];
  /** Keys that were already in the store. */
  cached: string[];
  failed: Array<CellRef & { error: string }>;
  skipped: Array<CellRef & { reason: string }>;
  wallSeconds: number;
}

/** Options common to every executor. */
export interface SweepOptions {
  store: CellResultStore;
  onEvent?: SweepEventListener;
  /** Root of the cells' private work directories (`<workRoot>/<key>`); default `defaultWorkRoot()`. */
  workRoot?: string;
}

/** A cell as it travels to a worker: its spec, the results of its inputs, its work directory. */
export interface CellTask {
  spec: CellSpec;
  inputs: Record<string, unknown>;
  workDir: string;
}
