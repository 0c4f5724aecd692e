// `lfl infer` on a Box learning history runs Algorithm 1 end to end through the real CLI: it writes a reward file
// that `loadRewardModel` accepts (with the BC policy in info), prints the per-stage and per-improvement tables,
// and refuses an unknown update with exit code 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl, ROOT } from "./lfl-cli.ts";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syntheticBoxHistory } from "../src/cli/bench-infer.ts";
import { writeHistoryColumns } from "../src/data/history-file.ts";
import { loadRewardModel } from "../src/observer/algorithm-1/algorithm-1.ts";

const dir = mkdtempSync(join(tmpdir(), "lfl-cli-infer-box-"));

test("lfl infer on a Box history: Algorithm 1, reward file, diagnostics; bad --updates exits 2", () => {
  const history = join(dir, "h.npz");
  const columns = syntheticBoxHistory(3, 128, 4, 2, 5, 50);
  writeHistoryColumns(history, columns);
  const out = join(dir, "reward.json"), json = join(dir, "diag.json");
  const r = lfl("infer", "--history", history, "--out", out, "--scale", "0.01", "--seed", "2", "--json", json);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Algorithm 1: inferred r_φ\(s,a\) = ln π_φ\(a\|s\) from 3 updates/);
  assert.match(r.stdout, /consistency/);
  assert.match(r.stdout, /1→2/);
  const file = JSON.parse(readFileSync(out, "utf8")) as { info: { bcPolicy: { logStd: number[] } } };
  assert.equal(file.info.bcPolicy.logStd.length, 2);
  const reward = loadRewardModel(file);
  const values = reward.evaluate({ n: columns.n, obs: columns.obs, actions: columns.actions, nextObs: columns.nextObs, terminated: columns.terminated });
  assert.ok(values.every(Number.isFinite));
  const diag = JSON.parse(readFileSync(json, "utf8")) as { diagnostics: { improvements: unknown[] } };
  assert.equal(diag.diagnostics.improvements.length, 2);
  const bad = lfl("infer", "--history", history, "--out", join(dir, "x.json"), "--updates", "0,7");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /update 7 has no transitions/);
});

test("lfl infer observes the last 11 updates of a longer Box history by default, says so, and --updates overrides it", () => {
  const history = join(dir, "long.npz");
  writeHistoryColumns(history, syntheticBoxHistory(13, 32, 3, 1, 7, 50));
  const r = lfl("infer", "--history", history, "--out", join(dir, "w.json"), "--scale", "0.005");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /observing the last 11 of the history's 13 updates \(2…12\), the paper's window/);
  assert.match(r.stdout, /from 11 updates \(2…12\)/);
  const all = lfl("infer", "--history", history, "--out", join(dir, "a.json"), "--scale", "0.005", "--updates", "0-12");
  assert.equal(all.code, 0, all.stderr);
  assert.doesNotMatch(all.stdout, /observing the last/);
  assert.match(all.stdout, /from 13 updates \(0…12\)/);
});

test("lfl infer on a Box history with an observation of 1e308: E_NUMERICAL naming the field, exit 1, the previous reward file intact", () => {
  const history = join(dir, "huge.npz"), out = join(dir, "previous.json");
  const columns = syntheticBoxHistory(3, 64, 3, 1, 1, 50);
  columns.obs[5] = 1e308; // finite, but its variance is not
  writeHistoryColumns(history, columns);
  writeFileSync(out, "previous\n");
  const r = lfl("infer", "--history", history, "--out", out, "--scale", "0.01");
  assert.equal(r.code, 1);
  // Progress lines (also when stderr is not a terminal), then exactly one error line, the last.
  assert.match(r.stderr, /(^|\n)lfl: error E_NUMERICAL: infer: Algorithm 1 produced a non-finite result .*obsNorm\.var\[2\] is Infinity[^\n]*\n$/);
  assert.equal(r.stderr.match(/lfl: error/g)?.length, 1);
  assert.match(r.stderr, /^1\/4 policies /, "progress is shown on a non-terminal stderr");
  assert.equal(readFileSync(out, "utf8"), "previous\n");
});
