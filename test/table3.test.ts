/**
 * Table 3 at the quick scale (Pendulum-v1, the real Algorithm 1 with tiny budgets): runs end to end, the
 * observer starts from the clone, a re-run with the same run directory recomputes nothing, an interrupted run
 * resumes from its finished stages to the same numbers, `--finished-only` assembles the finished cells without
 * computing anything, and `lfl reproduce table3 --quick` writes its files with their provenance.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl, ROOT } from "./lfl-cli.ts";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEnv } from "../src/envs/registry.ts";
import { policyReturns } from "../src/evaluation/policy-return.ts";
import { TABLE3_SCALES, TABLE3_STAGES, type Table3Progress, type Table3Result, type Algorithm1StageResult } from "../src/experiments/table3.ts";
import { runTable3, table3CellState } from "../src/experiments/table3-runner.ts";
import { renderFig4 } from "../src/reports/fig4.ts";
import { ALGORITHM1_LEGACY } from "../src/observer/algorithm-1/algorithm-1.ts";
import { table3Notes, table3Tables } from "../src/reports/table3-report.ts";

const QUICK = TABLE3_SCALES.quick;
const tmp = mkdtempSync(join(tmpdir(), "lfl-table3-"));
const runDir = join(tmp, "runs");
const seedDir = (seed: number) => join(runDir, "quick", "Pendulum-v1", `seed-${seed}`);

/** Runs the quick scale, returning the result and the stage events. */
function run(dir: string, onProgress?: (e: Table3Progress) => void): { result: Table3Result; events: Extract<Table3Progress, { kind: "stage" }>[] } {
  const events: Extract<Table3Progress, { kind: "stage" }>[] = [];
  const result = runTable3({ scale: "quick", runDir: dir, onProgress: (e) => { if (e.kind === "stage") events.push(e); onProgress?.(e); } });
  return { result, events };
}
// Wall and CPU times (of stages, and Algorithm 1's diagnostics' `…Ms` fields) differ between runs; nothing else may.
const untimed = (d: unknown): unknown => Object.fromEntries(Object.entries(d as object).filter(([k]) => !k.endsWith("Ms")));
const stripResume = (r: Table3Result) => r.envs.flatMap((e) => e.runs.map(({ resumed: _r, wallSeconds: _w, revisions: _v, algorithm1, ...rest }) => ({ ...rest, algorithm1: untimed(algorithm1) })));

let first: Table3Result;

test("quick scale runs end to end: every stage, score and curve, the observer starting from the clone", async () => {
  const { result, events } = run(runDir);
  first = result;
  assert.equal(result.envs.length, 1);
  const env = result.envs[0]!;
  assert.deepEqual(env.runs.map((r) => r.seed), QUICK.seeds);
  assert.equal(events.filter((e) => e.status === "done").length, QUICK.seeds.length * TABLE3_STAGES.length);
  const U = QUICK.observerUpdates, last = Math.max(...env.window);
  for (const r of env.runs) {
    for (const v of [r.learnerFirst, r.learnerLast, r.observer, r.bc, r.continued, r.trueReward, r.constant, r.bcReward, ...Object.values(r.meanAction)]) assert.ok(Number.isFinite(v));
    assert.equal(r.curves["bc-reward"].at(-1)!.mean, r.bcReward);
    assert.deepEqual(r.curves.learner.map((p) => p.update), env.window);
    assert.equal(r.curves.learner[0]!.mean, r.learnerFirst);
    assert.equal(r.curves.observer.at(-1)!.update, last + U);
    assert.equal(r.curves.observer.at(-1)!.mean, r.observer);
    assert.equal(r.curves.continued.at(-1)!.mean, r.continued);
    if (r.learnerLast !== r.learnerFirst) assert.equal(r.normalised.observer, (r.observer - r.learnerFirst) / (r.learnerLast - r.learnerFirst));
    // π_0 of the observer is the clone of the last observed update: its curve point j = 0 is the clone's score.
    const alg = (JSON.parse(readFileSync(join(seedDir(r.seed), "algorithm-1.json"), "utf8")) as { result: Algorithm1StageResult }).result;
    const clone = policyReturns(alg.bcPolicy, () => makeEnv("Pendulum-v1"), { episodes: QUICK.curveEpisodes, mode: "stochastic", seed: 10_000 + 1000 * r.seed });
    assert.equal(r.curves.observer[0]!.update, last);
    assert.equal(r.curves.observer[0]!.mean, clone.mean);
    assert.ok(existsSync(join(seedDir(r.seed), "history.npz")));
  }
  assert.match(table3Tables(result), /Pendulum-v1/);
  assert.match(await renderFig4(result), /^<svg/);
});

