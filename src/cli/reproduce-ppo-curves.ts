/**
 * `lfl reproduce ppo-curves [--curve pendulum|halfcheetah|hopper|reacher|ant|pendulum-quick] [--seeds LIST]
 * [--run-dir DIR] [--partial]`: PPO learning curves over 3 seeds, written to results/ppo-<curve>.json and
 * results/ppo-<curve>.md (the table docs/ppo.md shows). Every run is saved under --run-dir after each scored
 * checkpoint; a finished run is reused, so `--seeds 1` in separate processes followed by a plain run combines
 * them, and `--partial` summarises whatever the stored runs reached without training.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { PPO_CURVES, runPpoCurves, type PpoCurveRun, type PpoCurvesSpec, type PpoCurveSummary } from "../experiments/ppo-curves.ts";
import { gitRevision, provenance, startClock } from "../experiments/provenance.ts";
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
      ...REPRODUCE_OPTIONS, curve: { type: "string" }, seeds: { type: "string" }, "run-dir": { type: "string" }, partial: { type: "boolean" },
    });
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
