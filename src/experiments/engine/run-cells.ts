/**
 * Runs planned cells in dependency order against the store: a cell whose key is stored is reused, never
 * recomputed; `reuseStale` accepts a record with the same settings but other code (reported as stale);
 * `finishedOnly` computes nothing and reports what is missing. Cells run in this process by default; an
 * `executor` (the local worker pool, a BullMQ queue) may run the ones to compute elsewhere — results are the
 * same bytes either way, because a cell is a pure function of its spec.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../../core/errors.ts";
import type { CellContext, CellProgress, CellRunner } from "./cell.ts";
import { REPO_ROOT } from "./content-key.ts";
import type { CellStore } from "./cell-store.ts";
import type { PlannedCell } from "./experiment.ts";
import type { CellRef } from "./results-doc.ts";

export type EngineEvent =
  | { kind: "plan"; total: number; stored: number }
  | { kind: "start"; cell: PlannedCell }
  | { kind: "progress"; cell: PlannedCell; progress: CellProgress }
  | { kind: "done"; cell: PlannedCell; status: CellRef["status"]; seconds: number }
  | { kind: "failed"; cell: PlannedCell; error: string };

/** Runs the cells it is given (all inputs already in the store) and puts each result into the store. */
export type CellExecutor = (cells: readonly PlannedCell[], ctx: { store: CellStore; workRoot: string; onEvent: (e: EngineEvent) => void }) => Promise<void>;

export interface RunCellsOptions {
  store: CellStore;
  /** Private work directories of cells: <workRoot>/<key>/. */
  workRoot: string;
  revision: string | null;
  reuseStale?: boolean;
  finishedOnly?: boolean;
  executor?: CellExecutor;
  onEvent?: (e: EngineEvent) => void;
}

export interface RunCellsResult {
  results: Map<string, unknown>;
  refs: CellRef[];
  missing: PlannedCell[];
}

const runnerCache = new Map<string, Promise<CellRunner>>();

/** Imports `runCell` from a cell's runner module (repo-relative path). */
export function loadRunner(runner: string): Promise<CellRunner> {
  let p = runnerCache.get(runner);
  if (!p) {
    p = import(pathToFileURL(join(REPO_ROOT, runner)).href).then((m: { runCell?: CellRunner }) => {
      if (typeof m.runCell !== "function") throw new InputError("E_UNKNOWN_ID", `cell runner ${runner} exports no runCell`);
      return m.runCell;
    });
    runnerCache.set(runner, p);
  }
  return p;
}

/** Runs one cell here and returns its result (the worker pool and the queue call this too). */
export async function executeCell(cell: PlannedCell, inputs: ReadonlyMap<string, unknown>, workRoot: string, onProgress: (p: CellProgress) => void): Promise<unknown> {
  const workDir = join(workRoot, cell.key);
  mkdirSync(workDir, { recursive: true });
  const ctx: CellContext = { progress: onProgress, inputs, workDir };
  return (await loadRunner(cell.runner))(cell, ctx);
}

/** The default executor: one cell after another, in this process. */
export const inProcessExecutor: CellExecutor = async (cells, { store, workRoot, onEvent }) => {
  for (const cell of cells) {
    const inputs = new Map(cell.inputs.map((k) => [k, store.get(k)]));
    onEvent({ kind: "start", cell });
    const t0 = performance.now();
    const result = await executeCell(cell, inputs, workRoot, (progress) => onEvent({ kind: "progress", cell, progress }));
    const seconds = (performance.now() - t0) / 1000;
    store.put({ key: cell.key, settingsKey: cell.settingsKey, label: cell.label, experiment: cell.experiment, revision: null, wallSeconds: seconds, result });
    onEvent({ kind: "done", cell, status: "computed", seconds });
  }
};

export async function runCells(cells: readonly PlannedCell[], opts: RunCellsOptions): Promise<RunCellsResult> {
  const emit = opts.onEvent ?? (() => {});
  const refs = new Map<string, CellRef>();
  const missing: PlannedCell[] = [];
  const toRun: PlannedCell[] = [];
  const blocked = new Set<string>();
  for (const cell of cells) {
    const stored = opts.store.read(cell.key);
    if (stored) {
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: stored.revision, status: "stored", wallSeconds: stored.wallSeconds });
      continue;
    }
    const stale = opts.reuseStale ? opts.store.findBySettings(cell.settingsKey) : undefined;
    if (stale) {
      // Re-filed under the new key so its dependents find it; its record keeps the revision that computed it.
      opts.store.put({ ...stale, key: cell.key, label: cell.label });
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: stale.revision, status: "stale", wallSeconds: stale.wallSeconds });
      continue;
    }
    if (opts.finishedOnly || cell.inputs.some((k) => blocked.has(k))) {
      missing.push(cell);
      blocked.add(cell.key);
      continue;
    }
    toRun.push(cell);
  }
  emit({ kind: "plan", total: cells.length, stored: refs.size });
  if (toRun.length > 0) {
    const started = new Map<string, number>();
    const onEvent = (e: EngineEvent): void => {
      if (e.kind === "start") started.set(e.cell.key, performance.now());
      emit(e);
    };
    const executor = opts.executor ?? inProcessExecutor;
    // Stamp each computed record with this run's revision (executors store results without it).
    const store = new Proxy(opts.store, {
      get(target, prop, receiver) {
        if (prop === "put") return (c: Parameters<CellStore["put"]>[0]) => target.put({ ...c, revision: c.revision ?? opts.revision });
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await executor(toRun, { store, workRoot: opts.workRoot, onEvent });
    for (const cell of toRun) {
      const rec = opts.store.read(cell.key);
      if (!rec) { missing.push(cell); continue; }
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: rec.revision, status: "computed", wallSeconds: rec.wallSeconds });
    }
  }
  const results = new Map<string, unknown>();
  for (const cell of cells) if (refs.has(cell.key)) results.set(cell.key, opts.store.get(cell.key));
  return { results, refs: cells.flatMap((c) => (refs.has(c.key) ? [refs.get(c.key)!] : [])), missing };
}
