/**
 * Table 3 results → the printed/markdown tables: normalised scores (the paper's 0 = first, 1 = last observed
 * update) beside the paper's LfL numbers, and the absolute true-reward returns they come from.
 *
 * Usage: `console.log(table3Tables(runTable3({ scale: "quick", runDir })))`
 */
import type { Provenance } from "../experiments/provenance.ts";
import { TABLE3_PAPER, TABLE3_STAGES, type PaperStat, type Table3EnvResult, type Table3Metric, type Table3Result } from "../experiments/table3.ts";
import type { SeedStats } from "../evaluation/seed-stats.ts";
import { formatNumber, markdownTable, type Column } from "./markdown-table.ts";

const pm = (s: SeedStats | null, digits = 2): string | null => (s === null ? null : `${formatNumber(s.mean, digits)} ± ${formatNumber(s.std, digits)}`);
const paper = (p: PaperStat): string => (p.std === null ? formatNumber(p.mean, 2) : `${formatNumber(p.mean, 2)} ± ${formatNumber(p.std, 2)}`);
/** Fewer seeds than this and the ± and paired tests say little: the env is marked in the tables and notes. */
const FEW_SEEDS = 3;
const envLabel = (e: Table3EnvResult): string => (e.runs.length < FEW_SEEDS ? `${e.id} (${e.runs.length} seed${e.runs.length === 1 ? "" : "s"})` : e.id);
const improvedCount = (e: Table3EnvResult): string => `${e.runs.filter((r) => r.learnerImproved).length}/${e.runs.length}`;

const NORMALISED_COLUMNS: readonly Column<Table3EnvResult>[] = [
  { header: "env", value: envLabel },
  { header: "window", value: (e) => `${e.window[0]}–${e.window[e.window.length - 1]} (${e.window.length})` },
  { header: "learner improved", value: improvedCount, align: "right" },
  { header: "LfL observer", value: (e) => pm(e.normalised.observer), align: "right" },
  { header: "paper LfL", value: (e) => (e.paper ? paper(e.paper.lfl) : null), align: "right" },
  { header: "pooled", value: (e) => e.pooled.observer, digits: 2 },
  { header: "BC (last update)", value: (e) => pm(e.normalised.bc), align: "right" },
  { header: "learner continued", value: (e) => pm(e.normalised.continued), align: "right" },
  { header: "PPO true reward", value: (e) => pm(e.normalised.trueReward), align: "right" },
  { header: "PPO r ≡ 1", value: (e) => pm(e.normalised.constant), align: "right" },
  { header: "PPO r = ln π̂K (no LfL)", value: (e) => pm(e.normalised.bcReward), align: "right" },
  { header: "learner best obs.", value: (e) => pm(e.normalised.learnerBest), align: "right" },
];

/** One column per policy of a run, each cell the seeds' mean ± std of `stats(e)` (true-reward or mean-action returns). */
const POLICY_HEADERS: readonly [Exclude<Table3Metric, "learnerBest">, string][] = [
  ["learnerFirst", "learner first"], ["learnerLast", "learner last"], ["observer", "LfL observer"], ["bc", "BC"],
  ["continued", "continued"], ["trueReward", "true reward"], ["constant", "r ≡ 1"], ["bcReward", "r = ln π̂K"],
];
const returnColumns = (stats: (e: Table3EnvResult) => Record<Exclude<Table3Metric, "learnerBest">, SeedStats>): readonly Column<Table3EnvResult>[] => [
  { header: "env", value: envLabel },
  ...POLICY_HEADERS.map(([metric, header]): Column<Table3EnvResult> => ({ header, value: (e) => pm(stats(e)[metric], 1), align: "right" })),
];
const ABSOLUTE_COLUMNS = returnColumns((e) => e.absolute);
const MEAN_ACTION_COLUMNS = returnColumns((e) => e.meanAction);

const COMPARISON_COLUMNS: readonly Column<Table3EnvResult>[] = [
  { header: "env", value: envLabel },
  ...(["bc", "continued", "trueReward", "constant", "bcReward"] as const).map((m): Column<Table3EnvResult> => ({
    header: `observer − ${m} [95% CI], p`,
    value: (e) => {
      const c = e.comparisons[m];
      return c === null ? null : `${formatNumber(c.meanDiff, 1)} [${formatNumber(c.ci95[0], 1)}, ${formatNumber(c.ci95[1], 1)}], p ${formatNumber(c.pValue, 3)}`;
    },
    align: "right",
  })),
];

export function table3Title(result: Table3Result): string {
  const s = result.scale;
  const cells = result.seedCounts.reduce((n, c) => n + c.seeds.length, 0), requested = result.seedCounts.reduce((n, c) => n + c.requested, 0);
  const seeds = result.finishedOnly ? `seeds ${result.seeds.join(", ")} requested, ${cells} of ${requested} (env, seed) cells finished` : `seeds ${result.seeds.join(", ")}`;
  return `Table 3 — LfL on MuJoCo, scale '${s.name}': ${s.ppo.numEnvs} parallel env(s) × ${s.ppo.nSteps} steps per update, observer ${s.observerUpdates} updates, ${seeds}`;
}

export function table3Tables(result: Table3Result): string {
  return [
    "Normalised scores (0 = learner's first observed update, 1 = last observed; mean ± std over the seeds whose learner improved):",
    "",
    markdownTable(NORMALISED_COLUMNS, result.envs),
    "",
    "Absolute true-reward returns (mean ± std over all seeds):",
    "",
    markdownTable(ABSOLUTE_COLUMNS, result.envs),
    "",
    "The same policies playing their MEAN action (secondary view; not normalised):",
    "",
    markdownTable(MEAN_ACTION_COLUMNS, result.envs),
    "",
    "Observer against each control, paired by seed (absolute returns; one-sided sign-flip p of \"observer better\"):",
    "",
    markdownTable(COMPARISON_COLUMNS, result.envs),
  ].join("\n");
}

