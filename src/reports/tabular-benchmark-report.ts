/**
 * The tabular benchmark's runs → one markdown table per MDP family (rows: learners; mean true J over seeds of the
 * observer, the learner's last and best policies, J*, J(U); the observer − learner gap in units of J* − J(U); how
 * many runs the observer matched or beat the learner's last policy; flags; the assumptions chosen) and the
 * done-when summary of issue 15.
 *
 * Usage: `console.log(tabularBenchmarkMarkdown(runs));`
 */
import { gapUnits, summariseTabularBenchmark, type TabularBenchmarkRun } from "../experiments/tabular-benchmark.ts";
import { formatNumber, markdownTable } from "./markdown-table.ts";

interface Row {
  learner: string;
  runs: TabularBenchmarkRun[];
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const tally = (xs: string[]): string => Object.entries(xs.reduce((acc: Record<string, number>, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {})).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(", ");

export function tabularBenchmarkMarkdown(runs: readonly TabularBenchmarkRun[], title = "Tabular benchmark"): string {
  const out: string[] = [`# ${title}`, ""];
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  out.push(`Seeds ${seeds.join(", ")}; true J = soft return (α = 0.3) under the true reward from the start distribution; "obs − last" is in units of J* − J(U), mean [min]. Flags: OFF-SUPPORT, UNCERTAIN, ASSUMPTION-CONFLICT (observer-flags.ts). "state form → r̄φ": runs whose state-only SPI reward failed the form check (form-check.ts) and were planned on the paper's state–action reward.`, "");
  for (const family of [...new Set(runs.map((r) => r.family))]) {
    const rows: Row[] = [...new Set(runs.filter((r) => r.family === family).map((r) => r.learner))].map((learner) => ({ learner, runs: runs.filter((r) => r.family === family && r.learner === learner) }));
    out.push(`## ${family}`, "");
    out.push(markdownTable<Row>([
      { header: "learner", value: (r) => r.learner },
      { header: "observer", value: (r) => mean(r.runs.map((x) => x.observer)), digits: 2 },
      { header: "learner last", value: (r) => mean(r.runs.map((x) => x.learnerLast)), digits: 2 },
      { header: "learner best", value: (r) => mean(r.runs.map((x) => x.learnerBest)), digits: 2 },
      { header: "J*", value: (r) => mean(r.runs.map((x) => x.optimal)), digits: 2 },
      { header: "J(U)", value: (r) => mean(r.runs.map((x) => x.uniform)), digits: 2 },
      { header: "obs − last", value: (r) => { const g = r.runs.map((x) => gapUnits(x).observerMinusLearner); return `${formatNumber(mean(g), 3)} [${formatNumber(Math.min(...g), 3)}]`; }, align: "right" },
      { header: "obs ≥ last", value: (r) => `${r.runs.filter((x) => x.observer >= x.learnerLast).length}/${r.runs.length}`, align: "right" },
      { header: "flagged", value: (r) => `${r.runs.filter((x) => x.flags.length > 0).length}`, align: "right" },
      { header: "non-improving flagged / truly worse", value: (r) => `${r.runs.reduce((a, x) => a + x.nonImproving, 0)} / ${r.runs.reduce((a, x) => a + x.trulyWorse, 0)}`, align: "right" },
      { header: "state form → r̄φ", value: (r) => `${r.runs.filter((x) => x.formCheck?.switched === true).length}`, align: "right" },
      { header: "assumptions chosen", value: (r) => tally(r.runs.map((x) => `${x.learnerModel.replace(/\(.*\)/, "")}/${x.rewardForm}`)) },
    ], rows), "");
  }
  const s = summariseTabularBenchmark(runs);
  out.push("## Done-when (issue 15)", "");
  out.push(`- observer ≥ learner's last policy in ${s.observerAtLeastLearner}/${s.improvable} runs where that policy is > 1% of (J* − J(U)) below J* (target ≥ 95%: ${formatNumber((100 * s.observerAtLeastLearner) / Math.max(1, s.improvable), 1)}%)`);
  out.push(`- runs ending > 10% of (J* − J(U)) below the learner's last policy: ${s.catastrophes}, of them unflagged: ${s.unflaggedCatastrophes} (target 0); flagged runs ${s.flagged}/${s.runs} (target ≤ 10%: ${formatNumber((100 * s.flagged) / Math.max(1, s.runs), 1)}%)`);
  out.push(`- the run flags as a detector of those catastrophes: precision ${formatNumber(s.flagPrecision, 2)} (flagged catastrophes / flagged runs), recall ${formatNumber(s.flagRecall, 2)} (flagged catastrophes / catastrophes)`);
  out.push(`- NON-IMPROVING on updates: ${s.nonImprovingFlags} flags, precision ${formatNumber(s.nonImprovingPrecision, 2)} (flags on updates that truly got worse / flags), recall ${formatNumber(s.nonImprovingRecall, 2)} (over drops > 1% of J* − J(U))`);
  out.push(`- Q-learning: mean fraction of the gap J* − J(last) closed by the observer: ${formatNumber(100 * s.qLearningGapClosed, 1)}% (target ≥ 30%)`);
  return `${out.join("\n")}\n`;
}
