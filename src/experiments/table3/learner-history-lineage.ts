/**
 * The observed window's history file of a learner cell reused under `--reuse-stale`. A stale learner record
 * (other code, same settings) is filed under the current key with `staleOf` = the key that computed it; its
 * history.npz sits in the work directory of that key, or of an earlier stale copy of it (a copy whose method cells
 * once recomputed the file). Reading that file keeps a method cell consistent with the learner scores it is paired
 * with (both from the record's code) and saves recomputing the learner: minutes per (env, seed) at the full scale.
 *
 * Store layout (engine/cell-store.ts): <store>/<key[0..2]>/<key>.json, work directories <store>/work/<key>/.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { CellStore } from "../engine/cell-store.ts";

/** A finished history.npz of `learnerKey`'s lineage in the store that holds `workDir`, or null. */
export function lineageHistory(workDir: string, learnerKey: string): string | null {
  const work = dirname(workDir);
  const store = new CellStore(dirname(work));
  const record = store.read(learnerKey);
  if (!record || !existsSync(work)) return null;
  const origin = record.staleOf ?? learnerKey;
  for (const dir of [origin, ...readdirSync(work).filter((d) => d !== origin).sort()]) {
    const file = join(work, dir, "history.npz");
    if (!existsSync(file) || existsSync(`${file}.lock`)) continue;
    const r = dir === origin ? record : /^[0-9a-f]{8,64}$/.test(dir) ? store.read(dir) : undefined;
    if (r !== undefined && (dir === origin || r.staleOf === origin)) return file;
  }
  return null;
}