test("a second run with the same run directory recomputes nothing and returns the same numbers", () => {
  const t0 = performance.now();
  const { result, events } = run(runDir);
  assert.ok(events.every((e) => e.status === "skipped"), `stages recomputed: ${events.filter((e) => e.status !== "skipped").map((e) => `${e.seed}/${e.stage}`).join(", ")}`);
  assert.deepEqual(result.envs[0]!.runs.map((r) => r.resumed), QUICK.seeds.map(() => [...TABLE3_STAGES]));
  assert.deepEqual(stripResume(result), stripResume(first));
  assert.ok(performance.now() - t0 < 5000);
});

test("an interrupted run resumes from its finished stages to the same numbers; torn checkpoints are recomputed", () => {
  const dir = join(tmp, "killed");
  // Interrupt seed 1 in the middle of its observer stage (as a kill would).
  assert.throws(() => run(dir, (e) => {
    if (e.kind === "tick" && e.seed === 1 && e.stage === "observer") throw new Error("killed");
  }), /killed/);
  const done = (seed: number) => TABLE3_STAGES.filter((s) => existsSync(join(dir, "quick", "Pendulum-v1", `seed-${seed}`, `${s}.json`)));
  assert.deepEqual(done(0), [...TABLE3_STAGES]);
  assert.deepEqual(done(1), ["learner", "algorithm-1"]);
  // A checkpoint torn mid-write is not trusted.
  writeFileSync(join(dir, "quick", "Pendulum-v1", "seed-0", "constant.json"), '{"key": "{\\"table');
  const { result, events } = run(dir);
  const computed = events.filter((e) => e.status === "done").map((e) => `${e.seed}/${e.stage}`);
  assert.deepEqual(computed, ["0/constant", "0/bc-reward", "1/observer", "1/true-reward", "1/constant", "1/bc-reward"]);
  assert.deepEqual(stripResume(result), stripResume(first));
});

test("a run directory keeps its learner when Algorithm 1's settings change, and an older one computes only the new bc-reward stage", () => {
  const dir = join(tmp, "old"), cell = join(dir, "quick", "Pendulum-v1", "seed-0");
  cpSync(seedDir(0), cell, { recursive: true });
  // An older run directory: no bc-reward stage yet.
  rmSync(join(cell, "bc-reward.json"));
  const env = QUICK.envs[0]!;
  assert.deepEqual(table3CellState(QUICK, env, 0, dir)["bc-reward"], "absent");
  // Other Algorithm 1 settings: the learner stays usable, every later stage is stale.
  const other = { ...QUICK, algorithm1: { ...QUICK.algorithm1, kl: "regressed" as const } };
  assert.deepEqual(table3CellState(other, env, 0, dir), { learner: "ok", "algorithm-1": "stale", observer: "stale", "true-reward": "stale", constant: "stale", "bc-reward": "absent" });
  // Resuming computes the new stage alone, to the same numbers as a fresh run.
  const events: string[] = [];
  const result = runTable3({ scale: "quick", runDir: dir, seeds: [0], onProgress: (e) => { if (e.kind === "stage" && e.status === "done") events.push(e.stage); } });
  assert.deepEqual(events, ["bc-reward"]);
  assert.deepEqual(result.envs[0]!.runs[0]!.bcReward, first.envs[0]!.runs[0]!.bcReward);
});

