/**
 * Table 3 results → the printed/markdown tables: normalised scores (the paper's 0 = first, 1 = last observed
 * update) beside the paper's LfL numbers, the absolute true-reward and mean-action returns they come from, and
 * the observer paired against the learner and every control. Columns come from the results' method list.
 *
 * Usage: `console.log(table3Tables(doc))`
 */
import { provenanceLine, type ReportMeta } from "../experiments/engine/results-doc.ts";
import { TABLE3_PAPER, type PairedDiff, type PaperStat, type Table3EnvResult, type Table3Result } from "../experiments/table3/table3.ts";
import type { SeedStats } from "../evaluation/seed-stats.ts";
import type { BaselineRewardQualitySummary, RewardQualityPairedDiff, RewardQualitySummary } from "../experiments/table3/table3-statistics-types.ts";
import { formatNumber, markdownTable, type Column } from "./markdown-table.ts";

const pm = (s: SeedStats | null | undefined, digits = 2): string | null => (s == null ? null : `${formatNumber(s.mean, digits)} ± ${formatNumber(s.std, digits)}`);
const paper = (p: PaperStat): string => (p.std === null ? formatNumber(p.mean, 2) : `${formatNumber(p.mean, 2)} ± ${formatNumber(p.std, 2)}`);
/** Fewer seeds than this and the ± and paired tests say little: the env is marked in the tables and notes. */
const FEW_SEEDS = 3;
const envLabel = (e: Table3EnvResult): string => (e.runs.length < FEW_SEEDS ? `${e.id} (${e.runs.length} seed${e.runs.length === 1 ? "" : "s"})` : e.id);
const improvedCount = (e: Table3EnvResult): string => `${e.runs.filter((r) => r.learnerImproved).length}/${e.runs.length}`;
const diff = (c: PairedDiff | null | undefined): string | null => (c == null ? null : `${formatNumber(c.meanDiff, 1)} [${formatNumber(c.ci95[0], 1)}, ${formatNumber(c.ci95[1], 1)}], p ${formatNumber(c.pValue, 3)}`);

function normalisedColumns(result: Table3Result): Column<Table3EnvResult>[] {
  const [observer, ...others] = result.methods;
  return [
    { header: "env", value: envLabel },
    { header: "window", value: (e) => `${e.window[0]}–${e.window[e.window.length - 1]} (${e.window.length})` },
    { header: "learner improved", value: improvedCount, align: "right" },
    { header: observer!.label, value: (e) => pm(e.normalised[observer!.id]), align: "right" },
    { header: "paper LfL", value: (e) => (e.paper ? paper(e.paper.lfl) : null), align: "right" },
    { header: "pooled", value: (e) => e.pooled[observer!.id] ?? null, digits: 2 },
    ...others.map((m): Column<Table3EnvResult> => ({ header: m.label, value: (e) => pm(e.normalised[m.id]), align: "right" })),
    { header: "learner best obs.", value: (e) => pm(e.normalised.learnerBest), align: "right" },
  ];
}

/** One column per policy, each cell the seeds' mean ± std of `stats(e)` (true-reward or mean-action returns). */
function returnColumns(result: Table3Result, stats: (e: Table3EnvResult) => Record<string, SeedStats>): Column<Table3EnvResult>[] {
  const policies = [{ id: "learnerFirst", label: "learner first" }, { id: "learnerLast", label: "learner last" }, ...result.methods];
  return [{ header: "env", value: envLabel }, ...policies.map((p): Column<Table3EnvResult> => ({ header: p.label, value: (e) => pm(stats(e)[p.id], 1), align: "right" }))];
}

function comparisonColumns(result: Table3Result, pick: (e: Table3EnvResult) => Record<string, PairedDiff | null>): Column<Table3EnvResult>[] {
  const against = [{ id: "learnerLast", label: "learner last" }, ...result.methods.slice(1)];
  return [{ header: "env", value: envLabel }, ...against.map((m): Column<Table3EnvResult> => ({ header: `− ${m.label}`, value: (e) => diff(pick(e)[m.id]), align: "right" }))];
}

