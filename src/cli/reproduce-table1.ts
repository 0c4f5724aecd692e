/**
 * `lfl reproduce table1 [--mdp file.json] [--alpha a]`: Table 1 and Fig. 3 of the paper (experiments/table1.ts).
 * Writes <out-dir>/table1.json (rows, rewards, provenance), table1.md and fig3.svg; with --mdp the files are
 * named table1-<mdp name>.* and Fig. 3 (a grid picture) is drawn only for 25-state, 4-action MDPs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { provenance, startClock } from "../experiments/provenance.ts";
import { runTable1, TABLE1 } from "../experiments/table1.ts";
import { renderFig3 } from "../reports/fig3.ts";
import { table1Markdown, table1StateOnlyNote, table1Table, table1Title } from "../reports/table1-report.ts";
import { intFlag, numberFlag, parseCommandArgs } from "./command.ts";
import { DEFAULT_OUT_DIR, REPRODUCE_OPTIONS, type ReproduceTarget } from "./reproduce.ts";

export const target: ReproduceTarget = {
  name: "table1",
  async run(argv: string[]): Promise<number> {
    const clock = startClock();
    const { values } = parseCommandArgs("reproduce table1", argv, { ...REPRODUCE_OPTIONS, mdp: { type: "string" }, alpha: { type: "string" } });
    const seed = intFlag("seed", values.seed, 0);
    const alpha = numberFlag("alpha", values.alpha, TABLE1.alpha);
    if (!(alpha > 0)) throw new InputError("E_USAGE", `--alpha must be > 0, got ${alpha}`);
    const mdp = values.mdp === undefined ? undefined : loadMdpJson(values.mdp);
    const outDir = values["out-dir"] ?? DEFAULT_OUT_DIR;

    const result = runTable1(mdp === undefined ? { alpha } : { mdp, alpha });
    const stem = mdp === undefined ? "table1" : `table1-${mdp.name.replace(/[^\w.-]+/g, "_")}`;
    const isGrid = result.mdp.nS === 25 && result.mdp.nA === 4;
    const svg = isGrid ? await renderFig3(result) : null;

    const meta = provenance(clock, { command: ["lfl", "reproduce", "table1", ...argv].join(" "), seed });
    const json = `${JSON.stringify({ ...meta, ...result, note: "deterministic: Table 1 uses no randomness (the seed is only recorded)" }, null, 2)}\n`;
    mkdirSync(outDir, { recursive: true });
    const written = [join(outDir, `${stem}.json`), join(outDir, `${stem}.md`)];
    writeFileSync(written[0]!, json);
    writeFileSync(written[1]!, table1Markdown(result, meta));
    if (svg !== null) {
      const figName = mdp === undefined ? "fig3.svg" : `fig3-${stem.slice("table1-".length)}.svg`;
      writeFileSync(join(outDir, figName), svg);
      written.push(join(outDir, figName));
    }
    if (values.json !== undefined) {
      writeFileSync(values.json, json);
      written.push(values.json);
    }

    console.log(`${table1Title(result)}\n`);
    console.log(table1Table(result));
    console.log(`\n${table1StateOnlyNote(result)}`);
    if (svg === null) console.log("Fig. 3 is a picture of the 5×5 grid; not drawn for this MDP.");
    console.log(`wrote ${written.join(", ")}`);
    return 0;
  },
};
