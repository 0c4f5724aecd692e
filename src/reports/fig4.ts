/**
 * Fig. 4 of the paper: per env, the learner's score over its observed updates and, after the last one, the
 * observer's score during its PPO training on the recovered reward — with the controls (learner continued, PPO on
 * the true reward, on r ≡ 1 and on ln π̂K from the same clone) for context. Each seed's curve is normalised with its own
 * first/last observed learner score (0/1, dashed rules), then averaged over the seeds whose learner improved.
 * x: the learner's update index; the clone runs' j-th update is drawn at k_last + j.
 *
 * Usage: `writeFileSync("fig4.svg", await renderFig4(result));`
 */
import type { CurvePoint, Table3Result } from "../experiments/table3/table3.ts";
import { vegaLiteToSvg, type TopLevelSpec } from "./vega-svg.ts";
import { renderAggregateIntervals } from "./aggregate-intervals-plot.ts";
import { renderPerformanceProfile } from "./performance-profile-plot.ts";
import { renderProbabilityOfImprovement, type ImprovementRow } from "./probability-of-improvement-plot.ts";
import { renderReturnScatter, type ReturnPoint } from "./return-scatter-plot.ts";

/** The curves drawn: the observed learner, then every method with a curve, labelled from the results' method list. */
export function fig4Series(result: Table3Result): Array<{ key: string; label: string }> {
  const withCurve = new Set(result.envs.flatMap((e) => e.runs.flatMap((r) => Object.keys(r.curves))));
  return [{ key: "learner", label: "learner (observed)" }, ...result.methods.filter((m) => withCurve.has(m.id)).map((m) => ({ key: m.id, label: m.label }))];
}

const PALETTE = ["#d62728", "#1f77b4", "#ff9896", "#2ca02c", "#7f7f7f", "#9467bd", "#17becf", "#bcbd22", "#8c564b"];
const DASHES = [[1, 0], [1, 0], [4, 3], [2, 2], [6, 2], [1, 0], [3, 1], [5, 5], [2, 4]];

export interface Fig4Point {
  env: string;
  series: string;
  update: number;
  /** Mean over seeds of the normalised score. */
  score: number;
  seeds: number;
}

/**
 * The plotted points: per env, series and update, the mean normalised score over the seeds whose learner
 * improved — or, where none did (tiny CI budgets), over every seed with first ≠ last (`fig4Spec` says so).
 */
export function fig4Points(result: Table3Result): Fig4Point[] {
  const points: Fig4Point[] = [];
  for (const env of result.envs) {
    const improved = env.runs.filter((r) => r.learnerImproved);
    const runs = improved.length > 0 ? improved : env.runs.filter((r) => r.learnerLast !== r.learnerFirst);
    for (const { key, label } of fig4Series(result)) {
      const byUpdate = new Map<number, number[]>();
      for (const r of runs) {
        const curve: CurvePoint[] = r.curves[key] ?? [];
        for (const p of curve) {
          const z = (p.mean - r.learnerFirst) / (r.learnerLast - r.learnerFirst);
          byUpdate.set(p.update, [...(byUpdate.get(p.update) ?? []), z]);
        }
      }
      for (const [update, zs] of [...byUpdate].sort((a, b) => a[0] - b[0])) {
        points.push({ env: env.id, series: label, update, score: zs.reduce((s, z) => s + z, 0) / zs.length, seeds: zs.length });
      }
    }
  }
  return points;
}

