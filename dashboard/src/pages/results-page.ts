/**
 * Results: every results JSON of the served results directory as sortable tables (the paper's numbers shaded,
 * beside ours) and plots. Known files (Table 1/2/3, PPO curves, the PPO summary) get their own view — Fig. 3 and
 * Fig. 4 come from the library's own specs (src/reports/fig3.ts, fig4.ts); aggregate plots (IQM, performance
 * profile, probability of improvement, recovered-vs-true scatter) are drawn from what the file holds, and say
 * "not in this results file" otherwise. Anything else: every list of records in the file as a table.
 */
import type { Table1Result } from "../../../src/experiments/table1.ts";
import type { Table2Result } from "../../../src/experiments/table2.ts";
import type { Table3Result } from "../../../src/experiments/table3/table3.ts";
import { fig3Spec } from "../../../src/reports/fig3.ts";
import { fig4Spec } from "../../../src/reports/fig4.ts";
import { Rng } from "../../../src/core/rng.ts";
import { aggregateIqm } from "../../../src/evaluation/aggregate-metrics.ts";
import { performanceProfile, tauGrid } from "../../../src/evaluation/performance-profile.ts";
import { probabilityOfImprovementInterval } from "../../../src/evaluation/probability-of-improvement.ts";
import { intervalOf } from "../../../src/evaluation/stratified-bootstrap.ts";
import { meanCi } from "../lib/aggregates.ts";
import { fetchJson, fmt, h } from "../lib/dom.ts";
import { plot, type TopLevelSpec } from "../lib/plot.ts";
import { flatColumns, objectArrays, sortableTable } from "../lib/table.ts";
import { table3Methods } from "../lib/table3-rows.ts";
import { table3BaselineTables } from "./table3-baselines.ts";

type Json = Record<string, unknown>;
type Stat = { mean: number; std?: number | null; sampleStd?: number; ci95?: [number, number]; n?: number } | null | undefined;

const pm = (s: Stat): string => (s ? `${fmt(s.mean)}${s.std !== null && s.std !== undefined ? ` ± ${fmt(s.std, 2)}` : ""}` : "—");
const missing = (what: string): HTMLElement => h("p", { class: "muted", dataset: { missing: what } }, `${what}: not in this results file.`);

function provenance(j: Json): HTMLElement {
  const kv = h("dl", { class: "kv" });
  for (const k of ["command", "seed", "gitRevision", "node", "startedAt", "wallTimeSeconds", "scale"]) {
    const v = j[k];
    if (v === undefined) continue;
    kv.append(h("dt", {}, k), h("dd", {}, typeof v === "object" && v !== null ? String((v as Json).name ?? JSON.stringify(v)) : k === "wallTimeSeconds" ? `${fmt(v)} s` : String(v)));
  }
  return h("div", { class: "card" }, kv);
}

async function table1View(r: Table1Result): Promise<HTMLElement[]> {
  return [
    h("h2", {}, "Table 1 — exact soft policy inversion (ours beside the paper's)"),
    sortableTable([
      { header: "agent", value: (x) => x.agent, text: true }, { header: "reward", value: (x) => x.reward, text: true },
      { header: "policy", value: (x) => x.policy, text: true },
      { header: "score J(π)", value: (x) => x.score }, { header: "paper score", value: (x) => x.paper?.score ?? null, paper: true },
      { header: "regret", value: (x) => x.regret }, { header: "paper regret", value: (x) => x.paper?.regret ?? null, paper: true },
    ], r.rows, { testId: "table1" }),
    await plot(fig3Spec(r), "fig3"),
  ];
}

