/**
 * Reads the logs scripts/infer-preset-comparison.sh wrote into OUT_DIR and prints, paired over (history, observer
 * seed): the observer's true-reward return with the candidate preset ("fast": the flags in OUT_DIR/arm-flags.txt,
 * `--consistency-fit early-stopping` when absent) minus with the default (sampled and mean action;
 * mean, 95% bootstrap CI, one-sided sign-flip p of "fast better"), and both presets' CPU seconds per history.
 *
 *   node --import tsx scripts/infer-preset-comparison-analysis.ts OUT_DIR
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../src/core/rng.ts";
import { pairedComparison } from "../src/evaluation/seed-stats.ts";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node --import tsx scripts/infer-preset-comparison-analysis.ts OUT_DIR");
/** The observer's score in an observe log, or null while that run is unfinished. */
const score = (file: string): [number, number] | null => {
  let text = "";
  try { text = readFileSync(join(dir, file), "utf8"); } catch { return null; }
  const m = /observer: (-?[\d.]+) \(mean action (-?[\d.]+)\)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
};
const pairs = readdirSync(dir).flatMap((f) => {
  const m = /^obs(\d+)-def-(\d+)\.log$/.exec(f);
  if (!m) return [];
  const def = score(f), fast = score(`obs${m[1]}-fast-${m[2]}.log`);
  return def && fast ? [{ history: m[1]!, observer: m[2]!, def, fast }] : [];
});
let armFlags = "--consistency-fit early-stopping";
try { armFlags = readFileSync(join(dir, "arm-flags.txt"), "utf8").trim(); } catch { /* written by the script since the flags became an argument */ }
console.log(`candidate ("fast"): lfl infer ${armFlags}`);
for (const p of pairs) console.log(`history ${p.history} observer ${p.observer}: default ${p.def[0].toFixed(1)} (mean action ${p.def[1].toFixed(1)}), fast ${p.fast[0].toFixed(1)} (${p.fast[1].toFixed(1)})`);
for (const [k, name] of [[0, "sampled"], [1, "mean action"]] as const) {
  const c = pairedComparison(pairs.map((p) => p.fast[k]), pairs.map((p) => p.def[k]), new Rng(0));
  console.log(`fast − default, ${name}, ${pairs.length} pairs: ${c.meanDiff.toFixed(1)} [${c.ci95[0].toFixed(1)}, ${c.ci95[1].toFixed(1)}], p ${c.pValue.toPrecision(3)}`);
}
for (const f of readdirSync(dir).filter((f) => /^t-def\d+\.txt$/.test(f))) {
  const s = f.slice(5, -4);
  if (!readdirSync(dir).includes(`t-fast${s}.txt`) || readFileSync(join(dir, `t-fast${s}.txt`), "utf8").trim() === "") continue;
  const cpu = (t: string) => { const [, , u, , sy] = t.trim().split(" "); return Number(u) + Number(sy); };
  const d = cpu(readFileSync(join(dir, f), "utf8")), q = cpu(readFileSync(join(dir, `t-fast${s}.txt`), "utf8"));
  console.log(`history ${s}: infer CPU s default ${d.toFixed(1)}, fast ${q.toFixed(1)} (${(q / d).toFixed(3)}×)`);
}
