/**
 * The experiment engine: content keys follow the code (a changed source file that a cell imports invalidates
 * it; an unrelated one does not), `--reuse-stale` is explicit and recorded, streams are independent between
 * cells, and `--seed` / `--seeds` mean the same on every experiment (or are refused).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lfl } from "./lfl-cli.ts";
import { codeHash, sourceClosure } from "../src/experiments/engine/content-key.ts";
import { planCell, type Experiment, type PlannedCell } from "../src/experiments/engine/experiment.ts";
import { runExperiment } from "../src/experiments/engine/run-experiment.ts";
import { CellStore } from "../src/experiments/engine/cell-store.ts";
import { storeCommittedCells, writeCommittedCell } from "../src/experiments/sweep/commit-cells.ts";
import { streamSeed } from "../src/experiments/engine/streams.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { REPORTS } from "../src/reports/report-registry.ts";

const tmp = mkdtempSync(join(tmpdir(), "lfl-engine-"));

/**
 * A toy experiment: per seed a cell "a" running runner.ts (which imports ./dep.ts) and a cell "b" running
 * sum.ts that reads a's result (a two-stage chain, like learner → Algorithm 1).
 */
function toyExperiment(dir: string): Experiment<{ value: number }> {
  const runner = join(dir, "runner.ts"), sum = join(dir, "sum.ts");
  return {
    name: "toy", title: "toy", summary: "toy", scales: ["full"], quickScale: "full", seeded: true, envIds: () => [], options: [],
    plan(req) {
      const seeds = [...(req.seeds ?? [0])];
      const cells = seeds.flatMap((seed): PlannedCell[] => {
        const settings = { seed };
        const a = planCell({ settings, inputs: [], code: codeHash([runner]) }, { label: `toy/seed-${seed}/a`, experiment: "toy", runner, payload: { seed }, stage: "a", seed });
        const b = planCell({ settings: { ...settings, plus: 10 }, inputs: [a.key], code: codeHash([sum]) }, { label: `toy/seed-${seed}/b`, experiment: "toy", runner: sum, payload: { seed, from: a.key }, stage: "b", seed });
        return [a, b];
      });
      return { cells, seeds, stem: "toy", settings: {} };
    },
    assemble: (results, plan) => ({ value: plan.cells.filter((c) => c.stage === "b").reduce((s, c) => s + ((results.get(c.key) as number | undefined) ?? 0), 0) }),
  };
}

