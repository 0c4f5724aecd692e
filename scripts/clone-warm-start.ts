/**
 * Algorithm 1's stage (i) clone of the last observed update, fitted as today (a fresh network, early-stopped on
 * that update's held-out pairs) against WARM-STARTED along the window (the clone of update k starts from the clone
 * of update k − 1, the first from a fresh network; each early-stopped the same way), i.e. using the whole window's
 * data as a prior (issue 14's "using all of the window's data"). Both arms score the last update on the SAME
 * held-out split. For every (env, seed) of a committed Table 3 results file whose learner histories are in the
 * store: held-out Gaussian NLL per pair, and the clone's true-reward return (sampled and mean action, the table's
 * evaluation episodes and seed). Prints per env and pooled paired differences warm − cold (95% bootstrap CI,
 * one-sided sign-flip p of "warm better").
 *
 *   node --import tsx scripts/clone-warm-start.ts RESULTS.json STORE_DIR
 *   e.g. results/table3-methods-extrapolated-h1_extrapolated-h2_bc-reward-standardised-seeds-100_101_102.json /work/store
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../src/core/rng.ts";
import { readHistoryColumns } from "../src/data/history-file.ts";
import { loadMujoco } from "../src/envs/mujoco/mujoco-runtime.ts";
import { envSpec, makeEnv } from "../src/envs/registry.ts";
import { policyReturns } from "../src/evaluation/policy-return.ts";
import { pairedComparison } from "../src/evaluation/seed-stats.ts";
import { ALGORITHM1_DEFAULTS as cfg } from "../src/observer/algorithm-1/algorithm-1-config.ts";
import { splitByUpdate } from "../src/observer/algorithm-1/algorithm-1-data.ts";
import { fitGaussianEarlyStop } from "../src/observer/algorithm-1/algorithm-1-fit.ts";
import { gaussianNet } from "../src/observer/algorithm-1/algorithm-1-losses.ts";
import { streamSeed } from "../src/experiments/engine/streams.ts";

const [file, store] = process.argv.slice(2);
if (!file || !store) throw new Error("usage: node --import tsx scripts/clone-warm-start.ts RESULTS.json STORE_DIR");
const doc = JSON.parse(readFileSync(file, "utf8")) as {
  scale: { evalEpisodes: number }; cells: Array<{ key: string; label: string }>; envs: Array<{ id: string; window: number[]; runs: Array<{ seed: number }> }>;
};
const mujoco = await loadMujoco();
type Net = ReturnType<typeof gaussianNet>;
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));
const cmp = (a: number[], b: number[], rng: Rng, flip = false) => {
  const c = flip ? pairedComparison(b, a, rng) : pairedComparison(a, b, rng);
  return `${fmt(flip ? -c.meanDiff : c.meanDiff)} [${fmt(flip ? -c.ci95[1] : c.ci95[0])}, ${fmt(flip ? -c.ci95[0] : c.ci95[1])}], p ${c.pValue.toPrecision(2)}`;
};
const pooled = { nll: [[], []] as number[][] };
const stats = new Rng(20261206);

for (const env of doc.envs) {
  const make = () => makeEnv(env.id, {}, envSpec(env.id).needsMujoco ? { mujoco } : {});
  const rows: Array<{ seed: number; nll: [number, number]; sampled: [number, number]; mean: [number, number] }> = [];
  for (const run of env.runs) {
    const learner = doc.cells.find((c) => c.label === `table3/full/${env.id}/seed-${run.seed}/learner`);
    const path = learner && join(store, "work", learner.key, "history.npz");
    if (!path || !existsSync(path)) { console.log(`${env.id} seed ${run.seed}: no learner history in ${store}; skipped`); continue; }
    const { data, norm } = splitByUpdate(readHistoryColumns(path), { updates: env.window, clipObs: cfg.clipObs });
    const K = data.updates.length, D = data.obs[0]!.length / data.sizes[0]!, A = data.actions[0]!.length / data.sizes[0]!;
    const opts = { holdout: cfg.holdout, every: cfg.validateEvery, patience: cfg.patience, maxSteps: cfg.policySteps, lr: cfg.learningRate };
    const fit = (k: number, init: Net | null, seed: number) => {
      const rng = new Rng(seed), g = gaussianNet(D, A, cfg.policyHidden, rng.split());
      if (init) g.net.load(init.net.snapshot());
      return { g, nll: fitGaussianEarlyStop(g, data.obs[k]!, data.actions[k]!, data.sizes[k]!, opts, rng.split(), (t) => `clone ${k} step ${t}`, () => {}).loss };
    };
    const seedOf = (k: number) => streamSeed("clone-warm-start", env.id, run.seed, k);
    const cold = fit(K - 1, null, seedOf(K - 1));
    let prev: Net | null = null, warm = cold;
    for (let k = 0; k < K; k++) { warm = fit(k, prev, seedOf(k)); prev = warm.g; } // update K − 1: the same split as cold
    const score = (g: Net, mode: "stochastic" | "deterministic") => policyReturns(
      { policy: g.net.toJSON(), logStd: Array.from(g.dist.logStd), obsNorm: norm.stats.toJSON(), clipObs: norm.clip }, make,
      { episodes: doc.scale.evalEpisodes, mode, seed: 10_000 + 1000 * run.seed }).mean;
    const r = { seed: run.seed, nll: [cold.nll, warm.nll] as [number, number], sampled: [score(cold.g, "stochastic"), score(warm.g, "stochastic")] as [number, number], mean: [score(cold.g, "deterministic"), score(warm.g, "deterministic")] as [number, number] };
    rows.push(r);
    console.log(`${env.id} seed ${run.seed}: held-out NLL ${fmt(r.nll[0])} → ${fmt(r.nll[1])}; sampled ${fmt(r.sampled[0])} → ${fmt(r.sampled[1])}; mean action ${fmt(r.mean[0])} → ${fmt(r.mean[1])}`);
  }
  if (rows.length === 0) continue;
  const col = (k: "nll" | "sampled" | "mean", i: 0 | 1) => rows.map((r) => r[k][i]);
  pooled.nll[0]!.push(...col("nll", 0));
  pooled.nll[1]!.push(...col("nll", 1));
  console.log(`${env.id} (${rows.length} seeds), warm − cold: held-out NLL ${cmp(col("nll", 1), col("nll", 0), stats.split(), true)} (p of "lower"); sampled ${cmp(col("sampled", 1), col("sampled", 0), stats.split())}; mean action ${cmp(col("mean", 1), col("mean", 0), stats.split())}`);
}
console.log(`pooled (${pooled.nll[0]!.length} runs), warm − cold held-out NLL: ${cmp(pooled.nll[1]!, pooled.nll[0]!, stats.split(), true)} (p of "lower")`);
