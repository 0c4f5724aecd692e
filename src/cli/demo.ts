/**
 * `lfl demo` (what `npm start` runs): a short tour of the system, printed as tables. The demo is a list of
 * sections run in order; to extend it, append a section.
 */
import { checkOutputPaths, writeFileAtomic } from "../core/atomic-file.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import type { OptionSpec } from "../core/option-spec.ts";
import { runTable1, TABLE1 } from "../experiments/table1.ts";
import { table1StateOnlyNote, table1Table } from "../reports/table1-report.ts";
import { runTable2, type Table2RowResult } from "../experiments/table2.ts";
import { markdownTable } from "../reports/markdown-table.ts";
import type { Command } from "./command.ts";
import { helpText, parseOptions } from "./options.ts";

/** One part of the demo: a title, and a function that does the work and returns the text and a JSON result. */
export interface DemoSection {
  title: string;
  run(): Promise<{ text: string; result: unknown }>;
}

export const SECTIONS: readonly DemoSection[] = [
  {
    title: `${TABLE1.title} — the learner's two policies, and observers planning on the rewards recovered from them`,
    async run() {
      const result = runTable1();
      return { text: `${table1Table(result)}\n\n${table1StateOnlyNote(result)}`, result };
    },
  },
  {
    title: "Table 2 in miniature — four learners seen only through 1000 sampled pairs per update (3 seeds each); the observer plays the reward it recovered",
    async run() {
      const result = runTable2({ seeds: [0, 1, 2] });
      const pm = (x: { mean: number; std: number | null }): string => (x.std === null ? x.mean.toFixed(2) : `${x.mean.toFixed(2)} ± ${x.std.toFixed(2)}`);
      const table = markdownTable<Table2RowResult>([
        { header: "learner", value: (r) => r.label },
        { header: "K", value: (r) => String(r.K), align: "right" },
        { header: "learner score", value: (r) => pm(r.stats.learner), align: "right" },
        { header: "observer score", value: (r) => pm(r.stats.observer), align: "right" },
        { header: "observer − learner [95% CI]", value: (r) => `${r.observerMinusLearner.meanDiff.toFixed(2)} [${r.observerMinusLearner.ci95.map((x) => x.toFixed(2)).join(", ")}]`, align: "right" },
        { header: "beats learner (on the mean)", value: (r) => (r.observerBeatsLearner ? "yes" : "NO"), align: "left" },
        { header: "paper: learner → observer", value: (r) => `${pm(r.paper.learner)} → ${pm(r.paper.observer)}`, align: "right" },
      ], result.rows);
      return { text: `${table}

Observer: learner model and reward form (state or state–action) chosen from the data by held-out likelihood, planned pessimistically (r̂ − 0.5/√(n+1)); the paper's own SPI observer is a column of the full table.
Scores: soft return J(π) under the true reward (α = 0.3), mean ± std over seeds 0–2. Full table (10 seeds, both observers, ceilings): lfl reproduce table2`, result };
    },
  },
];

export const DEMO_OPTIONS: readonly OptionSpec[] = [
  { name: "json", kind: "string", arg: "FILE", description: "also write every section's result as JSON" },
];

const USAGE = helpText("lfl demo [--json FILE]", ["Runs each demo section and prints its table:", ...SECTIONS.map((s, i) => `  ${i + 1}. ${s.title}`)].join("\n"), [{ title: "options", options: DEMO_OPTIONS }]);

export const command: Command = {
  name: "demo",
  summary: "a short end-to-end tour (Table 1, Table 2 in miniature), printed as tables",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const { values, help } = parseOptions("demo", DEMO_OPTIONS, argv);
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const json = values.json as string | undefined;
    checkOutputPaths([json]); // before any section runs
    const results: { title: string; result: unknown }[] = [];
    for (const [i, section] of SECTIONS.entries()) {
      const { text, result } = await section.run();
      console.log(`${i > 0 ? "\n" : ""}## ${section.title}\n\n${text}`);
      results.push({ title: section.title, result });
    }
    if (json !== undefined) writeFileAtomic(json, stringifyFinite({ sections: results }, `the demo results ${json}`, 2));
    console.log("\nSee it in the browser: npx lfl dashboard   (then open http://127.0.0.1:8765/)");
    return 0;
  },
};
