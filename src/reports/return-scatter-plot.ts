/**
 * Recovered-vs-true episode returns (the data behind evaluation/return-correlation.ts): one point per held-out
 * rollout, x its true return, y its return under the recovered reward, coloured by the policy that produced it
 * (learner updates, observer, random, PPO on the true reward, ...). The subtitle gives Pearson's and Spearman's ρ
 * when passed. A reward that ranks episodes like the true one shows a rising cloud.
 *
 * Usage: `renderReturnScatter(points, { title: "Hopper-v5", correlation: returnCorrelation(rec, tru) })`
 */
import type { ReturnCorrelation } from "../evaluation/return-correlation.ts";
import { vegaLiteToSvg, type TopLevelSpec } from "./vega-svg.ts";

export interface ReturnPoint {
  /** Which policy the rollout came from (the legend). */
  source: string;
  trueReturn: number;
  recoveredReturn: number;
}

export function returnScatterSpec(points: readonly ReturnPoint[], opts: { title?: string; correlation?: ReturnCorrelation } = {}): TopLevelSpec {
  const sources = [...new Set(points.map((p) => p.source))];
  const c = opts.correlation;
  const subtitle = c === undefined ? `${points.length} rollouts` : `${c.n} rollouts; Pearson ρ = ${c.pearson.toFixed(3)}, Spearman ρ = ${c.spearman.toFixed(3)}`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title ?? "Recovered vs true returns", subtitle, anchor: "start" },
    width: 360, height: 300,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "point", filled: true, opacity: 0.7, size: 40 },
    encoding: {
      x: { field: "trueReturn", type: "quantitative", title: "true return", scale: { zero: false } },
      y: { field: "recoveredReturn", type: "quantitative", title: "recovered return", scale: { zero: false } },
      color: { field: "source", type: "nominal", sort: sources, title: "policy", legend: { orient: "bottom" } },
      shape: { field: "source", type: "nominal", sort: sources, title: "policy", legend: { orient: "bottom" } },
    },
  } as unknown as TopLevelSpec;
}

export function renderReturnScatter(points: readonly ReturnPoint[], opts: { title?: string; correlation?: ReturnCorrelation } = {}): Promise<string> {
  return vegaLiteToSvg(returnScatterSpec(points, opts));
}
