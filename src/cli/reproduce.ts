/**
 * `lfl reproduce <target>`: run one of the paper's tables and print our numbers beside the paper's. Each target
 * lives in its own file (loaded lazily) exporting `target: ReproduceTarget`; to add one, add an entry to TARGETS.
 */
import { InputError } from "../core/errors.ts";
import type { Command } from "./command.ts";

/** One reproducible table or figure. `run` receives the arguments after the target name. */
export interface ReproduceTarget {
  name: string;
  run(argv: string[]): Promise<number>;
}

/** Options every target accepts besides --help/--seed/--json (spread into parseCommandArgs' options). */
export const REPRODUCE_OPTIONS = {
  "out-dir": { type: "string" },
  quick: { type: "boolean" },
} as const;

export const DEFAULT_OUT_DIR = "results";

interface TargetEntry {
  summary: string;
  /** The target's own options, one "--flag <v>  meaning" per line (shown by `lfl reproduce --help`). */
  options: readonly string[];
  load: () => Promise<{ target: ReproduceTarget }>;
}

const TARGETS: Record<string, TargetEntry> = {
  table1: {
    summary: "Table 1 + Fig. 3: exact soft policy inversion on the 5×5 grid (instant)",
    options: ["--mdp <file.json>  run on your own MDP (docs/mdp-json.md) instead of the grid", "--alpha <a>        entropy weight (default 0.3)"],
    load: () => import("./reproduce-table1.ts"),
  },
  table2: { summary: "Table 2: LfL from 1000 sampled pairs per update, 4 learners × 10 seeds (~2 s)", options: [], load: () => import("./reproduce-table2.ts") },
  table3: { summary: "Table 3 + Fig. 4: LfL on MuJoCo, observer vs learner + controls (hours; --quick ≈ 10 s; resumable)", options: ["--scale <s>        quick | small | full | paper (docs/table3.md)", "--run-dir <dir>    checkpoints, resumed on re-run (default runs/table3)", "--env <ids>        comma-separated subset of the envs", "--seeds <list>     comma-separated seeds (default: the scale's)", "--window <w>       other observed updates for the one --env given: from-to/step or a list (own run dir and files)", "--algorithm1 <a>   ours (default) | paper: the paper's §6.3 Algorithm 1 (own run dir and files)", "--finished-only    assemble from the fully checkpointed (env, seed) cells only; compute nothing"], load: () => import("./reproduce-table3.ts") },
  "ppo-curves": { summary: "PPO learning curves, 3 seeds (Pendulum-v1: 50k/100k/200k steps, ~3 min)", options: ["--curve <name>     pendulum (default), pendulum-quick, reacher, hopper, halfcheetah, ant", "--seeds <list>     only these seeds (runs stored; a later run without --seeds combines them)", "--run-dir <dir>    stored runs, reused on re-run (default runs/ppo-curves/<curve>)", "--partial          summarise the stored runs as far as they got, train nothing", "--summary          the four MuJoCo curves beside the uniform random policy (results/ppo-summary.md)"], load: () => import("./reproduce-ppo-curves.ts") },
};

function usage(): string {
  const lines = [
    "usage: lfl reproduce <target> [options]",
    "",
    "Runs a table of the paper and prints our numbers beside the paper's; writes <out-dir>/<target>.json, a",
    "markdown table and plots.",
    "",
    "options of every target:",
    "  --out-dir <dir>    where results go (default results/)",
    "  --json <file>      also write the results JSON there",
    "  --seed <n>         random seed (recorded in the results)",
    "  --quick            the CI scale, where a target has one",
    "",
    "targets:",
  ];
  for (const [name, t] of Object.entries(TARGETS)) {
    lines.push(`  ${name.padEnd(10)} ${t.summary}`);
    for (const o of t.options) lines.push(`    ${o}`);
  }
  return lines.join("\n");
}

export const command: Command = {
  name: "reproduce",
  summary: "reproduce a paper table (table1, ...) with the paper's numbers beside ours",
  usage: usage(),
  async run(argv: string[]): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name.startsWith("-")) {
      console.log(usage());
      return 2;
    }
    const entry = TARGETS[name];
    if (!entry) throw new InputError("E_UNKNOWN_ID", `reproduce: unknown target '${name}' (targets: ${Object.keys(TARGETS).join(", ")})`);
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log([`usage: lfl reproduce ${name} [options]`, "", entry.summary, "", "options:", ...entry.options.map((o) => `  ${o}`),
        "  --out-dir <dir>    where results go (default results/)", "  --json <file>      also write the results JSON there", "  --quick            the CI scale, where the target has one"].join("\n"));
      return 0;
    }
    return (await entry.load()).target.run(rest);
  },
};
