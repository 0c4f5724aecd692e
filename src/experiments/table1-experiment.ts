/**
 * Table 1 + Fig. 3 as an experiment of the engine: one deterministic cell (no seeds: --seed/--seeds exit 2).
 * `--mdp FILE` and `--alpha A` give their own output files (table1-<name>.*).
 */
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { codeHash } from "./engine/content-key.ts";
import { planCell, type Experiment } from "./engine/experiment.ts";
import { mdpToPayload } from "./mdp-payload.ts";
import { TABLE1, type Table1Result } from "./table1.ts";
import type { Table1CellPayload } from "./table1-cell.ts";

const RUNNER = "src/experiments/table1-cell.ts";
const RUNNER_FILE = fileURLToPath(new URL("./table1-cell.ts", import.meta.url));

export const table1Experiment: Experiment<Table1Result & { paperGrid: boolean; gridSize: number | null }> = {
  name: "table1",
  title: TABLE1.title,
  summary: "Table 1 + Fig. 3: exact soft policy inversion on the 5×5 grid (instant; deterministic)",
  scales: ["full"],
  quickScale: "full",
  seeded: false,
  envIds: () => [],
  options: [
    { name: "mdp", kind: "string", arg: "FILE", description: "run on your own MDP (docs/mdp-json.md) instead of the grid; own output files table1-<name>.*" },
    { name: "alpha", kind: "number", arg: "A", min: 1e-6, max: 1e6, description: "entropy weight α of learner, inversion and evaluation", defaultText: String(TABLE1.alpha) },
  ],
  plan(req) {
    const alpha = (req.options.alpha as number | undefined) ?? TABLE1.alpha;
    if (!(alpha > 0)) throw new InputError("E_USAGE", `--alpha must be > 0, got ${alpha}`);
    const mdp = typeof req.options.mdp === "string" ? loadMdpJson(req.options.mdp) : null;
    const payload: Table1CellPayload = { mdp: mdp === null ? null : mdpToPayload(mdp), alpha };
    const settings = { experiment: "table1", ...payload };
    const stem = ["table1", mdp === null ? null : mdp.name.replace(/[^\w.-]+/g, "_"), alpha === TABLE1.alpha ? null : `alpha-${alpha}`].filter((x) => x !== null).join("-");
    return {
      cells: [planCell({ settings, inputs: [], code: codeHash([RUNNER_FILE]) }, { label: `table1/${mdp?.name ?? "grid"}`, experiment: "table1", runner: RUNNER, payload, stage: "exact" })],
      seeds: [],
      stem,
      // Fig. 3 is a picture of a square grid: drawn for the paper's grid and for MDPs declaring a square grid layout.
      settings: { paperGrid: mdp === null, gridSize: mdp === null ? 5 : mdp.layout && mdp.layout.rows === mdp.layout.cols ? mdp.layout.rows : null },
    };
  },
  assemble(results, plan) {
    const { paperGrid, gridSize } = plan.settings as { paperGrid: boolean; gridSize: number | null };
    return { ...(results.get(plan.cells[0]!.key) as Table1Result), paperGrid, gridSize };
  },
};