export function table3Title(result: Table3Result & { seeds: number[]; missing: string[] }): string {
  const s = result.scale;
  const cells = result.seedCounts.reduce((n, c) => n + c.seeds.length, 0), requested = result.seedCounts.reduce((n, c) => n + c.requested, 0);
  const seeds = cells < requested ? `seeds ${result.seeds.join(", ")} requested, ${cells} of ${requested} (env, seed) cells finished` : `seeds ${result.seeds.join(", ")}`;
  return `Table 3 — LfL on MuJoCo, scale '${s.name}': ${s.ppo.numEnvs} parallel env(s) × ${s.ppo.nSteps} steps per update, observer ${s.observerUpdates} updates, ${seeds}`;
}

export function table3Tables(result: Table3Result): string {
  return [
    "Normalised scores (0 = learner's first observed update, 1 = last observed; mean ± std over the seeds whose learner improved):",
    "",
    markdownTable(normalisedColumns(result), result.envs),
    "",
    "Absolute true-reward returns (stochastic policy; mean ± std over all seeds):",
    "",
    markdownTable(returnColumns(result, (e) => e.absolute), result.envs),
    "",
    "The same policies playing their MEAN action (what `deterministic=True` reports; not normalised):",
    "",
    markdownTable(returnColumns(result, (e) => e.meanAction), result.envs),
    "",
    `${result.methods[0]!.label} − each policy, paired by seed (stochastic returns; 95% bootstrap CI; one-sided sign-flip p of "observer better"):`,
    "",
    markdownTable(comparisonColumns(result, (e) => e.comparisons), result.envs),
    "",
    "The same with MEAN actions:",
    "",
    markdownTable(comparisonColumns(result, (e) => e.comparisonsMeanAction), result.envs),
    ...table3StatisticsSections(result),
  ].join("\n");
}

const ci = (c: readonly [number, number] | null | undefined, digits = 2): string => (c == null ? "" : ` [${formatNumber(c[0], digits)}, ${formatNumber(c[1], digits)}]`);
const withCi = (s: SeedStats | null | undefined, digits = 2): string | null => (s == null ? null : `${formatNumber(s.mean, digits)} ± ${formatNumber(s.std, digits)}${ci(s.ci95, digits)}`);

