/**
 * `lfl reproduce NAME [options]`: runs any experiment of src/experiments/registry.ts through the engine (cells
 * in a content-addressed store, reused on re-run; in-process, on the local worker pool or on a BullMQ queue) and
 * writes <out-dir>/<stem>.json (the results document), <stem>.md and its figures as ONE set. Options are declared
 * once (below and in each experiment) and parsing and help are generated from them.
 *
 * Seeds mean the same everywhere: `--seeds LIST` (ranges allowed, e.g. 0-9) runs exactly those seeds, `--seed N`
 * is `--seeds N`; a deterministic experiment refuses both (exit 2). Outputs for anything but the canonical
 * request get their own file names (e.g. table2-seeds-5.*), so the committed results are never overwritten by a
 * variant.
 */
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { checkOutputPaths, writeFileSet } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import { CellStore } from "../experiments/engine/cell-store.ts";
import { gitState, revisionLabel } from "../experiments/engine/results-doc.ts";
import { runExperiment } from "../experiments/engine/run-experiment.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { commitCellsListener, storeCommittedCells } from "../experiments/sweep/commit-cells.ts";
import { SweepProgress } from "../experiments/sweep/sweep-progress.ts";
import type { SweepEvent } from "../experiments/sweep/sweep-types.ts";
import type { Command } from "./command.ts";
import { writeResults } from "./write-results.ts";
import { commonOptions, DEFAULT_OUT_DIR, DEFAULT_STORE } from "./engine-options.ts";
import { helpText, parseOptions, refuseFlags } from "./options.ts";


function usage(): string {
  const lines = ["usage: lfl reproduce NAME [options]   (lfl reproduce NAME --help for its options)", "", "Runs an experiment and writes <out-dir>/<name>.json, a markdown table and figures, our numbers beside the paper's.", "", "experiments:"];
  for (const [name, e] of Object.entries(EXPERIMENTS)) lines.push(`  ${name.padEnd(12)} ${e.summary}`);
  return lines.join("\n");
}

export const command: Command = {
  name: "reproduce",
  summary: "run a paper table or figure (table1, table2, table3, ppo-curves, ppo-summary) with the paper's numbers beside ours",
  usage: usage(),
  async run(argv: string[]): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name.startsWith("-")) {
      console.log(usage());
      return name === "--help" || name === "-h" ? 0 : 2;
    }
    const exp = EXPERIMENTS[name];
    if (!exp) throw new InputError("E_UNKNOWN_ID", `reproduce: unknown experiment '${name}' (experiments: ${Object.keys(EXPERIMENTS).join(", ")})`);
    const common = commonOptions(exp);
    const cmd = `reproduce ${name}`;
    const { values: v, help } = parseOptions(cmd, [...common, ...exp.options], rest);
    if (help) {
      console.log(helpText(`lfl reproduce ${name} [options]`, exp.summary, [{ title: "options", options: common }, { title: `options of ${name}`, options: exp.options }]));
      return 0;
    }
    if (!exp.seeded) refuseFlags(cmd, v, ["seed", "seeds"], `to ${name}: it is deterministic (no random seed to change)`);
    if (v.quick && v.scale !== undefined) throw new InputError("E_USAGE", `${cmd}: give --quick or --scale, not both`);
    if (v.seed !== undefined && v.seeds !== undefined) throw new InputError("E_USAGE", `${cmd}: give --seed or --seeds, not both`);
    if (v.queue !== undefined && v.jobs !== undefined) refuseFlags(cmd, v, ["jobs"], "with --queue (the workers choose their own --jobs)");
    if (v["finished-only"]) refuseFlags(cmd, v, ["jobs", "queue"], "with --finished-only (nothing is computed)");
    if (v.queue !== undefined && !/^redis:\/\/[^\s/]+(:\d+)?\/?$/.test(v.queue as string)) throw new InputError("E_USAGE", `${cmd}: --queue must be redis://HOST:PORT, got '${v.queue as string}'`);
    const scale = v.quick ? exp.quickScale : ((v.scale as string | undefined) ?? exp.scales[0]!);
    const seeds = v.seed !== undefined ? [v.seed as number] : (v.seeds as number[] | undefined);
    const options = Object.fromEntries(exp.options.map((o) => [o.name, v[o.name]]).filter(([, x]) => x !== undefined));
    const outDir = (v["out-dir"] as string | undefined) ?? DEFAULT_OUT_DIR;
    const progress = new SweepProgress({ title: name });
    const commit = v["commit-cells"] as string | undefined;
    const command = ["lfl", "reproduce", name, ...rest].join(" ");
    let outputs: string[] = [];
    let commitCell: ((e: SweepEvent) => void) | undefined;
    const storeDir = (v.store as string | undefined) ?? DEFAULT_STORE;
    const { doc, stem } = await runExperiment(exp, { scale, ...(seeds ? { seeds } : {}), ...(v.env ? { envs: v.env as string[] } : {}), options }, {
      storeDir, command,
      ...(v["reuse-stale"] ? { reuseStale: true } : {}), ...(v["finished-only"] ? { finishedOnly: true } : {}),
      ...(v.queue !== undefined ? { queue: v.queue as string } : { jobs: (v.jobs as number | undefined) ?? availableParallelism() }),
      onPlan: (plan) => {
        // Every output path is checked before any cell runs (the out-dir is ours to create).
        mkdirSync(outDir, { recursive: true });
        outputs = [join(outDir, `${plan.stem}.json`), join(outDir, `${plan.stem}.md`), ...(v.json !== undefined ? [v.json as string] : [])];
        checkOutputPaths(outputs, typeof options.mdp === "string" ? [options.mdp] : []);
        if (commit !== undefined) {
          // Cells committed earlier (on this or another machine) count as finished; new ones are committed as they finish.
          mkdirSync(commit, { recursive: true });
          // Cells of other code are loaded too (with their settings keys): --reuse-stale can then find them.
          storeCommittedCells(commit, new CellStore(storeDir), exp.name, new Map(plan.cells.map((c) => [c.key, c.settingsKey])));
          commitCell = commitCellsListener(commit, plan.cells, { command, seeds: plan.seeds, revision: revisionLabel(gitState()) });
        }
      },
      onEvent: (e: SweepEvent) => {
        progress.onEvent(e);
        commitCell?.(e);
      },
    });
    progress.stop();
    await writeResults(cmd, name, doc, stem, outDir, v.json as string | undefined);
    return 0;
  },
};
