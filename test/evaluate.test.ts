/**
 * `lfl evaluate` (src/experiments/evaluate/): on the history Table 3's learner cell recorded it reproduces that
 * cell's Algorithm 1, BC and PPO-method numbers exactly (same streams, same start states); its learner scores
 * come from the history; a window where the learner did not improve is reported with windows where it did; a
 * bad file or window exits 2 with one coded line, before anything runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lfl } from "./lfl-cli.ts";
import { command as evaluateCommand } from "../src/cli/evaluate.ts";
import { InputError } from "../src/core/errors.ts";
import { readHistoryColumns, writeHistoryColumns, type HistoryColumns } from "../src/data/history-file.ts";
import { runExperiment } from "../src/experiments/engine/run-experiment.ts";
import { analyseHistory, EVALUATE_METHODS, evaluateExperiment } from "../src/experiments/evaluate/evaluate-experiment.ts";
import { improvementCheck, learnerReturns, readLearnerReturnArrays } from "../src/experiments/evaluate/learner-returns.ts";
import { TABLE3_METHODS } from "../src/experiments/table3/methods/method-registry.ts";
import { table3Experiment } from "../src/experiments/table3/table3-experiment.ts";
import { REPORTS } from "../src/reports/report-registry.ts";

const tmp = mkdtempSync(join(tmpdir(), "lfl-evaluate-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

test("evaluate on the history of Table 3's learner cell reproduces that cell's observer and control scores exactly", async () => {
  const storeDir = join(tmp, "store");
  const t3 = await runExperiment(table3Experiment, { scale: "quick", seeds: [0], options: {} }, { storeDir, command: "test" });
  const learnerKey = t3.doc.cells.find((c) => c.label.endsWith("/learner"))!.key;
  const history = join(tmp, "learner-history.npz");
  copyFileSync(join(storeDir, "work", learnerKey, "history.npz"), history);

  const ev = await runExperiment(evaluateExperiment, { scale: "quick", seeds: [0], options: { history } }, { storeDir: join(tmp, "store-evaluate"), command: "test" });
  assert.equal(ev.stem, "evaluate-learner-history-quick-seeds-0");
  assert.ok(ev.doc.cells.every((c) => c.status === "computed"));
  const a = t3.doc.envs[0]!.runs[0]!, b = ev.doc.envs[0]!.runs[0]!;
  assert.deepEqual(ev.doc.envs[0]!.window, t3.doc.envs[0]!.window);
  // Every method but the continued learner, with the same numbers: final (sampled) scores, mean-action scores, curves.
  assert.deepEqual(ev.doc.methods.map((m) => m.id), TABLE3_METHODS.filter((m) => m.id !== "continued").map((m) => m.id));
  for (const m of EVALUATE_METHODS) {
    assert.equal(b.scores[m.id], a.scores[m.id], m.id);
    assert.equal(b.meanAction[m.id], a.meanAction[m.id], m.id);
    if (m.kind === "ppo") assert.deepEqual(b.curves[m.id], a.curves[m.id], m.id);
  }
  // Algorithm 1's diagnostics too (timings aside).
  const noTimes = (d: unknown) => Object.fromEntries(Object.entries(d as object).filter(([k]) => !k.endsWith("Ms")));
  assert.deepEqual(noTimes(b.algorithm1), noTimes(a.algorithm1));
  // The learner's scores come from the history: the per-update means of its finished episodes.
  const cols = readHistoryColumns(history);
  const byUpdate = learnerReturns(cols).byUpdate;
  const check = improvementCheck(byUpdate, ev.doc.envs[0]!.window)!;
  assert.equal(b.learnerFirst, check.firstMean);
  assert.equal(b.learnerLast, check.lastMean);
  assert.equal("continued" in b.scores, false);
  // The report renders Table 3's tables and Fig. 4.
  const report = await REPORTS.evaluate!(ev.doc, ev.stem);
  assert.match(report.markdown, /LfL observer/);
  assert.match(report.markdown, /Learner improved over the window/);
  assert.ok(report.files[`${ev.stem}.svg`]!.startsWith("<svg"));
  // A re-run recomputes nothing.
  const again = await runExperiment(evaluateExperiment, { scale: "quick", seeds: [0], options: { history } }, { storeDir: join(tmp, "store-evaluate"), command: "test" });
  assert.ok(again.doc.cells.every((c) => c.status === "stored"));
});

/** A synthetic Pendulum-shaped history: `returns[u]` episodes of 4 steps each ending in update u (rewards spread evenly). */
function syntheticHistory(path: string, perUpdate: number[][]): void {
  const rows: Array<{ u: number; e: number; r: number; end: boolean }> = [];
  let episode = 0;
  perUpdate.forEach((rets, u) => {
    for (const ret of rets) {
      for (let t = 0; t < 4; t++) rows.push({ u, e: episode, r: ret / 4, end: t === 3 });
      episode++;
    }
  });
  const n = rows.length;
  const obs = new Float64Array(n * 3), nextObs = new Float64Array(n * 3);
  rows.forEach((row, i) => {
    obs.set([Math.cos(i), Math.sin(i), 0.1 * row.e], i * 3);
    nextObs.set([Math.cos(i + 1), Math.sin(i + 1), 0.1 * row.e], i * 3);
  });
  const c: HistoryColumns = {
    meta: { envId: "Pendulum-v1", learner: "synthetic", observationSpace: { kind: "box", dim: 3 }, actionSpace: { kind: "box", dim: 1 }, extra: { recordedEnvs: 1 } },
    updates: perUpdate.map((_, u) => u), n,
    obs, nextObs, actions: Float64Array.from(rows, (_, i) => Math.sin(3 * i)), rewards: Float64Array.from(rows, (r) => r.r),
    terminated: new Uint8Array(n), truncated: Uint8Array.from(rows, (r) => (r.end ? 1 : 0)),
    update: Float64Array.from(rows, (r) => r.u), episode: Float64Array.from(rows, (r) => r.e),
  };
  writeHistoryColumns(path, c);
}

