/**
 * `lfl evaluate --history H.npz`: Table 3's pipeline on ANY learning history, as an experiment of the engine.
 * Per evaluation seed: an Algorithm 1 cell on the window of the given file, then one cell per PPO method of Table
 * 3's registry (the observer and its controls, the same budget) — Table 3's own stage runners, reading the file
 * instead of a learner cell's work directory. Budgets come from a Table 3 scale (default `small`).
 *
 * Keys: every resolved setting (env, window, seed, PPO, budgets, Algorithm 1) + the sha256 of the history's
 * bytes (not its path: a copy elsewhere is the same cell) + the code closure of the runner.
 *
 * Streams: evaluation seed s uses Table 3's stream names for (env, s) — streamSeed("table3", env, s, stage) —
 * and Table 3's evaluation start states (10 000 + 1000 s). So evaluating the history that Table 3's learner cell
 * of (env, s) recorded reproduces that cell's Algorithm 1, BC and PPO-method numbers exactly, and two histories
 * evaluated with the same seed meet the same random numbers (common random numbers: their difference is the
 * data's, not the noise's). Within one evaluation every (seed, stage, method) still has its own stream.
 *
 * The learner's scores come from the history (learner-returns.ts), not from re-playing its policies (an outside
 * history has none); the "learner continued" control is omitted (there is no learner to continue).
 */
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../core/errors.ts";
import { readHistoryColumns, type HistoryColumns } from "../../data/history-file.ts";
import { loadMujoco } from "../../envs/mujoco/mujoco-runtime.ts";
import { envSpec, makeEnv } from "../../envs/registry.ts";
import { resolveAlgorithm1Config, type Algorithm1Diagnostics } from "../../observer/algorithm-1/algorithm-1.ts";
import { codeHash } from "../engine/content-key.ts";
import { planCell, type Experiment, type PlannedCell } from "../engine/experiment.ts";
import { TABLE3_METHODS } from "../table3/methods/method-registry.ts";
import type { Table3Method } from "../table3/methods/method.ts";
import { parseWindow, TABLE3, TABLE3_SCALES, type Algorithm1StageResult, type MethodStageResult, type Table3Result, type Table3Scale, type Table3ScaleName } from "../table3/table3.ts";
import { table3Budgets } from "../table3/table3-experiment.ts";
import { fileSha256, type EvaluateCellPayload } from "./evaluate-cells.ts";
import { evaluateRun, summariseEvaluation, type HistoryLearner } from "./evaluate-summary.ts";
import { improvementCheck, learnerReturns, readLearnerReturnArrays, suggestWindows, windowText, type ImprovementCheck, type WindowSuggestion } from "./learner-returns.ts";

const RUNNER = "src/experiments/evaluate/evaluate-cells.ts";
const RUNNER_FILE = fileURLToPath(new URL("./evaluate-cells.ts", import.meta.url));

/** Table 3's methods that an outside history supports: all but the continued learner. */
export const EVALUATE_METHODS: readonly Table3Method[] = TABLE3_METHODS.filter((m) => !(m.kind === "derived" && m.from === "learner-continued"));

export interface LearnerAnalysis {
  source: "file" | "rows";
  partialExcluded: number;
  /** Every update of the file with finished episodes: their count and mean return. */
  perUpdate: Array<{ update: number; episodes: number; mean: number }>;
  check: ImprovementCheck;
  /** Windows of the same shape where the learner did improve (when it did not in the chosen one). */
  suggestions: WindowSuggestion[];
}

interface EvaluateSettings {
  scale: Table3Scale;
  env: string;
  window: number[];
  history: EvaluateResult["history"];
  learner: LearnerAnalysis;
  warnings: string[];
}

export interface EvaluateResult extends Omit<Table3Result, "name"> {
  name: "evaluate";
  history: { path: string; sha256: string; envId: string; learner: string; transitions: number; updates: number[] };
  learner: LearnerAnalysis;
  /** What the user must know before reading the numbers (no improvement, a poor fit, …). */
  warnings: string[];
}

