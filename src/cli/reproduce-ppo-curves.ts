/**
 * `lfl reproduce ppo-curves [--curve pendulum|halfcheetah|hopper|reacher|ant|pendulum-quick] [--seeds LIST]
 * [--run-dir DIR] [--partial]`: PPO learning curves over 3 seeds, written to results/ppo-<curve>.json and
 * results/ppo-<curve>.md (the table docs/ppo.md shows). Every run is saved under --run-dir after each scored
 * checkpoint; a finished run is reused, so `--seeds 1` in separate processes followed by a plain run combines
 * them, and `--partial` summarises whatever the stored runs reached without training.
 *
 * `--summary` trains nothing: it reads results/ppo-{reacher,hopper,halfcheetah,ant}.json and writes
 * results/ppo-summary.json/.md, one row per env beside the uniform random policy's return on the same
 * evaluation episodes (the table of docs/ppo.md).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { PPO_CURVES, runPpoCurves, uniformBaseline, type PpoCurveRun, type PpoCurvesResult, type PpoCurvesSpec, type PpoCurveSummary } from "../experiments/ppo-curves.ts";
import { gitRevision, provenance, startClock, type Provenance } from "../experiments/provenance.ts";
import { populationStd } from "../evaluation/seed-stats.ts";
import { markdownTable } from "../reports/markdown-table.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { DEFAULT_OUT_DIR, REPRODUCE_OPTIONS, type ReproduceTarget } from "./reproduce.ts";

/** A stored run is reused only when it was made with the same spec (seeds aside). */
interface StoredRun {
  spec: string;
  gitRevision: string | null;
  run: PpoCurveRun;
}

function runStore(dir: string, spec: PpoCurvesSpec) {
  const key = JSON.stringify({ ...spec, seeds: undefined });
  const file = (setting: string, seed: number): string => join(dir, `${setting}-seed${seed}.json`);
  const revisions: Record<string, string | null> = {};
  return {
    revisions,
    load(setting: string, seed: number): PpoCurveRun | undefined {
      const f = file(setting, seed);
      if (!existsSync(f)) return undefined;
      const stored = JSON.parse(readFileSync(f, "utf8")) as StoredRun;
      if (stored.spec !== key) {
        process.stderr.write(`ppo-curves: ignoring ${f} (made with a different spec)\n`);
        return undefined;
      }
      revisions[`${setting}/${seed}`] = stored.gitRevision;
      return stored.run;
    },
    save(run: PpoCurveRun): void {
      mkdirSync(dir, { recursive: true });
      const f = file(run.setting, run.seed);
      const revision = gitRevision();
      revisions[`${run.setting}/${run.seed}`] = revision;
      writeFileSync(`${f}.tmp`, JSON.stringify({ spec: key, gitRevision: revision, run } satisfies StoredRun));
      renameSync(`${f}.tmp`, f);
    },
  };
}

export const target: ReproduceTarget = {
  name: "ppo-curves",
  async run(argv: string[]): Promise<number> {
    const { values: v } = parseCommandArgs("reproduce ppo-curves", argv, {
      ...REPRODUCE_OPTIONS, curve: { type: "string" }, seeds: { type: "string" }, "run-dir": { type: "string" }, partial: { type: "boolean" }, summary: { type: "boolean" },
    });
    if (v.summary) return writeSummary(v["out-dir"] ?? DEFAULT_OUT_DIR);
    const name = v.curve ?? (v.quick ? "pendulum-quick" : "pendulum");
    const spec = PPO_CURVES[name];
    if (!spec) throw new InputError("E_UNKNOWN_ID", `reproduce ppo-curves: unknown --curve '${name}' (${Object.keys(PPO_CURVES).join(", ")})`);
    const seeds = v.seeds?.split(",").map((s) => intFlag("seeds", s.trim(), 0));
    if (seeds?.length === 0) throw new InputError("E_INVALID_ARGUMENT", "reproduce ppo-curves: --seeds is empty");
    const clock = startClock();
    const es = envSpec(spec.envId);
    const deps = es.needsMujoco ? { mujoco: await loadMujoco() } : {};
    const store = runStore(v["run-dir"] ?? join("runs", "ppo-curves", name), spec);
    const result = runPpoCurves(spec, () => makeEnv(es.id, {}, deps), {
      onRun: (setting, seed) => process.stderr.write(`ppo-curves ${name}: ${setting}, seed ${seed}\n`),
      store,
      ...(seeds ? { seeds } : {}),
      ...(v.partial ? { partial: true } : {}),
    });
    const table = markdownTable<PpoCurveSummary>([
      { header: "setting", value: (r) => r.setting },
      { header: "env steps", value: (r) => String(r.checkpoint) },
      { header: "return (mean action)", value: (r) => `${r.deterministic.mean.toFixed(1)} ± ${r.deterministic.std.toFixed(1)}` },
      { header: "return (sampled)", value: (r) => `${r.stochastic.mean.toFixed(1)} ± ${r.stochastic.std.toFixed(1)}` },
      { header: "seeds", value: (r) => String(r.deterministic.n) },
    ], result.summary);
    const command = `lfl reproduce ppo-curves --curve ${name}${v.partial ? " --partial" : ""}`;
    const used = seeds ?? spec.seeds;
    const stopped = result.incomplete.length > 0 ? ` Runs that stopped before the last budget (the seeds column counts who reached each): ${result.incomplete.join(", ")}.` : "";
    const note = `PPO on ${spec.envId}: true-reward return of the policy at each budget, mean ± std over seeds ${used.join(", ")}, ` +
      `${spec.evalEpisodes} evaluation episodes each (step 0 = the random initial policy). Made by \`${command}\`.${stopped}`;
    console.log(`${note}\n\n${table}`);
    if (seeds && seeds.join() !== spec.seeds.join()) {
      process.stderr.write(`ppo-curves: --seeds ${seeds.join(",")} is a subset: runs stored, results not written (run without --seeds to combine)\n`);
      return 0;
    }
    const outDir = v["out-dir"] ?? DEFAULT_OUT_DIR;
    mkdirSync(outDir, { recursive: true });
    const json = { ...provenance(clock, { command, seed: 0 }), envId: spec.envId, runRevisions: store.revisions, ...result };
    writeFileSync(join(outDir, `ppo-${name}.json`), JSON.stringify(json, null, 2) + "\n");
    writeFileSync(join(outDir, `ppo-${name}.md`), `${note}\n\n${table}\n`);
    if (v.json !== undefined) writeFileSync(v.json, JSON.stringify(json, null, 2));
    return 0;
  },
};

