/** Cell runner of the tabular benchmark: one (family, learner, generator seed) run of learner → observer → flags. */
import type { TabularLearnerId } from "../learners/tabular-learners.ts";
import type { ObserverFlagOptions } from "../observer/tabular/observer-flags.ts";
import type { TabularLflConfig } from "../observer/tabular/tabular-lfl.ts";
import type { CellRunner } from "./engine/cell.ts";
import { runTabularBenchmarkCase, type TabularFamily } from "./tabular-benchmark.ts";

export interface TabularBenchmarkCellPayload {
  family: TabularFamily;
  learner: TabularLearnerId;
  seed: number;
  observer: TabularLflConfig;
  flags: ObserverFlagOptions;
}

export const runCell: CellRunner = async (spec) => {
  const p = spec.payload as TabularBenchmarkCellPayload;
  return runTabularBenchmarkCase(p.family, p.learner, p.seed, p.observer, p.flags);
};