const hasRows = (c: HistoryColumns): number[] => [...new Set(c.update)].sort((a, b) => a - b);
const episodes = (n: number): string => `${n} episode${n === 1 ? "" : "s"}`;
const span = (us: readonly number[]): string => (us.length === 0 ? "none" : `${us.length} updates, ${us[0]}–${us[us.length - 1]}`);

/** Reads and checks the history, the window and the learner's improvement (everything plan() needs from the file). */
export function analyseHistory(path: string, options: { window?: string | undefined; env?: string | undefined }): { columns: HistoryColumns; sha256: string; env: string; window: number[]; learner: LearnerAnalysis; warnings: string[] } {
  const sha256 = fileSha256(path);
  const columns = readHistoryColumns(path);
  const env = options.env ?? columns.meta.envId;
  envSpec(env); // an unknown id: E_UNKNOWN_ID
  const rows = hasRows(columns);
  const window = options.window !== undefined ? [...new Set(parseWindow(options.window))].sort((a, b) => a - b) : rows;
  if (window.length < 2) throw new InputError("E_USAGE", `${path}: --window needs at least two observed updates, got ${window.join(",") || "none"} (updates with transitions: ${span(rows)})`);
  const missing = window.filter((k) => !rows.includes(k));
  if (missing.length > 0) throw new InputError("E_USAGE", `${path}: --window update ${missing[0]} has no transition in the file (updates with transitions: ${span(rows)})`);
  const byUpdate = learnerReturns(columns, readLearnerReturnArrays(path));
  const learnerReturnsOf = byUpdate.byUpdate;
  const check = improvementCheck(learnerReturnsOf, window);
  if (!check) {
    throw new InputError("E_INVALID_HISTORY", `${path}: fewer than two updates of the window ${windowText(window)} have a finished episode, so the learner's first and last returns are unknown (updates with finished episodes: ${span([...learnerReturnsOf.keys()].sort((a, b) => a - b))}); choose a wider --window`);
  }
  const perUpdate = [...learnerReturnsOf].sort((a, b) => a[0] - b[0]).map(([update, rs]) => ({ update, episodes: rs.length, mean: rs.reduce((s, x) => s + x, 0) / rs.length }));
  const suggestions = check.improved ? [] : suggestWindows(learnerReturnsOf, rows, window);
  const warnings: string[] = [];
  const f = (x: number): string => x.toFixed(2);
  if (!check.improved) {
    const how = check.diff <= 0 ? "got WORSE" : "did not improve significantly";
    const where = suggestions.length > 0 ? `Windows of the same shape where it did: ${suggestions.map((s) => `--window ${s.text} (+${f(s.diff)} [${f(s.ci95[0])}, ${f(s.ci95[1])}])`).join("; ")}` : "No window of the same shape in this file shows an improvement";
    warnings.push(`The learner ${how} over the window ${windowText(window)}: mean return ${f(check.firstMean)} (update ${check.first}, ${episodes(check.firstEpisodes)}) → ${f(check.lastMean)} (update ${check.last}, ${episodes(check.lastEpisodes)}), difference ${f(check.diff)} [95% CI ${f(check.ci95[0])}, ${f(check.ci95[1])}]; normalised scores mean little here. ${where}.`);
  }
  const noEpisode = [window[0]!, window[window.length - 1]!].filter((k, i) => k !== (i === 0 ? check.first : check.last));
  if (noEpisode.length > 0) warnings.push(`Update ${noEpisode.join(" and ")} of the window ${noEpisode.length === 1 ? "has" : "have"} no finished episode: the normalisation uses updates ${check.first} (0) and ${check.last} (1).`);
  if (env !== columns.meta.envId) warnings.push(`The observer trains and is scored on ${env} (--env), not on the history's ${columns.meta.envId}.`);
  if (columns.meta.envKwargs && Object.keys(columns.meta.envKwargs).length > 0) warnings.push(`The history's envKwargs ${JSON.stringify(columns.meta.envKwargs)} are not applied: the observer and the controls run ${env} with its defaults.`);
  return { columns, sha256, env, window, learner: { source: byUpdate.source, partialExcluded: byUpdate.partialExcluded, perUpdate, check, suggestions }, warnings };
}

