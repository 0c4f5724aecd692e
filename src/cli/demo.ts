/**
 * `lfl demo` (what `npm start` runs): a short tour of the system, printed as tables. The demo is a list of
 * sections run in order; to extend it, append a section.
 */
import { writeFileSync } from "node:fs";
import { runTable1, TABLE1 } from "../experiments/table1.ts";
import { table1StateOnlyNote, table1Table } from "../reports/table1-report.ts";
import { runTable2 } from "../experiments/table2.ts";
import { table2Table } from "../reports/table2-report.ts";
import { parseCommandArgs } from "./command.ts";
import type { Command } from "./command.ts";

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
    title: "Table 2 case — an SPI learner seen only through 1000 sampled pairs per update (3 seeds); the observer plays the recovered reward",
    async run() {
      const result = runTable2({ rows: ["spi"], seeds: [0, 1, 2] });
      const runs = result.rows[0]!.runs.map((r) => `seed ${r.seed}: learner ${r.learner.toFixed(3)} → observer ${r.observer.toFixed(3)}`).join("\n");
      return { text: `${table2Table(result)}\n\n${runs}\n(full table: lfl reproduce table2)`, result };
    },
  },
];

export const command: Command = {
  name: "demo",
  summary: "a short end-to-end tour (Table 1 for now), printed as tables",
  usage: [
    "usage: lfl demo [--json <file>]",
    "",
    "Runs each demo section and prints its table:",
    ...SECTIONS.map((s, i) => `  ${i + 1}. ${s.title}`),
    "",
    "--json <file>  also write every section's result as JSON",
  ].join("\n"),
  async run(argv: string[]): Promise<number> {
    const { values } = parseCommandArgs("demo", argv, {});
    const results: { title: string; result: unknown }[] = [];
    for (const [i, section] of SECTIONS.entries()) {
      const { text, result } = await section.run();
      console.log(`${i > 0 ? "\n" : ""}## ${section.title}\n\n${text}`);
      results.push({ title: section.title, result });
    }
    if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ sections: results }, null, 2)}\n`);
    return 0;
  },
};
