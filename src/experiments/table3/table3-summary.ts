/**
 * Table 3's statistics: one (env, seed) run assembled from its cells, and per env the statistics over seeds —
 * mean ± std, the paper's normalisation, the pooled normalisation, and the observer paired against the learner's
 * last observed policy and against every other method (sampled and mean-action returns). Metric lists come from
 * the method registry.
 */
import { normalisedScore, pooledNormalisedScore } from "../../evaluation/normalised-score.ts";
import { pairedComparison, seedStats } from "../../evaluation/seed-stats.ts";
import { KNOWN_TABLE3_METHODS, OBSERVER_ID, TABLE3_METHODS } from "./methods/method-registry.ts";
import type { Table3Method } from "./methods/method.ts";
import { bootstrapStream, summariseBaselineRewardQuality, summariseRewardQuality } from "./table3-statistics.ts";
import { TABLE3_PAPER, type Algorithm1StageResult, type CurvePoint, type LearnerStageResult, type MethodStageResult, type PairedDiff, type Table3EnvResult, type Table3Run } from "./table3.ts";

/**
 * Every method's final score, mean-action score and curve: PPO methods from their cells, BC from the clone's
 * scores, "learner continued" from `continued` (absent for an outside history: the method is then skipped).
 */
export function methodScores(methodList: readonly Table3Method[], alg: Algorithm1StageResult, methods: ReadonlyMap<string, MethodStageResult>, continued?: { final: number; meanAction: number; curve: CurvePoint[] }): { scores: Record<string, number>; meanAction: Record<string, number>; curves: Record<string, CurvePoint[]> } {
  const scores: Record<string, number> = {}, meanAction: Record<string, number> = {}, curves: Record<string, CurvePoint[]> = {};
  for (const m of methodList) {
    if (m.kind === "derived" && m.from === "clone") {
      scores[m.id] = alg.bc.mean;
      meanAction[m.id] = alg.bcMeanAction;
    } else if (m.kind === "derived") {
      if (!continued) continue;
      scores[m.id] = continued.final;
      meanAction[m.id] = continued.meanAction;
      curves[m.id] = continued.curve;
    } else {
      const r = methods.get(m.id)!;
      scores[m.id] = r.final.mean;
      meanAction[m.id] = r.finalMeanAction;
      curves[m.id] = r.curve;
    }
  }
  return { scores, meanAction, curves };
}

/** One (env, seed) from its learner, Algorithm 1 and method cells (`methods` by id; derived methods need none). */
export function table3Run(env: string, seed: number, window: readonly number[], learner: LearnerStageResult, alg: Algorithm1StageResult, methods: ReadonlyMap<string, MethodStageResult>, wallSeconds: Record<string, number>, methodList: readonly Table3Method[] = TABLE3_METHODS): Table3Run {
  const first = window[0]!, last = window[window.length - 1]!;
  const learnerFirst = learner.observed.find((o) => o.update === first)!.mean;
  const learnerLast = learner.observed.find((o) => o.update === last)!.mean;
  const learnerBest = Math.max(...learner.observed.map((o) => o.mean));
  const continued = { final: learner.continuedFinal.mean, meanAction: learner.meanAction.continued, curve: learner.continuedCurve };
  const own = methodScores(methodList, alg, methods, continued);
  const scores = own.scores, meanAction = { learnerFirst: learner.meanAction.first, learnerLast: learner.meanAction.last, ...own.meanAction };
  const curves: Table3Run["curves"] = { learner: learner.observed.map((o) => ({ update: o.update, mean: o.mean })), ...own.curves };
  const norm = (x: number): number | null => (learnerLast === learnerFirst ? null : normalisedScore(x, learnerFirst, learnerLast));
  const normalised: Table3Run["normalised"] = { learnerBest: norm(learnerBest), ...Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, norm(v)])) };
  return { env, seed, learnerFirst, learnerLast, learnerBest, learnerImproved: learnerLast > learnerFirst, scores, meanAction, normalised, curves, wallSeconds, algorithm1: alg.diagnostics };
}

/** Value of a score key for one run: "learnerFirst" | "learnerLast" | "learnerBest" | a method id. */
export function scoreOf(r: Table3Run, key: string): number {
  return key === "learnerFirst" || key === "learnerLast" || key === "learnerBest" ? r[key] : r.scores[key]!;
}

export function summariseEnv(id: string, window: number[], runs: Table3Run[], methodList: readonly Table3Method[] = TABLE3_METHODS): Table3EnvResult {
  const stream = (...key: string[]) => bootstrapStream(id, ...key); // one per statistic: a new method moves no other number
  const ids = methodList.map((m) => m.id);
  const absoluteKeys = ["learnerFirst", "learnerLast", "learnerBest", ...ids];
  const absolute = Object.fromEntries(absoluteKeys.map((k) => [k, seedStats(runs.map((r) => scoreOf(r, k)), stream("absolute", k))]));
  const improved = runs.filter((r) => r.learnerImproved);
  const normalised = Object.fromEntries(["learnerBest", ...ids].map((k) => [k, improved.length ? seedStats(improved.map((r) => r.normalised[k]!), stream("normalised", k)) : null]));
  const firsts = runs.map((r) => r.learnerFirst), lasts = runs.map((r) => r.learnerLast);
  const pooledOk = lasts.reduce((s, x) => s + x, 0) > firsts.reduce((s, x) => s + x, 0);
  const pooled = Object.fromEntries(["learnerBest", ...ids].map((k) => [k, pooledOk ? pooledNormalisedScore(runs.map((r) => scoreOf(r, k)), firsts, lasts) : null]));
  const meanAction = Object.fromEntries(["learnerFirst", "learnerLast", ...ids].map((k) => [k, seedStats(runs.map((r) => r.meanAction[k]!), stream("mean-action", k))]));
  const against = ["learnerLast", ...ids.filter((k) => k !== OBSERVER_ID)];
  const paired = (kind: string, xs: (r: Table3Run, k: string) => number): Record<string, PairedDiff | null> =>
    Object.fromEntries(against.map((k) => [k, runs.length >= 2 ? pairedComparison(runs.map((r) => xs(r, OBSERVER_ID)), runs.map((r) => xs(r, k)), stream("paired", kind, k)) : null]));
  return {
    id, window, paper: TABLE3_PAPER.find((p) => p.id === id) ?? null, runs, absolute, normalised, pooled, meanAction,
    comparisons: paired("sampled", scoreOf), comparisonsMeanAction: paired("mean-action", (r, k) => r.meanAction[k]!),
    ...(runs.some((r) => r.rewardQuality) ? { rewardQuality: summariseRewardQuality(id, runs) } : {}),
    ...(runs.some((r) => r.rewardQualityBaselines) ? { rewardQualityBaselines: summariseBaselineRewardQuality(id, runs, baselineLabels(runs, methodList)) } : {}),
  };
}

/** The baselines with a reward-quality row in any run, in registry order, labelled from the registry. */
function baselineLabels(runs: readonly Table3Run[], methodList: readonly Table3Method[]): Map<string, string> {
  const present = new Set(runs.flatMap((r) => Object.keys(r.rewardQualityBaselines ?? {})));
  const known = [...methodList, ...KNOWN_TABLE3_METHODS.filter((m) => !methodList.includes(m))];
  return new Map([...known.filter((m) => present.has(m.id)).map((m) => [m.id, m.label] as const), ...[...present].filter((id) => !known.some((m) => m.id === id)).map((id) => [id, id] as const)]);
}