/** Which cells are in the tables: seeds per env (few or none marked), the missing cells, the code revisions. */
export function table3CoverageNotes(result: Table3Result): string[] {
  const seedsOf = (c: Table3Result["seedCounts"][number]): string => {
    const mark = c.seeds.length === 0 ? " — NO FINISHED SEED, not in the tables" : c.seeds.length < FEW_SEEDS ? ` — FEWER THAN ${FEW_SEEDS} SEEDS: its ± and paired tests say little` : "";
    return `${c.env} ${c.seeds.length}/${c.requested}${c.seeds.length > 0 ? ` (seed ${c.seeds.join(", ")})` : ""}${mark}`;
  };
  const notStarted = (m: Table3Result["missing"][number]): boolean => m.stages.length === TABLE3_STAGES.length && m.stages.every((st) => st.state === "absent");
  const missing = result.missing.map((m) => `${m.env} seed ${m.seed} (${notStarted(m) ? "not started" : m.stages.map((st) => `${st.stage} ${st.state}`).join(", ")})`);
  return [
    ...(result.finishedOnly ? [`Assembled with --finished-only from the checkpoints under ${result.runDir}: only (env, seed) cells with every stage checkpointed are used; nothing was computed.`] : []),
    `Seeds per env: ${result.seedCounts.map(seedsOf).join("; ")}.`,
    ...(result.finishedOnly ? [`Missing cells (not in the tables): ${missing.length === 0 ? "none" : missing.join("; ")}.`] : []),
    `Stages computed by git revision: ${result.revisions.map((r) => `${r.revision ?? "unknown"}: ${r.cells.join(", ")}`).join("; ")}.`,
  ];
}

export function table3Notes(result: Table3Result): string[] {
  const s = result.scale;
  return [
    ...table3CoverageNotes(result),
    `Scores: ${result.evaluation}; ${s.evalEpisodes} episodes per final score, ${s.curveEpisodes} per curve point; every policy of one (env, seed) meets the same start states.`,
    "PPO r = ln π̂K: PPO from the clone on the clone's own log-density (behaviour cloning as a reward; no other update, no KL, no shaping): the observer's margin over it is what learning from the learner's PROGRESS adds.",
    `Budget: observer and every control run ${s.observerUpdates} PPO updates of ${s.ppo.numEnvs} × ${s.ppo.nSteps} steps from the clone of the last observed update; the learner continues for as many updates.`,
    `Scale: ${s.description}.`,
    `Env steps: learner ${result.budgets.learner.map((l) => `${l.env} ${l.updates} updates = ${l.steps}`).join(", ")}; observer and each control ${result.budgets.observerSteps}. Algorithm 1: ${(["policySteps", "klSteps", "rewardInitSteps", "consistencySteps"] as const).map((k) => `${k} ${result.budgets.algorithm1[k]}`).join(", ")}, batch ${result.budgets.algorithm1.batchSize ?? "full"}, α_model ${result.budgets.algorithm1.alphaModel}, λ ${result.budgets.algorithm1.lambda}.`,
    `Stage wall times (s, per seed): ${result.envs.map((e) => `${e.id} ${e.runs.map((r) => Object.values(r.wallSeconds).reduce((a, b) => a + b, 0).toFixed(0)).join("/")}`).join(", ")}; NN kernels: ${result.kernelBackend}.`,
    "pooled: the normalisation of the seed means, (mean J − mean J_first)/(mean J_last − mean J_first), robust to a seed whose learner barely moved.",
    "The paper's ± is the std over its runs; its learner used 32 envs × 2048 steps per update (docs/table3.md explains our scaling).",
    ...adaptedWindowNotes(result),
    ...(result.scale.algorithm1.policyFit === "paper" ? ["Algorithm 1: the paper's §6.3 settings (`--algorithm1 paper`: maximum-likelihood clones, regressed KL nets, reward initialised by maximum likelihood on the last update, unnormalised reward), not our defaults (docs/algorithm-1.md)."] : []),
    ...result.envs.map((e) => `${e.id}: observer ≥ 1.0 (mean normalised): ${e.normalised.observer === null ? "undefined (no seed's learner improved)" : e.normalised.observer.mean >= 1 ? "yes" : "NO"}.`),
  ];
}

/** Envs observed in a window other than the paper's (`--window`): say so beside the numbers. */
function adaptedWindowNotes(result: Table3Result): string[] {
  const span = (w: readonly number[]): string => `${w[0]}–${w[w.length - 1]}${w.length > 2 ? ` every ${w[1]! - w[0]!}` : ""}`;
  return result.envs.flatMap((e) => {
    const paper = TABLE3_PAPER.find((p) => p.id === e.id);
    if (!paper || (paper.window.length === e.window.length && paper.window.every((k, i) => k === e.window[i]))) return [];
    return [`${e.id}: window ADAPTED to updates ${span(e.window)} (the paper's: ${span(paper.window)}); see docs/table3.md for why.`];
  });
}

export function table3Markdown(result: Table3Result, meta: Provenance): string {
  return [
    `# ${table3Title(result)}`,
    "",
    `Command: \`${meta.command}\` · git ${meta.gitRevision ?? "unknown"} · ${meta.startedAt} · ${meta.wallTimeSeconds.toFixed(0)} s`,
    "",
    table3Tables(result),
    "",
    ...table3Notes(result).map((n) => `- ${n}`),
    "",
  ].join("\n");
}
