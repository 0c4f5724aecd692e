/** Vega-Lite specs rendered to inline SVG in the page (vega + vega-lite, bundled; nothing fetched). */
import { compile, type TopLevelSpec } from "vega-lite";
import { parse, View } from "vega";
import { h } from "./dom.ts";

export type { TopLevelSpec };

export async function plot(spec: TopLevelSpec, testId?: string): Promise<HTMLElement> {
  const el = h("div", { class: "plot", dataset: testId ? { testid: testId } : {} });
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  el.innerHTML = await view.toSVG();
  view.finalize();
  return el;
}
