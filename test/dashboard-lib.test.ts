// The dashboard's DOM-free pieces, in Node: the .npz reader from bytes agrees with the library's file reader
// (STORE and DEFLATE), the grid editor's paper layout is the paper's grid, the tabular pipeline is the CLI's chain,
// and the learning-curve interval.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/rng.ts";
import { readHistoryColumns, writeHistoryFile } from "../src/data/history-file.ts";
import { gridWorld } from "../src/envs/tabular/grid-world.ts";
import { parseMdpJson } from "../src/envs/tabular/mdp-json.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { meanCi } from "../dashboard/src/lib/aggregates.ts";
import { layoutToMdpJson, paperLayout } from "../dashboard/src/lib/grid-editor-mdp.ts";
import { readHistoryBytes } from "../dashboard/src/lib/history-bytes.ts";
import { runTabularLive, type TabularStep } from "../dashboard/src/lib/tabular-run.ts";
import { diffText, pairedRows, rewardQualityRows, table3Methods } from "../dashboard/src/lib/table3-rows.ts";
import type { Table3Result } from "../src/experiments/table3/table3.ts";
import { table3BaselineFixture } from "./dashboard-fixtures.ts";
import { ROOT } from "./lfl-cli.ts";

test("readHistoryBytes reads what the library writes, stored or deflated, as readHistoryColumns does", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-dash-lib-"));
  try {
    const run = TABULAR_LEARNERS["q-learning"].train(gridWorld(), { improvements: 3, pairsPerUpdate: 50 }, new Rng(1));
    for (const deflate of [false, true]) {
      const path = join(dir, `h-${deflate}.npz`);
      writeHistoryFile(path, run.history, { deflate });
      const fromFile = readHistoryColumns(path);
      const fromBytes = await readHistoryBytes(new Uint8Array(readFileSync(path)));
      assert.deepEqual(fromBytes, fromFile);
    }
    const bad = new Uint8Array(readFileSync(join(dir, "h-false.npz")));
    await assert.rejects(readHistoryBytes(bad.subarray(0, bad.length - 30)), /zip|history/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the grid editor's paper layout is the paper's grid", () => {
  const edited = parseMdpJson(layoutToMdpJson(paperLayout()), "editor");
  const paper = gridWorld();
  assert.deepEqual(edited.P, paper.P);
  assert.deepEqual(edited.r, paper.r);
  assert.deepEqual(edited.start, paper.start);
  assert.equal(edited.gamma, paper.gamma);
  const walled = paperLayout();
  walled.kind[1] = "wall";
  const m = parseMdpJson(layoutToMdpJson(walled), "editor");
  assert.equal(m.P[(0 * 4 + 3) * 25 + 0], 1, "moving right into a wall stays in place");
});

test("the tabular pipeline yields the learner summary, then one observer step per improvement", () => {
  const events = [...runTabularLive({ mdp: { kind: "json", text: layoutToMdpJson(paperLayout()) }, learner: "soft-policy-iteration", seed: 2, observer: { rewardForm: "state-action" } })];
  assert.equal(events[0]!.kind, "learner");
  const steps = events.slice(1) as TabularStep[];
  assert.equal(steps.length, 3);
  assert.deepEqual(steps.map((s) => s.k), [1, 2, 3]);
  for (const s of steps) {
    assert.equal(s.reward.length, 100);
    for (let st = 0; st < 25; st++) assert.ok(Math.abs(s.observerPolicy.slice(4 * st, 4 * st + 4).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  assert.match((events[0] as { commands: string[] }).commands[1]!, /--reward-form state-action/);
});

test("the learning-curve band: mean and 95% t-interval", () => {
  const ci = meanCi([1, 2, 3]);
  assert.equal(ci.mean, 2);
  assert.ok(Math.abs(ci.hi - (2 + (4.303 * 1) / Math.sqrt(3))) < 1e-12);
});

test("Table 3 baseline rows: every method of the file (committed results/table3.json and the fixture) is paired against the observer as the file says; reward-quality rows for r̄φ and every baseline", () => {
  const real = JSON.parse(readFileSync(join(ROOT, "results", "table3.json"), "utf8")) as Table3Result;
  const others = real.methods.filter((m) => m.id !== "observer");
  assert.ok(others.length >= 7, "the committed Table 3 lists the controls and baselines");
  const rows = pairedRows(real);
  assert.equal(rows.length, real.envs.length * others.length);
  for (const e of real.envs) for (const m of others) {
    const row = rows.find((x) => x.env === e.id && x.method === m.id)!;
    assert.equal(row.label, m.label);
    assert.deepEqual(row.sampled, e.comparisons[m.id] ?? null, `${e.id} ${m.id}: the file's paired difference`);
  }
  const fx = table3BaselineFixture() as unknown as Table3Result;
  assert.deepEqual(table3Methods(fx).map((m) => m.id), ["observer", "trex", "airl", "logel"]);
  assert.deepEqual(pairedRows(fx).map((x) => [x.method, x.sampled?.meanDiff]), [["trex", 30], ["airl", 60], ["logel", 80]]);
  const rq = rewardQualityRows(fx);
  assert.deepEqual(rq.map((x) => x.method), ["observer", "trex", "airl", "logel"]);
  assert.equal(rq[0]!.observerBetter, null);
  assert.equal(rq[3]!.observerBetter!.pearson!.meanDiff, 0.9 - 0.3);
  assert.equal(diffText({ meanDiff: 1.5, ci95: [0.25, 2] }, String), "1.5 [0.25, 2]");
  // The committed quick table carries per-baseline reward quality: one row per baseline after r̄φ's, as the file says.
  const quick = JSON.parse(readFileSync(join(ROOT, "results", "table3-quick.json"), "utf8")) as Table3Result;
  for (const e of quick.envs) {
    const ids = Object.keys(e.rewardQualityBaselines ?? {});
    assert.ok(ids.length >= 5, `${e.id}: the quick table's reward-quality baselines`);
    const rows = rewardQualityRows(quick).filter((x) => x.env === e.id);
    assert.deepEqual(rows.map((x) => x.method), ["observer", ...ids]);
    for (const id of ids) assert.deepEqual(rows.find((x) => x.method === id)!.observerBetter, e.rewardQualityBaselines![id]!.observerBetter, id);
  }
  // A file without a method list (older results): the normalised scores' keys.
  const old = { envs: [{ normalised: { learnerBest: null, observer: null, trex: null } }] } as unknown as Table3Result;
  assert.deepEqual(table3Methods(old).map((m) => m.id), ["observer", "trex"]);
});
