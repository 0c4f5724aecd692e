/**
 * The progress file of a long run (`lfl reproduce …`, a sweep): one small JSON file per run, rewritten atomically
 * (temp file + rename) as the run advances, that `lfl dashboard` reads and streams to the browser (Runs page).
 *
 *   <runs dir>/progress/<runId>.json
 *   { "format": "lfl-progress", "formatVersion": 1, "runId": "table3-full", "command": "lfl reproduce table3",
 *     "status": "running" | "done" | "failed", "startedAt": ISO, "updatedAt": ISO,
 *     "cells": { "total": 20, "done": 7, "running": 2, "failed": 0 },
 *     "stages": [{ "name": "learner", "done": 9, "total": 20 }, …],      (optional)
 *     "current": ["HalfCheetah-v5/seed 3: observer"],                    (optional: what is running now)
 *     "etaSeconds": 1234 | null,                                          (optional; writeProgressFile fills it)
 *     "message": "…" }                                                    (optional, e.g. the failure)
 *
 * Usage (from the experiment engine): `writeProgressFile("runs/progress", { runId, command, status: "running",
 * startedAt, cells: { total, done, running, failed } })` after each cell; the last call with status "done".
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";

export const PROGRESS_FORMAT = "lfl-progress";
export const PROGRESS_FORMAT_VERSION = 1;
/** The folder under a runs directory that holds the progress files. */
export const PROGRESS_SUBDIR = "progress";

export type RunStatus = "running" | "done" | "failed";

export interface CellCounts {
  total: number;
  done: number;
  running: number;
  failed: number;
}

export interface StageProgress {
  name: string;
  done: number;
  total: number;
}

export interface RunProgress {
  format: typeof PROGRESS_FORMAT;
  formatVersion: number;
  runId: string;
  command: string;
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  cells: CellCounts;
  stages?: StageProgress[];
  current?: string[];
  etaSeconds?: number | null;
  message?: string;
}

/** What a caller passes: the format fields and `updatedAt` are filled in, `etaSeconds` estimated if absent. */
export type RunProgressInput = Omit<RunProgress, "format" | "formatVersion" | "updatedAt"> & { updatedAt?: string };

/** Run ids name files: letters, digits, dot, dash, underscore (1–100 characters, not starting with a dot). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

function bad(where: string, msg: string): never {
  throw new InputError("E_INVALID_JSON", `${where}: ${msg}`);
}

/**
 * Linear ETA: elapsed / finished cells × remaining cells; null before the first cell finishes or when the run
 * is over.
 */
export function estimateEtaSeconds(startedAt: string, cells: CellCounts, now: Date = new Date()): number | null {
  const finished = cells.done + cells.failed;
  const t0 = Date.parse(startedAt);
  if (finished <= 0 || finished >= cells.total || !Number.isFinite(t0)) return null;
  const elapsed = Math.max(0, (now.getTime() - t0) / 1000);
  return (elapsed / finished) * (cells.total - finished);
}

/** Validates a progress object (from a file or a caller); `where` names it in errors. */
export function parseProgress(raw: unknown, where: string): RunProgress {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad(where, "must be a JSON object");
  const o = raw as Record<string, unknown>;
  if (o.format !== PROGRESS_FORMAT) bad(where, `'format' must be "${PROGRESS_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (!Number.isInteger(o.formatVersion) || (o.formatVersion as number) < 1 || (o.formatVersion as number) > PROGRESS_FORMAT_VERSION) bad(where, `'formatVersion' must be 1..${PROGRESS_FORMAT_VERSION}`);
  const str = (k: string): string => {
    if (typeof o[k] !== "string") bad(where, `'${k}' must be a string`);
    return o[k] as string;
  };
  const count = (x: unknown, k: string): number => {
    if (!Number.isSafeInteger(x) || (x as number) < 0) bad(where, `'${k}' must be a non-negative integer`);
    return x as number;
  };
  const runId = str("runId");
  if (!RUN_ID_PATTERN.test(runId)) bad(where, `'runId' must match ${RUN_ID_PATTERN}, got ${JSON.stringify(runId)}`);
  const status = str("status");
  if (status !== "running" && status !== "done" && status !== "failed") bad(where, `'status' must be running, done or failed, got ${JSON.stringify(status)}`);
  const c = o.cells as Record<string, unknown> | undefined;
  if (typeof c !== "object" || c === null) bad(where, "'cells' must be an object {total, done, running, failed}");
  const cells: CellCounts = { total: count(c.total, "cells.total"), done: count(c.done, "cells.done"), running: count(c.running, "cells.running"), failed: count(c.failed, "cells.failed") };
  if (cells.done + cells.failed + cells.running > cells.total) bad(where, "'cells': done + failed + running exceeds total");
  const p: RunProgress = { format: PROGRESS_FORMAT, formatVersion: o.formatVersion as number, runId, command: str("command"), status, startedAt: str("startedAt"), updatedAt: str("updatedAt"), cells };
  if (o.stages !== undefined) {
    if (!Array.isArray(o.stages)) bad(where, "'stages' must be a list");
    p.stages = o.stages.map((s: unknown, i: number) => {
      const r = s as Record<string, unknown>;
      if (typeof r !== "object" || r === null || typeof r.name !== "string") bad(where, `'stages[${i}].name' must be a string`);
      return { name: r.name as string, done: count(r.done, `stages[${i}].done`), total: count(r.total, `stages[${i}].total`) };
    });
  }
  if (o.current !== undefined) {
    if (!Array.isArray(o.current) || !o.current.every((x) => typeof x === "string")) bad(where, "'current' must be a list of strings");
    p.current = o.current as string[];
  }
  if (o.etaSeconds !== undefined) {
    if (o.etaSeconds !== null && !(typeof o.etaSeconds === "number" && Number.isFinite(o.etaSeconds) && o.etaSeconds >= 0)) bad(where, "'etaSeconds' must be a non-negative number or null");
    p.etaSeconds = o.etaSeconds as number | null;
  }
  if (o.message !== undefined) p.message = str("message");
  return p;
}

/**
 * Writes `<dir>/<runId>.json` atomically and returns its path. `dir` is usually `<runs dir>/progress`
 * (created if missing). Fills `format`, `formatVersion`, `updatedAt` (now) and, when absent, `etaSeconds`.
 */
export function writeProgressFile(dir: string, progress: RunProgressInput, now: Date = new Date()): string {
  const full = parseProgress({
    ...progress,
    format: PROGRESS_FORMAT,
    formatVersion: PROGRESS_FORMAT_VERSION,
    updatedAt: progress.updatedAt ?? now.toISOString(),
    etaSeconds: progress.etaSeconds !== undefined ? progress.etaSeconds : estimateEtaSeconds(progress.startedAt, progress.cells, now),
  }, `progress of run ${JSON.stringify(progress.runId)}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${full.runId}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
