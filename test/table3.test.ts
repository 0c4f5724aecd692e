/**
 * Table 3 at the quick scale (Pendulum-v1, the real Algorithm 1 with tiny budgets) through the experiment engine:
 * every cell runs, the observer starts from the clone, a re-run recomputes nothing, a lost or torn cell is
 * recomputed alone to the same numbers, `--finished-only` computes nothing, the `--window` / `--algorithm1 paper`
 * variants write their own files (and share the learner cells), and the CLI writes its set with provenance.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lfl } from "./lfl-cli.ts";
import { makeEnv } from "../src/envs/registry.ts";
import { policyReturns } from "../src/evaluation/policy-return.ts";
import { CellStore } from "../src/experiments/engine/cell-store.ts";
import type { ResultsDoc } from "../src/experiments/engine/results-doc.ts";
import { runExperiment } from "../src/experiments/engine/run-experiment.ts";
import { TABLE3_METHODS } from "../src/experiments/table3/methods/method-registry.ts";
import { TABLE3_SCALES, type Algorithm1StageResult, type Table3Result } from "../src/experiments/table3/table3.ts";
import { table3Experiment } from "../src/experiments/table3/table3-experiment.ts";
import { snapshotUpdates } from "../src/experiments/table3/reward-quality-cell.ts";
import { RQ_BASELINES } from "../src/experiments/table3/reward-quality-baseline-cell.ts";
import { renderFig4 } from "../src/reports/fig4.ts";
import { table3Tables } from "../src/reports/table3-report.ts";

const QUICK = TABLE3_SCALES.quick;
const tmp = mkdtempSync(join(tmpdir(), "lfl-table3-"));
const storeDir = join(tmp, "store");
const PPO_METHODS = TABLE3_METHODS.filter((m) => m.kind === "ppo");
/** learner, Algorithm 1, reward quality, one cell per PPO method and one reward-quality cell per registered reward-learning baseline. */
const CELLS_PER_SEED = 3 + PPO_METHODS.length + RQ_BASELINES.filter((id) => PPO_METHODS.some((m) => m.id === id)).length;

const run = (opts: { store?: string; finishedOnly?: boolean } = {}) =>
  runExperiment(table3Experiment, { scale: "quick", options: {} }, { storeDir: opts.store ?? storeDir, command: "test", ...(opts.finishedOnly ? { finishedOnly: true } : {}) });
/** The body without timings (wall times and Algorithm 1's `…Ms` fields differ between runs; nothing else may). */
const numbers = (d: ResultsDoc<Table3Result>) => d.envs.map((e) => e.runs.map(({ algorithm1, ...r }) => ({ ...r, algorithm1: Object.fromEntries(Object.entries(algorithm1 as object).filter(([k]) => !k.endsWith("Ms"))) })));

let first: ResultsDoc<Table3Result>;

test("quick scale: every cell of every method runs; the observer and its controls start from the clone", async () => {
  const { doc, stem } = await run();
  first = doc;
  assert.equal(stem, "table3-quick");
  assert.equal(doc.cells.length, QUICK.seeds.length * CELLS_PER_SEED);
  assert.ok(doc.cells.every((c) => c.status === "computed"));
  assert.deepEqual(doc.seeds, QUICK.seeds);
  assert.deepEqual(doc.methods.map((m) => m.id), TABLE3_METHODS.map((m) => m.id));
  const env = doc.envs[0]!;
  const U = QUICK.observerUpdates, last = Math.max(...env.window);
  for (const r of env.runs) {
    for (const m of TABLE3_METHODS) {
      assert.ok(Number.isFinite(r.scores[m.id]), m.id);
      assert.ok(Number.isFinite(r.meanAction[m.id]), m.id);
    }
    assert.deepEqual(r.curves.learner!.map((p) => p.update), env.window);
    for (const m of PPO_METHODS) assert.equal(r.curves[m.id]!.at(-1)!.update, last + U);
    assert.equal(r.curves.observer!.at(-1)!.mean, r.scores.observer);
    // π_0 of the observer is the clone of the last observed update: its first curve point is the clone's score.
    const algKey = doc.cells.find((c) => c.label.endsWith(`seed-${r.seed}/algorithm-1`))!.key;
    const alg = new CellStore(storeDir).get(algKey) as Algorithm1StageResult;
    const clone = policyReturns(alg.bcPolicy, () => makeEnv("Pendulum-v1"), { episodes: QUICK.curveEpisodes, mode: "stochastic", seed: 10_000 + 1000 * r.seed });
    assert.equal(r.curves.observer![0]!.mean, clone.mean);
    // From a random start the first point is not the clone's (the new method runs its own start).
    assert.notEqual(r.curves["observer-random-start"]![0]!.mean, clone.mean);
  }
  for (const k of ["learnerLast", ...TABLE3_METHODS.slice(1).map((m) => m.id)]) assert.ok(k in env.comparisons && k in env.comparisonsMeanAction, k);
  assert.match(table3Tables(doc), /PPO on r̄φ from random/);
  assert.match(await renderFig4(doc), /^<svg/);
  // Reward quality: rollouts of the learner's policies outside the window (before it, during the continuation and
  // its final policy), the clone, the observer's and the true-reward control's final policies, and random; Pendulum's true reward is exact in observation form.
  const snaps = snapshotUpdates(env.window, U);
  assert.ok(snaps.every((k) => !env.window.includes(k)) && snaps.some((k) => k < env.window[0]!) && snaps.some((k) => k > last));
  for (const r of env.runs) {
    const rq = r.rewardQuality!;
    assert.deepEqual(rq.policies, [...snaps, last + U + 1].map((k) => `learner k=${k}`).concat(["clone π̂K", "observer final", "true-reward final", "random"]));
    assert.equal(rq.points.length, rq.episodes);
    for (const x of [rq.pearson!, rq.spearman!]) assert.ok(x >= -1 && x <= 1);
    assert.ok(rq.epic! >= 0 && rq.epic! <= 1);
    assert.equal(rq.epicTrueRewardExact, true);
    assert.ok(rq.proxyCorrelation! > 0.999999, `Pendulum's observation reward equals the env's: ρ = ${rq.proxyCorrelation}`);
  }
  assert.equal(env.rewardQuality!.pearson!.n, env.runs.length);
  const lines = doc.statistics!.doneWhen;
  assert.equal(lines.length, 8);
  assert.ok(lines.every((l) => ["holds", "mean only", "does not hold", "undefined"].includes(l.status)));
  assert.equal(lines.find((l) => l.check.startsWith("normalised observer"))!.status, "undefined"); // no paper number for Pendulum
});

