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
