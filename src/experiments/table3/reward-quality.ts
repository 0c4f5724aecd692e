/**
 * Reward quality of one (env, seed) of Table 3: how well the reward Algorithm 1 recovered agrees with the TRUE
 * reward on held-out rollouts of MANY policies — the learner's policies before and after the observed window
 * (snapshots kept by the learner cell; after the window they are better than anything observed), the clone
 * π̂K, and a uniformly random policy.
 *
 * - Return correlation (src/evaluation/return-correlation.ts): per episode, the recovered return Σ r̄φ(s, a, s′)
 *   against the true return (the env's reward, recorded while rolling out); Pearson and Spearman.
 * - EPIC distance (src/evaluation/epic-distance.ts, sample-based): between r̄φ and the true reward written as a
 *   function of observations (observation-reward.ts; exact on Pendulum and Reacher, a forward-velocity proxy on
 *   the locomotion envs — `proxyCorrelation` says how well it matches the recorded reward), over (a subsample
 *   of) the rollouts' transitions, with D_S = visited states and D_A = visited actions drawn independently.
 *
 * Every rollout is reset from seeds of its own (never the evaluation seeds of the scores), actions sampled from
 * the policy (stochastic) and clipped to the action bounds as in training.
 */
import { NumericalError } from "../../core/errors.ts";
import { Rng } from "../../core/rng.ts";
import type { BoxEnv } from "../../envs/env.ts";
import type { PpoActorJson } from "../../learners/ppo.ts";
import { MLP } from "../../nn/mlp.ts";
import { RunningMeanStd } from "../../nn/running-mean-std.ts";
import type { RewardFn, TransitionBatch } from "../../rewards/reward-fn.ts";
import { pearson } from "../../core/correlation.ts";
import { epicDistanceSampled } from "../../evaluation/epic-distance.ts";
import { returnCorrelation } from "../../evaluation/return-correlation.ts";
import { observationReward } from "./observation-reward.ts";
import type { RewardQuality } from "./table3-statistics-types.ts";

/** A policy rolled out: a PPO actor or uniform random actions. */
export interface RolloutPolicy {
  /** e.g. "learner k=12", "clone π̂K", "random". */
  source: string;
  actor: PpoActorJson | "random";
}

export interface Rollouts {
  batch: TransitionBatch;
  /** The env's reward per transition. */
  envReward: Float64Array;
  /** Per episode: its policy's source and its first transition's row. */
  episodes: Array<{ source: string; start: number; length: number; trueReturn: number }>;
}

/** Stochastic rollouts of every policy, `episodes` each; env i of policy p reset with seed + 100·p + i. */
export function collectRollouts(policies: readonly RolloutPolicy[], makeEnv: () => BoxEnv, opts: { episodes: number; seed: number }): Rollouts {
  const obs: number[] = [], next: number[] = [], acts: number[] = [], term: number[] = [], rew: number[] = [];
  const episodes: Rollouts["episodes"] = [];
  const rng = new Rng(opts.seed);
  policies.forEach((p, pi) => {
    const net = p.actor === "random" ? null : MLP.fromJSON(p.actor.policy);
    const norm = p.actor !== "random" && p.actor.obsNorm ? RunningMeanStd.fromJSON(p.actor.obsNorm) : null;
    const std = p.actor === "random" ? [] : p.actor.logStd.map(Math.exp);
    const clipObs = p.actor === "random" ? undefined : p.actor.clipObs;
    for (let e = 0; e < opts.episodes; e++) {
      const env = makeEnv();
      try {
        const { low, high } = env.actionSpace;
        const D = env.observationSpace.shape, A = env.actionSpace.shape;
        let s = env.reset({ seed: opts.seed + 100 * pi + e }).observation;
        const start = rew.length;
        let ret = 0;
        const x = new Float64Array(D), a = new Float64Array(A);
        for (;;) {
          if (net) {
            if (norm) norm.normalize(s, x, 1, clipObs);
            else x.set(s);
            const mean = net.forward(x, 1);
            for (let j = 0; j < A; j++) a[j] = mean[j]! + std[j]! * rng.normal();
          } else for (let j = 0; j < A; j++) a[j] = rng.uniformIn(low[j]!, high[j]!);
          for (let j = 0; j < A; j++) a[j] = Math.min(high[j]!, Math.max(low[j]!, a[j]!));
          const r = env.step(a);
          if (!Number.isFinite(r.reward)) throw new NumericalError(`reward quality: non-finite env reward ${r.reward} (${p.source})`);
          obs.push(...s); acts.push(...a); next.push(...r.observation); term.push(r.terminated ? 1 : 0); rew.push(r.reward);
          ret += r.reward;
          s = r.observation;
          if (r.terminated || r.truncated) break;
        }
        episodes.push({ source: p.source, start, length: rew.length - start, trueReturn: ret });
      } finally {
        env.close();
      }
    }
  });
  return {
    batch: { n: rew.length, obs: Float64Array.from(obs), actions: Float64Array.from(acts), nextObs: Float64Array.from(next), terminated: Uint8Array.from(term) },
    envReward: Float64Array.from(rew),
    episodes,
  };
}