/** The four MuJoCo curves side by side with the uniform random policy (results/ppo-summary.json/.md). */
async function writeSummary(outDir: string): Promise<number> {
  const clock = startClock();
  const mujoco = await loadMujoco();
  const rows: Array<{ curve: string; envId: string; uniform: { mean: number; std: number; episodes: number }; result: PpoCurvesResult & Provenance }> = [];
  for (const curve of ["reacher", "hopper", "halfcheetah", "ant"]) {
    const file = join(outDir, `ppo-${curve}.json`);
    if (!existsSync(file)) {
      process.stderr.write(`ppo-curves --summary: ${file} missing, skipped\n`);
      continue;
    }
    const result = JSON.parse(readFileSync(file, "utf8")) as PpoCurvesResult & Provenance;
    const u = uniformBaseline(result.spec, () => makeEnv(result.spec.envId, {}, { mujoco }));
    rows.push({ curve, envId: result.spec.envId, uniform: { mean: u.mean, std: populationStd(u.returns), episodes: u.returns.length }, result });
  }
  const cell = (r: (typeof rows)[number], checkpoint: number, mode: "deterministic" | "stochastic"): string => {
    const s = r.result.summary.find((x) => x.checkpoint === checkpoint);
    return s ? `${s[mode].mean.toFixed(1)} ± ${s[mode].std.toFixed(1)} (${s[mode].n})` : "–";
  };
  const table = markdownTable<(typeof rows)[number]>([
    { header: "env", value: (r) => r.envId },
    { header: "uniform random", value: (r) => `${r.uniform.mean.toFixed(1)} ± ${r.uniform.std.toFixed(1)}` },
    { header: "π_0 (sampled)", value: (r) => cell(r, 0, "stochastic") },
    { header: "200k", value: (r) => cell(r, 200000, "stochastic") },
    { header: "500k", value: (r) => cell(r, 500000, "stochastic") },
    { header: "1M", value: (r) => cell(r, 1000000, "stochastic") },
    { header: "1M (mean action)", value: (r) => cell(r, 1000000, "deterministic") },
  ], rows);
  const command = "lfl reproduce ppo-curves --summary";
  const note = "PPO (SB3 defaults, 1 env) on the four MuJoCo envs: true-reward return of the sampling policy at each budget, " +
    "mean ± std over seeds (number of seeds in brackets), 10 evaluation episodes each; the uniform random policy " +
    `(a ~ U[low, high]) on the same evaluation episodes, mean ± std over episodes. Made by \`${command}\` from ` +
    rows.map((r) => `results/ppo-${r.curve}.json (${r.result.gitRevision ?? "no git"})`).join(", ") + ".";
  const json = {
    ...provenance(clock, { command, seed: 0 }),
    envs: rows.map((r) => ({ curve: r.curve, envId: r.envId, uniformRandom: r.uniform, summary: r.result.summary, source: { command: r.result.command, gitRevision: r.result.gitRevision, incomplete: r.result.incomplete ?? [] } })),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "ppo-summary.json"), JSON.stringify(json, null, 2) + "\n");
  writeFileSync(join(outDir, "ppo-summary.md"), `${note}\n\n${table}\n`);
  console.log(`${note}\n\n${table}`);
  return 0;
}