test("checkpoints keyed by the code before the Algorithm 1 options existed still load under ALGORITHM1_LEGACY", () => {
  // The `algorithm1` part of a key as that code wrote it for the quick scale (copied from one of its run dirs).
  const OLD = '{"updates":null,"alphaModel":0.7,"gamma":0.99,"lambda":0.01,"learningRate":0.001,"policySteps":60,"klSteps":30,"rewardInitSteps":60,"consistencySteps":60,"batchSize":null,"rewardInitData":"all","policyHidden":[64,64],"klHidden":128,"shapingHidden":128,"clipObs":10,"scaleTargets":true}';
  const dir = join(tmp, "legacy-key"), cell = join(dir, "quick", "Pendulum-v1", "seed-0");
  mkdirSync(cell, { recursive: true });
  const learner = JSON.parse(readFileSync(join(seedDir(0), "learner.json"), "utf8")) as { key: string };
  const key = JSON.parse(learner.key) as { budgets: { algorithm1: unknown } };
  key.budgets.algorithm1 = JSON.parse(OLD);
  writeFileSync(join(cell, "algorithm-1.json"), `${JSON.stringify({ key: JSON.stringify(key), gitRevision: null, wallSeconds: 0, result: {} })}\n`);
  const { updates: _u, ...legacy } = ALGORITHM1_LEGACY;
  const scale = { ...QUICK, algorithm1: { ...legacy, ...QUICK.algorithm1 } };
  assert.equal(table3CellState(scale, QUICK.envs[0]!, 0, dir)["algorithm-1"], "ok");
  assert.equal(table3CellState(QUICK, QUICK.envs[0]!, 0, dir)["algorithm-1"], "stale");
});

/** Every file under dir with its size and mtime: a computation would add or rewrite one. */
const listing = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: "utf8" }).sort().map((f) => {
  const st = statSync(join(dir, f));
  return `${f} ${st.size} ${st.mtimeMs}`;
});

test("--finished-only assembles the finished cells without computing and lists the missing ones; none finished → exit 2", () => {
  // Seed 0 finished; seed 1 stopped after Algorithm 1, with a constant.json written under other settings.
  const dir = join(tmp, "partial"), cell = (seed: number) => join(dir, "quick", "Pendulum-v1", `seed-${seed}`);
  cpSync(seedDir(0), cell(0), { recursive: true });
  mkdirSync(cell(1), { recursive: true });
  for (const f of ["learner.json", "history.npz", "algorithm-1.json"]) cpSync(join(seedDir(1), f), join(cell(1), f));
  writeFileSync(join(cell(1), "constant.json"), `${JSON.stringify({ key: "other settings", gitRevision: null, wallSeconds: 0, result: {} })}\n`);
  const before = listing(dir);
  const events: Table3Progress[] = [];
  const result = runTable3({ scale: "quick", runDir: dir, finishedOnly: true, onProgress: (e) => events.push(e) });
  assert.deepEqual(listing(dir), before); // no checkpoint written or rewritten
  assert.ok(events.every((e) => e.kind === "stage" && e.status === "skipped"), "something was computed");
  assert.equal(result.finishedOnly, true);
  assert.deepEqual(result.envs[0]!.runs.map((r) => r.seed), [0]);
  assert.deepEqual(stripResume(result), stripResume(first).filter((r) => r.seed === 0));
  assert.deepEqual(result.missing, [{ env: "Pendulum-v1", seed: 1, stages: [{ stage: "observer", state: "absent" }, { stage: "true-reward", state: "absent" }, { stage: "constant", state: "stale" }, { stage: "bc-reward", state: "absent" }] }]);
  assert.deepEqual(result.seedCounts, [{ env: "Pendulum-v1", requested: 2, seeds: [0] }]);
  assert.deepEqual(result.revisions.flatMap((r) => r.cells), ["Pendulum-v1 seed 0"]);
  const notes = table3Notes(result).join("\n");
  assert.match(notes, /Pendulum-v1 1\/2 \(seed 0\) — FEWER THAN 3 SEEDS/);
  assert.match(notes, /Missing cells \(not in the tables\): Pendulum-v1 seed 1 \(observer absent, true-reward absent, constant stale, bc-reward absent\)/);

  // The CLI writes the same assembly; with no finished cell it exits 2 and says why.
  const cli = (...args: string[]) => lfl("reproduce", "table3", "--quick", "--finished-only", ...args);
  const out = join(tmp, "partial-out");
  const ok = cli("--run-dir", dir, "--out-dir", out);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(listing(dir), before);
  const json = JSON.parse(readFileSync(join(out, "table3-quick.json"), "utf8")) as Table3Result;
  assert.deepEqual(json.missing, result.missing);
  assert.deepEqual(json.seedCounts, result.seedCounts);
  assert.match(readFileSync(join(out, "table3-quick.md"), "utf8"), /Missing cells \(not in the tables\): Pendulum-v1 seed 1/);
  rmSync(cell(0), { recursive: true });
  const none = cli("--run-dir", dir, "--out-dir", out);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no \(env, seed\) cell has all 6 stages checkpointed/);
});

