/**
 * Run-by-run comparison of two tabular-benchmark observers on the same seeds (issue 15): reads two files of run
 * records — `scripts/tabular-tune.ts … --runs f.jsonl` output or a results JSON's `runs` — pairs the runs by family,
 * learner and seed, prints every run whose observer score or assumptions changed, and the done-when summary of each.
 *
 * Usage: node --import tsx scripts/tabular-runs-diff.ts A.jsonl B.jsonl
 */
import { readFileSync } from "node:fs";
import { gapUnits, summariseTabularBenchmark, type TabularBenchmarkRun } from "../src/experiments/tabular-benchmark.ts";

const read = (f: string): TabularBenchmarkRun[] => {
  const text = readFileSync(f, "utf8");
  return f.endsWith(".json") ? (JSON.parse(text) as { runs: TabularBenchmarkRun[] }).runs : text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as TabularBenchmarkRun);
};
const [fa, fb] = process.argv.slice(2);
if (fa === undefined || fb === undefined) throw new Error("usage: tabular-runs-diff.ts A.jsonl B.jsonl");
const a = read(fa), b = read(fb);
const id = (r: TabularBenchmarkRun): string => `${r.family} ${r.learner} ${r.seed}`;
const byId = new Map(b.map((r) => [id(r), r]));
const choice = (r: TabularBenchmarkRun): string => `${r.learnerModel}/${r.rewardForm}${r.formCheck?.switched ? " (switched)" : ""}${r.flags.length > 0 ? ` [${r.flags.join(",")}]` : ""}`;
let changed = 0;
for (const ra of a) {
  const rb = byId.get(id(ra));
  if (rb === undefined) continue;
  if (ra.observer === rb.observer && choice(ra) === choice(rb)) continue;
  changed++;
  const da = gapUnits(ra), db = gapUnits(rb);
  const mark = da.learnerGap > 0.01 && (ra.observer >= ra.learnerLast) !== (rb.observer >= rb.learnerLast) ? (rb.observer >= rb.learnerLast ? " +≥last" : " −≥last") : "";
  console.log(`${id(ra).padEnd(36)} obs−last ${da.observerMinusLearner.toFixed(3).padStart(7)} → ${db.observerMinusLearner.toFixed(3).padStart(7)}  ${choice(ra)} → ${choice(rb)}${mark}`);
}
const common = new Set(a.map(id).filter((k) => byId.has(k)));
console.log(`${changed} of ${common.size} runs changed`);
console.log("A", JSON.stringify(summariseTabularBenchmark(a.filter((r) => common.has(id(r))))));
console.log("B", JSON.stringify(summariseTabularBenchmark(b.filter((r) => common.has(id(r))))));
