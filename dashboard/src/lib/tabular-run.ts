/**
 * The Tabular page's pipeline, update by update, with the library's own functions — the same chain the CLI runs:
 *
 *   lfl learn --mdp m.json --learner L --seed N [--pairs P --alpha A]      → TABULAR_LEARNERS[L].train(mdp, …, new Rng(N))
 *   (the history file round trip)                                          → historyToColumns → columnsToHistory
 *   lfl infer --history h.npz --mdp m.json [--reward-form …]              → inferTabularReward(history, mdp, flags)
 *   lfl observe --mdp m.json --reward reward.json                         → observerPolicy + softReturn (α = 0.3)
 *
 * Step k (k = 1..K) runs the observer on the first k + 1 observed updates (k improvements); the last step is
 * exactly `lfl infer` on the whole history. DOM-free: runs in the page's Web Worker and in Node (tests).
 */
import { Rng } from "../../../src/core/rng.ts";
import { columnsToHistory, historyToColumns } from "../../../src/data/history-columns.ts";
import { LearningHistory } from "../../../src/data/learning-history.ts";
import { gridWorld } from "../../../src/envs/tabular/grid-world.ts";
import { parseMdpJson } from "../../../src/envs/tabular/mdp-json.ts";
import type { TabularMdp } from "../../../src/envs/tabular/tabular-mdp.ts";
import { isTabularLearnerId, TABULAR_LEARNERS } from "../../../src/learners/tabular-learners.ts";
import { inferTabularReward, observerPolicy, TABULAR_LFL_DEFAULTS, type TabularLflConfig } from "../../../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../../../src/solvers/soft-policy.ts";

export interface TabularRunRequest {
  /** The paper's grid, or MDP JSON text (docs/mdp-json.md). */
  mdp: { kind: "paper-grid" } | { kind: "json"; text: string; source?: string };
  learner: string;
  seed: number;
  /** `lfl learn --pairs` (default 1000). */
  pairs?: number;
  /** `lfl learn --alpha`, also the observer's planning/scoring α (`lfl observe --alpha`; default 0.3). */
  alpha?: number;
  /** `lfl learn --improvements` (default: the learner's). */
  improvements?: number;
  /** `lfl infer` options; defaults are the CLI's. */
  observer?: Partial<Pick<TabularLflConfig, "alphaModel" | "lambda" | "rewardForm" | "learnerModel" | "pessimism">>;
}

/** The options `lfl infer` sets from its flags, at the CLI's defaults (src/cli/infer.ts: TABULAR_LFL_DEFAULTS). */
export const CLI_INFER_DEFAULTS: Pick<TabularLflConfig, "alphaModel" | "lambda" | "rewardForm" | "learnerModel" | "pessimism"> = {
  alphaModel: TABULAR_LFL_DEFAULTS.alphaModel, lambda: TABULAR_LFL_DEFAULTS.lambda, rewardForm: TABULAR_LFL_DEFAULTS.rewardForm,
  learnerModel: TABULAR_LFL_DEFAULTS.learnerModel, pessimism: TABULAR_LFL_DEFAULTS.pessimism,
};

export interface TabularMdpView {
  name: string;
  nS: number;
  nA: number;
  gamma: number;
  /** True reward r(s,a), row-major. */
  r: number[];
  stateNames: string[] | null;
  actionNames: string[] | null;
  /** Rows × columns when the MDP is the paper's grid or made by the grid editor (state s = row·cols + col). */
  grid: { rows: number; cols: number } | null;
}

export interface TabularLearnerInfo {
  kind: "learner";
  mdp: TabularMdpView;
  updates: number;
  /** J(π_k) of the learner's exact policies under the true reward (α), k = 0..K. */
  learnerScores: number[];
  optimal: number;
  uniform: number;
  /** The equivalent CLI commands. */
  commands: string[];
}

export interface TabularStep {
  kind: "step";
  /** Improvements seen: the observer used updates 0..k. */
  k: number;
  /** The reward the observer plans on (after the pessimism penalty), nS×nA. */
  reward: number[];
  fittedReward: number[];
  paperReward: number[];
  learnerModel: string;
  /** The observer's policy (optimal soft policy of `reward` under the true dynamics), nS×nA. */
  observerPolicy: number[];
  /** J of the observer's policy under the true reward (α). */
  observerScore: number;
  /** Worst residual RMS of the fit over the k improvements. */
  maxResidualRms: number;
  nonImproving: number;
}

export type TabularEvent = TabularLearnerInfo | TabularStep;

/** Builds the MDP of a request (the paper's grid or parsed JSON: the same validation as `lfl learn --mdp`). */
export function requestMdp(req: TabularRunRequest): TabularMdp {
  return req.mdp.kind === "paper-grid" ? gridWorld() : parseMdpJson(req.mdp.text, req.mdp.source ?? "mdp.json");
}

