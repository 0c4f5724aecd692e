/**
 * Probability of improvement (evaluation/probability-of-improvement.ts) drawn as rliable draws it: one row per
 * comparison "X > Y", the interval as a bar from its lower to its upper end and the point estimate as a tick, on
 * [0, 1] with a dashed rule at 0.5 (no difference). A row whose whole bar is right of 0.5 supports "X beats Y".
 *
 * Usage: `renderProbabilityOfImprovement([{ x: "observer", y: "learner", point: 0.8, ci: [0.6, 0.95] }])`
 */
import { vegaLiteToSvg, type TopLevelSpec } from "./vega-svg.ts";

export interface ImprovementRow {
  x: string;
  y: string;
  point: number;
  ci: [number, number];
}

export function probabilityOfImprovementSpec(rows: readonly ImprovementRow[], opts: { title?: string; level?: number } = {}): TopLevelSpec {
  const values = rows.map((r) => ({ pair: `${r.x} > ${r.y}`, x: r.x, point: r.point, lo: r.ci[0], hi: r.ci[1] }));
  const order = values.map((v) => v.pair);
  const y = { field: "pair", type: "nominal", sort: order, title: null };
  const scale = { domain: [0, 1] };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title ?? "Probability of improvement P(X > Y)", subtitle: `bars: ${Math.round(100 * (opts.level ?? 0.95))}% stratified-bootstrap intervals`, anchor: "start" },
    width: 360,
    height: { step: 28 },
    data: { values },
    layer: [
      { mark: { type: "bar", opacity: 0.35, height: 14 }, encoding: { y, x: { field: "lo", type: "quantitative", scale, title: "P(X > Y)" }, x2: { field: "hi" }, color: { field: "x", type: "nominal", legend: null } } },
      { mark: { type: "tick", thickness: 2, size: 18 }, encoding: { y, x: { field: "point", type: "quantitative", scale }, color: { field: "x", type: "nominal", legend: null } } },
      { data: { values: [{ half: 0.5 }] }, mark: { type: "rule", strokeDash: [4, 3], color: "#555" }, encoding: { x: { field: "half", type: "quantitative", scale } } },
    ],
  } as unknown as TopLevelSpec;
}

export function renderProbabilityOfImprovement(rows: readonly ImprovementRow[], opts: { title?: string; level?: number } = {}): Promise<string> {
  return vegaLiteToSvg(probabilityOfImprovementSpec(rows, opts));
}
