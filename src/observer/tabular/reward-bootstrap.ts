/**
 * Uncertainty of the recovered reward by a bootstrap over the observed pairs: each replicate resamples, within
 * every update, that update's (s, a, s′) transitions with replacement (same size), re-estimates P̂ and π̂_k, and
 * refits the CHOSEN learner model and reward form, warm-started at the fit (the paper's least-squares Theorem-2
 * reward for spi/state-action, a maximum-likelihood refit of the simulated learner otherwise). The replicates give
 * the spread of the reward and of every return computed from it (observer-flags.ts, the non-improving flag).
 * Every reward is centred by its visit-weighted mean (a constant changes no policy).
 *
 * Usage: `const boot = bootstrapRewards(batches, spec, { model: "svi", form: "state" }, fitted, { alphaModel: 0.7, lambda: 0.3, replicates: 8, iterations: 20, seed: 0 });`
 */
import { Rng } from "../../core/rng.ts";
import { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { assumptionLearner, type Assumption } from "./assumption-selection.ts";
import { fitSimulatedLearner } from "./simulated-learner-fit.ts";
import { expandStateReward } from "./state-only-learner.ts";
import { invertSoftImprovement } from "./soft-policy-inversion.ts";
import { fitConsistentReward } from "./tabular-consistent-reward.ts";
import { estimatePolicy, estimateStart, estimateTransitionModel, visitCounts, type TabularBatch } from "./tabular-policy-estimation.ts";

export interface BootstrapOptions {
  alphaModel: number;
  lambda: number;
  /** λ per state rather than per observed action (estimatePolicy's `perState`). */
  perState?: boolean;
  replicates: number;
  iterations: number;
  seed: number;
}

export interface RewardBootstrap {
  /** Centred reward per replicate (nS·nA). */
  rewards: Float64Array[];
  /** π̂_0..π̂_K per replicate. */
  policies: Float64Array[][];
  /** P̂ per replicate (reward = the replicate's reward). */
  models: TabularMdp[];
  /** Standard deviation of the centred reward over replicates, per pair. */
  std: Float64Array;
}

/** r − its visit-weighted mean (visits + 1 per pair, so that unvisited pairs count a little). */
export function centreReward(r: Float64Array, visits: Float64Array): Float64Array {
  let s = 0, w = 0;
  for (let i = 0; i < r.length; i++) { s += (visits[i]! + 1) * r[i]!; w += visits[i]! + 1; }
  const c = s / w;
  return r.map((x) => x - c);
}

function resample(b: TabularBatch, rng: Rng): TabularBatch {
  const T = b.s.length, s = new Int32Array(T), a = new Int32Array(T), s2 = new Int32Array(T);
  for (let t = 0; t < T; t++) { const i = rng.int(T); s[t] = b.s[i]!; a[t] = b.a[i]!; s2[t] = b.s2[i]!; }
  return { s, a, s2, starts: b.starts };
}

export function bootstrapRewards(batches: readonly TabularBatch[], spec: { nS: number; nA: number; gamma: number }, chosen: Assumption, fitted: Float64Array, options: BootstrapOptions): RewardBootstrap {
  const { nS, nA, gamma } = spec, m = nS * nA, K = batches.length - 1;
  const rng = new Rng(options.seed);
  const rewards: Float64Array[] = [], policies: Float64Array[][] = [], models: TabularMdp[] = [];
  for (let r = 0; r < options.replicates; r++) {
    const bs = batches.map((b) => resample(b, rng));
    const counts = bs.map((b) => visitCounts(b, nS, nA));
    const { P, visits } = estimateTransitionModel(bs, nS, nA);
    const pis = counts.map((n) => estimatePolicy(n, nS, nA, options.lambda, options.perState ?? false));
    const model = new TabularMdp({ nS, nA, P, r: new Float64Array(m), start: estimateStart(bs, nS), gamma });
    let reward: Float64Array;
    if (chosen.model === "spi" && chosen.form === "state-action") {
      const targets: Float64Array[] = [];
      for (let k = 0; k < K; k++) targets.push(invertSoftImprovement(model, pis[k]!, pis[k + 1]!, options.alphaModel));
      reward = fitConsistentReward(targets, P, nS, nA, gamma).reward;
    } else {
      const { learner, theta0 } = assumptionLearner(chosen, { model, batches: bs, counts, policies: pis, alphaModel: options.alphaModel }, K, 0);
      // Warm start at the fit (its q0 stays the least-squares gauge).
      if (chosen.form === "state") for (let s = 0; s < nS; s++) theta0[s] = fitted[s * nA]!;
      else theta0.set(fitted.subarray(0, m));
      const fit = fitSimulatedLearner(learner, counts, options.alphaModel, nS, nA, theta0, options.iterations);
      reward = chosen.form === "state" ? expandStateReward(fit.theta, nS, nA) : fit.theta.slice(0, m);
    }
    reward = centreReward(reward, visits);
    rewards.push(reward);
    policies.push(pis);
    models.push(model.withReward(reward));
  }
  const std = new Float64Array(m);
  if (rewards.length > 1) {
    for (let i = 0; i < m; i++) {
      let s = 0, s2 = 0;
      for (const r of rewards) { s += r[i]!; s2 += r[i]! ** 2; }
      const mu = s / rewards.length;
      std[i] = Math.sqrt(Math.max(0, s2 / rewards.length - mu * mu));
    }
  }
  return { rewards, policies, models, std };
}
