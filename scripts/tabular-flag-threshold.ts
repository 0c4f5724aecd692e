/**
 * The ASSUMPTION-CONFLICT threshold by §10.2's rule, on the tuning seeds only: run the benchmark with that flag off,
 * then for each threshold on the fixed grid count the runs flagged (the other flags, or the form check's d above the
 * threshold) and the catastrophes left unflagged. The rule: the smallest threshold that keeps ≤ 10% of runs flagged.
 *
 * Usage: npx tsx scripts/tabular-flag-threshold.ts [seeds ≥ 100, default 100-129] ['<observer config JSON>']
 */
import { runTabularBenchmark, gapUnits } from "../src/experiments/tabular-benchmark.ts";

const range = (t: string): number[] => t.split(",").flatMap((p) => { const [a, b] = p.split("-").map(Number); return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i); });
const seeds = range(process.argv[2] ?? "100-129");
if (seeds.some((s) => s < 100)) throw new Error("tuning uses seeds ≥ 100 only");
const observer = JSON.parse(process.argv[3] ?? "{}");
let n = 0;
const runs = runTabularBenchmark({ seeds, observer, flags: { maxFormDisagreement: Number.POSITIVE_INFINITY }, onRun: () => { if (++n % 40 === 0) process.stderr.write(`${n} runs\n`); } });
const catastrophe = runs.map((r) => gapUnits(r).observerMinusLearner < -0.1);
const grid = [0.3, 0.5, 0.8, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, Number.POSITIVE_INFINITY];
console.log(`tuning seeds ${seeds[0]}–${seeds[seeds.length - 1]}: ${runs.length} runs, ${catastrophe.filter(Boolean).length} catastrophes`);
for (const t of grid) {
  const flagged = runs.map((r) => r.flags.length > 0 || (r.formCheck?.disagreement ?? Number.NaN) > t);
  const nf = flagged.filter(Boolean).length, caught = flagged.filter((f, i) => f && catastrophe[i]).length;
  console.log(`d > ${t}: flagged ${nf}/${runs.length} = ${(100 * nf / runs.length).toFixed(1)}%, catastrophes unflagged ${catastrophe.filter((c, i) => c && !flagged[i]).length}, precision ${(caught / Math.max(nf, 1)).toFixed(2)}`);
}
