/**
 * Runs planned cells against the store: a cell whose key is stored is reused, never recomputed; `reuseStale`
 * accepts a record with the same settings but other code (reported as stale); `finishedOnly` computes nothing
 * and reports what is missing. The rest go to an executor of src/experiments/sweep/ — in this process, on the
 * local worker pool (`jobs`) or on a BullMQ queue (`queue`) — and the results are the same bytes whichever runs
 * them, because a cell is a pure function of its spec.
 */
import { runCellsLocal } from "../sweep/local-pool.ts";
import { runCellsOnQueue } from "../sweep/redis-queue.ts";
import type { CellResultStore, SweepEvent } from "../sweep/sweep-types.ts";
import type { CellStore } from "./cell-store.ts";
import type { PlannedCell } from "./experiment.ts";
import type { CellRef } from "./results-doc.ts";

export interface RunCellsOptions {
  store: CellStore;
  /** Private work directories of cells: <workRoot>/<key>/. */
  workRoot: string;
  /** Recorded with every cell computed now. */
  revision: string | null;
  reuseStale?: boolean;
  finishedOnly?: boolean;
  /** Worker processes of the local pool (0 = this process, the default; the CLI defaults to the machine's cores). */
  jobs?: number;
  /** redis://HOST:PORT: run the cells on BullMQ workers instead. */
  queue?: string;
  onEvent?: (e: SweepEvent) => void;
}

export interface RunCellsResult {
  results: Map<string, unknown>;
  refs: CellRef[];
  /** Requested cells with no result: not computed (finished-only), failed, or skipped after a failed input. */
  missing: Array<{ cell: PlannedCell; why: string }>;
}

/** The sweep executors' store interface over the engine's store: records carry label, settings key, revision, time. */
function storeAdapter(store: CellStore, byKey: ReadonlyMap<string, PlannedCell>, revision: string | null, started: ReadonlyMap<string, number>): CellResultStore {
  return {
    has: (key) => store.has(key),
    get: (key) => store.get(key),
    put: (key, result, run) => {
      const cell = byKey.get(key)!;
      const t0 = started.get(key);
      const wallSeconds = run?.seconds ?? (t0 === undefined ? 0 : (performance.now() - t0) / 1000);
      store.put({ key, settingsKey: cell.settingsKey, label: cell.label, experiment: cell.experiment, revision, wallSeconds, result });
    },
  };
}

export async function runCells(cells: readonly PlannedCell[], opts: RunCellsOptions): Promise<RunCellsResult> {
  const refs = new Map<string, CellRef>();
  const missing: RunCellsResult["missing"] = [];
  const toRun: PlannedCell[] = [];
  for (const cell of cells) {
    const stored = opts.store.read(cell.key);
    if (stored) {
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: stored.revision, status: "stored", wallSeconds: stored.wallSeconds });
      continue;
    }
    const stale = opts.reuseStale ? opts.store.findBySettings(cell.settingsKey) : undefined;
    if (stale) {
      // Filed under the new key so its dependents find it; the record keeps the revision that computed it.
      opts.store.put({ ...stale, key: cell.key, label: cell.label });
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: stale.revision, status: "stale", wallSeconds: stale.wallSeconds });
      continue;
    }
    if (opts.finishedOnly) missing.push({ cell, why: "not computed (--finished-only)" });
    else toRun.push(cell);
  }
  if (toRun.length > 0) {
    const byKey = new Map(toRun.map((c) => [c.key, c]));
    const started = new Map<string, number>();
    const onEvent = (e: SweepEvent): void => {
      if (e.type === "cell-start") started.set(e.key, performance.now());
      opts.onEvent?.(e);
    };
    const store = storeAdapter(opts.store, byKey, opts.revision, started);
    const outcome = opts.queue !== undefined
      ? await runCellsOnQueue(toRun, { url: opts.queue, store, onEvent })
      : await runCellsLocal(toRun, { jobs: opts.jobs ?? 0, store, onEvent, workRoot: opts.workRoot });
    for (const f of outcome.failed) missing.push({ cell: byKey.get(f.key)!, why: `failed: ${f.error}` });
    for (const s of outcome.skipped) missing.push({ cell: byKey.get(s.key)!, why: `skipped: ${s.reason}` });
    for (const cell of toRun) {
      const rec = opts.store.read(cell.key);
      if (rec) refs.set(cell.key, { key: cell.key, label: cell.label, revision: rec.revision, status: "computed", wallSeconds: rec.wallSeconds });
    }
  }
  const results = new Map<string, unknown>();
  for (const cell of cells) if (refs.has(cell.key)) results.set(cell.key, opts.store.get(cell.key));
  return { results, refs: cells.flatMap((c) => (refs.has(c.key) ? [refs.get(c.key)!] : [])), missing };
}
