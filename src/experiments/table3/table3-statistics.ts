/**
 * Table 3's benchmark statistics as rliable computes them (Agarwal et al. 2021; src/evaluation/, docs/statistics.md),
 * pooled over envs, for sampled-action AND mean-action returns:
 * - per policy, the aggregates (IQM, mean, median, optimality gap at 1) of the normalised scores of all runs of all
 *   envs, with stratified-bootstrap 95% CIs;
 * - P(observer > X) for the learner's last observed policy and every control (runs resampled within each env);
 * - observer − X paired by seed, pooled over envs (mean over envs of the per-env mean differences) with a
 *   stratified-bootstrap CI and a sign-flip p-value;
 * - performance profiles (fraction of runs with normalised score > τ) with bootstrap bands.
 * Normalisation (the paper's): sampled returns by the learner's sampled first/last observed scores; mean-action
 * returns by the learner's MEAN-ACTION first/last scores (so 1 = the learner's last policy played the same way).
 * Only runs whose reference improved (last > first) enter: the scale of the others is meaningless or flipped.
 * Per env: reward quality over seeds (Pearson, Spearman, EPIC), and the done-when checks (table3-done-when.ts).
 */
import { Rng } from "../../core/rng.ts";
import { aggregateIntervals } from "../../evaluation/aggregate-intervals.ts";
import { normalisedScore } from "../../evaluation/normalised-score.ts";
import { pairedDifferences } from "../../evaluation/paired-difference.ts";
import { performanceProfile, tauGrid } from "../../evaluation/performance-profile.ts";
import { probabilityOfImprovementInterval } from "../../evaluation/probability-of-improvement.ts";
import { pairedComparison, seedStats, type SeedStats } from "../../evaluation/seed-stats.ts";
import { streamSeed } from "../engine/streams.ts";
import { OBSERVER_ID } from "./methods/method-registry.ts";
import { table3DoneWhen } from "./table3-done-when.ts";
import type { BaselineRewardQualitySummary, KindStatistics, RewardQuality, RewardQualityPairedDiff, RewardQualitySummary, Table3Statistics } from "./table3-statistics-types.ts";
import type { Table3EnvResult, Table3Run } from "./table3.ts";

export type ReturnKind = "sampled" | "meanAction";
export const RESAMPLES = 2000;

/**
 * The bootstrap stream of one statistic, keyed by what it measures (env, return kind, method, ...): adding a
 * method, a control or a baseline to the table moves no other number, and every report is reproducible.
 */
export function bootstrapStream(...key: ReadonlyArray<string | number>): Rng {
  return new Rng(streamSeed("table3-bootstrap", ...key));
}

export function summariseRewardQuality(env: string, runs: readonly Table3Run[]): RewardQualitySummary | null {
  return summariseQualities(runs.flatMap((r) => (r.rewardQuality ? [r.rewardQuality] : [])), (m) => bootstrapStream(env, "reward-quality", m));
}

/** `stream(measure)`: the bootstrap stream of each measure. */
function summariseQualities(rq: readonly RewardQuality[], stream: (measure: string) => Rng): RewardQualitySummary | null {
  if (rq.length === 0) return null;
  const stat = (measure: string, f: (x: (typeof rq)[number]) => number | null): SeedStats | null => {
    const xs = rq.map(f).filter((x): x is number => x !== null);
    return xs.length > 0 ? seedStats(xs, stream(measure)) : null;
  };
  return {
    pearson: stat("pearson", (x) => x.pearson), spearman: stat("spearman", (x) => x.spearman), epic: stat("epic", (x) => x.epic),
    episodesPerSeed: rq[0]!.episodes, policies: rq[0]!.policies, epicTrueRewardExact: rq[0]!.epicTrueRewardExact, proxyCorrelation: stat("proxy", (x) => x.proxyCorrelation),
  };
}

/**
 * Per reward-learning baseline (in the order of `labels`): its reward quality over the seeds, and r̄φ paired against
 * it by seed on each measure (Pearson, Spearman: r̄φ − baseline; EPIC, lower is better: baseline − r̄φ), so a positive
 * difference always means the observer's recovered reward agrees better with the true reward.
 */
