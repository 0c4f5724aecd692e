/**
 * `--commit-cells DIR`: each finished cell's result as a small JSON file in the repository (e.g.
 * results/cells/<experiment>/<key>.json), so a long run can stop on one machine, be committed, and continue or be
 * assembled (`--finished-only`) on another. Files are written atomically (temp + fsync + rename): a run killed
 * mid-write leaves the previous file or none, never a torn one.
 *
 * File: { format: 1, command, seeds, revision, key, label, experiment, result[, settingsKey] } — the settings key
 * (when the cell was planned by the engine) lets `--reuse-stale` find the cell after the code changed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.ts";
import type { CellSpec } from "../engine/cell.ts";
import type { CellStore } from "../engine/cell-store.ts";
import { writeJsonAtomic } from "../engine/write-json-atomic.ts";
import type { CellResultStore, SweepEventListener } from "./sweep-types.ts";

export const COMMITTED_CELL_FORMAT = 1;

/** How the sweep was started (recorded in every committed cell). */
export interface CommitMeta {
  /** The exact command line, e.g. "lfl reproduce table3 --seeds 0-9 --jobs 2 --commit-cells results/cells". */
  command: string;
  seeds: readonly number[];
  /** Git revision of the code that computed the cell (null outside a checkout). */
  revision: string | null;
}

export interface CommittedCell extends CommitMeta {
  format: typeof COMMITTED_CELL_FORMAT;
  key: string;
  label: string;
  experiment: string;
  result: unknown;
  /** The cell's settings key (settings + inputs, no code), for `--reuse-stale`; absent in files of older sweeps. */
  settingsKey?: string;
  /** Wall seconds the cell took where it ran; absent in files of older sweeps. */
  wallSeconds?: number;
}

/** A file-name-safe version of an experiment name ("table3/full" → "table3-full"). */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "-");
}

/** The file a cell is committed to: <dir>/<experiment>/<key>.json. */
export function committedCellPath(dir: string, spec: Pick<CellSpec, "experiment" | "key">): string {
  return join(dir, safeName(spec.experiment), `${safeName(spec.key)}.json`);
}

/** Writes one finished cell atomically; returns its path. */
export function writeCommittedCell(dir: string, spec: CellSpec & { settingsKey?: string }, result: unknown, meta: CommitMeta, wallSeconds?: number): string {
  const path = committedCellPath(dir, spec);
  mkdirSync(join(dir, safeName(spec.experiment)), { recursive: true });
  const cell: CommittedCell = { format: COMMITTED_CELL_FORMAT, command: meta.command, seeds: [...meta.seeds], revision: meta.revision, key: spec.key, label: spec.label, experiment: spec.experiment, result, ...(spec.settingsKey !== undefined ? { settingsKey: spec.settingsKey } : {}), ...(wallSeconds !== undefined ? { wallSeconds } : {}) };
  writeJsonAtomic(path, cell);
  return path;
}

/**
 * A sweep event listener that commits every cell as it finishes (pass it alongside the progress display:
 * `onEvent: (e) => { progress.onEvent(e); commit(e); }`).
 */
export function commitCellsListener(dir: string, cells: ReadonlyArray<CellSpec & { settingsKey?: string }>, meta: CommitMeta): SweepEventListener {
  const byKey = new Map(cells.map((c) => [c.key, c]));
  return (e) => {
    if (e.type !== "cell-done") return;
    const spec = byKey.get(e.key);
    // The engine's settings key when it gives one (over the inputs' origins after a --reuse-stale), else the plan's.
    if (spec !== undefined) writeCommittedCell(dir, e.settingsKey !== undefined ? { ...spec, settingsKey: e.settingsKey } : spec, e.result, meta, e.seconds);
  };
}

/** Every committed cell under `dir` (optionally only `experiment`'s), validated; a bad file is an InputError naming it. */
export function readCommittedCells(dir: string, opts: { experiment?: string } = {}): CommittedCell[] {
  if (!existsSync(dir)) return [];
  const cells: CommittedCell[] = [];
  const subdirs = opts.experiment !== undefined ? [safeName(opts.experiment)] : readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory());
  for (const sub of subdirs) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder).sort()) if (f.endsWith(".json") && !f.startsWith(".")) cells.push(parseCommittedCell(join(folder, f)));
  }
  return cells;
}

/** Loads every committed cell under `dir` (optionally only `experiment`'s) into `store`, skipping keys it already has; returns the keys loaded. */
export function loadCommittedCells(dir: string, store: CellResultStore, opts: { experiment?: string } = {}): string[] {
  const loaded: string[] = [];
  for (const cell of readCommittedCells(dir, opts)) {
    if (store.has(cell.key)) continue;
    store.put(cell.key, cell.result);
    loaded.push(cell.key);
  }
  return loaded;
}

/**
 * Files `experiment`'s committed cells under `dir` into the engine's store (with their settings keys, so that
 * `--reuse-stale` finds cells of other code; `planned` gives the key for files of older sweeps that lack one).
 * The committed file is the reference: a record of the same key under another settings key is refreshed.
 */
export function storeCommittedCells(dir: string, store: CellStore, experiment: string, planned: ReadonlyMap<string, string>): void {
  for (const c of readCommittedCells(dir, { experiment })) {
    const sk = c.settingsKey ?? planned.get(c.key), had = store.read(c.key);
    if (sk === undefined || (had !== undefined && (had.staleOf !== undefined || had.settingsKey === sk))) continue;
    store.put({ key: c.key, settingsKey: sk, label: c.label, experiment: c.experiment, revision: c.revision, wallSeconds: c.wallSeconds ?? 0, result: c.result });
  }
}

/** Reads and validates one committed-cell file. */
export function parseCommittedCell(path: string): CommittedCell {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError("E_INVALID_JSON", `${path}: not valid JSON (${(e as Error).message})`);
  }
  const c = v as Partial<CommittedCell>;
  const bad = (field: string): never => {
    throw new InputError("E_INVALID_JSON", `${path}: not a committed cell (field '${field}' missing or wrong)`);
  };
  if (typeof v !== "object" || v === null) bad("format");
  if (c.format !== COMMITTED_CELL_FORMAT) bad("format");
  if (typeof c.key !== "string" || c.key === "") bad("key");
  if (typeof c.label !== "string") bad("label");
  if (typeof c.experiment !== "string") bad("experiment");
  if (typeof c.command !== "string") bad("command");
  if (!Array.isArray(c.seeds)) bad("seeds");
  if (!("result" in c)) bad("result");
  if (`${safeName(c.key!)}.json` !== path.split("/").pop()) bad("key (does not match the file name)");
  if (c.settingsKey !== undefined && typeof c.settingsKey !== "string") bad("settingsKey");
  if (c.wallSeconds !== undefined && !(typeof c.wallSeconds === "number" && c.wallSeconds >= 0)) bad("wallSeconds");
  return c as CommittedCell;
}
