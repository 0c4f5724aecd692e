/**
 * Runs one cell wherever it is (this process, a pool worker, a BullMQ sandboxed processor): imports the cell's
 * runner module by its repo-relative path, creates the cell's work directory, calls `runCell` and returns the
 * result as canonical JSON (validated: plain JSON values, finite numbers only, then round-tripped through
 * JSON so every executor hands the store bit-identical values).
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError, LflError, NumericalError } from "../../core/errors.ts";
import type { CellContext, CellProgress, CellRunner } from "../engine/cell.ts";
import type { CellTask } from "./sweep-types.ts";

/** The repository root of this installation (runner paths are relative to it). */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** Where cells' private work directories go unless told otherwise: $LFL_WORK_DIR, else <tmp>/lfl-cells. */
export function defaultWorkRoot(): string {
  return process.env.LFL_WORK_DIR ?? join(tmpdir(), "lfl-cells");
}

/** A cell's private work directory under `workRoot`. */
export function cellWorkDir(workRoot: string, key: string): string {
  return join(workRoot, key);
}

/** Imports `runner` (repo-relative path) and returns its `runCell`. */
export async function loadRunner(runner: string): Promise<CellRunner> {
  const mod = (await import(pathToFileURL(resolve(REPO_ROOT, runner)).href)) as { runCell?: unknown };
  if (typeof mod.runCell !== "function") throw new InputError("E_INVALID_CONFIG", `cell runner ${runner} does not export a function 'runCell'`);
  return mod.runCell as CellRunner;
}

/** Runs the task's cell; resolves to its canonical JSON result. */
export async function runOneCell(task: CellTask, progress: (p: CellProgress) => void = () => {}): Promise<unknown> {
  const runCell = await loadRunner(task.spec.runner);
  mkdirSync(task.workDir, { recursive: true });
  const ctx: CellContext = { progress, inputs: new Map(Object.entries(task.inputs)), workDir: task.workDir };
  const result = await runCell(task.spec, ctx);
  return canonicalCellResult(result, task.spec.label);
}

/**
 * Checks that `value` is plain JSON with finite numbers (NumericalError naming the path otherwise; LflError
 * E_CELL for non-JSON values such as typed arrays, functions, undefined) and returns its JSON round trip.
 */
export function canonicalCellResult(value: unknown, label: string): unknown {
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new NumericalError(`cell '${label}': non-finite value ${v} in its result at ${path}`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, `${path}.${k}`);
      return;
    }
    const what = ArrayBuffer.isView(v) ? v.constructor.name + " (convert it with Array.from)" : typeof v;
    throw new LflError("E_CELL", `cell '${label}': its result is not plain JSON at ${path}: ${what}`);
  };
  walk(value, "result");
  return JSON.parse(JSON.stringify(value));
}

/** An error as it crosses a process boundary: "E_CODE: message" (or just the message). */
export function describeError(e: unknown): string {
  if (e instanceof LflError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