test("a second run recomputes nothing and gives the same numbers; a lost or torn cell is recomputed alone", async () => {
  const again = await run();
  assert.ok(again.doc.cells.every((c) => c.status === "stored"));
  assert.deepEqual(numbers(again.doc), numbers(first));
  // Lose seed 1's observer cell and tear seed 0's constant cell: only those two run again, to the same numbers.
  const store = new CellStore(storeDir);
  const key = (suffix: string) => first.cells.find((c) => c.label.endsWith(suffix))!.key;
  rmSync(join(storeDir, key("seed-1/observer").slice(0, 2), `${key("seed-1/observer")}.json`));
  writeFileSync(join(storeDir, key("seed-0/constant").slice(0, 2), `${key("seed-0/constant")}.json`), '{"key": "torn');
  assert.equal(store.has(key("seed-0/constant")), false);
  const resumed = await run();
  assert.deepEqual(resumed.doc.cells.filter((c) => c.status === "computed").map((c) => c.label).sort(), ["table3/quick/Pendulum-v1/seed-0/constant", "table3/quick/Pendulum-v1/seed-1/observer"]);
  assert.deepEqual(numbers(resumed.doc), numbers(first));
});

/** Every file under dir with its size and mtime: a computation would add or rewrite one. */
const listing = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: "utf8" }).sort().map((f) => `${f} ${statSync(join(dir, f)).size} ${statSync(join(dir, f)).mtimeMs}`);

test("--finished-only assembles the finished cells without computing and lists the missing ones; none finished → exit 2", async () => {
  const empty = join(tmp, "empty-store");
  const none = await run({ store: empty, finishedOnly: true });
  assert.equal(none.doc.envs.length, 0);
  assert.equal(none.doc.missing.length, QUICK.seeds.length * CELLS_PER_SEED);
  // Seed 1 loses its learner: its whole (env, seed) leaves the tables, nothing is computed.
  const partial = join(tmp, "partial");
  const lose = first.cells.find((c) => c.label.endsWith("seed-1/learner"))!.key;
  for (const c of first.cells) if (c.key !== lose) new CellStore(partial).put(new CellStore(storeDir).read(c.key)!);
  const before = listing(partial);
  const { doc } = await run({ store: partial, finishedOnly: true });
  assert.deepEqual(listing(partial), before);
  assert.deepEqual(doc.seedCounts, [{ env: "Pendulum-v1", requested: 2, seeds: [0] }]);
  assert.deepEqual(doc.missing, ["table3/quick/Pendulum-v1/seed-1/learner (not computed (--finished-only))"]);
  assert.deepEqual(numbers(doc)[0], [numbers(first)[0]![0]]);
  // A baseline not finished on every run (here T-REX on seed 0) is left out as a column, every run stays, and its cell is listed missing.
  const noTrex = join(tmp, "no-trex");
  const loseTrex = first.cells.find((c) => c.label.endsWith("seed-0/trex"))!.key;
  for (const c of first.cells) if (c.key !== loseTrex) new CellStore(noTrex).put(new CellStore(storeDir).read(c.key)!);
  const partialMethods = (await run({ store: noTrex, finishedOnly: true })).doc;
  assert.deepEqual(partialMethods.methods.map((m) => m.id), TABLE3_METHODS.map((m) => m.id).filter((id) => id !== "trex"));
  assert.deepEqual(partialMethods.seedCounts, [{ env: "Pendulum-v1", requested: 2, seeds: [0, 1] }]);
  assert.deepEqual(partialMethods.missing, ["table3/quick/Pendulum-v1/seed-0/trex (not computed (--finished-only))"]);
  assert.ok(partialMethods.envs[0]!.runs.every((r) => !("trex" in r.scores) && r.scores.observer === first.envs[0]!.runs.find((f) => f.seed === r.seed)!.scores.observer));
  const out = join(tmp, "none-out");
  const cli = lfl("reproduce", "table3", "--quick", "--finished-only", "--store", empty, "--out-dir", out);
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /E_FILE: reproduce table3: no cell is finished/);
});