test("a change to a source file a cell imports invalidates its checkpoint; an unrelated change does not; --reuse-stale is explicit and follows the chain", async () => {
  const dir = join(tmp, "toy");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "dep.ts"), "export const K = 2;\n");
  writeFileSync(join(dir, "unrelated.ts"), "export const U = 1;\n");
  writeFileSync(join(dir, "types.ts"), "export interface T { x: number }\n");
  writeFileSync(join(dir, "runner.ts"), 'import { K } from "./dep.ts";\nimport type { T } from "./types.ts";\nexport const runCell = async (spec: { payload: { seed: number } }) => spec.payload.seed * K + 1;\n');
  writeFileSync(join(dir, "sum.ts"), "export const runCell = async (spec: { payload: { from: string } }, ctx: { inputs: Map<string, unknown> }) => (ctx.inputs.get(spec.payload.from) as number) + 10;\n");
  const exp = toyExperiment(dir), storeDir = join(dir, "store");
  const run = (extra: { reuseStale?: boolean } = {}) => runExperiment(exp, { scale: "full", seeds: [3], options: {} }, { storeDir, command: "test", ...extra });
  const statuses = (d: { doc: { cells: Array<{ status: string }> } }) => d.doc.cells.map((c) => c.status);
  const first = await run();
  assert.deepEqual(statuses(first), ["computed", "computed"]);
  assert.equal(first.doc.value, 17);
  assert.deepEqual(statuses(await run()), ["stored", "stored"]);
  writeFileSync(join(dir, "unrelated.ts"), "export const U = 2;\n");
  writeFileSync(join(dir, "types.ts"), "export interface T { x: number; y: string }\n");
  assert.deepEqual(statuses(await run()), ["stored", "stored"], "a file outside the closure, or imported for its types only, changes nothing");
  assert.deepEqual(sourceClosure([join(dir, "runner.ts")]).map((f) => f.split("/").at(-1)), ["dep.ts", "runner.ts"]);
  // A second record with a's settings (computed again elsewhere, newer) that fed nothing: the chain a → b must still be found.
  const aRec = new CellStore(storeDir).read(first.doc.cells[0]!.key)!;
  new CellStore(storeDir).put({ ...aRec, key: "f".repeat(32), result: 999 });
  writeFileSync(join(dir, "dep.ts"), "export const K = 3;\n");
  const stale = await run({ reuseStale: true });
  assert.deepEqual(statuses(stale), ["stale", "stale"], "reused only because asked, and said so — the downstream cell through its stale input");
  assert.equal(stale.doc.value, 17, "the stale results, not recomputed ones");
  assert.deepEqual(statuses(await run({ reuseStale: true })), ["stale", "stale"], "still stale on the next run");
  const fresh = await run();
  assert.deepEqual(statuses(fresh), ["computed", "computed"], "without --reuse-stale the stale copies are recomputed, never passed off as stored");
  // (Its value is not asserted: this process cached runner.ts's first version; a real code change is a new process.)
  assert.notEqual(fresh.doc.cells[0]!.key, first.doc.cells[0]!.key);
  assert.deepEqual(statuses(await run()), ["stored", "stored"]);
});

test("--reuse-stale follows a lineage through a cell computed over a stale input (a method added after the learners, then the code changes again)", async () => {
  const dir = join(tmp, "lineage");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "dep.ts"), "export const K = 2;\n");
  writeFileSync(join(dir, "runner.ts"), 'import { K } from "./dep.ts";\nexport const runCell = async (spec: { payload: { seed: number } }) => spec.payload.seed * K + 1;\n');
  writeFileSync(join(dir, "sum.ts"), "export const runCell = async (spec: { payload: { from: string } }, ctx: { inputs: Map<string, unknown> }) => (ctx.inputs.get(spec.payload.from) as number) + 10;\n");
  const base = toyExperiment(dir), sum = join(dir, "sum.ts");
  // With option "late": a third cell over a, like a Table 3 method registered after the learners were computed.
  const exp: Experiment<{ value: number }> = {
    ...base,
    plan(req) {
      const p = base.plan(req);
      if (!req.options.late) return p;
      const a = p.cells.find((c) => c.stage === "a")!;
      const c = planCell({ settings: { seed: 3, plus: 20 }, inputs: [a.key], code: codeHash([sum]) }, { label: "toy/seed-3/c", experiment: "toy", runner: sum, payload: { seed: 3, from: a.key }, stage: "c", seed: 3 });
      return { ...p, cells: [...p.cells, c] };
    },
  };
  const storeDir = join(dir, "store");
  const run = (late: boolean) => runExperiment(exp, { scale: "full", seeds: [3], options: late ? { late: true } : {} }, { storeDir, command: "test", reuseStale: true });
  const statuses = (d: { doc: { cells: Array<{ label: string; status: string }> } }) => d.doc.cells.map((c) => `${c.label.split("/").at(-1)}:${c.status}`);
  assert.deepEqual(statuses(await run(false)), ["a:computed", "b:computed"]);
  writeFileSync(join(dir, "dep.ts"), "export const K = 3;\n");
  assert.deepEqual(statuses(await run(true)), ["a:stale", "b:stale", "c:computed"], "c is computed over a's older record");
  writeFileSync(join(dir, "dep.ts"), "export const K = 4;\n");
  assert.deepEqual(statuses(await run(true)), ["a:stale", "b:stale", "c:stale"], "c is found again under the next code: its record names the input it really read");
});

