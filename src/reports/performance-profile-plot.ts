/**
 * Performance profiles (evaluation/performance-profile.ts) drawn as rliable draws them: per method, the fraction
 * of runs with score > τ against τ, with its stratified-bootstrap band shaded. Methods are coloured in the order
 * given; the dashed rule marks τ = 1 (on our normalisation: the learner's last observed policy).
 *
 * Usage: `writeFileSync("profile.svg", await renderPerformanceProfile({ observer: p1, learner: p2 }));`
 */
import type { PerformanceProfile } from "../evaluation/performance-profile.ts";
import { vegaLiteToSvg, type TopLevelSpec } from "./vega-svg.ts";

export interface ProfilePlotOptions {
  title?: string;
  /** x-axis title (default "normalised score τ"). */
  xTitle?: string;
  /** Where to draw the dashed reference rule (default 1; null for none). */
  reference?: number | null;
}

export function performanceProfileSpec(profiles: Readonly<Record<string, PerformanceProfile>>, opts: ProfilePlotOptions = {}): TopLevelSpec {
  const methods = Object.keys(profiles);
  const values = methods.flatMap((method) => {
    const p = profiles[method]!;
    return p.taus.map((tau, i) => ({ method, tau, fraction: p.fraction[i], lo: p.lo[i], hi: p.hi[i] }));
  });
  const level = Math.round(100 * (profiles[methods[0]!]?.level ?? 0.95));
  const x = { field: "tau", type: "quantitative", title: opts.xTitle ?? "normalised score τ" };
  const color = { field: "method", type: "nominal", sort: methods, title: null, legend: { orient: "bottom" } };
  const layers: Record<string, unknown>[] = [
    { mark: { type: "area", opacity: 0.2, interpolate: "step-after" }, encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color } },
    {
      mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
      encoding: { x, y: { field: "fraction", type: "quantitative", title: "fraction of runs with score > τ", scale: { domain: [0, 1] } }, color },
    },
  ];
  const reference = opts.reference === undefined ? 1 : opts.reference;
  if (reference !== null) layers.push({ data: { values: [{ tau: reference }] }, mark: { type: "rule", strokeDash: [4, 3], color: "#555" }, encoding: { x } });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title ?? "Performance profiles", subtitle: `shaded: ${level}% stratified-bootstrap band`, anchor: "start" },
    width: 420, height: 260,
    data: { values },
    layer: layers,
  } as unknown as TopLevelSpec; // plain objects; vega-lite's compile checks the shape at run time
}

export function renderPerformanceProfile(profiles: Readonly<Record<string, PerformanceProfile>>, opts: ProfilePlotOptions = {}): Promise<string> {
  return vegaLiteToSvg(performanceProfileSpec(profiles, opts));
}