export function fig4Spec(result: Table3Result): TopLevelSpec {
  const series = fig4Series(result).map((s) => s.label);
  const notImproved = result.envs.filter((e) => !e.runs.some((r) => r.learnerImproved)).map((e) => e.id);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Fig. 4 — normalised true-reward score (0 = first, 1 = last observed learner update), scale '${result.scale.name}'`,
      subtitle: notImproved.length ? `no seed's learner improved on ${notImproved.join(", ")}: normalised against a learner that did not improve` : "mean over the seeds whose learner improved",
      anchor: "start", fontSize: 13,
    },
    data: { values: fig4Points(result) },
    facet: { field: "env", type: "nominal", title: null },
    columns: 2,
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          mark: { type: "line", point: { size: 18 }, strokeWidth: 1.8 },
          encoding: {
            x: { field: "update", type: "quantitative", title: "learner update k (clone runs: k_last + j)", scale: { zero: false } },
            y: { field: "score", type: "quantitative", title: "normalised score" },
            color: { field: "series", type: "nominal", scale: { domain: series, range: PALETTE.slice(0, series.length) }, legend: { orient: "bottom", columns: 3, title: null, labelLimit: 320 } },
            strokeDash: { field: "series", type: "nominal", scale: { domain: series, range: DASHES.slice(0, series.length) }, legend: { orient: "bottom", columns: 3, title: null, labelLimit: 320 } },
          },
        },
        { data: { values: [{ y: 0 }, { y: 1 }] }, mark: { type: "rule", strokeDash: [3, 3], color: "#999" }, encoding: { y: { field: "y", type: "quantitative" } } },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as unknown as TopLevelSpec; // plain objects; vega-lite's compile checks the shape at run time
}

export function renderFig4(result: Table3Result): Promise<string> {
  return vegaLiteToSvg(fig4Spec(result));
}

// ── The statistics figures drawn beside Fig. 4 ──────────────────────────────────────────────────────────
/**
 * Figure files of Table 3's statistics (results.statistics and the reward-quality stage), by file name built from
 * `stem` (e.g. "table3" → "table3-aggregates.svg"): IQM/mean/optimality-gap intervals and performance profiles
 * for sampled and mean-action returns, P(observer > X) for both, and per env the recovered-vs-true return scatter.
 * Methods are labelled from the results' method list. Nothing is drawn for a part the results do not hold.
 */
export async function renderTable3StatisticsFigures(result: Table3Result, stem: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const label = (id: string): string => (id === "learnerLast" ? "learner last" : result.methods.find((m) => m.id === id)?.label ?? id);
  const relabel = <T>(rec: Readonly<Record<string, T>>): Record<string, T> => Object.fromEntries(result.methods.filter((m) => rec[m.id] !== undefined).map((m) => [label(m.id), rec[m.id]!]));
  const st = result.statistics;
  const rows: ImprovementRow[] = [];
  for (const [kind, name, k] of [["sampled", "sampled", st?.sampled], ["mean action", "mean-action", st?.meanAction]] as const) {
    if (!k) continue;
    files[`${stem}-aggregates-${name}.svg`] = await renderAggregateIntervals(relabel(k.aggregates), { metrics: ["iqm", "mean", "optimalityGap"], title: `Table 3 (${kind} returns): normalised scores pooled over ${k.envs.length} env(s)`, level: st!.level });
    files[`${stem}-profiles-${name}.svg`] = await renderPerformanceProfile(relabel(k.profiles), { title: `Table 3 performance profiles (${kind} returns)` });
    const observer = label(result.methods[0]!.id);
    for (const [id, p] of Object.entries(k.probabilityOfImprovement)) rows.push({ x: `${observer} (${kind})`, y: label(id), point: p.point, ci: p.ci });
  }
  if (rows.length > 0) files[`${stem}-improvement.svg`] = await renderProbabilityOfImprovement(rows, { title: "Table 3: probability that the observer beats X (normalised scores, pooled over envs)", level: st!.level });
  for (const e of result.envs) {
    const points: ReturnPoint[] = e.runs.flatMap((r) => (r.rewardQuality?.points ?? []).map((p) => ({ ...p })));
    if (points.length === 0) continue;
    const rq = e.rewardQuality;
    const title = `${e.id}: recovered vs true return (${e.runs.length} seed${e.runs.length === 1 ? "" : "s"} pooled; ρ per seed: Pearson ${rq?.pearson ? rq.pearson.mean.toFixed(2) : "—"}, EPIC ${rq?.epic ? rq.epic.mean.toFixed(2) : "—"})`;
    files[`${stem}-returns-${e.id.replace(/-v\d+$/, "")}.svg`] = await renderReturnScatter(points, { title });
  }
  return files;
}