/** Refuses a history whose spaces do not match the env's (before any cell runs). */
export async function checkHistoryEnv(path: string, env: string, columns: HistoryColumns): Promise<void> {
  const mujoco = envSpec(env).needsMujoco ? await loadMujoco() : undefined;
  const e = makeEnv(env, {}, mujoco ? { mujoco } : {});
  const obsDim = e.observationSpace.shape, actDim = e.actionSpace.shape;
  e.close();
  const { observationSpace: o, actionSpace: a } = columns.meta;
  if (o.kind !== "box" || a.kind !== "box") throw new InputError("E_INVALID_HISTORY", `${path}: evaluate needs Box observation and action spaces (continuous control); this history is ${o.kind}/${a.kind} — for tabular histories use 'lfl infer'`);
  if (o.dim !== obsDim || a.dim !== actDim) throw new InputError("E_INVALID_HISTORY", `${path}: observations ${o.dim}-d and actions ${a.dim}-d do not fit ${env} (${obsDim}-d, ${actDim}-d); pass the right --env`);
}

/** Algorithm 1's fit is worse than a constant reward where its residual RMS reaches the targets' std. */
export function fitWarnings(seed: number, d: Algorithm1Diagnostics): string[] {
  const bad = d.improvements.filter((m) => m.targetStd > 0 && m.residualRms >= m.targetStd);
  if (bad.length === 0) return [];
  return [`Seed ${seed}: Algorithm 1's fit is WORSE THAN A CONSTANT REWARD on ${bad.length} of ${d.improvements.length} improvements (${bad.slice(0, 3).map((m) => `${m.from}→${m.to}: residual RMS ${m.residualRms.toFixed(3)} ≥ target std ${m.targetStd.toFixed(3)}`).join("; ")}${bad.length > 3 ? "; …" : ""}): the recovered reward explains the learner's improvements no better than r ≡ c.`];
}

const stemName = (path: string): string => basename(path).replace(/\.npz$/i, "").replace(/[^A-Za-z0-9._-]+/g, "_") || "history";

