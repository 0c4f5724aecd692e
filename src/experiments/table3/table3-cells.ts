/**
 * Cell runner of Table 3 for callers that run any of its stages through one module (`lfl evaluate`): dispatches
 * to the stage's own runner. Table 3's own cells name the stage runners directly (table3-learner-cell.ts,
 * table3-algorithm1-cell.ts, table3-method-cell.ts), so their keys cover only the code of their stage.
 */
import type { CellRunner } from "../engine/cell.ts";
import { runCell as runAlgorithm1Cell } from "./table3-algorithm1-cell.ts";
import { runCell as runLearnerCell, type Table3CellPayload } from "./table3-learner-cell.ts";
import { runCell as runMethodCell } from "./table3-method-cell.ts";

export type { Table3CellPayload } from "./table3-learner-cell.ts";

export const runCell: CellRunner = async (spec, ctx) => {
  const stage = (spec.payload as Table3CellPayload).stage;
  return stage === "learner" ? runLearnerCell(spec, ctx) : stage === "algorithm-1" ? runAlgorithm1Cell(spec, ctx) : runMethodCell(spec, ctx);
};
