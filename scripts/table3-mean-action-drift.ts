/**
 * Where the observer's MEAN action goes (issue 14): for every (env, seed) of a committed Table 3 results file,
 * re-scores from its committed cells, with the mean action and the table's own evaluation episodes and seed, the
 * clone (Algorithm 1's π̂K, where the observer and the controls start), the observer after PPO on r̄φ and the
 * control after PPO on the standardised ln π̂K (a reward whose maximum, for every state, is the clone's own mean).
 * Each final policy is also scored with the clone's observation normalisation, and the clone with the observer's:
 * PPO keeps updating the running normaliser, which moves a policy's mean action without any gradient step.
 * Prints per env the seed means and the paired differences (95% bootstrap CI, one-sided sign-flip p).
 *
 *   node --import tsx scripts/table3-mean-action-drift.ts [results/table3.json]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../src/core/rng.ts";
import { loadMujoco } from "../src/envs/mujoco/mujoco-runtime.ts";
import { envSpec, makeEnv } from "../src/envs/registry.ts";
import { policyReturns } from "../src/evaluation/policy-return.ts";
import { pairedComparison } from "../src/evaluation/seed-stats.ts";
import { readCommittedCells } from "../src/experiments/sweep/commit-cells.ts";
import type { PpoActorJson } from "../src/learners/ppo.ts";

interface Doc {
  scale: { evalEpisodes: number };
  cells: Array<{ key: string; label: string; revision: string }>;
  envs: Array<{ id: string; runs: Array<{ seed: number; meanAction: Record<string, number> }> }>;
}
const file = process.argv[2] ?? "results/table3.json";
const doc = JSON.parse(readFileSync(file, "utf8")) as Doc;
const committed = readCommittedCells(join(process.cwd(), "results/cells"), { experiment: "table3" });
/** A cell's result as the results file used it: same label, computed at the revision it records (stale cells keep their old key). */
const result = (label: string): Record<string, unknown> => {
  const used = doc.cells.find((c) => c.label === label);
  const cell = used && committed.find((c) => c.label === label && c.revision === used.revision);
  if (!cell) throw new Error(`${file}: no committed cell ${label}`);
  return cell.result as Record<string, unknown>;
};
const mujoco = await loadMujoco();
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
const rng = new Rng(20261206);

for (const env of doc.envs) {
  const make = () => makeEnv(env.id, {}, envSpec(env.id).needsMujoco ? { mujoco } : {});
  const rows = env.runs.map((run) => {
    const at = `table3/full/${env.id}/seed-${run.seed}`;
    const clone = (result(`${at}/algorithm-1`) as { bcPolicy: PpoActorJson }).bcPolicy;
    const observer = (result(`${at}/observer`) as { finalActor: PpoActorJson }).finalActor;
    const control = (result(`${at}/bc-reward-standardised`) as { finalActor: PpoActorJson }).finalActor;
    const score = (a: PpoActorJson) => policyReturns(a, make, { episodes: doc.scale.evalEpisodes, mode: "deterministic", seed: 10_000 + 1000 * run.seed }).mean;
    const row = {
      clone: score(clone), cloneObserverNorm: score({ ...clone, obsNorm: observer.obsNorm }),
      observer: score(observer), observerCloneNorm: score({ ...observer, obsNorm: clone.obsNorm }),
      control: score(control), controlCloneNorm: score({ ...control, obsNorm: clone.obsNorm }),
    };
    // The same numbers as the table's mean-action columns: the same policies, episodes and seed.
    for (const [k, id] of [["clone", "bc"], ["observer", "observer"], ["control", "bc-reward-standardised"]] as const) {
      if (Math.abs(row[k] - run.meanAction[id]!) > 1e-6 * (1 + Math.abs(row[k]))) throw new Error(`${at}: ${k} ${row[k]} ≠ the table's ${run.meanAction[id]}`);
    }
    return row;
  });
  const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const diff = (a: keyof (typeof rows)[number], b: keyof (typeof rows)[number]) => {
    const c = pairedComparison(col(a), col(b), rng.split());
    return `${fmt(c.meanDiff)} [${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}], p ${c.pValue.toPrecision(2)}`;
  };
  console.log(`${env.id} (${rows.length} seeds; mean-action return, seed mean)`);
  console.log(`  clone ${fmt(mean(col("clone")))} · with the observer's normaliser ${fmt(mean(col("cloneObserverNorm")))}`);
  console.log(`  observer ${fmt(mean(col("observer")))} · with the clone's normaliser ${fmt(mean(col("observerCloneNorm")))}`);
  console.log(`  std. ln π̂K control ${fmt(mean(col("control")))} · with the clone's normaliser ${fmt(mean(col("controlCloneNorm")))}`);
  console.log(`  observer − clone ${diff("observer", "clone")}; control − clone ${diff("control", "clone")}`);
  console.log(`  normaliser alone: clone with the observer's − clone ${diff("cloneObserverNorm", "clone")}; observer with the clone's − observer ${diff("observerCloneNorm", "observer")}`);
}