export const evaluateExperiment: Experiment<EvaluateResult> = {
  name: "evaluate",
  title: "Evaluate: LfL on a given learning history — observer (BC + PPO on the recovered reward) vs the learner and every control",
  summary: "Table 3's pipeline (Algorithm 1, the observer and every PPO control) on any learning history",
  scales: ["small", "full", "quick", "paper"],
  quickScale: "quick",
  seeded: true,
  envIds: () => [],
  options: [
    { name: "history", kind: "string", arg: "FILE", required: true, description: "the learning history (.npz, docs/history-format.md) to observe" },
    { name: "window", kind: "string", arg: "W", defaultText: "every update in the file", description: "observed updates: 'from-to/step' or a list (e.g. 10-20)" },
    { name: "env", kind: "string", arg: "ID", defaultText: "the file's envId", description: "the env the observer and the controls train and are scored on" },
    { name: "require-improvement", kind: "boolean", description: "exit 2 (running nothing) unless the learner improved over the window (95% CI of last − first above 0)" },
  ],
  plan(req) {
    const given = req.options.history as string | undefined;
    if (given === undefined) throw new InputError("E_USAGE", "evaluate: --history FILE is required (see 'lfl evaluate --help')");
    const path = resolve(given);
    const scale = TABLE3_SCALES[req.scale as Table3ScaleName];
    if (!scale) throw new InputError("E_USAGE", `evaluate: unknown scale '${req.scale}' (scales: ${Object.keys(TABLE3_SCALES).join(", ")})`);
    const a = analyseHistory(path, { window: req.options.window as string | undefined, env: req.options.env as string | undefined });
    if (req.options["require-improvement"] === true && !a.learner.check.improved) {
      throw new InputError("E_INVALID_HISTORY", `${path}: --require-improvement: ${a.warnings[0]}`);
    }
    const seeds = [...(req.seeds ?? scale.seeds)];
    const code = codeHash([RUNNER_FILE]);
    const name = stemName(path);
    const cells: PlannedCell[] = [];
    for (const seed of seeds) {
      const base = { env: a.env, window: a.window, seed, ppo: scale.ppo, observerUpdates: scale.observerUpdates, evalEpisodes: scale.evalEpisodes, curveEpisodes: scale.curveEpisodes, curveStride: scale.curveStride, historyFile: path, historySha256: a.sha256 };
      const cell = (stage: string, payload: EvaluateCellPayload, inputs: string[]): PlannedCell => {
        // The path is not a setting (the bytes' hash is); the input key is in `inputs` already.
        const { historyFile: _h, algorithm1Key: _a, ...settings } = payload;
        const s = { experiment: "evaluate", ...settings, ...(payload.algorithm1 ? { algorithm1: resolveAlgorithm1Config(payload.algorithm1) } : {}) };
        return planCell({ settings: s, inputs, code }, { label: `evaluate/${name}/${a.env}/seed-${seed}/${stage}`, experiment: "evaluate", runner: RUNNER, payload, stage, env: a.env, seed });
      };
      const alg = cell("algorithm-1", { stage: "algorithm-1", ...base, algorithm1: scale.algorithm1 }, []);
      cells.push(alg);
      for (const m of EVALUATE_METHODS) if (m.kind === "ppo") cells.push(cell(m.id, { stage: "method", method: m.id, ...base, algorithm1Key: alg.key }, [alg.key]));
    }
    const canonicalSeeds = req.seeds === undefined || req.seeds.join() === scale.seeds.join();
    const stem = ["evaluate", name, req.scale === "small" ? null : req.scale, req.options.window !== undefined ? `w${a.window[0]}-${a.window[a.window.length - 1]}` : null, canonicalSeeds ? null : `seeds-${seeds.join("_")}`].filter((x) => x !== null).join("-");
    const m = a.columns.meta;
    const history = { path, sha256: a.sha256, envId: m.envId, learner: m.learner, transitions: a.columns.n, updates: hasRows(a.columns) };
    return { cells, seeds, stem, settings: { scale, env: a.env, window: a.window, history, learner: a.learner, warnings: a.warnings } satisfies EvaluateSettings };
  },
  assemble(results, plan) {
    const { scale, env, window, history, learner: analysis, warnings: planWarnings } = plan.settings as EvaluateSettings;
    const { check } = analysis;
    const learner: HistoryLearner = {
      first: check.firstMean, last: check.lastMean,
      curve: analysis.perUpdate.filter((p) => window.includes(p.update)).map((p) => ({ update: p.update, mean: p.mean })),
    };
    const warnings = [...planWarnings];
    const runs = plan.seeds.flatMap((seed) => {
      const mine = plan.cells.filter((c) => c.seed === seed);
      if (!mine.every((c) => results.has(c.key))) return [];
      const get = <T>(stage: string): T => results.get(mine.find((c) => c.stage === stage)!.key) as T;
      const alg = get<Algorithm1StageResult>("algorithm-1");
      warnings.push(...fitWarnings(seed, alg.diagnostics as Algorithm1Diagnostics));
      const methods = new Map(EVALUATE_METHODS.filter((m) => m.kind === "ppo").map((m) => [m.id, get<MethodStageResult>(m.id)]));
      return [evaluateRun(env, seed, learner, alg, methods, EVALUATE_METHODS)];
    });
    const evalScale: Table3Scale = { ...scale, envs: [{ id: env, window }], seeds: plan.seeds };
    return {
      name: "evaluate", scale: evalScale, budgets: table3Budgets(evalScale, []), evaluation: TABLE3.evaluation, algorithm1: "ours",
      methods: EVALUATE_METHODS.map((m) => ({ id: m.id, label: m.label, description: m.description })),
      envs: runs.length > 0 ? [summariseEvaluation(env, window, runs, EVALUATE_METHODS)] : [],
      seedCounts: [{ env, requested: plan.seeds.length, seeds: runs.map((r) => r.seed) }],
      history, learner: analysis, warnings,
    };
  },
};
