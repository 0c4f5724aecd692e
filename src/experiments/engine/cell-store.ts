/**
 * The content-addressed checkpoint store: one JSON file per finished cell, named by its content key, written
 * atomically. A cell whose key is present is never recomputed; changed code or settings give a new key. With
 * `--reuse-stale` a cell may be taken from a record with the same settings key but other code — the results
 * then list it as stale.
 *
 * Layout: <dir>/<key[0..2]>/<key>.json = { key, settingsKey, label, experiment, revision, wallSeconds, result }.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
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

  /** The newest record with this settings key (any code), for `--reuse-stale`. */
  findBySettings(settingsKey: string): StoredCell | undefined {
    if (!existsSync(this.dir)) return undefined;
    let best: StoredCell | undefined;
    for (const sub of readdirSync(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const f of readdirSync(join(this.dir, sub))) {
        if (!f.endsWith(".json")) continue;
        try {
          const c = JSON.parse(readFileSync(join(this.dir, sub, f), "utf8")) as StoredCell;
          if (c.settingsKey === settingsKey) best = c;
        } catch { /* torn: ignore */ }
      }
    }
    return best;
  }

  put(cell: StoredCell): void {
    const p = this.path(cell.key);
    mkdirSync(join(this.dir, cell.key.slice(0, 2)), { recursive: true });
    writeJsonAtomic(p, cell);
  }
}
