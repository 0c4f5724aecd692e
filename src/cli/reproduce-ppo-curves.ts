/**
 * `lfl reproduce ppo-curves [--curve pendulum|halfcheetah|hopper|reacher|ant|pendulum-quick]`: PPO learning curves over 3
 * seeds, written to results/ppo-<curve>.json and results/ppo-<curve>.md (the table docs/ppo.md shows).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { PPO_CURVES, runPpoCurves, type PpoCurveSummary } from "../experiments/ppo-curves.ts";
import { provenance, startClock } from "../experiments/provenance.ts";
import { markdownTable } from "../reports/markdown-table.ts";
import { parseCommandArgs } from "./command.ts";
import { DEFAULT_OUT_DIR, REPRODUCE_OPTIONS, type ReproduceTarget } from "./reproduce.ts";

export const target: ReproduceTarget = {
  name: "ppo-curves",
  async run(argv: string[]): Promise<number> {
    const { values: v } = parseCommandArgs("reproduce ppo-curves", argv, { ...REPRODUCE_OPTIONS, curve: { type: "string" } });
    const name = v.curve ?? (v.quick ? "pendulum-quick" : "pendulum");
    const spec = PPO_CURVES[name];
    if (!spec) throw new InputError("E_UNKNOWN_ID", `reproduce ppo-curves: unknown --curve '${name}' (${Object.keys(PPO_CURVES).join(", ")})`);
    const clock = startClock();
    const es = envSpec(spec.envId);
    const deps = es.needsMujoco ? { mujoco: await loadMujoco() } : {};
    const result = runPpoCurves(spec, () => makeEnv(es.id, {}, deps), (setting, seed) => process.stderr.write(`ppo-curves ${name}: ${setting}, seed ${seed}\n`));
    const table = markdownTable<PpoCurveSummary>([
      { header: "setting", value: (r) => r.setting },
      { header: "env steps", value: (r) => String(r.checkpoint) },
      { header: "return (mean action)", value: (r) => `${r.deterministic.mean.toFixed(1)} ± ${r.deterministic.std.toFixed(1)}` },
      { header: "return (sampled)", value: (r) => `${r.stochastic.mean.toFixed(1)} ± ${r.stochastic.std.toFixed(1)}` },
      { header: "seeds", value: (r) => String(r.deterministic.n) },
    ], result.summary);
    const command = `lfl reproduce ppo-curves --curve ${name}`;
    const outDir = v["out-dir"] ?? DEFAULT_OUT_DIR;
    mkdirSync(outDir, { recursive: true });
    const json = { ...provenance(clock, { command, seed: 0 }), envId: spec.envId, ...result };
    writeFileSync(join(outDir, `ppo-${name}.json`), JSON.stringify(json, null, 2) + "\n");
    const note = `PPO on ${spec.envId}: true-reward return of the policy at each budget, mean ± std over seeds ${spec.seeds.join(", ")}, ` +
      `${spec.evalEpisodes} evaluation episodes each (step 0 = the random initial policy). Made by \`${command}\`.`;
    writeFileSync(join(outDir, `ppo-${name}.md`), `${note}\n\n${table}\n`);
    if (v.json !== undefined) writeFileSync(v.json, JSON.stringify(json, null, 2));
    console.log(`${note}\n\n${table}`);
    return 0;
  },
};
