/**
 * Renders a Vega-Lite spec to an SVG string in Node: `vega-lite` compiles it to a Vega spec, a headless `vega`
 * View (renderer "none") lays it out and `toSVG()` serialises it. No browser, no canvas: text widths are
 * estimated by vega's built-in metrics, so leave a little slack around long labels.
 *
 * Usage: `const svg = await vegaLiteToSvg(spec); writeFileSync("plot.svg", svg);`
 */
import { compile, type TopLevelSpec } from "vega-lite";
import { parse, View } from "vega";

export type { TopLevelSpec };

export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parse(vegaSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
