/**
 * Fig. 3 of the paper: three heatmaps over the 5×5 grid, left to right — the true reward r(s), the reward
 * r̄1→2(s,a) recovered by Theorem 2, and the state-only r̄φ(s) of the §4.3 regression. r̄1→2 depends on the
 * action, so its panel splits each grid cell into a 3×3 block and colours the four side blocks with the reward of
 * the action that moves that way (down, up, left, right; centre and corners empty). Each panel has its own colour
 * scale: r̄φ equals r only up to a constant, so the same picture with shifted legend values is the expected result.
 *
 * Usage: `writeFileSync("fig3.svg", await renderFig3(runTable1()));`
 */
import type { Table1Result } from "../experiments/table1.ts";
import { vegaLiteToSvg, type TopLevelSpec } from "./vega-svg.ts";

/** [Δrow, Δcolumn] of each grid action, in the order of envs/tabular/grid-world.ts: down, up, left, right. */
const GRID_ACTION_OFFSETS: readonly (readonly [number, number])[] = [[1, 0], [-1, 0], [0, -1], [0, 1]];

export const FIG3_TITLES = ["true reward r(s)", "r̄1→2(s,a), Theorem 2", "r̄φ(s), state-only (§4.3)"] as const;

interface Cell {
  x0: number; x1: number; y0: number; y1: number; xc: number; yc: number; value: number; label: string;
  /** Label colour: white on the darkest fifth at either end of the panel's colour range. */
  ink?: string;
}

function inked(cells: Cell[]): Cell[] {
  const lo = Math.min(...cells.map((c) => c.value)), hi = Math.max(...cells.map((c) => c.value));
  const t = (v: number): number => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  return cells.map((c) => ({ ...c, ink: t(c.value) < 0.2 || t(c.value) > 0.8 ? "white" : "black" }));
}

function cell(row: number, col: number, value: number, digits: number): Cell {
  return { x0: col, x1: col + 1, y0: row, y1: row + 1, xc: col + 0.5, yc: row + 0.5, value, label: value.toFixed(digits).replace(/^-/, "−") };
}

/** One heatmap panel over an `extent`×`extent` square of unit cells (row 0 at the top). */
function panel(title: string, subtitle: string, cells: Cell[], extent: number, size: number, fontSize: number, outline: Cell[] = []): Record<string, unknown> {
  const x = { field: "x0", type: "quantitative", scale: { domain: [0, extent], nice: false, zero: false }, axis: null };
  const y = { field: "y0", type: "quantitative", scale: { domain: [0, extent], nice: false, zero: false, reverse: true }, axis: null };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
      encoding: {
        x, x2: { field: "x1" }, y, y2: { field: "y1" },
        color: { field: "value", type: "quantitative", scale: { scheme: "redblue" }, legend: { title: null, orient: "bottom", gradientLength: size - 40 } },
      },
    },
    {
      mark: { type: "text", fontSize },
      encoding: { x: { ...x, field: "xc" }, y: { ...y, field: "yc" }, text: { field: "label" }, color: { field: "ink", type: "nominal", scale: null } },
    },
  ];
  if (outline.length > 0) {
    layers.push({
      data: { values: outline },
      mark: { type: "rect", fill: null, stroke: "#333", strokeWidth: 1.2 },
      encoding: { x, x2: { field: "x1" }, y, y2: { field: "y1" } },
    });
  }
  return { title: { text: title, subtitle }, width: size, height: size, data: { values: inked(cells) }, layer: layers };
}

/** The Vega-Lite spec of Fig. 3 for a Table 1 result on an n×n grid with the grid's four actions. */
export function fig3Spec(result: Table1Result, n = 5): TopLevelSpec {
  const { nS, nA } = result.mdp;
  if (nS !== n * n || nA !== GRID_ACTION_OFFSETS.length) throw new RangeError(`fig3Spec: needs the ${n}×${n} grid with 4 actions, got nS = ${nS}, nA = ${nA}`);
  const trueCells: Cell[] = [], phiCells: Cell[] = [], rBarCells: Cell[] = [], outline: Cell[] = [];
  for (let s = 0; s < nS; s++) {
    const row = Math.floor(s / n), col = s % n;
    trueCells.push(cell(row, col, result.rewards.true[s * nA]!, 0));
    phiCells.push(cell(row, col, result.rewards.rPhi[s]!, 2));
    outline.push({ ...cell(3 * row, 3 * col, 0, 0), x1: 3 * col + 3, y1: 3 * row + 3 });
    GRID_ACTION_OFFSETS.forEach(([dr, dc], a) => rBarCells.push(cell(3 * row + 1 + dr, 3 * col + 1 + dc, result.rewards.rBar12[s * nA + a]!, 1)));
  }
  const offset = result.stateOnly.offset;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `Fig. 3 — rewards of the ${n}×${n} grid (α = ${result.alpha}, γ = ${result.mdp.gamma})`, anchor: "start", fontSize: 14 },
    config: { view: { stroke: null }, title: { subtitleFontSize: 10 } },
    resolve: { scale: { color: "independent" } },
    hconcat: [
      panel(FIG3_TITLES[0], "paid for the state being left", trueCells, n, 230, 11),
      panel(FIG3_TITLES[1], "each cell: the 4 actions at their sides", rBarCells, 3 * n, 330, 7, outline),
      panel(FIG3_TITLES[2], `= r + ${offset.toFixed(4)} (spread ${result.stateOnly.spread.toExponential(0)})`, phiCells, n, 230, 10),
    ],
  } as unknown as TopLevelSpec; // built from plain objects; vega-lite's compile checks the shape at run time
}

export function renderFig3(result: Table1Result, n = 5): Promise<string> {
  return vegaLiteToSvg(fig3Spec(result, n));
}