test("a window where the learner got worse is reported, with windows of the same shape where it improved", () => {
  const path = join(tmp, "worse.npz");
  // Updates 0–5: improving 0→2, then falling 3→5 (the first episode of update 0 may predate recording: left out).
  const ups = [[-900, -800, -810, -790], [-600, -620, -610], [-400, -420, -410], [-300, -310, -305], [-700, -720, -710], [-1000, -990, -1010]];
  syntheticHistory(path, ups);
  const a = analyseHistory(path, { window: "3-5" });
  assert.equal(a.learner.check.improved, false);
  assert.ok(a.learner.check.diff < 0);
  assert.equal(a.learner.source, "rows");
  assert.equal(a.learner.partialExcluded, 1);
  assert.deepEqual(a.learner.suggestions.map((s) => s.text), ["0-2", "1-3"]);
  assert.match(a.warnings[0]!, /got WORSE over the window 3-5/);
  assert.match(a.warnings[0]!, /--window 0-2/);
  // --require-improvement refuses it before planning any cell; an improving window plans.
  assert.throws(() => evaluateExperiment.plan({ scale: "quick", seeds: [0], options: { history: path, window: "3-5", "require-improvement": true } }), /require-improvement: The learner got WORSE/);
  const plan = evaluateExperiment.plan({ scale: "quick", seeds: [0, 1], options: { history: path, window: "0-2", "require-improvement": true } });
  assert.equal(plan.cells.length, 2 * (1 + EVALUATE_METHODS.filter((m) => m.kind === "ppo").length));
  assert.equal(new Set(plan.cells.map((c) => c.key)).size, plan.cells.length);
  // The key follows the bytes, not the path: a copy plans the same cells; changed bytes plan new ones.
  const copy = join(tmp, "copy-of-worse.npz");
  copyFileSync(path, copy);
  assert.deepEqual(evaluateExperiment.plan({ scale: "quick", seeds: [0, 1], options: { history: copy, window: "0-2" } }).cells.map((c) => c.key), plan.cells.map((c) => c.key));
  syntheticHistory(copy, ups.map((r) => r.map((x) => x + 1)));
  assert.notDeepEqual(evaluateExperiment.plan({ scale: "quick", seeds: [0, 1], options: { history: copy, window: "0-2" } }).cells.map((c) => c.key), plan.cells.map((c) => c.key));
});