export function summariseBaselineRewardQuality(env: string, runs: readonly Table3Run[], labels: ReadonlyMap<string, string>): Record<string, BaselineRewardQualitySummary> {
  const out: Record<string, BaselineRewardQualitySummary> = {};
  for (const [id, label] of labels) {
    const mine = runs.filter((r) => r.rewardQualityBaselines?.[id]);
    const summary = summariseQualities(mine.map((r) => r.rewardQualityBaselines![id]!), (m) => bootstrapStream(env, "reward-quality", id, m));
    if (!summary) continue;
    const paired = (measure: string, f: (q: RewardQuality) => number | null, lowerIsBetter: boolean): RewardQualityPairedDiff | null => {
      const pairs = mine.flatMap((r) => {
        const o = r.rewardQuality ? f(r.rewardQuality) : null, b = f(r.rewardQualityBaselines![id]!);
        return o === null || b === null ? [] : [lowerIsBetter ? [b, o] : [o, b]];
      });
      if (pairs.length < 2) return null;
      const c = pairedComparison(pairs.map((p) => p[0]!), pairs.map((p) => p[1]!), bootstrapStream(env, "reward-quality", id, "paired", measure));
      return { n: pairs.length, ...c };
    };
    out[id] = {
      ...summary, method: id, label, seeds: mine.map((r) => r.seed),
      observerBetter: { pearson: paired("pearson", (q) => q.pearson, false), spearman: paired("spearman", (q) => q.spearman, false), epic: paired("epic", (q) => q.epic, true) },
    };
  }
  return out;
}

/** Per run: the reference (first, last) and the value of a policy, for one return kind. */
function accessors(kind: ReturnKind): { ref: (r: Table3Run) => [number, number]; value: (r: Table3Run, id: string) => number } {
  if (kind === "sampled") return { ref: (r) => [r.learnerFirst, r.learnerLast], value: (r, id) => (id === "learnerLast" ? r.learnerLast : r.scores[id]!) };
  return { ref: (r) => [r.meanAction.learnerFirst!, r.meanAction.learnerLast!], value: (r, id) => r.meanAction[id]! };
}

function kindStatistics(envs: readonly Table3EnvResult[], methodIds: readonly string[], kind: ReturnKind): KindStatistics | null {
  const { ref, value } = accessors(kind);
  const used = envs.map((e) => ({ env: e.id, runs: e.runs.filter((r) => { const [f, l] = ref(r); return Number.isFinite(f) && Number.isFinite(l) && l > f; }) })).filter((e) => e.runs.length > 0);
  if (used.length === 0) return null;
  const ids = methodIds.filter((id) => used.every((e) => e.runs.every((r) => Number.isFinite(value(r, id)))));
  const matrix = (id: string): number[][] => used.map((e) => e.runs.map((r) => { const [f, l] = ref(r); return normalisedScore(value(r, id), f, l); }));
  const aggregates = aggregateIntervals(Object.fromEntries(ids.map((id) => [id, matrix(id)])), bootstrapStream(kind, "aggregates"), { resamples: RESAMPLES });
  const against = ["learnerLast", ...ids.filter((id) => id !== OBSERVER_ID)];
  const obs = matrix(OBSERVER_ID);
  const probabilityOfImprovement: KindStatistics["probabilityOfImprovement"] = {};
  const pairedPooled: KindStatistics["pairedPooled"] = {};
  for (const id of against) {
    const other = matrix(id);
    const poi = probabilityOfImprovementInterval(obs, other, bootstrapStream(kind, "improvement", id), { resamples: RESAMPLES });
    probabilityOfImprovement[id] = { point: poi.point, ci: poi.ci, perEnv: poi.perTask };
    const pd = pairedDifferences(used.map((e, t) => ({ task: e.env, a: obs[t]!, b: other[t]!, seeds: e.runs.map((r) => r.seed) })), bootstrapStream(kind, "paired", id), { resamples: RESAMPLES });
    pairedPooled[id] = { tasks: pd.pooled.tasks, pairs: pd.pooled.pairs, meanDiff: pd.pooled.meanDiff, ci: pd.pooled.ci, pValue: pd.pooled.pValue };
  }
  const all = ids.flatMap((id) => matrix(id).flat());
  const lo = Math.min(0, Math.floor(Math.min(...all))), hi = Math.max(2, Math.ceil(Math.max(...all)));
  const taus = tauGrid(lo, hi, 81);
  const profiles = Object.fromEntries(ids.map((id) => [id, performanceProfile(matrix(id), taus, bootstrapStream(kind, "profile", id), { resamples: RESAMPLES })]));
  return { envs: used.map((e) => ({ env: e.env, seeds: e.runs.map((r) => r.seed) })), aggregates, probabilityOfImprovement, pairedPooled, profiles };
}

/** The pooled statistics and the done-when checks of a Table 3 result's envs. */
export function table3Statistics(envs: readonly Table3EnvResult[]): Table3Statistics {
  const methodIds = Object.keys(envs[0]!.runs[0]!.scores);
  return {
    level: 0.95, resamples: RESAMPLES,
    sampled: kindStatistics(envs, methodIds, "sampled"),
    meanAction: kindStatistics(envs, methodIds, "meanAction"),
    doneWhen: table3DoneWhen(envs),
  };
}
