/**
 * Pools the runs of several tabular-benchmark results files (e.g. seeds 30–39, 40–49, 50–59) and prints the
 * done-when summary over their union, as one JSON line (docs/observer-tabular.md §14).
 *
 * Usage: node --import tsx scripts/tabular-pool.ts A.json B.json …
 */
import { readFileSync } from "node:fs";
import { summariseTabularBenchmark, type TabularBenchmarkRun } from "../src/experiments/tabular-benchmark.ts";

const files = process.argv.slice(2);
if (files.length === 0) throw new Error("usage: tabular-pool.ts RESULTS.json …");
const runs = files.flatMap((f) => (JSON.parse(readFileSync(f, "utf8")) as { runs: TabularBenchmarkRun[] }).runs);
const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
console.log(JSON.stringify({ files: files.length, seeds: `${seeds[0]}–${seeds[seeds.length - 1]} (${seeds.length})`, ...summariseTabularBenchmark(runs) }));