test("--window and --algorithm1 paper/warm/recent/state: own files or settings, the learner cells shared; bad values exit 2", () => {
  const dir = join(tmp, "variants");
  const cli = (...args: string[]) => lfl("reproduce", "table3", "--quick", "--store", storeDir, "--out-dir", dir, ...args);
  const w = cli("--env", "Pendulum-v1", "--window", "1-3", "--seeds", "0");
  assert.equal(w.code, 0, w.stderr);
  const wj = JSON.parse(readFileSync(join(dir, "table3-quick-Pendulum-v1-w1-3-seeds-0.json"), "utf8")) as ResultsDoc<Table3Result>;
  assert.deepEqual(wj.envs[0]!.window, [1, 2, 3]);
  assert.deepEqual(wj.seeds, [0]);
  const p = cli("--seeds", "0", "--algorithm1", "paper");
  assert.equal(p.code, 0, p.stderr);
  const pj = JSON.parse(readFileSync(join(dir, "table3-quick-paper-alg1-seeds-0.json"), "utf8")) as ResultsDoc<Table3Result>;
  assert.equal(pj.scale.algorithm1.policyFit, "paper");
  assert.equal(pj.algorithm1, "paper");
  // The learner does not depend on Algorithm 1: both variants plan the very same learner cells (shared in the store).
  const plan = (options: Record<string, unknown>) => table3Experiment.plan({ scale: "quick", seeds: [0], options });
  const [ours, paper] = [plan({}), plan({ algorithm1: "paper" })];
  const keys = (p: typeof ours, stage: string) => p.cells.filter((c) => c.stage === stage).map((c) => c.key);
  assert.deepEqual(keys(paper, "learner"), keys(ours, "learner"));
  assert.notDeepEqual(keys(paper, "algorithm-1"), keys(ours, "algorithm-1"));
  // The other variants: each one Algorithm 1 setting on top of ours, its own Algorithm 1 cells, the same learners.
  for (const [variant, setting] of [["warm", { policyInit: "previous" }], ["recent", { improvementHalfLife: 2 }], ["state", { rewardForm: "log-density+state" }]] as const) {
    const v = plan({ algorithm1: variant });
    const alg1 = (p: typeof ours) => (p.settings as { scale: { algorithm1: object } }).scale.algorithm1;
    assert.deepEqual(alg1(v), { ...alg1(ours), ...setting }, variant);
    assert.deepEqual(keys(v, "learner"), keys(ours, "learner"), variant);
    assert.notDeepEqual(keys(v, "algorithm-1"), keys(ours, "algorithm-1"), variant);
  }
  for (const [args, message] of [
    [["--algorithm1", "authors"], /--algorithm1 must be one of ours, paper/],
    [["--window", "1-3"], /give exactly one --env/],
    [["--env", "Pendulum-v1", "--window", "4"], /at least two increasing/],
    [["--scale", "huge"], /--scale must be one of/],
    [["--seeds", "1-"], /--seeds must be a decimal integer/],
  ] as const) {
    const bad = cli(...args);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
  }
});

test("lfl reproduce table3 --quick writes table3-quick.{json,md} and fig4-quick.svg as one set, with provenance", () => {
  const out = join(tmp, "out");
  const r = lfl("reproduce", "table3", "--quick", "--store", storeDir, "--out-dir", out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Normalised scores/);
  const json = JSON.parse(readFileSync(join(out, "table3-quick.json"), "utf8")) as ResultsDoc<Table3Result>;
  assert.equal(json.schema, "lfl-results/1");
  assert.equal(json.command, `lfl reproduce table3 --quick --store ${storeDir} --out-dir ${out}`);
  assert.deepEqual(json.scale, QUICK);
  assert.equal(json.budgets.observerSteps, QUICK.observerUpdates * QUICK.ppo.numEnvs * QUICK.ppo.nSteps);
  assert.ok(json.cells.every((c) => /^[0-9a-f]{32}$/.test(c.key)));
  assert.deepEqual(numbers(json), numbers(JSON.parse(JSON.stringify(first)) as ResultsDoc<Table3Result>));
  assert.match(readFileSync(join(out, "fig4-quick.svg"), "utf8"), /^<svg/);
  assert.match(readFileSync(join(out, "table3-quick-returns-Pendulum.svg"), "utf8"), /^<svg/);
  const md = readFileSync(join(out, "table3-quick.md"), "utf8");
  assert.match(md, /Reward quality: the recovered reward/);
  assert.match(md, /Done when \(issue 14/);
  rmSync(tmp, { recursive: true, force: true });
});
