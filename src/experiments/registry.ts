/** Every experiment `lfl reproduce NAME` can run. Adding one: its declaration file and one line here. */
import type { Experiment } from "./engine/experiment.ts";
import { ppoCurvesExperiment, ppoSummaryExperiment } from "./ppo-curves-experiment.ts";
import { table1Experiment } from "./table1-experiment.ts";
import { table2Experiment } from "./table2-experiment.ts";
import { table3Experiment } from "./table3/table3-experiment.ts";
import { tabularBenchmarkExperiment } from "./tabular-benchmark-experiment.ts";

export const EXPERIMENTS: Record<string, Experiment<object>> = {
  table1: table1Experiment as Experiment<object>,
  table2: table2Experiment as Experiment<object>,
  table3: table3Experiment as Experiment<object>,
  "ppo-curves": ppoCurvesExperiment as Experiment<object>,
  "ppo-summary": ppoSummaryExperiment as Experiment<object>,
  "tabular-benchmark": tabularBenchmarkExperiment as Experiment<object>,
};
