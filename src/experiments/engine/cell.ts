/**
 * A cell: the unit of work of every experiment (experiment × env × seed × method/stage). Cells are plain JSON so
 * they can cross process and machine boundaries (the local worker pool, BullMQ workers); a cell is run by a
 * `CellRunner` exported from a module that a worker imports by path.
 *
 *   key      the content key: a hash of the cell's resolved settings, the keys of its inputs and the source
 *            files of the code that computes it. Equal keys ⇒ equal results; it is the store's file name and
 *            the queue's job id, so a finished cell is never recomputed.
 *   runner   module specifier (a path relative to the repo root, e.g. "src/experiments/engine/run-cell.ts")
 *            exporting `runCell: CellRunner`.
 */
export interface CellSpec {
  /** Content key (hex). */
  readonly key: string;
  /** e.g. "table3/full/HalfCheetah-v5/seed-3/observer" (for progress lines and error reports). */
  readonly label: string;
  readonly experiment: string;
  /** Repo-relative module path exporting `runCell`. */
  readonly runner: string;
  /** Everything the runner needs, JSON-serialisable (resolved settings, seed, input cell keys). */
  readonly payload: unknown;
  /** Keys of the cells whose results this one reads (they must be finished first). */
  readonly inputs: readonly string[];
}

/** What a running cell reports: its current stage and how far it is (any unit, e.g. PPO updates). */
export interface CellProgress {
  stage: string;
  done: number;
  total: number;
}

export interface CellContext {
  /** Report progress (cheap; call as often as convenient). */
  progress(p: CellProgress): void;
  /** Results of the input cells, by key (small JSON). */
  inputs: ReadonlyMap<string, unknown>;
  /** A directory private to this cell for large intermediates (histories, checkpoints); created by the caller. */
  workDir: string;
}

/** Runs one cell; resolves to its result (small JSON, finite numbers only). */
export type CellRunner = (spec: CellSpec, ctx: CellContext) => Promise<unknown>;