test("committed cells are filed into the store with their settings keys; a re-keyed committed file refreshes the record", () => {
  const dir = join(tmp, "committed"), storeDir = join(tmp, "committed-store");
  rmSync(dir, { recursive: true, force: true });
  rmSync(storeDir, { recursive: true, force: true });
  const spec = { key: "c".repeat(32), label: "toy/seed-0/a", experiment: "toy", runner: "r.ts", payload: {}, inputs: [] };
  const meta = { command: "lfl reproduce toy --commit-cells results/cells", seeds: [0], revision: "abc" };
  writeCommittedCell(dir, { ...spec, settingsKey: "s1" }, 7, meta);
  const store = new CellStore(storeDir);
  storeCommittedCells(dir, store, "toy", new Map());
  assert.equal(store.read(spec.key)!.settingsKey, "s1");
  assert.equal(store.get(spec.key), 7);
  writeCommittedCell(dir, { ...spec, settingsKey: "s2" }, 7, meta);
  storeCommittedCells(dir, store, "toy", new Map());
  assert.equal(new CellStore(storeDir).read(spec.key)!.settingsKey, "s2", "the committed file is the reference");
  assert.deepEqual(new CellStore(storeDir).staleCandidates("s2").map((c) => c.origin), [spec.key]);
});

test("the real Table 3 cells' keys cover the code of their own stage (Algorithm 1, PPO, the envs) and not the reports or other stages", () => {
  const closure = (f: string) => sourceClosure([join(import.meta.dirname, "../src/experiments/table3", f)]);
  const learner = closure("table3-learner-cell.ts"), alg = closure("table3-algorithm1-cell.ts"), method = closure("table3-method-cell.ts");
  for (const f of ["src/learners/ppo.ts", "src/envs/mujoco/hopper.ts", "src/nn/mlp.ts"]) assert.ok(learner.includes(f) && alg.includes(f) && method.includes(f), f);
  assert.ok(alg.includes("src/observer/algorithm-1/algorithm-1.ts"));
  assert.ok(!learner.some((f) => f.startsWith("src/observer/algorithm-1/")), "a change to Algorithm 1 keeps the learners");
  for (const files of [learner, alg, method]) {
    assert.ok(!files.some((f) => f.startsWith("src/reports/") || f.startsWith("src/cli/")));
    assert.ok(!files.some((f) => f.includes("/methods/") && !f.endsWith("/method.ts")), "no method's code in a stage runner: each method cell hashes its own file");
  }
  const plan = EXPERIMENTS.table3!.plan({ scale: "quick", seeds: [0], options: {} });
  const keyOf = (stage: string) => plan.cells.find((c) => c.stage === stage)!.key;
  const observerCode = codeHash([join(import.meta.dirname, "../src/experiments/table3/table3-method-cell.ts"), join(import.meta.dirname, "../src/experiments/table3/methods/observer.ts")]);
  assert.notEqual(observerCode, codeHash([join(import.meta.dirname, "../src/experiments/table3/table3-method-cell.ts"), join(import.meta.dirname, "../src/experiments/table3/methods/constant.ts")]));
  assert.notEqual(keyOf("observer"), keyOf("constant"));
});

test("table3 --methods: only the named methods' cells (a candidate too), the observer always, the same keys as the full plan, its own stem; an unknown id is one E_UNKNOWN_ID line", () => {
  const t3 = EXPERIMENTS.table3!;
  const full = t3.plan({ scale: "quick", options: {} });
  const some = t3.plan({ scale: "quick", options: { methods: ["extrapolated-h1", "constant"] } });
  const methodStages = (p: typeof full) => p.cells.map((c) => c.stage).filter((s) => !["learner", "algorithm-1", "reward-quality"].includes(s) && !s.startsWith("reward-quality-"));
  assert.deepEqual([...new Set(methodStages(some))].sort(), ["constant", "extrapolated-h1", "observer"]);
  assert.equal(methodStages(some).length, 3 * some.seeds.length);
  assert.ok(!methodStages(full).includes("extrapolated-h1"), "a candidate is not in the default table");
  assert.equal(some.stem, "table3-quick-methods-extrapolated-h1_constant");
  for (const stage of ["learner", "algorithm-1", "observer", "constant"]) {
    assert.equal(some.cells.find((c) => c.stage === stage)!.key, full.cells.find((c) => c.stage === stage)!.key, `${stage}: shared with the full table`);
  }
  assert.throws(() => t3.plan({ scale: "quick", seeds: [0], options: { methods: ["no-such-method"] } }), (e: Error & { code?: string }) => e.code === "E_UNKNOWN_ID" && /no method 'no-such-method'/.test(e.message) && !e.message.includes("\n"));
});

