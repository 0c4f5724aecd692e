/**
 * Table 2 results → the printed/markdown table, our numbers beside the paper's. Used by `lfl reproduce table2`,
 * `lfl bench table2` and `lfl demo`.
 *
 * Usage: `console.log(table2Table(runTable2()));`
 */
import { provenanceLine, type ReportMeta } from "../experiments/engine/results-doc.ts";
import { TABLE2_BASELINES, type PaperStat, type Table2Baseline, type Table2Result, type Table2RowResult } from "../experiments/table2.ts";
import type { SeedStats } from "../evaluation/seed-stats.ts";
import { formatNumber, markdownTable, type Column } from "./markdown-table.ts";

const pm = (s: SeedStats): string => `${formatNumber(s.mean, 2)} ± ${formatNumber(s.std, 2)}`;
const paper = (p: PaperStat): string => (p.std === null ? formatNumber(p.mean, 2) : `${formatNumber(p.mean, 2)} ± ${formatNumber(p.std, 2)}`);

const diff = (d: { meanDiff: number; ci95: [number, number] }): string => `${formatNumber(d.meanDiff, 2)} [${formatNumber(d.ci95[0], 2)}, ${formatNumber(d.ci95[1], 2)}]`;
const models = (r: Table2RowResult): string => Object.entries(r.learnerModels).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(", ");

const COLUMNS: readonly Column<Table2RowResult>[] = [
  { header: "learner", value: (r) => r.label },
  { header: "K", value: (r) => r.K, digits: 0 },
  { header: "learner score", value: (r) => pm(r.stats.learner), align: "right" },
  { header: "paper", value: (r) => paper(r.paper.learner), align: "right" },
  { header: "observer, SPI model", value: (r) => pm(r.stats.observerPaper), align: "right" },
  { header: "paper", value: (r) => paper(r.paper.observer), align: "right" },
  { header: "SPI obs − learner [95% CI]", value: (r) => diff(r.paperMinusLearner), align: "right" },
  { header: "p", value: (r) => r.paperMinusLearner.pValue, digits: 3 },
  { header: "observer, model from data", value: (r) => pm(r.stats.observer), align: "right" },
  { header: "model chosen", value: models },
  { header: "obs − learner [95% CI]", value: (r) => diff(r.observerMinusLearner), align: "right" },
  { header: "p", value: (r) => r.observerMinusLearner.pValue, digits: 3 },
  { header: "MaxEnt IRL (last update)", value: (r) => (r.stats.maxentIrl ? pm(r.stats.maxentIrl) : null), align: "right" },
  { header: "ceiling SPI α_m=0.7", value: (r) => r.stats.ceiling.mean, digits: 3 },
  { header: "ceiling SPI α_m=α", value: (r) => r.stats.ceilingAlphaTrue.mean, digits: 3 },
  { header: "ceiling chosen model", value: (r) => r.stats.ceilingModel.mean, digits: 3 },
];

const BASELINE_LABELS: Record<Table2Baseline, string> = { maxentIrl: "MaxEnt IRL", trex: "T-REX (time)", logel: "LOGEL" };

/** Issue 17: each baseline's J beside the observer's, and observer − baseline paired over seeds. */
const BASELINE_COLUMNS: readonly Column<Table2RowResult>[] = [
  { header: "learner", value: (r) => r.label },
  { header: "learner score", value: (r) => pm(r.stats.learner), align: "right" },
  { header: "observer, model from data", value: (r) => pm(r.stats.observer), align: "right" },
  ...TABLE2_BASELINES.flatMap((b): Column<Table2RowResult>[] => [
    { header: BASELINE_LABELS[b], value: (r) => (r.stats[b] ? pm(r.stats[b]) : null), align: "right" },
    { header: `obs − ${BASELINE_LABELS[b]} [95% CI]`, value: (r) => (r.observerMinusBaseline?.[b] ? diff(r.observerMinusBaseline[b]) : null), align: "right" },
    { header: "p obs >", value: (r) => r.observerMinusBaseline?.[b]?.pValue ?? null, digits: 3 },
    { header: "p obs <", value: (r) => r.observerMinusBaseline?.[b]?.pBaselineBetter ?? null, digits: 3 },
  ]),
];

/** Issue 17's reward quality: EPIC between the true reward and each method's planning reward; baseline − observer paired. */
const EPIC_COLUMNS: readonly Column<Table2RowResult>[] = [
  { header: "learner", value: (r) => r.label },
  { header: "EPIC observer", value: (r) => pm(r.epic.observer), align: "right" },
  ...TABLE2_BASELINES.flatMap((b): Column<Table2RowResult>[] => [
    { header: `EPIC ${BASELINE_LABELS[b]}`, value: (r) => pm(r.epic[b]), align: "right" },
    { header: `${BASELINE_LABELS[b]} − observer [95% CI]`, value: (r) => diff(r.epicBaselineMinusObserver[b]), align: "right" },
    { header: "p", value: (r) => r.epicBaselineMinusObserver[b].pValue, digits: 3 },
  ]),
];

/** The baselines table, or "" for results that predate it. */
export function table2BaselineTable(result: Table2Result): string {
  if (!result.rows.some((r) => r.observerMinusBaseline !== undefined)) return "";
  const epic = result.rows.every((r) => r.epic !== undefined)
    ? `\n\nReward quality: EPIC distance between the true reward r(s, a) and the reward each method plans on (exact, uniform coverage, γ = ${result.mdp.gamma}; 0 = equal up to potential shaping and scale, 1 = opposite; mean ± std over seeds); "X − observer": paired over seeds, > 0 = the observer's reward is closer to the true one, p = one-sided sign-flip p of that:\n\n${markdownTable(EPIC_COLUMNS, result.rows)}`
    : "";
  return markdownTable(BASELINE_COLUMNS, result.rows) + epic;
}

