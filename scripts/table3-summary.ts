/**
 * One markdown row per (scale, env) of Table 3 results files, read straight from each file's stored statistics (no
 * new bootstrap): the seeds, the normalised observer beside the paper's, and the observer minus the controls the
 * README quotes — paired over seeds, 95% CI; bold where the CI excludes 0 and the one-sided sign-flip p is below 0.05.
 * The README's Table 3 summary is this output.
 *
 *   node --import tsx scripts/table3-summary.ts results/table3.json results/table3-paper-Reacher-seeds-….json …
 */
import { readFileSync } from "node:fs";

interface Diff { meanDiff: number; ci95: [number, number]; pValue: number }
interface Stat { mean: number; std: number }
interface Env {
  id: string;
  paper: { lfl: Stat };
  runs: Array<{ seed: number }>;
  normalised: Record<string, Stat>;
  comparisons: Record<string, Diff>;
  comparisonsMeanAction: Record<string, Diff>;
  rewardQuality: { pearson: Stat };
}
interface Doc { command: string; envs: Env[] }

/** Digits chosen by the magnitude of the interval, so that −1.5 [−2.4, −0.7] and +264 [79, 472] both read well. */
function num(x: number, size: number): string {
  const digits = size >= 50 ? 0 : size >= 1 ? 1 : 2;
  const s = x.toFixed(digits).replace("-", "−");
  return x > 0 ? `+${s}` : s;
}

/** `n` paired seeds: the exact sign-flip test's p of "observer worse" is 1 − p(better) + 2⁻ⁿ (the observed sum itself). */
function diff(d: Diff | undefined, n: number): string {
  if (!d) return "—";
  const size = Math.max(...[d.meanDiff, ...d.ci95].map(Math.abs));
  const text = `${num(d.meanDiff, size)} [${d.ci95.map((c) => num(c, size).replace("+", "")).join(", ")}]`;
  // Bold only what the file can claim: the CI excludes 0 and the sign-flip p is below 0.05 in that direction (3 seeds
  // cannot go below 0.125, so nothing at 3 seeds is bold).
  const claimed = (d.ci95[0] > 0 && d.pValue < 0.05) || (d.ci95[1] < 0 && 1 - d.pValue + 2 ** -n < 0.05);
  return claimed ? `**${text}**` : text;
}

const files = process.argv.slice(2);
if (files.length === 0) throw new Error("usage: node --import tsx scripts/table3-summary.ts FILE.json ...");
// One row per (scale, env): the file with the most seeds for it wins (the per-env paper-scale files extend
// results/table3-paper.json's 3 seeds), in the order first seen.
const rows = new Map<string, { n: number; text: string }>();
for (const file of files) {
  const doc = JSON.parse(readFileSync(file, "utf8")) as Doc;
  const scale = /--scale (\w+)/.exec(doc.command)?.[1] ?? "full";
  for (const env of doc.envs) {
    const seeds = env.runs.map((r) => r.seed);
    const obs = env.normalised["observer"]!;
    const n = seeds.length;
    const pair = (id: string) => `${diff(env.comparisons[id], n)} / ${diff(env.comparisonsMeanAction[id], n)}`;
    const text = `| ${scale} | ${env.id.replace("-v5", "")} | ${n === 1 ? seeds[0] : `${seeds[0]}–${seeds[n - 1]}`} ` +
      `| ${obs.mean.toFixed(2)} ± ${obs.std.toFixed(2)} (${env.paper.lfl.mean.toFixed(2).replace("-", "−")}) | ${pair("bc-reward-standardised")} | ${pair("learnerLast")} ` +
      `| ${diff(env.comparisons["continued"], n)} | ${diff(env.comparisons["constant"], n)} | ${env.rewardQuality.pearson.mean.toFixed(2)} |`;
    const key = `${scale} ${env.id}`;
    if ((rows.get(key)?.n ?? 0) < n) rows.set(key, { n, text });
  }
}
console.log("| scale | env | seeds | observer, normalised (paper) | − PPO on std. ln π̂K, sampled / mean action | − learner last, sampled / mean action | − learner continued | − PPO on r ≡ 1 | return ρ |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const { text } of rows.values()) console.log(text);