test("lfl reproduce table3 --window / --algorithm1 paper write their own files with the setting recorded; bad values exit 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-table3-window-"));
  const cli = (...args: string[]) => lfl("reproduce", "table3", "--quick", ...args);
  const r = cli("--env", "Pendulum-v1", "--window", "1-3", "--seeds", "0", "--run-dir", join(dir, "runs"), "--out-dir", dir);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(readFileSync(join(dir, "table3-quick-Pendulum-v1-w1-3.json"), "utf8")) as Table3Result;
  assert.deepEqual(json.scale.envs.find((e) => e.id === "Pendulum-v1")!.window, [1, 2, 3]);
  assert.deepEqual(json.envs[0]!.window, [1, 2, 3]);
  assert.ok(existsSync(join(dir, "runs", "quick", "Pendulum-v1", "seed-0", "history.npz")));
  const paper = cli("--seeds", "0", "--algorithm1", "paper", "--run-dir", join(dir, "runs-paper"), "--out-dir", dir);
  assert.equal(paper.code, 0, paper.stderr);
  const pj = JSON.parse(readFileSync(join(dir, "table3-quick-paper-alg1.json"), "utf8")) as Table3Result;
  assert.equal(pj.scale.algorithm1.policyFit, "paper");
  assert.equal(pj.scale.algorithm1.policySteps, QUICK.algorithm1.policySteps); // the scale's step counts are kept
  assert.match(readFileSync(join(dir, "table3-quick-paper-alg1.md"), "utf8"), /the paper's §6\.3 settings/);
  for (const [args, message] of [
    [["--algorithm1", "authors"], /--algorithm1 must be ours or paper/],
    [["--window", "1-3"], /give exactly one --env/],
    [["--env", "Pendulum-v1", "--window", "4"], /at least two increasing/],
    [["--env", "Pendulum-v1", "--window", "3-1"], /from ≤ to/],
  ] as const) {
    const bad = cli(...args, "--run-dir", join(dir, "bad"));
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("lfl reproduce table3 --quick writes table3-quick.{json,md} and fig4-quick.svg with provenance and budgets", () => {
  const out = join(tmp, "out");
  const r = lfl("reproduce", "table3", "--quick", "--run-dir", runDir, "--out-dir", out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Normalised scores/);
  const json = JSON.parse(readFileSync(join(out, "table3-quick.json"), "utf8")) as Record<string, unknown> & Table3Result;
  for (const k of ["command", "gitRevision", "wallTimeSeconds", "seeds", "scale"]) assert.ok(k in json, k);
  assert.equal(json.command, `lfl reproduce table3 --quick --run-dir ${runDir} --out-dir ${out}`);
  assert.deepEqual(json.scale, QUICK);
  assert.equal(json.budgets.observerSteps, QUICK.observerUpdates * QUICK.ppo.numEnvs * QUICK.ppo.nSteps);
  assert.equal(json.budgets.algorithm1.policySteps, QUICK.algorithm1.policySteps);
  assert.equal(json.budgets.ppo.learningRate, 3e-4);
  assert.deepEqual(stripResume(json), stripResume(JSON.parse(JSON.stringify(first)) as Table3Result)); // JSON has no −0
  assert.match(readFileSync(join(out, "fig4-quick.svg"), "utf8"), /^<svg/);
  assert.match(readFileSync(join(out, "table3-quick.md"), "utf8"), /^# Table 3/);
  const bad = lfl("reproduce", "table3", "--scale", "huge");
  assert.equal(bad.code, 2);
  rmSync(tmp, { recursive: true, force: true });
});
