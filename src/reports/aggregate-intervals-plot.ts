/**
 * Aggregate scores with confidence intervals per method (evaluation/aggregate-intervals.ts) drawn as rliable's
 * interval-estimate plot: one panel per aggregate (IQM, mean, median, optimality gap — each its own x scale), one
 * row per method, a bar over the stratified-bootstrap interval and a tick at the point estimate. Higher is better
 * except for the optimality gap (its panel title says so).
 *
 * Usage: `renderAggregateIntervals(aggregateIntervals({ observer, learner }, new Rng(0)))`
 */
import type { AggregateIntervals } from "../evaluation/aggregate-intervals.ts";
import type { AggregateMetricName } from "../evaluation/aggregate-metrics.ts";
import { vegaLiteToSvg, type TopLevelSpec } from "./vega-svg.ts";

export const AGGREGATE_TITLES: Readonly<Record<AggregateMetricName, string>> = {
  iqm: "IQM",
  mean: "mean",
  median: "median",
  optimalityGap: "optimality gap (lower is better)",
};

export function aggregateIntervalsSpec(
  byMethod: Readonly<Record<string, AggregateIntervals>>,
  opts: { metrics?: readonly AggregateMetricName[]; title?: string; level?: number } = {},
): TopLevelSpec {
  const methods = Object.keys(byMethod);
  const metrics = opts.metrics ?? (["iqm", "mean", "median", "optimalityGap"] as const);
  const panel = (metric: AggregateMetricName): Record<string, unknown> => {
    const values = methods.map((method) => {
      const e = byMethod[method]![metric];
      return { method, point: e.point, lo: e.ci[0], hi: e.ci[1] };
    });
    const y = { field: "method", type: "nominal", sort: methods, title: null };
    const color = { field: "method", type: "nominal", sort: methods, legend: null };
    return {
      title: AGGREGATE_TITLES[metric],
      width: 170,
      height: { step: 26 },
      data: { values },
      layer: [
        { mark: { type: "bar", opacity: 0.35, height: 14 }, encoding: { y, x: { field: "lo", type: "quantitative", title: null, scale: { zero: false } }, x2: { field: "hi" }, color } },
        { mark: { type: "tick", thickness: 2, size: 18 }, encoding: { y, x: { field: "point", type: "quantitative" }, color } },
      ],
    };
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title ?? "Aggregate scores", subtitle: `bars: ${Math.round(100 * (opts.level ?? 0.95))}% stratified-bootstrap intervals; ticks: point estimates`, anchor: "start" },
    hconcat: metrics.map(panel),
  } as unknown as TopLevelSpec;
}

export function renderAggregateIntervals(byMethod: Readonly<Record<string, AggregateIntervals>>, opts: { metrics?: readonly AggregateMetricName[]; title?: string; level?: number } = {}): Promise<string> {
  return vegaLiteToSvg(aggregateIntervalsSpec(byMethod, opts));
}
