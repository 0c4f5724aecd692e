/**
 * Runs planned cells against the store: a cell whose key is stored is reused, never recomputed; `reuseStale`
 * accepts a record with the same settings but other code (reported as stale) — following the lineage: a
 * downstream cell is matched against the records its stale inputs fed (the same settings over the inputs actually
 * reused), so a whole chain (learner → Algorithm 1 → methods) computed by older code is found; `finishedOnly` computes nothing
 * and reports what is missing. The rest go to an executor of src/experiments/sweep/ — in this process, on the
 * local worker pool (`jobs`) or on a BullMQ queue (`queue`) — and the results are the same bytes whichever runs
 * them, because a cell is a pure function of its spec.
 */
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { runCellsLocal } from "../sweep/local-pool.ts";
import { runCellsOnQueue } from "../sweep/redis-queue.ts";
import type { CellResultStore, SweepEvent } from "../sweep/sweep-types.ts";
import type { CellStore } from "./cell-store.ts";
import { settingsKey } from "./content-key.ts";
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
    // A stale copy left by an earlier --reuse-stale run is not a result of this code: recompute it (unless reused
    // now, and then it is not in byKey: it counts as an available input).
    has: (key) => { const r = store.read(key); return r !== undefined && (r.staleOf === undefined || !byKey.has(key)); },
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
  const stale = opts.reuseStale ? chooseStale(cells, opts.store) : new Map<string, StaleChoice>();
  for (const cell of cells) {
    const stored = opts.store.read(cell.key);
    if (stored && stored.staleOf === undefined) {
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: stored.revision, status: "stored", wallSeconds: stored.wallSeconds });
      continue;
    }
    const choice = stale.get(cell.key);
    if (choice) {
      // Filed under the new key so its dependents find it; the record keeps the revision that computed it.
      const rec = opts.store.read(choice.key)!;
      if (stored?.staleOf !== choice.origin) opts.store.put({ ...rec, key: cell.key, label: cell.label, staleOf: choice.origin });
      linkWorkDir(opts.workRoot, choice.origin, cell.key);
      refs.set(cell.key, { key: cell.key, label: cell.label, revision: rec.revision, status: "stale", wallSeconds: rec.wallSeconds });
      continue;
    }
    if (opts.finishedOnly) missing.push({ cell, why: "not computed (--finished-only)" });
    else toRun.push(cell);
  }
  if (toRun.length > 0) {
    // A cell computed now over reused stale inputs records its settings key over the records it actually read (the
    // inputs' origins), so a later --reuse-stale under other code finds it along the same lineage.
    const origin = (k: string): string => stale.get(k)?.origin ?? opts.store.read(k)?.staleOf ?? k;
    const lineage = toRun.map((c) => (c.inputs.some((k) => origin(k) !== k) ? { ...c, settingsKey: settingsKey({ settings: c.settings, inputs: c.inputs.map(origin) }) } : c));
    const byKey = new Map(lineage.map((c) => [c.key, c]));
    const started = new Map<string, number>();
    const onEvent = (e: SweepEvent): void => {
      if (e.type === "cell-start") started.set(e.key, performance.now());
      opts.onEvent?.(e.type === "cell-done" ? { ...e, settingsKey: byKey.get(e.key)?.settingsKey } : e);
    };
    const store = storeAdapter(opts.store, byKey, opts.revision, started);
    const outcome = opts.queue !== undefined
      ? await runCellsOnQueue(lineage, { url: opts.queue, store, onEvent })
      : await runCellsLocal(lineage, { jobs: opts.jobs ?? 0, store, onEvent, workRoot: opts.workRoot });
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

/** A reused stale cell's work directory (e.g. a learner's history) is found under its new key too. */
function linkWorkDir(workRoot: string, from: string, to: string): void {
  const src = join(workRoot, from), dst = join(workRoot, to);
  if (from === to || !existsSync(src) || existsSync(dst)) return;
  mkdirSync(workRoot, { recursive: true });
  symlinkSync(from, dst, "dir");
}

/** The older cell a planned cell reuses: `origin` the key it was computed under, `key` a readable record of it. */
interface StaleChoice {
  origin: string;
  key: string;
}

/**
 * `--reuse-stale` along the lineage: a planned cell may reuse a cell computed by other code with the same
 * settings whose inputs were the cells its own inputs reuse (or, for inputs computed by this code, those very
 * cells). Candidates are gathered for every cell over every combination of its inputs' candidates; then, in plan
 * order, each cell takes the candidate consistent with its inputs' choices that feeds the most candidates
 * downstream (so a chain learner → Algorithm 1 → methods is reused whole, even when a settings key was
 * computed more than once), the newest on a tie.
 */
function chooseStale(cells: readonly PlannedCell[], store: CellStore): Map<string, StaleChoice> {
  const known = new Map<string, boolean>(); // each record read (and parsed) once
  const current = (k: string): boolean => {
    if (!known.has(k)) { const r = store.read(k); known.set(k, r !== undefined && r.staleOf === undefined); }
    return known.get(k)!;
  };
  const cands = new Map<string, Array<StaleChoice & { via: string[] }>>();
  const support = new Map<string, number>();
  const originsOf = (k: string): string[] => (current(k) ? [k] : (cands.get(k) ?? []).map((c) => c.origin));
  for (const cell of cells) {
    if (current(cell.key)) continue;
    const list: Array<StaleChoice & { via: string[] }> = [];
    for (const via of product(cell.inputs.map(originsOf), 256)) {
      for (const c of store.staleCandidates(settingsKey({ settings: cell.settings, inputs: via }))) list.push({ ...c, via });
    }
    for (const c of list) for (const o of c.via) support.set(o, (support.get(o) ?? 0) + 1);
    cands.set(cell.key, list);
  }
  const chosen = new Map<string, StaleChoice>();
  for (const cell of cells) {
    const list = cands.get(cell.key);
    if (!list) continue;
    const via = cell.inputs.map((k) => chosen.get(k)?.origin ?? k);
    let best: (StaleChoice & { via: string[] }) | undefined;
    for (const c of list) {
      if (c.via.join() !== via.join()) continue;
      if (!best || (support.get(c.origin) ?? 0) > (support.get(best.origin) ?? 0)) best = c;
    }
    if (best) chosen.set(cell.key, { origin: best.origin, key: best.key });
  }
  return chosen;
}

/** The cartesian product of `lists` (at most `cap` combinations). */
function product(lists: readonly string[][], cap: number): string[][] {
  let out: string[][] = [[]];
  for (const l of lists) {
    out = out.flatMap((p) => l.map((x) => [...p, x])).slice(0, cap);
    if (out.length === 0) return [];
  }
  return out;
}
