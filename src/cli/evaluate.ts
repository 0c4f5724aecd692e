/**
 * `lfl evaluate --history H.npz [--env ID] [--window A-B] [--seeds …]`: Table 3's pipeline on any learning
 * history (src/experiments/evaluate/): checks from the file's rewards that the learner improved over the window
 * (and suggests windows where it did), recovers the reward with Algorithm 1, trains the observer and every PPO
 * control on the same budget, and writes Table 3's report as <out-dir>/evaluate-<name>.json, .md and .svg (one
 * set). Cells go to the content-addressed store like `lfl reproduce`, so a re-run recomputes nothing.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkOutputPaths, writeFileSet } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import type { OptionSpec } from "../core/option-spec.ts";
import { analyseHistory, checkHistoryEnv, evaluateExperiment, type EvaluateResult } from "../experiments/evaluate/evaluate-experiment.ts";
import type { ResultsDoc } from "../experiments/engine/results-doc.ts";
import { runExperiment } from "../experiments/engine/run-experiment.ts";
import { SweepProgress } from "../experiments/sweep/sweep-progress.ts";
import type { Command } from "./command.ts";
import { writeResults } from "./write-results.ts";
import { helpText, parseOptions, refuseFlags } from "./options.ts";
import { DEFAULT_OUT_DIR, DEFAULT_STORE } from "./reproduce.ts";

const SEED_MAX = 2 ** 31 - 1;
const exp = evaluateExperiment;

const COMMON: OptionSpec[] = [
  { name: "scale", kind: "enum", arg: "S", choices: exp.scales, defaultText: exp.scales[0], description: "the budgets of Table 3's scale of that name: observer/control PPO updates and sizes, evaluation episodes, Algorithm 1 (docs/table3.md)" },
  { name: "quick", kind: "boolean", description: `the CI scale (= --scale ${exp.quickScale})` },
  { name: "seeds", kind: "int-list", arg: "LIST", max: SEED_MAX, description: "evaluation seeds, e.g. 0-4: each re-runs Algorithm 1 and every PPO method with its own streams on the same history (default: the scale's)" },
  { name: "seed", kind: "int", arg: "N", max: SEED_MAX, description: "one seed: the same as --seeds N" },
  { name: "out-dir", kind: "string", arg: "DIR", defaultText: DEFAULT_OUT_DIR, description: "where the results set (.json, .md, .svg) is written" },
  { name: "json", kind: "string", arg: "FILE", description: "also write the results JSON there" },
  { name: "store", kind: "string", arg: "DIR", defaultText: DEFAULT_STORE, description: "the checkpoint store: finished cells by content key, reused on re-run" },
  { name: "reuse-stale", kind: "boolean", description: "reuse cells computed by other code with the same settings (the results list them as stale)" },
  { name: "finished-only", kind: "boolean", description: "compute nothing: assemble from the stored cells and list the missing ones" },
  { name: "jobs", kind: "int", arg: "N", max: 1024, defaultText: "0 = this process", description: "run cells on N local worker processes" },
  { name: "queue", kind: "string", arg: "URL", description: "redis://HOST:PORT: run cells on `lfl worker` processes (the history must be at the same absolute path there)" },
];

const USAGE = helpText("lfl evaluate --history H.npz [options]",
  "Table 3's comparison on any learning history (e.g. one recorded from Stable-Baselines3 with the Python package, docs/python.md):\n" +
  "checks that the learner improved over the window, recovers the reward (Algorithm 1), trains the observer and every PPO\n" +
  "control on the same budget, and writes the report (normalised scores, returns, paired CIs, Fig. 4). docs/evaluate.md.",
  [{ title: "options", options: exp.options }, { title: "engine and output", options: COMMON }]);

export const command: Command = {
  name: "evaluate",
  summary: "Table 3's comparison (observer vs learner and every control) on any learning history",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const cmd = "evaluate";
    const { values: v, help } = parseOptions(cmd, [...exp.options, ...COMMON], argv);
    if (help) {
      console.log(USAGE);
      return 0;
    }
    if (v.history === undefined) throw new InputError("E_USAGE", `${cmd}: --history FILE is required (see 'lfl ${cmd} --help')`);
    if (v.quick && v.scale !== undefined) throw new InputError("E_USAGE", `${cmd}: give --quick or --scale, not both`);
    if (v.seed !== undefined && v.seeds !== undefined) throw new InputError("E_USAGE", `${cmd}: give --seed or --seeds, not both`);
    if (v.queue !== undefined && v.jobs !== undefined) refuseFlags(cmd, v, ["jobs"], "with --queue (the workers choose their own --jobs)");
    if (v["finished-only"]) refuseFlags(cmd, v, ["jobs", "queue"], "with --finished-only (nothing is computed)");
    if (v.queue !== undefined && !/^rediss?:\/\/[^\s/]+(:\d+)?\/?$/.test(v.queue as string)) throw new InputError("E_USAGE", `${cmd}: --queue must be redis://HOST:PORT, got '${v.queue as string}'`);
    const scale = v.quick ? exp.quickScale : ((v.scale as string | undefined) ?? exp.scales[0]!);
    const seeds = v.seed !== undefined ? [v.seed as number] : (v.seeds as number[] | undefined);
    const options = Object.fromEntries(exp.options.map((o) => [o.name, v[o.name]]).filter(([, x]) => x !== undefined));
    const history = resolve(v.history as string);
    // The file, window and env are checked before anything runs (every failure: exit 2, one line).
    const a = analyseHistory(history, { window: v.window as string | undefined, env: v.env as string | undefined });
    await checkHistoryEnv(history, a.env, a.columns);
    const outDir = (v["out-dir"] as string | undefined) ?? DEFAULT_OUT_DIR;
    const storeDir = (v.store as string | undefined) ?? DEFAULT_STORE;
    const progress = new SweepProgress({ title: cmd });
    const command = ["lfl", cmd, ...argv].join(" ");
    let result: { doc: ResultsDoc<EvaluateResult>; stem: string };
    try {
      result = await runExperiment(exp, { scale, ...(seeds ? { seeds } : {}), options }, {
        storeDir, command,
        ...(v["reuse-stale"] ? { reuseStale: true } : {}), ...(v["finished-only"] ? { finishedOnly: true } : {}),
        ...(v.jobs !== undefined ? { jobs: v.jobs as number } : {}), ...(v.queue !== undefined ? { queue: v.queue as string } : {}),
        onPlan: (plan) => {
          mkdirSync(outDir, { recursive: true });
          checkOutputPaths([join(outDir, `${plan.stem}.json`), join(outDir, `${plan.stem}.md`), join(outDir, `${plan.stem}.svg`), v.json as string | undefined], [history]);
          const warnings = (plan.settings as { warnings: string[] }).warnings;
          for (const w of warnings) process.stderr.write(`lfl evaluate: WARNING: ${w}\n`);
        },
        onEvent: progress.onEvent,
      });
    } finally {
      progress.stop();
    }
    const { doc, stem } = result;
    await writeResults(cmd, "evaluate", doc, stem, outDir, v.json as string | undefined);
    return 0;
  },
};
