/** Cell runner of Table 2: one (row, seed) — the learner's history, the observer's inference and its scores. */
import type { CellRunner } from "./engine/cell.ts";
import { mdpFromPayload, type MdpPayload } from "./mdp-payload.ts";
import { runTable2Case, TABLE2, type Table2RowId } from "./table2.ts";
import type { TabularLflConfig } from "../observer/tabular/tabular-lfl.ts";

export interface Table2CellPayload {
  row: Table2RowId;
  seed: number;
  observer: TabularLflConfig;
  alpha: number;
  mdp: MdpPayload;
}

export const runCell: CellRunner = async (spec) => {
  const p = spec.payload as Table2CellPayload;
  const row = TABLE2.rows.find((r) => r.id === p.row)!;
  return runTable2Case(mdpFromPayload(p.mdp), row, p.seed, p.observer, p.alpha);
};
