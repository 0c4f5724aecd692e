/**
 * Tuning runs of the tabular benchmark (issue 15) on the tuning seeds only: the benchmark's done-when measures for
 * the default observer and for an observer config given as JSON, per family × learner, so a candidate change is
 * judged on seeds ≥ 100 before the evaluation seeds are run.
 *
 * Usage: npx tsx scripts/tabular-tune.ts '{"dynamics":"known"}' [seeds, e.g. 100-129] [families, e.g. trap-grid,garnet] [--runs f.jsonl]
 * (`--runs` also writes every run's record, one JSON line each, for a per-run comparison of two configs.)
 */
import { writeFileSync } from "node:fs";
import { runTabularBenchmark, summariseTabularBenchmark, gapUnits, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";

const runsAt = process.argv.indexOf("--runs");
const runsFile = runsAt > 0 ? process.argv[runsAt + 1] : undefined;
const args = runsAt > 0 ? process.argv.slice(0, runsAt) : process.argv;
const observer = JSON.parse(args[2] ?? "{}");
const range = (t: string): number[] => t.split(",").flatMap((p) => { const [a, b] = p.split("-").map(Number); return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i); });
const seeds = args[3] ? range(args[3]) : TABULAR_BENCHMARK.tuningSeeds;
if (seeds.some((s) => s < 100)) throw new Error("tuning uses seeds ≥ 100 only");
const families = (args[4]?.split(",") ?? TABULAR_BENCHMARK.families) as TabularFamily[];
let n = 0;
const runs = runTabularBenchmark({ seeds, families, observer, onRun: () => { if (++n % 20 === 0) process.stderr.write(`${n} runs\n`); } });
if (runsFile !== undefined) writeFileSync(runsFile, runs.map((r) => JSON.stringify(r)).join("\n") + "\n");
for (const f of families) for (const l of TABULAR_BENCHMARK.learners) {
  const rs = runs.filter((r) => r.family === f && r.learner === l);
  const d = rs.map((r) => gapUnits(r).observerMinusLearner);
  const imp = rs.filter((r) => gapUnits(r).learnerGap > 0.01);
  console.log(`${f.padEnd(9)} ${l.padEnd(22)} obs−last mean ${(d.reduce((a, b) => a + b, 0) / d.length).toFixed(3)} min ${Math.min(...d).toFixed(3)}  ≥last ${imp.filter((r) => r.observer >= r.learnerLast).length}/${imp.length}  cat ${d.filter((x) => x < -0.1).length} flagged ${rs.filter((r) => r.flags.length > 0).length}`);
}
console.log(JSON.stringify({ observer, seeds: `${seeds[0]}-${seeds[seeds.length - 1]}`, ...summariseTabularBenchmark(runs) }));
