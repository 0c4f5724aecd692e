/**
 * `lfl reproduce table2 [--quick]`: Table 2 of the paper (experiments/table2.ts) — four learners × ten seeds,
 * observer vs learner, the paper's numbers beside ours. Writes <out-dir>/table2.json (runs, stats, provenance)
 * and table2.md (table2-quick.* with --quick).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { provenance, startClock } from "../experiments/provenance.ts";
import { runTable2, TABLE2 } from "../experiments/table2.ts";
import { table2Markdown, table2Notes, table2Table, table2Title } from "../reports/table2-report.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { DEFAULT_OUT_DIR, REPRODUCE_OPTIONS, type ReproduceTarget } from "./reproduce.ts";

export const target: ReproduceTarget = {
  name: "table2",
  async run(argv: string[]): Promise<number> {
    const clock = startClock();
    const { values } = parseCommandArgs("reproduce table2", argv, REPRODUCE_OPTIONS);
    const seed = intFlag("seed", values.seed, 0);
    const quick = values.quick ?? false;
    const outDir = values["out-dir"] ?? DEFAULT_OUT_DIR;
    const nSeeds = (quick ? TABLE2.quickSeeds : TABLE2.seeds).length;
    const bar = new cliProgress.SingleBar({ format: "table2 {bar} {value}/{total} runs  {row}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    if (process.stderr.isTTY) bar.start(TABLE2.rows.length * nSeeds, 0, { row: "" });
    const result = runTable2({ quick, onRun: (row) => { if (process.stderr.isTTY) bar.increment(1, { row }); } });
    if (process.stderr.isTTY) bar.stop();

    const meta = provenance(clock, { command: ["lfl", "reproduce", "table2", ...argv].join(" "), seed });
    const json = `${JSON.stringify({ ...meta, ...result }, null, 2)}\n`;
    const stem = quick ? "table2-quick" : "table2";
    mkdirSync(outDir, { recursive: true });
    const written = [join(outDir, `${stem}.json`), join(outDir, `${stem}.md`)];
    writeFileSync(written[0]!, json);
    writeFileSync(written[1]!, table2Markdown(result, meta));
    if (values.json !== undefined) {
      writeFileSync(values.json, json);
      written.push(values.json);
    }
    console.log(`${table2Title(result)}\n`);
    console.log(table2Table(result));
    console.log(`\n${table2Notes(result).map((n) => `- ${n}`).join("\n")}`);
    console.log(`wrote ${written.join(", ")}`);
    return 0;
  },
};
