/**
 * Two Table 3 results files on the same learners (e.g. results/table3.json and a `--algorithm1` variant's file):
 * per env, paired over the seeds both hold, the variant's return minus the base's for each method both hold
 * (sampled and mean action; mean, 95% bootstrap CI, one-sided sign-flip p of "variant better"). A method written
 * V:B compares the variant's method V with the base's method B (e.g. observer:bc-reward-standardised, the variant's
 * observer against the base's control); `learner-last` names the learner's last observed policy.
 *
 *   node --import tsx scripts/table3-variant-diff.ts BASE.json VARIANT.json [METHOD | V:B ...] [--seeds A-B]   (default: observer)
 *
 * The same file twice compares two methods of one run (e.g. observer:bc-reward-standardised); --seeds keeps only the
 * seeds in A–B (e.g. the seeds added after a first look).
 */
import { readFileSync } from "node:fs";
import { Rng } from "../src/core/rng.ts";
import { pairedComparison } from "../src/evaluation/seed-stats.ts";

interface Run { seed: number; learnerLast: number; scores: Record<string, number>; meanAction: Record<string, number> }
interface Doc { command: string; envs: Array<{ id: string; runs: Run[] }> }
const args = process.argv.slice(2);
const at = args.indexOf("--seeds");
const [lo, hi] = at >= 0 ? (args.splice(at, 2)[1] ?? "").split("-").map(Number) : [-Infinity, Infinity];
const [baseFile, variantFile, ...ids] = args;
if (!baseFile || !variantFile) throw new Error("usage: node --import tsx scripts/table3-variant-diff.ts BASE.json VARIANT.json [METHOD ...]");
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as Doc;
const base = read(baseFile), variant = read(variantFile), methods = ids.length > 0 ? ids : ["observer"];
const rng = new Rng(20261206);
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
console.log(`base: ${base.command}\nvariant: ${variant.command}`);
for (const env of variant.envs) {
  const b = base.envs.find((e) => e.id === env.id);
  if (!b) continue;
  const pairs = env.runs.filter((v) => v.seed >= lo! && v.seed <= (hi ?? lo)!).flatMap((v) => { const r = b.runs.find((x) => x.seed === v.seed); return r ? [[r, v] as const] : []; });
  console.log(`${env.id} (${pairs.length} seeds: ${pairs.map(([r]) => r.seed).join(", ")})`);
  for (const spec of methods) {
    const [id, baseId = id] = spec.split(":") as [string, string?];
    const sampled = (m: string) => (r: Run) => (m === "learner-last" ? r.learnerLast : r.scores[m]);
    const meanAction = (m: string) => (r: Run) => r.meanAction[m === "learner-last" ? "learnerLast" : m];
    for (const [kind, get] of [["sampled", sampled], ["mean action", meanAction]] as const) {
      const bv = pairs.map(([r]) => get(baseId)(r)), vv = pairs.map(([, v]) => get(id)(v));
      if (bv.some((x) => x === undefined) || vv.some((x) => x === undefined)) continue;
      const c = pairedComparison(vv as number[], bv as number[], rng.split());
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      console.log(`  ${id === baseId ? id : `${id} − base ${baseId}`}, ${kind}: ${fmt(mean(bv as number[]))} → ${fmt(mean(vv as number[]))}; variant − base ${fmt(c.meanDiff)} [${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}], p ${c.pValue.toPrecision(2)}`);
    }
  }
}