async function table2View(r: Table2Result): Promise<HTMLElement[]> {
  const runs = r.rows.flatMap((row) => row.runs.map((x) => ({ row: row.label, ...x })));
  const dots: TopLevelSpec = {
    title: "Table 2 per seed: observer and learner scores J (true reward)",
    data: { values: runs.flatMap((x) => [{ row: x.row, who: "learner (last)", J: x.learner }, { row: x.row, who: "observer (ours)", J: x.observer }, { row: x.row, who: "observer (paper's SPI)", J: x.observerPaper }]) },
    mark: { type: "point", filled: true, opacity: 0.7 },
    encoding: { y: { field: "row", type: "nominal", title: null }, x: { field: "J", type: "quantitative", scale: { zero: false } }, color: { field: "who", type: "nominal", title: null }, yOffset: { field: "who" } },
    width: 520, height: 220,
  } as TopLevelSpec;
  return [
    h("h2", {}, "Table 2 — LfL from sampled pairs (mean ± std over seeds; the paper's shaded)"),
    sortableTable([
      { header: "learner", value: (x) => x.label, text: true }, { header: "K", value: (x) => x.K },
      { header: "learner J", value: (x) => pm(x.stats.learner) }, { header: "paper learner", value: (x) => pm(x.paper.learner), paper: true },
      { header: "observer J (ours)", value: (x) => pm(x.stats.observer) }, { header: "paper observer", value: (x) => pm(x.paper.observer), paper: true },
      { header: "paper's SPI observer, our run", value: (x) => pm(x.stats.observerPaper) },
      { header: "obs − learner", value: (x) => x.observerMinusLearner.meanDiff }, { header: "p", value: (x) => x.observerMinusLearner.pValue },
      { header: "beats learner", value: (x) => (x.observerBeatsLearner ? "yes" : "no"), text: true },
      // Baselines on the same histories (issue 17): J, and observer − baseline paired over seeds with its one-sided p.
      ...(["maxentIrl", "trex", "logel"] as const).flatMap((b) => [
        { header: `${b} J`, value: (x: Table2Result["rows"][number]) => (x.stats[b] ? pm(x.stats[b]) : null) },
        { header: `obs − ${b}`, value: (x: Table2Result["rows"][number]) => x.observerMinusBaseline?.[b]?.meanDiff ?? null },
        { header: `p obs > ${b}`, value: (x: Table2Result["rows"][number]) => x.observerMinusBaseline?.[b]?.pValue ?? null },
        { header: `EPIC ${b}`, value: (x: Table2Result["rows"][number]) => (x.epic?.[b] ? pm(x.epic[b]) : null) },
      ]),
      // Reward quality (issue 17): EPIC distance of the observer's planning reward to the true reward (0 = same up to shaping and scale).
      { header: "EPIC observer", value: (x) => (x.epic?.observer ? pm(x.epic.observer) : null) },
    ], r.rows, { testId: "table2" }),
    await plot(dots, "table2-dots"),
    h("h3", {}, "Every run"),
    sortableTable([
      { header: "row", value: (x) => x.row, text: true }, { header: "seed", value: (x) => x.seed }, { header: "learner", value: (x) => x.learner },
      { header: "observer", value: (x) => x.observer }, { header: "observer (paper)", value: (x) => x.observerPaper },
      { header: "model", value: (x) => x.learnerModel, text: true }, { header: "ceiling", value: (x) => x.ceiling }, { header: "max residual", value: (x) => x.maxResidualRms },
    ], runs, { scroll: true }),
  ];
}

/**
 * Score matrices (env × seed) of the normalised scores by method, from `envs[].runs[].normalised` (table3 files);
 * a method is kept when every env has at least one finite score for it.
 */
function table3Scores(r: Table3Result): Map<string, number[][]> {
  const by = new Map<string, number[][]>();
  r.envs.forEach((env, e) => {
    for (const run of env.runs) {
      for (const [k, v] of Object.entries((run as unknown as { normalised?: Record<string, number> }).normalised ?? {})) {
        if (typeof v !== "number" || !Number.isFinite(v)) continue;
        const m = by.get(k) ?? r.envs.map(() => [] as number[]);
        m[e]!.push(v);
        by.set(k, m);
      }
    }
  });
  for (const [k, m] of by) if (m.some((row) => row.length === 0)) by.delete(k);
  return by;
}

