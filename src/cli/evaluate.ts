/**
 * `lfl evaluate --history H.npz [--env ID] [--window A-B] [--seeds …]`: Table 3's pipeline on any learning
 * history (src/experiments/evaluate/): checks from the file's rewards that the learner improved over the window
 * (and suggests windows where it did), recovers the reward with Algorithm 1, trains the observer and every PPO
 * control on the same budget, and writes Table 3's report as <out-dir>/evaluate-<name>.json, .md and .svg (one
 * set). Cells go to the content-addressed store like `lfl reproduce`, so a re-run recomputes nothing.
 */
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
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
import { commonOptions, DEFAULT_OUT_DIR, DEFAULT_STORE } from "./engine-options.ts";

const exp = evaluateExperiment;

// The engine's options as reproduce declares them (no --env: the history names its env; no --commit-cells).
const COMMON: OptionSpec[] = commonOptions(exp).filter((o) => o.name !== "env" && o.name !== "commit-cells");

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
        ...(v.queue !== undefined ? { queue: v.queue as string } : { jobs: (v.jobs as number | undefined) ?? availableParallelism() }),
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
