/**
 * `lfl evaluate` results → the report: the learner's improvement over the window (from the history), warnings,
 * then Table 3's tables (normalised scores, absolute and mean-action returns, the observer paired against the
 * learner and every control) and Fig. 4, rendered by Table 3's own report functions.
 *
 * Usage: `const { markdown, console, svg } = await evaluateReport(doc);`
 */
import type { EvaluateResult } from "../experiments/evaluate/evaluate-experiment.ts";
import { provenanceLine, type ResultsDoc } from "../experiments/engine/results-doc.ts";
import type { Table3Result } from "../experiments/table3/table3.ts";
import { renderFig4 } from "./fig4.ts";
import { formatNumber, markdownTable } from "./markdown-table.ts";
import { table3CoverageNotes, table3Tables } from "./table3-report.ts";

const f = (x: number, d = 2): string => formatNumber(x, d);
const episodes = (n: number): string => `${n} episode${n === 1 ? "" : "s"}`;

export function evaluateTitle(doc: ResultsDoc<EvaluateResult>): string {
  const s = doc.scale;
  return `Evaluate — LfL on ${doc.history.path.split(/[\\/]/).pop()} (${doc.envs[0]?.id ?? doc.history.envId}), window ${doc.scale.envs[0]!.window[0]}–${doc.scale.envs[0]!.window.at(-1)}, scale '${s.name}': observer ${s.observerUpdates} updates of ${s.ppo.numEnvs} × ${s.ppo.nSteps} steps, seeds ${doc.seeds.join(", ")}`;
}

/** The learner as the history shows it: the improvement check and the per-update means over the window. */
export function learnerSection(doc: EvaluateResult): string {
  const c = doc.learner.check;
  const window = doc.scale.envs[0]!.window;
  const verdict = c.improved ? "yes" : c.diff <= 0 ? "NO — it got worse" : "NO — not significantly";
  const rows = doc.learner.perUpdate.filter((p) => window.includes(p.update));
  return [
    `Learner improved over the window: ${verdict} — update ${c.first}: ${f(c.firstMean)} (${episodes(c.firstEpisodes)}) → update ${c.last}: ${f(c.lastMean)} (${episodes(c.lastEpisodes)}), difference ${f(c.diff)} [95% bootstrap CI over episodes ${f(c.ci95[0])}, ${f(c.ci95[1])}].`,
    ...(doc.learner.suggestions.length > 0 ? [`Windows of the same shape where it improved: ${doc.learner.suggestions.map((s) => `--window ${s.text} (+${f(s.diff)} [${f(s.ci95[0])}, ${f(s.ci95[1])}])`).join("; ")}.`] : []),
    "",
    markdownTable([
      { header: "update", value: (p: (typeof rows)[number]) => String(p.update), align: "right" },
      { header: "finished episodes", value: (p) => String(p.episodes), align: "right" },
      { header: "mean return", value: (p) => p.mean, digits: 2 },
    ], rows),
  ].join("\n");
}

export function evaluateNotes(doc: ResultsDoc<EvaluateResult>): string[] {
  const s = doc.scale;
  const src = doc.learner.source === "file"
    ? "the file's learner_returns arrays (the learner's own record)"
    : `the file's rewards rows (episodes ending in the update; ${doc.learner.partialExcluded} episode(s) that may have started before the recording left out)`;
  return [
    ...table3CoverageNotes(doc as unknown as Parameters<typeof table3CoverageNotes>[0]),
    `History: ${doc.history.path} (sha256 ${doc.history.sha256.slice(0, 16)}…), env ${doc.history.envId}, learner '${doc.history.learner}', ${doc.history.transitions} transitions, updates ${doc.history.updates[0]}–${doc.history.updates.at(-1)}.`,
    `Learner scores (learner first/last/best, the normalisation's 0 and 1): mean undiscounted return of the episodes that ended in an update, from ${src} — not re-played policies as in Table 3, so there are no learner mean-action returns; the "learner continued" control needs the learner itself and is omitted.`,
    `Every other score: ${doc.evaluation}; ${s.evalEpisodes} episodes per final score, ${s.curveEpisodes} per curve point; the same start states for every policy of one seed.`,
    ...doc.methods.map((m) => `${m.label}: ${m.description}.`),
    `Budget: the observer and every PPO control run ${s.observerUpdates} PPO updates of ${s.ppo.numEnvs} × ${s.ppo.nSteps} steps (${doc.budgets.observerSteps} env steps) — Table 3's '${s.name}' scale. Algorithm 1: ${(["policySteps", "klSteps", "rewardInitSteps", "consistencySteps"] as const).map((k) => `${k} ${doc.budgets.algorithm1[k]}`).join(", ")}.`,
    "Random streams: evaluation seed s uses Table 3's streams for (env, s), so the history Table 3's learner cell recorded reproduces that cell's numbers (docs/evaluate.md).",
  ];
}

export async function evaluateReport(doc: ResultsDoc<EvaluateResult>): Promise<{ markdown: string; console: string; svg: string | null }> {
  const asTable3 = doc as unknown as ResultsDoc<Table3Result>;
  const warnings = doc.warnings.map((w) => `WARNING: ${w}`);
  const tables = doc.envs.length > 0 ? table3Tables(asTable3) : "No seed finished: no table (run without --finished-only).";
  const notes = evaluateNotes(doc).map((n) => `- ${n}`);
  const markdown = [`# ${evaluateTitle(doc)}`, "", provenanceLine(doc, 0), "", ...warnings.flatMap((w) => [`> ${w}`, ""]), learnerSection(doc), "", tables, "", ...notes, ""].join("\n");
  const console = [evaluateTitle(doc), "", ...warnings, ...(warnings.length ? [""] : []), learnerSection(doc), "", tables, "", ...notes].join("\n");
  return { markdown, console, svg: doc.envs.length > 0 ? await renderFig4(asTable3) : null };
}