async function table3View(r: Table3Result): Promise<HTMLElement[]> {
  const methods = table3Methods(r).filter((m) => m.id !== "observer");
  const rows = r.envs.map((e) => {
    const n = e.normalised as unknown as Record<string, Stat>;
    const a = e.absolute as unknown as Record<string, Stat>;
    const p = e.paper as unknown as { lfl?: Stat; dac?: number | null; airl?: number | null } | undefined;
    return { env: e.id, seeds: e.runs.length, n, observer: n.observer, paper: p?.lfl, dac: p?.dac, airl: p?.airl, learnerFirst: a.learnerFirst, learnerLast: a.learnerLast, absObserver: a.observer };
  });
  const out: HTMLElement[] = [
    h("h2", {}, "Table 3 — normalised true-reward score (0 = first, 1 = last observed learner policy; the paper's shaded)"),
    sortableTable([
      { header: "env", value: (x) => x.env, text: true }, { header: "seeds", value: (x) => x.seeds },
      { header: "LfL observer (ours)", value: (x) => pm(x.observer) }, { header: "paper LfL", value: (x) => pm(x.paper), paper: true },
      { header: "paper DAC", value: (x) => x.dac ?? null, paper: true }, { header: "paper AIRL", value: (x) => x.airl ?? null, paper: true },
      // Every other method of the file's method list (the registry's column order), baselines included.
      ...methods.map((m) => ({ header: m.label, value: (x: (typeof rows)[number]) => pm(x.n[m.id]) })),
    ], rows, { testId: "table3", scroll: true }),
    h("h3", {}, "Absolute returns"),
    sortableTable([
      { header: "env", value: (x) => x.env, text: true }, { header: "learner first", value: (x) => pm(x.learnerFirst) },
      { header: "learner last", value: (x) => pm(x.learnerLast) }, { header: "observer", value: (x) => pm(x.absObserver) },
    ], rows),
    ...table3BaselineTables(r),
  ];
  try {
    // Files written before the results carried their method list: label the curves by their keys.
    const keys = [...new Set(r.envs.flatMap((e) => e.runs.flatMap((run) => Object.keys(run.curves ?? {}))))].filter((k) => k !== "learner");
    const methods = (r as { methods?: Table3Result["methods"] }).methods ?? keys.map((id) => ({ id, label: id, description: "" }));
    out.push(await plot(fig4Spec({ ...r, methods }), "fig4"));
  } catch (e) {
    out.push(h("p", { class: "muted", dataset: { missing: "fig4" } }, `Fig. 4: not drawable from this results file (${(e as Error).message}).`));
  }
  // Aggregates over all envs and seeds, from the per-run normalised scores (src/evaluation: rliable's definitions,
  // stratified-bootstrap 95% intervals, 1000 resamples, Rng(0)).
  const by = table3Scores(r);
  out.push(h("h2", {}, "Aggregates over envs × seeds (normalised scores; 95% stratified-bootstrap intervals)"));
  if (by.size === 0) {
    out.push(missing("IQM"), missing("performance profile"), missing("probability of improvement"));
  } else {
    const methods = [...by.keys()];
    const opts = { resamples: 1000 };
    const iqms = methods.map((m) => ({ method: m, ...intervalOf(by.get(m)!, aggregateIqm, new Rng(0), opts) }));
    const iqmSpec: TopLevelSpec = {
      title: "Interquartile mean (IQM) of the normalised score", width: 360, height: 24 * methods.length,
      data: { values: iqms.map((x) => ({ method: x.method, iqm: x.point, lo: x.ci[0], hi: x.ci[1] })) },
      layer: [
        { mark: { type: "bar", opacity: 0.8 }, encoding: { y: { field: "method", type: "nominal", sort: "-x", title: null }, x: { field: "iqm", type: "quantitative", title: "IQM" } } },
        { mark: { type: "rule" }, encoding: { y: { field: "method", type: "nominal", sort: "-x" }, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
      ],
    } as TopLevelSpec;
    const all = methods.flatMap((m) => by.get(m)!.flat());
    const lo = Math.min(...all), hi = Math.max(...all);
    const taus = tauGrid(lo, hi > lo ? hi : lo + 1, 41);
    const profSpec: TopLevelSpec = {
      title: "Performance profile: fraction of runs with score > τ", width: 360, height: 220,
      data: { values: methods.flatMap((m) => { const p = performanceProfile(by.get(m)!, taus, new Rng(0), opts); return p.taus.map((tau, i) => ({ method: m, tau, fraction: p.fraction[i], lo: p.lo[i], hi: p.hi[i] })); }) },
      layer: [
        { mark: { type: "area", opacity: 0.15, interpolate: "step-after" }, encoding: { x: { field: "tau", type: "quantitative", title: "τ" }, y: { field: "lo", type: "quantitative", title: "fraction of runs > τ" }, y2: { field: "hi" }, color: { field: "method", type: "nominal" } } },
        { mark: { type: "line", interpolate: "step-after" }, encoding: { x: { field: "tau", type: "quantitative" }, y: { field: "fraction", type: "quantitative" }, color: { field: "method", type: "nominal" } } },
      ],
    } as TopLevelSpec;
    out.push(h("div", { class: "row" }, await plot(iqmSpec, "iqm"), await plot(profSpec, "profile")));
    const obs = by.get("observer");
    if (obs) {
      const poi = methods.filter((m) => m !== "observer").map((m) => { const x = probabilityOfImprovementInterval(obs, by.get(m)!, new Rng(0), opts); return { other: m, p: x.point, lo: x.ci[0], hi: x.ci[1] }; });
      out.push(await plot({
        title: "Probability of improvement P(observer > other)", width: 360, height: 22 * poi.length, data: { values: poi },
        layer: [
          { mark: { type: "point", filled: true }, encoding: { y: { field: "other", type: "nominal", title: null }, x: { field: "p", type: "quantitative", scale: { domain: [0, 1] }, title: "P(observer > other)" } } },
          { mark: { type: "rule" }, encoding: { y: { field: "other", type: "nominal" }, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
        ],
      } as TopLevelSpec, "poi"));
    } else out.push(missing("probability of improvement (no 'observer' scores)"));
  }
  // Recovered-vs-true return scatter needs per-policy returns under both rewards.
  const pts = r.envs.flatMap((e) => e.runs.flatMap((run) => ((run as unknown as { rewardScatter?: { recovered: number; true: number }[] }).rewardScatter ?? []).map((p) => ({ env: e.id, ...p }))));
  if (pts.length > 0) {
    out.push(await plot({
      title: "Return under the recovered reward vs under the true reward", width: 360, height: 260, data: { values: pts },
      mark: { type: "point" }, encoding: { x: { field: "true", type: "quantitative", scale: { zero: false } }, y: { field: "recovered", type: "quantitative", scale: { zero: false } }, color: { field: "env", type: "nominal" } },
    } as TopLevelSpec, "scatter"));
  } else out.push(missing("recovered-vs-true return scatter (envs[].runs[].rewardScatter)"));
  return out;
}

interface CurvePoint { setting: string; seed: number; steps: number; deterministic: number; stochastic: number }

async function ppoCurveView(j: Json): Promise<HTMLElement[]> {
  const pts = j.points as CurvePoint[];
  const groups = new Map<string, number[]>();
  for (const p of pts) for (const mode of ["deterministic", "stochastic"] as const) {
    const key = `${p.setting}|${mode}|${p.steps}`;
    groups.set(key, [...(groups.get(key) ?? []), p[mode]]);
  }
  const values = [...groups].map(([k, xs]) => {
    const [setting, mode, steps] = k.split("|");
    const ci = meanCi(xs);
    return { series: `${setting} (${mode})`, steps: Number(steps), mean: ci.mean, lo: ci.lo, hi: ci.hi, seeds: ci.n };
  });
  const spec: TopLevelSpec = {
    title: `Learning curve: ${String(j.envId)} — mean over seeds with a 95% t-interval`, width: 520, height: 280, data: { values },
    layer: [
      { mark: { type: "area", opacity: 0.18 }, encoding: { x: { field: "steps", type: "quantitative", title: "env steps" }, y: { field: "lo", type: "quantitative", title: "return" }, y2: { field: "hi" }, color: { field: "series", type: "nominal", title: null } } },
      { mark: { type: "line", point: true }, encoding: { x: { field: "steps", type: "quantitative" }, y: { field: "mean", type: "quantitative" }, color: { field: "series", type: "nominal", title: null } } },
    ],
  } as TopLevelSpec;
  return [
    h("h2", {}, `PPO learning curve — ${String(j.envId)}`),
    await plot(spec, "learning-curve"),
    sortableTable([
      { header: "series", value: (x) => x.series, text: true }, { header: "steps", value: (x) => x.steps }, { header: "mean", value: (x) => x.mean },
      { header: "95% CI low", value: (x) => x.lo }, { header: "95% CI high", value: (x) => x.hi }, { header: "seeds", value: (x) => x.seeds },
    ], values.sort((a, b) => a.series.localeCompare(b.series) || a.steps - b.steps)),
  ];
}

function ppoSummaryView(j: Json): HTMLElement[] {
  const envs = j.envs as { envId: string; uniformRandom?: Stat; summary: { setting: string; checkpoint: number; deterministic: Stat; stochastic: Stat }[] }[];
  const rows = envs.flatMap((e) => e.summary.map((s) => ({ env: e.envId, random: e.uniformRandom, ...s })));
  return [h("h2", {}, "PPO at each checkpoint (mean ± std over seeds) beside the uniform random policy"), sortableTable([
    { header: "env", value: (x) => x.env, text: true }, { header: "setting", value: (x) => x.setting, text: true }, { header: "checkpoint", value: (x) => x.checkpoint },
    { header: "deterministic", value: (x) => pm(x.deterministic) }, { header: "stochastic", value: (x) => pm(x.stochastic) }, { header: "uniform random", value: (x) => pm(x.random) },
  ], rows, { testId: "ppo-summary" })];
}

function genericView(j: unknown): HTMLElement[] {
  const arrays = objectArrays(j);
  if (arrays.length === 0) return [h("pre", {}, JSON.stringify(j, null, 2).slice(0, 20000))];
  return arrays.flatMap(({ path, rows }) => [h("h3", {}, path || "(top level)"), sortableTable(flatColumns(rows), rows, { scroll: true })]);
}

async function view(name: string, j: Json): Promise<HTMLElement[]> {
  if (j.name === "table1") return table1View(j as unknown as Table1Result);
  if (j.name === "table2") return table2View(j as unknown as Table2Result);
  if (j.name === "table3" && Array.isArray(j.envs)) return table3View(j as unknown as Table3Result);
  if (Array.isArray(j.points) && typeof j.envId === "string") return ppoCurveView(j);
  if (Array.isArray(j.envs) && (j.envs as Json[]).every((e) => Array.isArray(e.summary))) return ppoSummaryView(j);
  return [h("p", { class: "muted" }, `${name}: no dedicated view; every list of records in it:`), ...genericView(j)];
}

export async function mount(el: HTMLElement, arg: string): Promise<void> {
  const list = (await fetchJson("api/results")) as { files: { name: string; bytes: number }[] };
  const jsons = list.files.filter((f) => f.name.endsWith(".json")).map((f) => f.name);
  el.append(h("h1", {}, "Results"));
  if (jsons.length === 0) {
    el.append(h("p", { class: "muted" }, "No results JSON in the served results directory (lfl dashboard --results DIR)."));
    return;
  }
  const current = jsons.includes(arg) ? arg : jsons.includes("table1.json") ? "table1.json" : jsons[0]!;
  el.append(h("div", { class: "files" }, ...jsons.map((n) => h("a", { href: `#/results/${encodeURIComponent(n)}`, class: n === current ? "active" : undefined }, n))));
  const j = (await fetchJson(`results/${current.split("/").map(encodeURIComponent).join("/")}`)) as Json;
  const body = h("div", { dataset: { testid: "result-view", file: current } });
  el.append(h("h2", {}, current), provenance(j), body);
  body.append(...(await view(current, j)));
}
