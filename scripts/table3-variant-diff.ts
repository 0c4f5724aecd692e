/**
 * Two Table 3 results files on the same learners (e.g. results/table3.json and a `--algorithm1` variant's file):
 * per env, paired over the seeds both hold, the variant's return minus the base's for each method both hold
 * (sampled and mean action; mean, 95% bootstrap CI, one-sided sign-flip p of "variant better").
 *
 *   node --import tsx scripts/table3-variant-diff.ts BASE.json VARIANT.json [METHOD ...]   (default: observer)
 */
import { readFileSync } from "node:fs";
import { Rng } from "../src/core/rng.ts";
import { pairedComparison } from "../src/evaluation/seed-stats.ts";

interface Run { seed: number; scores: Record<string, number>; meanAction: Record<string, number> }
interface Doc { command: string; envs: Array<{ id: string; runs: Run[] }> }
const [baseFile, variantFile, ...ids] = process.argv.slice(2);
if (!baseFile || !variantFile) throw new Error("usage: node --import tsx scripts/table3-variant-diff.ts BASE.json VARIANT.json [METHOD ...]");
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as Doc;
const base = read(baseFile), variant = read(variantFile), methods = ids.length > 0 ? ids : ["observer"];
const rng = new Rng(20261206);
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
console.log(`base: ${base.command}\nvariant: ${variant.command}`);
for (const env of variant.envs) {
  const b = base.envs.find((e) => e.id === env.id);
  if (!b) continue;
  const pairs = env.runs.flatMap((v) => { const r = b.runs.find((x) => x.seed === v.seed); return r ? [[r, v] as const] : []; });
  console.log(`${env.id} (${pairs.length} seeds: ${pairs.map(([r]) => r.seed).join(", ")})`);
  for (const id of methods) {
    for (const [kind, get] of [["sampled", (r: Run) => r.scores[id]], ["mean action", (r: Run) => r.meanAction[id]]] as const) {
      const bv = pairs.map(([r]) => get(r)), vv = pairs.map(([, v]) => get(v));
      if (bv.some((x) => x === undefined) || vv.some((x) => x === undefined)) continue;
      const c = pairedComparison(vv as number[], bv as number[], rng.split());
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      console.log(`  ${id}, ${kind}: ${fmt(mean(bv as number[]))} → ${fmt(mean(vv as number[]))}; variant − base ${fmt(c.meanDiff)} [${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}], p ${c.pValue.toPrecision(2)}`);
    }
  }
}