export type { RewardQuality } from "./table3-statistics-types.ts";

const orNull = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch (e) {
    if (e instanceof NumericalError) return null;
    throw e;
  }
};

/** The measures above on collected rollouts; `epicTransitions`/`epicSamples` cap the EPIC cost. */
export function rewardQuality(envId: string, recovered: RewardFn, ro: Rollouts, opts: { gamma: number; epicTransitions: number; epicSamples: number; seed: number }): RewardQuality {
  const r = recovered.evaluate(ro.batch);
  const points = ro.episodes.map((e) => {
    let s = 0;
    for (let i = e.start; i < e.start + e.length; i++) s += r[i]!;
    return { source: e.source, trueReturn: e.trueReturn, recoveredReturn: s };
  });
  const corr = orNull(() => returnCorrelation(points.map((p) => p.recoveredReturn), points.map((p) => p.trueReturn)));
  const truth = observationReward(envId);
  const rng = new Rng(opts.seed);
  const { n } = ro.batch, D = recovered.obsDim, A = recovered.actDim;
  const pick = (k: number): Int32Array => rng.permutation(n).subarray(0, Math.min(k, n));
  let epic: number | null = null, nT = 0, nS = 0, proxy: number | null = null;
  if (truth && truth.fn.obsDim === D && truth.fn.actDim === A && n >= 2) {
    proxy = orNull(() => pearson(truth.fn.evaluate(ro.batch), ro.envReward));
    const rows = pick(opts.epicTransitions);
    const sub = (src: Float64Array, dim: number, idx: Int32Array): Float64Array => {
      const out = new Float64Array(idx.length * dim);
      idx.forEach((row, i) => out.set(src.subarray(row * dim, (row + 1) * dim), i * dim));
      return out;
    };
    const transitions: TransitionBatch = { n: rows.length, obs: sub(ro.batch.obs, D, rows), actions: sub(ro.batch.actions, A, rows), nextObs: sub(ro.batch.nextObs, D, rows), terminated: Uint8Array.from(rows, (i) => ro.batch.terminated[i]!) };
    // D_S and D_A: visited states and visited actions, drawn independently of each other.
    const states = sub(ro.batch.obs, D, pick(opts.epicSamples)), actions = sub(ro.batch.actions, A, pick(opts.epicSamples));
    const res = orNull(() => epicDistanceSampled(recovered, truth.fn, { gamma: opts.gamma, transitions, states, actions }));
    if (res) {
      epic = res.distance;
      nT = res.n;
      nS = res.m;
    }
  }
  return {
    episodes: points.length, policies: [...new Set(points.map((p) => p.source))],
    pearson: corr?.pearson ?? null, spearman: corr?.spearman ?? null,
    epic, epicTransitions: nT, epicSamples: nS, epicTrueRewardExact: truth ? truth.exact : null, proxyCorrelation: proxy, points,
  };
}