/** Reward quality per env, the rliable statistics pooled over envs (sampled and mean action), the done-when checks. */
export function table3StatisticsSections(result: Table3Result): string[] {
  const out: string[] = [];
  const rqEnvs = result.envs.filter((e) => e.rewardQuality);
  if (rqEnvs.length > 0) {
    out.push("", "Reward quality: the recovered reward r̄φ vs the TRUE reward on held-out rollouts (learner policies before and after the window, the clone, the observer's and the true-reward control's final policies, random; mean ± std over seeds [95% bootstrap CI of the mean]):", "");
    out.push(markdownTable<Table3EnvResult>([
      { header: "env", value: envLabel },
      { header: "rollouts per seed", value: (e) => `${e.rewardQuality!.episodesPerSeed} (${e.rewardQuality!.policies.length} policies)`, align: "right" },
      { header: "Pearson ρ (returns)", value: (e) => withCi(e.rewardQuality!.pearson), align: "right" },
      { header: "Spearman ρ (returns)", value: (e) => withCi(e.rewardQuality!.spearman), align: "right" },
      { header: "EPIC distance", value: (e) => withCi(e.rewardQuality!.epic), align: "right" },
      { header: "EPIC's true reward", value: (e) => (e.rewardQuality!.epicTrueRewardExact === null ? "—" : `${e.rewardQuality!.epicTrueRewardExact ? "exact" : "velocity proxy"} (ρ vs env ${e.rewardQuality!.proxyCorrelation ? formatNumber(e.rewardQuality!.proxyCorrelation.mean, 3) : "—"})`) },
    ], rqEnvs));
  }
  out.push(...baselineRewardQualitySection(result));
  const st = result.statistics;
  if (st) {
    for (const [kind, k] of [["stochastic (sampled) returns", st.sampled], ["MEAN-action returns", st.meanAction]] as const) {
      out.push("", `Pooled over envs (rliable; ${kind}; normalised per seed by the learner's first/last observed policy played the same way; ${Math.round(st.level * 100)}% stratified-bootstrap CIs, ${st.resamples} resamples):`, "");
      if (!k) {
        out.push("no run whose learner improved (last > first): no normalised statistics.");
        continue;
      }
      out.push(`Runs: ${k.envs.map((e) => `${e.env} ${e.seeds.length} (seed ${e.seeds.join(", ")})`).join("; ")}.`, "");
      const label = (id: string): string => (id === "learnerLast" ? "learner last" : result.methods.find((m) => m.id === id)?.label ?? id);
      const rows = [...Object.keys(k.aggregates).filter((id) => id === result.methods[0]!.id), ...result.methods.map((m) => m.id).filter((id) => id !== result.methods[0]!.id && k.aggregates[id]), "learnerLast"];
      out.push(markdownTable<string>([
        { header: "policy", value: label },
        { header: "IQM", value: (id) => (k.aggregates[id] ? `${formatNumber(k.aggregates[id].iqm.point, 2)}${ci(k.aggregates[id].iqm.ci)}` : id === "learnerLast" ? "1 (reference)" : null), align: "right" },
        { header: "mean", value: (id) => (k.aggregates[id] ? `${formatNumber(k.aggregates[id].mean.point, 2)}${ci(k.aggregates[id].mean.ci)}` : null), align: "right" },
        { header: "optimality gap (γ = 1)", value: (id) => (k.aggregates[id] ? `${formatNumber(k.aggregates[id].optimalityGap.point, 2)}${ci(k.aggregates[id].optimalityGap.ci)}` : null), align: "right" },
        { header: "P(observer > policy)", value: (id) => (k.probabilityOfImprovement[id] ? `${formatNumber(k.probabilityOfImprovement[id].point, 2)}${ci(k.probabilityOfImprovement[id].ci)}` : null), align: "right" },
        { header: "observer − policy (paired, pooled)", value: (id) => (k.pairedPooled[id] ? `${formatNumber(k.pairedPooled[id].meanDiff, 2)}${ci(k.pairedPooled[id].ci)}, p ${formatNumber(k.pairedPooled[id].pValue, 3)}` : null), align: "right" },
      ], rows));
    }
    out.push("", "Done when (issue 14; per env paired over seeds, 95% CIs; \"mean only\": the point estimate passes, the CI does not):", "");
    for (const l of st.doneWhen) {
      const num = l.value === null ? "" : `: ${formatNumber(l.value, 3)}${ci(l.ci, 3)}${l.threshold === null ? "" : ` vs ${formatNumber(l.threshold, 3)}`}`;
      out.push(`- ${l.status.toUpperCase()} — ${l.check}${l.env ? ` on ${l.env}` : ""}${num}${l.note ? ` (${l.note})` : ""}`);
    }
  }
  return out;
}

const better = (d: RewardQualityPairedDiff | null | undefined): string | null => (d == null ? null : `${formatNumber(d.meanDiff, 2)}${ci(d.ci95)}, p ${formatNumber(d.pValue, 3)}`);

/**
 * Reward quality of every reward-learning baseline's own reward beside r̄φ's (same rollouts, same measures), and r̄φ
 * paired against each by seed, oriented so that > 0 means r̄φ agrees better with the true reward.
 */