/** The MDP as docs/mdp-json.md JSON (what the page offers for download, to run the same thing with the CLI). */
export function mdpToJson(mdp: TabularMdp): string {
  const { nS, nA } = mdp;
  const P = Array.from({ length: nS }, (_, s) => Array.from({ length: nA }, (_, a) => Array.from(mdp.P.subarray((s * nA + a) * nS, (s * nA + a + 1) * nS))));
  const r = Array.from({ length: nS }, (_, s) => Array.from(mdp.r.subarray(s * nA, (s + 1) * nA)));
  const doc: Record<string, unknown> = { name: mdp.name, nS, nA, gamma: mdp.gamma, start: Array.from(mdp.start), P, r };
  if (mdp.stateNames) doc.stateNames = [...mdp.stateNames];
  if (mdp.actionNames) doc.actionNames = [...mdp.actionNames];
  return `${JSON.stringify(doc)}\n`;
}

function gridShape(mdp: TabularMdp, req: TabularRunRequest): { rows: number; cols: number } | null {
  if (req.mdp.kind === "paper-grid") return { rows: 5, cols: 5 };
  const m = /^grid(\d+)x(\d+)/.exec(mdp.name);
  if (m && Number(m[1]) * Number(m[2]) === mdp.nS) return { rows: Number(m[1]), cols: Number(m[2]) };
  return null;
}

/**
 * Runs the learner, then the observer after each improvement; yields the learner summary first, then one step
 * per k = 1..K. Pure function of the request.
 */
export function* runTabularLive(req: TabularRunRequest): Generator<TabularEvent> {
  const mdp = requestMdp(req);
  if (!isTabularLearnerId(req.learner)) throw new Error(`unknown tabular learner '${req.learner}' (learners: ${Object.keys(TABULAR_LEARNERS).join(", ")})`);
  const id = req.learner;
  const alpha = req.alpha ?? 0.3;
  const pairs = req.pairs ?? 1000;
  // lfl learn --mdp (src/cli/learn-mdp.ts)
  const config: Record<string, unknown> = { alpha, pairsPerUpdate: pairs };
  if (req.improvements !== undefined) config[id === "random-improvement" ? "observed" : "improvements"] = req.improvements;
  if (id === "random-improvement" && typeof config.observed === "number") config.points = Math.max(15, config.observed);
  const run = TABULAR_LEARNERS[id].train(mdp, config, new Rng(req.seed));
  const written = new LearningHistory({ ...run.history.meta, seed: req.seed }, run.history.updates);
  // The .npz round trip of `lfl learn` → `lfl infer` (integers are exact in int64).
  const history = columnsToHistory(historyToColumns(written));
  const observer = { ...CLI_INFER_DEFAULTS, ...req.observer };
  const flags = [
    `--alpha-model ${observer.alphaModel}`, `--lambda ${observer.lambda}`, `--reward-form ${observer.rewardForm}`,
    `--learner-model ${observer.learnerModel}`, `--pessimism ${observer.pessimism}`,
  ].join(" ");
  const learnFlags = `--learner ${id} --seed ${req.seed} --pairs ${pairs} --alpha ${alpha}${req.improvements !== undefined ? ` --improvements ${req.improvements}` : ""}`;
  yield {
    kind: "learner",
    mdp: {
      name: mdp.name, nS: mdp.nS, nA: mdp.nA, gamma: mdp.gamma, r: Array.from(mdp.r),
      stateNames: mdp.stateNames ? [...mdp.stateNames] : null, actionNames: mdp.actionNames ? [...mdp.actionNames] : null, grid: gridShape(mdp, req),
    },
    updates: history.updates.length,
    learnerScores: run.policies.map((pi) => softReturn(mdp, pi, alpha)),
    optimal: softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha),
    uniform: softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha),
    commands: [
      `npx lfl learn --mdp mdp.json ${learnFlags} --out h.npz`,
      `npx lfl infer --history h.npz --mdp mdp.json ${flags} --out reward.json`,
      `npx lfl observe --mdp mdp.json --reward reward.json --alpha ${alpha}`,
    ],
  };
  // The MDP itself as the spec, as `lfl infer --mdp` passes it: the reward is recovered under its true dynamics.
  const spec = mdp;
  for (let k = 1; k < history.updates.length; k++) {
    const seen = history.select(history.updates.slice(0, k + 1).map((u) => u.index));
    const res = inferTabularReward(seen, spec, observer);
    const pi = observerPolicy(mdp, res.reward, alpha);
    yield {
      kind: "step", k,
      reward: Array.from(res.reward), fittedReward: Array.from(res.fittedReward), paperReward: Array.from(res.paperReward),
      learnerModel: res.learnerModel.chosen,
      observerPolicy: Array.from(pi),
      observerScore: softReturn(mdp, pi, alpha),
      maxResidualRms: Math.max(...res.diagnostics.map((d) => d.residualRms)),
      nonImproving: res.diagnostics.filter((d) => d.nonImproving).length,
    };
  }
}