export function table2Title(result: Table2Result): string {
  return `Table 2 — LfL from sampled trajectories (${result.mdp.name}, α = ${result.alpha}, α_model = ${result.observer.alphaModel}, λ = ${result.observer.lambda}, learner model ${result.observer.learnerModel}; ${result.seeds.length} runs, seeds ${result.seeds[0]}–${result.seeds[result.seeds.length - 1]}${result.scale === "quick" ? ", QUICK scale" : ""})`;
}

/** The main table, then (when the result has them) the baselines of issue 17. */
export function table2Table(result: Table2Result): string {
  const baselines = table2BaselineTable(result);
  return markdownTable(COLUMNS, result.rows) + (baselines === "" ? "" : `\n\nBaselines on the same histories (issue 17; docs/baselines.md):\n\n${baselines}`);
}

/** How to read the columns, and which done-when checks hold. */
export function table2Notes(result: Table2Result): string[] {
  const spi = result.rows.find((r) => r.id === "spi");
  return [
    "Scores: J(π), the soft return (Eq. 2, α = 0.3) under the true reward from the start state; mean ± population std over seeds (the paper's ±).",
    "Learner score: J of the learner's last observed policy (best observed: " + result.rows.map((r) => `${r.label} ${formatNumber(r.stats.learnerBest.mean, 2)}`).join(", ") + ").",
    "Observer, SPI model: the paper's observer (Theorem 2 inversion, one reward + one shaping per improvement by least squares). Observer, model from data: the same data; the reward form (state or state–action) chosen by held-out likelihood of the next update's actions, cross-validated over updates, the learner model SPI unless SVI explains the observed actions better by more than " + result.observer.selectionMargin + " nats per action (learnerModel = " + result.observer.learnerModel + ", rewardForm = " + result.observer.rewardForm + "), " + (result.observer.pessimism > 0 ? "planned on the lower confidence bound r̂ − " + result.observer.pessimism + "/√(n(s,a)+1) (n = the pair's observed actions)" : "planned on r̂") + (result.observer.planningScale !== 1 ? ", scaled by " + result.observer.planningScale + " (i.e. planned at " + +(1 / result.observer.planningScale).toFixed(3) + " α; tuned on seeds 100–129)" : "") + "; docs/observer-tabular.md.",
    "obs − learner: paired over seeds, 95% percentile-bootstrap CI; p: one-sided exact sign-flip test of \"observer > learner\".",
    "MaxEnt IRL (last update): the baseline of docs/baselines.md — maximum-entropy IRL (Ziebart et al. 2008) on the last observed update's pairs only, planned like the observer; it sees no improvement, only one policy's behaviour.",
    "Baselines table (issue 17, docs/baselines.md): MaxEnt IRL as above; T-REX (time): tabular T-REX (Brown et al. 2019), a state reward fitted by the Bradley–Terry loss to 5000 pairs of 50-step snippets of different updates' streams, the later update preferred; LOGEL (Ramponi et al. 2020): per-update softmax logits by behaviour cloning, then ω and step sizes α_t ≥ 0 by alternating least squares on θ_{t+1} − θ_t ≈ α_t ∇θJ(θ_t; ω) (exact Jacobian, true dynamics). T-REX and LOGEL fix their reward only up to scale; it is set by the likelihood of the last update's actions under the soft-optimal policy at α. All planned like the observer (true dynamics, α). Settings fixed before any run, not tuned.",
    "obs − baseline: the observer (model from data) minus the baseline, paired over seeds, 95% percentile-bootstrap CI; p obs >: one-sided sign-flip p of \"observer > baseline\"; p obs <: the same test of \"baseline > observer\".",
    "Ceilings: the reward fit from the learner's EXACT policies and the true model (no sampling noise): SPI model with α_model = 0.7 and with α_model = α; the chosen model (α_model = 0.7, same reward form and planning penalty) refitted to the exact policies.",
    `Observer (model from data) beats learner (seed mean): ${result.rows.map((r) => `${r.label} ${r.observerBeatsLearner ? "yes" : "NO"}`).join(", ")}.`,
    `Observer (SPI model) beats learner (seed mean): ${result.rows.map((r) => `${r.label} ${r.paperMinusLearner.meanDiff > 0 ? "yes" : "NO"}`).join(", ")}.`,
    ...(spi ? [`SPI row: observer mean ${formatNumber(spi.stats.observer.mean, 3)}, SPI-model observer ${formatNumber(spi.stats.observerPaper.mean, 3)} (paper 4.68; target ≥ 4.68: ${spi.stats.observer.mean >= 4.68 ? "met" : "NOT met"}).`] : []),
  ];
}

export function table2Markdown(result: Table2Result, meta: ReportMeta): string {
  return [
    `# ${table2Title(result)}`,
    "",
    provenanceLine(meta, 2),
    "",
    table2Table(result),
    "",
    ...table2Notes(result).map((n) => `- ${n}`),
    "",
    "Learner designs (the paper leaves them open) and what we measured: docs/learners-tabular.md; the learner models of the observer: docs/observer-tabular.md.",
    "",
  ].join("\n");
}
