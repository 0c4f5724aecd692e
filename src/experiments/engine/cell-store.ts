/**
 * The content-addressed checkpoint store: one JSON file per finished cell, named by its content key, written
 * atomically. A cell whose key is present is never recomputed; changed code or settings give a new key. With
 * `--reuse-stale` a cell may be taken from a record with the same settings key but other code — it is then filed
 * under the new key too, marked `staleOf` (the key it was computed under), and the results list it as stale; such
 * a copy is used only when stale cells are asked for again.
 *
 * Layout: <dir>/<key[0..2]>/<key>.json = { key, settingsKey, label, experiment, revision, wallSeconds, result[, staleOf] }.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "./write-json-atomic.ts";

export interface StoredCell {
  key: string;
  settingsKey: string;
  label: string;
  experiment: string;
  /** The code revision that computed it. */
  revision: string | null;
  wallSeconds: number;
  result: unknown;
  /** Set on a stale record filed under a newer key: the key of the cell that computed it. */
  staleOf?: string;
}

export class CellStore {
  constructor(readonly dir: string) {}

  private path(key: string): string {
    if (!/^[0-9a-f]{8,64}$/.test(key)) throw new RangeError(`CellStore: '${key}' is not a content key`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  has(key: string): boolean {
    return this.read(key) !== undefined;
  }

  /** The stored cell, or undefined when absent or torn (a torn file is recomputed and overwritten). */
  read(key: string): StoredCell | undefined {
    const p = this.path(key);
    if (!existsSync(p)) return undefined;
    try {
      const c = JSON.parse(readFileSync(p, "utf8")) as StoredCell;
      return c.key === key ? c : undefined;
    } catch {
      return undefined;
    }
  }

  get(key: string): unknown {
    return this.read(key)?.result;
  }

  /**
   * The cells computed (by any code) with this settings key, for `--reuse-stale`: one entry per computing cell
   * (`origin`: the key it was computed under; `key`: a record of it that can be read — the original or a stale
   * copy), newest first. The store is scanned once per CellStore and the index kept up to date by `put`.
   */
  staleCandidates(settingsKey: string): ReadonlyArray<{ origin: string; key: string }> {
    return this.settingsIndex().get(settingsKey) ?? [];
  }

  private index: Map<string, Array<{ origin: string; key: string; mtime: number }>> | undefined;

  private settingsIndex(): Map<string, Array<{ origin: string; key: string; mtime: number }>> {
    if (this.index) return this.index;
    this.index = new Map();
    if (!existsSync(this.dir)) return this.index;
    for (const sub of readdirSync(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const f of readdirSync(join(this.dir, sub))) {
        if (!f.endsWith(".json")) continue;
        try {
          const path = join(this.dir, sub, f);
          const c = JSON.parse(readFileSync(path, "utf8")) as StoredCell;
          this.indexRecord(c, statSync(path).mtimeMs);
        } catch { /* torn: ignore */ }
      }
    }
    return this.index;
  }

  private indexRecord(c: Pick<StoredCell, "key" | "settingsKey" | "staleOf">, mtime: number): void {
    if (typeof c.settingsKey !== "string" || typeof c.key !== "string") return;
    const origin = c.staleOf ?? c.key;
    const list = this.index!.get(c.settingsKey) ?? [];
    const i = list.findIndex((e) => e.origin === origin);
    if (i < 0) list.push({ origin, key: c.key, mtime });
    else if (c.staleOf === undefined) list[i] = { origin, key: c.key, mtime: Math.max(mtime, list[i]!.mtime) }; // prefer reading the original
    list.sort((a, b) => b.mtime - a.mtime);
    this.index!.set(c.settingsKey, list);
  }

  put(cell: StoredCell): void {
    const p = this.path(cell.key);
    mkdirSync(join(this.dir, cell.key.slice(0, 2)), { recursive: true });
    writeJsonAtomic(p, cell);
    if (this.index) this.indexRecord(cell, Date.now());
  }
}
