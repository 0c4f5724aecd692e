import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CellStore, type StoredCell } from "../engine/cell-store.ts";
import { lineageHistory } from "./learner-history-lineage.ts";

const key = (c: string) => c.repeat(32);
const record = (k: string, staleOf?: string): StoredCell => ({ key: k, settingsKey: "s", label: "table3/full/Hopper-v5/seed-0/learner", experiment: "table3", revision: null, wallSeconds: 1, result: {}, ...(staleOf ? { staleOf } : {}) });

test("lineageHistory: a reused stale learner finds the history of its own lineage, never another's, never a file being written", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-lineage-"));
  try {
    const store = new CellStore(dir);
    const [origin, oldCopy, current, other] = [key("a"), key("b"), key("c"), key("d")];
    store.put(record(origin));
    store.put(record(oldCopy, origin));
    store.put(record(current, origin));
    store.put(record(other));
    const history = (k: string) => { mkdirSync(join(dir, "work", k), { recursive: true }); const f = join(dir, "work", k, "history.npz"); writeFileSync(f, "x"); return f; };
    const workDir = join(dir, "work", "method-cell");
    assert.equal(lineageHistory(workDir, current), null, "no history anywhere yet");
    history(other);
    assert.equal(lineageHistory(workDir, current), null, "another lineage's file is not ours");
    const copyFile = history(oldCopy);
    writeFileSync(`${copyFile}.lock`, "1");
    assert.equal(lineageHistory(workDir, current), null, "a file still being written (lock beside it) is not taken");
    rmSync(`${copyFile}.lock`);
    assert.equal(lineageHistory(workDir, current), copyFile, "an earlier stale copy's file");
    const originFile = history(origin);
    assert.equal(lineageHistory(workDir, current), originFile, "the computing cell's own file first");
    assert.equal(lineageHistory(workDir, key("e")), null, "a key without a record");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
