/** Cell runner of Table 1: the whole (deterministic) exact inversion on one MDP. */
import type { CellRunner } from "./engine/cell.ts";
import { mdpFromPayload, type MdpPayload } from "./mdp-payload.ts";
import { runTable1 } from "./table1.ts";

export interface Table1CellPayload {
  /** null: the paper's grid (its paper column is filled in). */
  mdp: MdpPayload | null;
  alpha: number;
}

export const runCell: CellRunner = async (spec) => {
  const p = spec.payload as Table1CellPayload;
  return runTable1(p.mdp === null ? { alpha: p.alpha } : { mdp: mdpFromPayload(p.mdp), alpha: p.alpha });
};