export function baselineRewardQualitySection(result: Table3Result): string[] {
  const envs = result.envs.filter((e) => e.rewardQualityBaselines && Object.keys(e.rewardQualityBaselines).length > 0);
  if (envs.length === 0) return [];
  type Row = { env: Table3EnvResult; label: string; q: RewardQualitySummary; vs: BaselineRewardQualitySummary["observerBetter"] | null };
  const rows: Row[] = envs.flatMap((e) => [
    ...(e.rewardQuality ? [{ env: e, label: "r̄φ (observer, Algorithm 1)", q: e.rewardQuality, vs: null }] : []),
    ...Object.values(e.rewardQualityBaselines!).map((b) => ({ env: e, label: b.label, q: b as RewardQualitySummary, vs: b.observerBetter })),
  ]);
  return [
    "", "Reward quality per reward-learning baseline: each method's OWN learned reward (the one its PPO trains on) vs the TRUE reward on the same held-out rollouts as r̄φ, with the same measures (mean ± std over seeds [95% bootstrap CI]); r̄φ − baseline paired by seed (for EPIC baseline − r̄φ: lower is better), so > 0 means the observer's reward agrees better with the truth:", "",
    markdownTable<Row>([
      { header: "env", value: (r) => envLabel(r.env) },
      { header: "reward", value: (r) => r.label },
      { header: "Pearson ρ (returns)", value: (r) => withCi(r.q.pearson), align: "right" },
      { header: "Spearman ρ (returns)", value: (r) => withCi(r.q.spearman), align: "right" },
      { header: "EPIC distance", value: (r) => withCi(r.q.epic), align: "right" },
      { header: "r̄φ better: Pearson", value: (r) => (r.vs ? better(r.vs.pearson) : "—"), align: "right" },
      { header: "r̄φ better: Spearman", value: (r) => (r.vs ? better(r.vs.spearman) : "—"), align: "right" },
      { header: "r̄φ better: EPIC", value: (r) => (r.vs ? better(r.vs.epic) : "—"), align: "right" },
    ], rows),
  ];
}

/** Which cells are in the tables: seeds per env (few or none marked), the missing cells, the code revisions. */
export function table3CoverageNotes(doc: Table3Result & { missing: string[]; cells: Array<{ label: string; revision: string | null; status: string }> }): string[] {
  const seedsOf = (c: Table3Result["seedCounts"][number]): string => {
    const mark = c.seeds.length === 0 ? " — NO FINISHED SEED, not in the tables" : c.seeds.length < FEW_SEEDS ? ` — FEWER THAN ${FEW_SEEDS} SEEDS: its ± and paired tests say little` : "";
    return `${c.env} ${c.seeds.length}/${c.requested}${c.seeds.length > 0 ? ` (seed ${c.seeds.join(", ")})` : ""}${mark}`;
  };
  const byRevision = new Map<string, number>();
  for (const c of doc.cells) byRevision.set(`${c.revision ?? "unknown"}${c.status === "stale" ? " (stale, reused)" : ""}`, (byRevision.get(`${c.revision ?? "unknown"}${c.status === "stale" ? " (stale, reused)" : ""}`) ?? 0) + 1);
  return [
    `Seeds per env: ${doc.seedCounts.map(seedsOf).join("; ")}.`,
    ...(doc.missing.length > 0 ? [`Missing cells (not in the tables): ${doc.missing.join("; ")}.`] : []),
    `Cells by the code revision that computed them: ${[...byRevision].map(([rev, n]) => `${rev.slice(0, 12)}${rev.length > 12 && rev.includes(" ") ? rev.slice(rev.indexOf(" ")) : ""}: ${n}`).join("; ")}.`,
  ];
}