test("streams: every (experiment, env, seed, stage) its own — the observer of seed s never shares the learner stream of seed s + 1", () => {
  const seen = new Map<number, string>();
  for (const env of ["Hopper-v5", "Ant-v5"]) for (let s = 0; s < 50; s++) for (const stage of ["learner", "algorithm-1", "observer", "constant"]) {
    const k = streamSeed("table3", env, s, stage);
    assert.ok(Number.isSafeInteger(k) && k >= 0);
    assert.ok(!seen.has(k), `${env}/${s}/${stage} collides with ${seen.get(k)}`);
    seen.set(k, `${env}/${s}/${stage}`);
  }
  assert.equal(streamSeed("table2", "svi", 4, "learner"), streamSeed("table2", "svi", 4, "learner"));
});

test("--seed / --seeds mean the same on every experiment: exactly those seeds run, with their own files; deterministic ones refuse", () => {
  for (const [name, exp] of Object.entries(EXPERIMENTS)) {
    assert.ok(name in REPORTS, `${name} has a report`);
    if (!exp.seeded) continue;
    const canonical = exp.plan({ scale: exp.quickScale, options: {} });
    const five = exp.plan({ scale: exp.quickScale, seeds: [5], options: {} });
    assert.deepEqual(five.seeds, [5], name);
    assert.ok(five.cells.every((c) => c.seed === undefined || c.seed === 5), name);
    assert.notEqual(five.stem, canonical.stem, `${name}: a seed subset must not overwrite the canonical results`);
  }
  const t1 = lfl("reproduce", "table1", "--seed", "5", "--out-dir", tmp);
  assert.equal(t1.code, 2);
  assert.match(t1.stderr, /E_USAGE: reproduce table1: --seed does not apply to table1: it is deterministic/);
  const t2 = lfl("reproduce", "table2", "--quick", "--seed", "5", "--store", join(tmp, "store"), "--out-dir", tmp);
  assert.equal(t2.code, 0, t2.stderr);
  assert.match(t2.stdout, /wrote .*table2-quick-seeds-5\.json/);
  for (const bad of [["--seed", ""], ["--seed", "0x10"], ["--seed", "1e3"], ["--seed", " 5"], ["--seeds", "9-3"], ["--seed", "1", "--seeds", "2"], ["--seed", "99999999999"]]) {
    const r = lfl("reproduce", "table2", "--quick", ...bad, "--out-dir", tmp);
    assert.equal(r.code, 2, `${bad.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test("--help anywhere prints help and does nothing else", () => {
  const r = lfl("reproduce", "table2", "--seeds", "3", "--help", "--out-dir", join(tmp, "never"));
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: lfl reproduce table2/);
  assert.match(r.stdout, /--reuse-stale/);
  assert.ok(!existsSync(join(tmp, "never")));
});

test("lfl reproduce tabular-benchmark --quick: the benchmark's cells through the engine, its done-when lines in the report", () => {
  const r = lfl("reproduce", "tabular-benchmark", "--quick", "--store", join(tmp, "store"), "--out-dir", tmp);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Done-when \(issue 15\)/);
    const json = JSON.parse(readFileSync(join(tmp, "tabular-benchmark-quick.json"), "utf8")) as { runs: unknown[]; seeds: number[] };
  assert.equal(json.runs.length, 2 * 4);
  assert.deepEqual(json.seeds, [0]);
});