test("bad input: a bad file, a bad window or a wrong env is one coded InputError before anything runs; the CLI exits 2 with one line", async () => {
  const path = join(tmp, "cli.npz");
  syntheticHistory(path, [[-900, -800], [-600, -620], [-400, -420], [-700, -720]]);
  const bad = join(tmp, "bad.npz");
  writeFileSync(bad, "not a zip");
  const truncated = join(tmp, "truncated.npz");
  writeFileSync(truncated, readFileSync(path).subarray(0, 200));
  const out = join(tmp, "cli-out");
  const cases: Array<[string[], string, RegExp]> = [
    [["--history", join(tmp, "absent.npz")], "E_FILE", /absent\.npz/],
    [["--history", truncated], "E_INVALID_HISTORY", /truncated\.npz/],
    [["--history", path, "--window", "2-9"], "E_USAGE", /--window update 4 has no transition/],
    [["--history", path, "--window", "3"], "E_USAGE", /at least two observed updates/],
    [["--history", path, "--window", "x"], "E_USAGE", /--window 'x'/],
    [["--history", path, "--env", "Nope-v0"], "E_UNKNOWN_ID", /Nope-v0/],
    [["--history", path, "--env", "Hopper-v5"], "E_INVALID_HISTORY", /do not fit Hopper-v5/],
    [["--history", path, "--window", "1-3", "--require-improvement"], "E_INVALID_HISTORY", /require-improvement: The learner got WORSE/],
    [["--history", path, "--seeds", "1-0"], "E_USAGE", /--seeds/],
    [[], "E_USAGE", /--history FILE is required/],
  ];
  for (const [args, code, re] of cases) {
    await assert.rejects(evaluateCommand.run([...args, "--store", join(tmp, "cli-store"), "--out-dir", out]), (e: unknown) => {
      assert.ok(e instanceof InputError, `${args.join(" ")}: ${String(e)}`);
      assert.equal(e.code, code, `${args.join(" ")}: ${e.message}`);
      assert.match(e.message, re, args.join(" "));
      assert.equal(e.message.includes("\n"), false);
      return true;
    });
  }
  assert.equal(existsSync(out), false, "nothing written");
  assert.match(evaluateCommand.usage, /--history FILE/);
  assert.match(evaluateCommand.usage, /--require-improvement/);
  // Through the real CLI: exit code 2 and one coded line on stderr.
  const r = lfl("evaluate", "--history", bad, "--out-dir", out);
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /^lfl: error E_INVALID_HISTORY: .*bad\.npz/);
});

const PYTHON = ["python3", "python"].find((p) => spawnSync(p, ["-c", "import numpy"], { stdio: "ignore" }).status === 0);

test("a history recorded in Python (HistoryRecorder, 2 envs) is evaluated end to end; the learner's scores are the file's learner_returns", { skip: PYTHON === undefined ? "no Python with NumPy" : false }, async () => {
  const path = join(tmp, "python-learner.npz");
  // A stand-in learner on Pendulum's spaces: 2 envs, 50-step episodes, returns improving with the update.
  const code = [
    "import sys, numpy as np",
    "from lfl.history import HistoryRecorder",
    "rng = np.random.default_rng(0)",
    "rec = HistoryRecorder(sys.argv[1], env_id='Pendulum-v1', learner='stand-in', seed=0)",
    "obs = rng.normal(size=(2, 3)); t = np.zeros(2, dtype=int)",
    "for update in range(6):",
    "    for step in range(120):",
    "        act = np.clip(0.3 * obs[:, :1] + rng.normal(scale=0.5, size=(2, 1)), -2, 2)",
    "        nxt = 0.9 * obs + 0.1 * rng.normal(size=(2, 3)); t += 1",
    "        trunc = t >= 50",
    "        rew = -(6 - update) + 0.1 * rng.normal(size=2)",
    "        rec.record(obs, act, rew, nxt, np.zeros(2, dtype=bool), trunc, final_obs=[nxt[i] if trunc[i] else None for i in range(2)])",
    "        t[trunc] = 0; obs = np.where(trunc[:, None], rng.normal(size=(2, 3)), nxt)",
    "    rec.end_update()",
    "rec.save()",
  ].join("\n");
  const r = spawnSync(PYTHON!, ["-c", code, path], { cwd: join(import.meta.dirname, ".."), encoding: "utf8", env: { ...process.env, PYTHONPATH: join(import.meta.dirname, "..", "python"), PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(r.status, 0, r.stderr);
  const ev = await runExperiment(evaluateExperiment, { scale: "quick", seeds: [0], options: { history: path, window: "1-4" } }, { storeDir: join(tmp, "store-python"), command: "test" });
  assert.equal(ev.doc.learner.source, "file");
  assert.equal(ev.doc.learner.check.improved, true);
  const returns = readLearnerReturnArrays(path)!;
  const at = (u: number) => returns.returns.filter((_, i) => returns.update[i] === u);
  const run = ev.doc.envs[0]!.runs[0]!;
  assert.equal(run.learnerFirst, at(1).reduce((s, x) => s + x, 0) / at(1).length);
  assert.equal(run.learnerLast, at(4).reduce((s, x) => s + x, 0) / at(4).length);
  for (const m of EVALUATE_METHODS) assert.ok(Number.isFinite(run.scores[m.id]!), m.id);
  assert.deepEqual(ev.doc.envs[0]!.window, [1, 2, 3, 4]);
});