export function table3Notes(doc: Table3Result & { missing: string[]; cells: Array<{ label: string; revision: string | null; status: string; wallSeconds: number }>; kernelBackend: string }): string[] {
  const s = doc.scale;
  const wall = doc.cells.reduce((a, c) => a + c.wallSeconds, 0);
  return [
    ...table3CoverageNotes(doc),
    `Scores: ${doc.evaluation}; ${s.evalEpisodes} episodes per final score, ${s.curveEpisodes} per curve point; every policy of one (env, seed) meets the same start states.`,
    ...doc.methods.map((m) => `${m.label}: ${m.description}.`),
    `Budget: the observer and every PPO control run ${s.observerUpdates} PPO updates of ${s.ppo.numEnvs} × ${s.ppo.nSteps} steps; the learner continues for as many updates.`,
    `Scale: ${s.description}.`,
    `Env steps: learner ${doc.budgets.learner.map((l) => `${l.env} ${l.updates} updates = ${l.steps}`).join(", ")}; observer and each control ${doc.budgets.observerSteps}. Algorithm 1: ${(["policySteps", "klSteps", "rewardInitSteps", "consistencySteps"] as const).map((k) => `${k} ${doc.budgets.algorithm1[k]}`).join(", ")}, batch ${doc.budgets.algorithm1.batchSize ?? "full"}, α_model ${doc.budgets.algorithm1.alphaModel}, λ ${doc.budgets.algorithm1.lambda}.`,
    `Compute: ${(wall / 3600).toFixed(2)} core-hours summed over the ${doc.cells.length} cells; NN kernels: ${doc.kernelBackend}.`,
    "pooled: the normalisation of the seed means, (mean J − mean J_first)/(mean J_last − mean J_first), robust to a seed whose learner barely moved.",
    "The paper's ± is the std over its runs; its learner used 32 envs × 2048 steps per update (docs/table3.md explains our scaling).",
    ...adaptedWindowNotes(doc),
    ...(doc.algorithm1 === "paper" ? ["Algorithm 1: the paper's §6.3 settings (`--algorithm1 paper`: maximum-likelihood clones, regressed KL nets, reward initialised by maximum likelihood on the last update, unnormalised reward), not our defaults (docs/algorithm-1.md)."] : []),
    ...(doc.algorithm1 === "warm" ? ["Algorithm 1: ours with each clone of stage (i) started from the previous update's (`--algorithm1 warm`, `policyInit: \"previous\"`; docs/algorithm-1.md)."] : []),
    ...(doc.algorithm1 === "recent" ? [`Algorithm 1: ours with Eq. 5 weighting improvement k of the window by 2^(−(K − 2 − k)/${doc.budgets.algorithm1.improvementHalfLife}) (\`--algorithm1 recent\`, \`improvementHalfLife\`; docs/algorithm-1.md).`] : []),
    ...(doc.algorithm1 === "state" ? ["Algorithm 1: ours with μ_φ frozen at the last update's clone and a state term g_φ(s) fitted in Eq. 5 (`--algorithm1 state`, `rewardForm: \"log-density+state\"`; docs/algorithm-1.md)."] : []),
    ...doc.envs.map((e) => `${e.id}: observer ≥ 1.0 (mean normalised): ${e.normalised.observer == null ? "undefined (no seed's learner improved)" : e.normalised.observer.mean >= 1 ? "yes" : "NO"}.`),
  ];
}

/** Envs observed in a window other than the paper's (`--window`): say so beside the numbers. */
function adaptedWindowNotes(result: Table3Result): string[] {
  const span = (w: readonly number[]): string => `${w[0]}–${w[w.length - 1]}${w.length > 2 ? ` every ${w[1]! - w[0]!}` : ""}`;
  return result.envs.flatMap((e) => {
    const p = TABLE3_PAPER.find((x) => x.id === e.id);
    if (!p || (p.window.length === e.window.length && p.window.every((k, i) => k === e.window[i]))) return [];
    return [`${e.id}: window ADAPTED to updates ${span(e.window)} (the paper's: ${span(p.window)}); see docs/table3.md for why.`];
  });
}

export function table3Markdown(doc: Parameters<typeof table3Notes>[0] & Parameters<typeof table3Title>[0], meta: ReportMeta): string {
  return [`# ${table3Title(doc)}`, "", provenanceLine(meta, 0), "", table3Tables(doc), "", ...table3Notes(doc).map((n) => `- ${n}`), ""].join("\n");
}
