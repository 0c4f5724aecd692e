/** SVG heatmaps for tabular rewards and policies (plain SVG: many small, fast redraws). */
const NS = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Diverging blue–white–red colour for t in [−1, 1]. */
function colour(t: number): string {
  const c = Math.max(-1, Math.min(1, t));
  const lerp = (a: number, b: number, u: number): number => Math.round(a + (b - a) * u);
  return c >= 0 ? `rgb(${lerp(255, 200, c)},${lerp(255, 60, c)},${lerp(255, 50, c)})` : `rgb(${lerp(255, 40, -c)},${lerp(255, 100, -c)},${lerp(255, 200, -c)})`;
}

export interface HeatOptions {
  rows: number;
  cols: number;
  caption: string;
  cell?: number;
  /** Arrows: per cell, action probabilities (nA = 4, the grid's down/up/left/right) drawn as arrows. */
  arrows?: number[][] | null;
  labels?: boolean;
  testId?: string;
}

/** values[rows·cols], centred on their mean and scaled by their largest deviation (shape, not offset). */
export function heatmap(values: readonly number[], o: HeatOptions): HTMLElement {
  const cell = o.cell ?? 46;
  const W = o.cols * cell, H = o.rows * cell;
  const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}` }) as SVGSVGElement;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const scale = Math.max(1e-12, ...values.map((v) => Math.abs(v - mean)));
  values.forEach((v, i) => {
    const x = (i % o.cols) * cell, y = Math.floor(i / o.cols) * cell;
    root.append(svg("rect", { x, y, width: cell, height: cell, fill: colour((v - mean) / scale), stroke: "#fff" }));
    if (o.labels !== false) {
      const t = svg("text", { x: x + cell / 2, y: y + cell / 2 + 4, "text-anchor": "middle", "font-size": 10, fill: "#222" });
      t.textContent = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
      root.append(t);
    }
    const pr = o.arrows?.[i];
    if (pr) {
      const dirs = [[0, 1], [0, -1], [-1, 0], [1, 0]]; // down, up, left, right (x = column, y = row)
      pr.forEach((p, a) => {
        if (p < 0.05) return;
        const [dx, dy] = dirs[a]!;
        const cx = x + cell / 2, cy = y + cell / 2, len = (cell / 2 - 4) * Math.min(1, p);
        root.append(svg("line", { x1: cx, y1: cy, x2: cx + dx! * len, y2: cy + dy! * len, stroke: "#111", "stroke-width": 1 + 2 * p, "stroke-linecap": "round" }));
      });
    }
  });
  const fig = document.createElement("figure");
  fig.className = "heat";
  if (o.testId) fig.dataset.testid = o.testId;
  const cap = document.createElement("figcaption");
  cap.textContent = o.caption;
  fig.append(root, cap);
  return fig;
}
