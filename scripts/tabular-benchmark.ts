// Writes results/tabular-benchmark.json and .md: the tabular benchmark (src/experiments/tabular-benchmark.ts) on
// its evaluation seeds 0–9 with the library/CLI defaults. Run: node --import tsx scripts/tabular-benchmark.ts [seeds]
import { writeFileSync } from "node:fs";
import { runTabularBenchmark, summariseTabularBenchmark, TABULAR_BENCHMARK } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LFL_DEFAULTS } from "../src/observer/tabular/tabular-lfl.ts";
import { tabularBenchmarkMarkdown } from "../src/reports/tabular-benchmark-report.ts";

const seeds = process.argv[2] ? process.argv[2].split(",").map(Number) : [...TABULAR_BENCHMARK.evaluationSeeds];
const out = process.argv[3] ?? "results/tabular-benchmark";
const t0 = Date.now();
const runs = runTabularBenchmark({ seeds, onRun: (r) => process.stderr.write(`${r.family} ${r.learner} ${r.seed}\n`) });
writeFileSync(`${out}.json`, `${JSON.stringify({ name: TABULAR_BENCHMARK.name, seeds, observer: TABULAR_LFL_DEFAULTS, summary: summariseTabularBenchmark(runs), seconds: (Date.now() - t0) / 1000, runs }, null, 1)}\n`);
writeFileSync(`${out}.md`, tabularBenchmarkMarkdown(runs, `Tabular benchmark (evaluation seeds ${seeds.join(", ")}, CLI defaults)`));
process.stderr.write(`wrote ${out}.json, ${out}.md in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
