/**
 * The one results schema: every results JSON is a `ResultsDoc` — how it was made (command, seeds, revision,
 * cells with their keys) followed by the experiment's body. Reports and the dashboard read only this.
 */
import { execFileSync } from "node:child_process";

export const RESULTS_SCHEMA = "lfl-results/1";

export interface CellRef {
  key: string;
  label: string;
  /** Revision of the code that computed it. */
  revision: string | null;
  /** "computed" now, "stored" (same key: same code and settings), or "stale" (--reuse-stale: other code). */
  status: "computed" | "stored" | "stale";
  wallSeconds: number;
}

export interface Provenance {
  schema: typeof RESULTS_SCHEMA;
  experiment: string;
  title: string;
  /** The exact command line that made this file. */
  command: string;
  scale: string;
  /** The seeds that ran (empty for deterministic experiments). */
  seeds: number[];
  /** HEAD of the checkout; `codeDirty` says whether code (not results or run directories) differed from it. */
  gitRevision: string | null;
  codeDirty: boolean;
  node: string;
  kernelBackend: string;
  startedAt: string;
  wallTimeSeconds: number;
  cells: CellRef[];
  /** Requested cells left out (finished-only assembly), by label. */
  missing: string[];
}

export type ResultsDoc<Body extends object = object> = Provenance & Body;

/** Paths whose changes are changes of code (results/, runs/, docs/ are not). */
const CODE_PATHS = ["src", "native", "assets", "scripts", "bin", "package.json", "package-lock.json", "tsconfig.json"];

export function gitState(cwd?: string): { gitRevision: string | null; codeDirty: boolean } {
  try {
    const opts = { encoding: "utf8" as const, stdio: ["ignore", "pipe", "ignore"] as ["ignore", "pipe", "ignore"], ...(cwd ? { cwd } : {}) };
    const head = execFileSync("git", ["rev-parse", "HEAD"], opts).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ...CODE_PATHS], opts).trim();
    return { gitRevision: head, codeDirty: dirty.length > 0 };
  } catch {
    return { gitRevision: null, codeDirty: false };
  }
}

/** "abc1234" or "abc1234-dirty" (code differs from HEAD), for cell records and report footers. */
export function revisionLabel(s: { gitRevision: string | null; codeDirty: boolean }): string | null {
  return s.gitRevision === null ? null : `${s.gitRevision}${s.codeDirty ? "-dirty" : ""}`;
}

/** What a report footer needs. */
export type ReportMeta = Pick<Provenance, "command" | "gitRevision" | "codeDirty" | "startedAt" | "wallTimeSeconds">;

/** "Command: `…` · git abc1234 · 2026-… · 12.3 s" (the footer line of every markdown report). */
export function provenanceLine(meta: ReportMeta, digits = 1): string {
  const rev = meta.gitRevision === null ? "unknown" : `${meta.gitRevision.slice(0, 12)}${meta.codeDirty ? " (with uncommitted code changes)" : ""}`;
  return `Command: \`${meta.command}\` · git ${rev} · ${meta.startedAt} · ${meta.wallTimeSeconds.toFixed(digits)} s`;
}
