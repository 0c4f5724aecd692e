/**
 * `lfl bench table2`: wall time of the full Table 2 (4 learners × 10 seeds: learner, observer, ceilings) against
 * the 10 s budget, and the table itself.
 */
import { writeFileAtomic } from "../core/atomic-file.ts";
import { runTable2 } from "../experiments/table2.ts";
import { table2Table } from "../reports/table2-report.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_TABLE2_USAGE = `lfl bench table2 [--repeat N] [--json FILE]

  Runs the full Table 2 (seeds 0–9, all four rows) N times (default 1), prints the table and the wall time of
  each repetition against the 10 s budget. Check the machine is quiet first (cat /proc/loadavg).`;

const BUDGET_SECONDS = 10;

export async function runBenchTable2(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("bench table2", argv, { repeat: { type: "string" } });
  const repeat = intFlag("repeat", values.repeat, 1, 1);
  const seconds: number[] = [];
  let table = "";
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const result = runTable2();
    seconds.push((performance.now() - t0) / 1000);
    table = table2Table(result);
  }
  console.log(table);
  const best = Math.min(...seconds);
  console.log(`\nfull table (4 learners × 10 seeds): ${seconds.map((s) => `${s.toFixed(2)} s`).join(", ")}; best ${best.toFixed(2)} s = ${(best / BUDGET_SECONDS).toFixed(2)} × the ${BUDGET_SECONDS} s budget`);
  if (values.json !== undefined) writeFileAtomic(values.json, `${JSON.stringify({ target: "table2", seconds, budgetSeconds: BUDGET_SECONDS }, null, 2)}\n`);
  return 0;
}
