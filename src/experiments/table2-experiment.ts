/**
 * Table 2 as an experiment of the engine: one cell per (row, seed); assembled into the rows of Table 2.
 * `--mdp FILE` runs the same four learners and observers on a user's MDP (own output files).
 */
import { fileURLToPath } from "node:url";
import { gridWorld } from "../envs/tabular/grid-world.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { codeHash } from "./engine/content-key.ts";
import { planCell, type Experiment, type PlannedCell } from "./engine/experiment.ts";
import { mdpToPayload } from "./mdp-payload.ts";
import { table2Observer, table2Row, TABLE2, type Table2Result, type Table2Run } from "./table2.ts";
import type { Table2CellPayload } from "./table2-cell.ts";

const RUNNER = "src/experiments/table2-cell.ts";
const RUNNER_FILE = fileURLToPath(new URL("./table2-cell.ts", import.meta.url));

const SCALE_SEEDS: Record<string, readonly number[]> = { full: TABLE2.seeds, quick: TABLE2.quickSeeds };

export const table2Experiment: Experiment<Table2Result> = {
  name: "table2",
  title: TABLE2.title,
  summary: "Table 2: LfL from 1000 sampled pairs per update, 4 learners × 10 seeds (seconds)",
  scales: ["full", "quick"],
  quickScale: "quick",
  seeded: true,
  envIds: () => [],
  options: [{ name: "mdp", kind: "string", arg: "FILE", description: "run on your own MDP (docs/mdp-json.md) instead of the paper's grid; own output files table2-<name>.*" }],
  plan(req) {
    const seeds = [...(req.seeds ?? SCALE_SEEDS[req.scale]!)];
    const mdp = typeof req.options.mdp === "string" ? loadMdpJson(req.options.mdp) : gridWorld();
    const mdpPayload = mdpToPayload(mdp), observer = table2Observer(), code = codeHash([RUNNER_FILE]);
    const cells: PlannedCell[] = TABLE2.rows.flatMap((row) => seeds.map((seed): PlannedCell => {
      const payload: Table2CellPayload = { row: row.id, seed, observer, alpha: TABLE2.alpha, mdp: mdpPayload };
      const settings = { experiment: "table2", ...payload };
      return planCell({ settings, inputs: [], code }, { label: `table2/${mdp.name}/${row.id}/seed-${seed}`, experiment: "table2", runner: RUNNER, payload, stage: row.id, seed });
    }));
    const canonicalSeeds = req.seeds === undefined || req.seeds.join() === SCALE_SEEDS[req.scale]!.join();
    const stem = ["table2", typeof req.options.mdp === "string" ? mdp.name.replace(/[^\w.-]+/g, "_") : null, req.scale === "full" ? null : req.scale, canonicalSeeds ? null : `seeds-${seeds.join("_")}`].filter((x) => x !== null).join("-");
    return { cells, seeds, stem, settings: { mdp: { name: mdp.name, nS: mdp.nS, nA: mdp.nA, gamma: mdp.gamma }, observer, alpha: TABLE2.alpha } };
  },
  assemble(results, plan, req) {
    const { mdp, observer, alpha } = plan.settings as Pick<Table2Result, "mdp" | "observer" | "alpha">;
    const rows = TABLE2.rows.flatMap((row) => {
      const runs = plan.cells.filter((c) => c.stage === row.id && results.has(c.key)).map((c) => results.get(c.key) as Table2Run);
      return runs.length > 0 ? [table2Row(row, runs)] : [];
    });
    return { name: "table2", scale: req.scale === "quick" ? "quick" : "full", mdp, alpha, observer, seeds: plan.seeds, rows };
  },
};
