/**
 * Table 3 + Fig. 4 as an experiment of the engine. Per (env, seed): a learner cell, an Algorithm 1 cell (input:
 * the learner) and one cell per PPO method of the registry (input: Algorithm 1). Keys cover every resolved
 * setting the cell depends on and the code computing it, so the learner of `--algorithm1 paper` is the same cell
 * as ours, and a changed window or budget never mixes with another.
 *
 * Options: `--window W` (one --env: other observed updates; own output files -w<from>-<to>), `--algorithm1
 * ours|paper` (the paper's §6.3 settings; own output files -paper-alg1).
 */
import { fileURLToPath } from "node:url";
import { InputError } from "../../core/errors.ts";
import { resolvePpoConfig } from "../../learners/ppo.ts";
import { ALGORITHM1_PAPER, resolveAlgorithm1Config } from "../../observer/algorithm-1/algorithm-1.ts";
import { codeHash } from "../engine/content-key.ts";
import { planCell, type Experiment, type PlannedCell } from "../engine/experiment.ts";
import { KNOWN_TABLE3_METHODS, OBSERVER_ID, TABLE3_METHODS } from "./methods/method-registry.ts";
import type { Table3Method } from "./methods/method.ts";
import { RECENT_HALF_LIFE, TABLE3, TABLE3_SCALES, parseWindow, withWindow, type Algorithm1StageResult, type Algorithm1Variant, type LearnerStageResult, type MethodStageResult, type Table3Budgets, type Table3Result, type Table3Scale, type Table3ScaleName } from "./table3.ts";
import type { Table3CellPayload } from "./table3-learner-cell.ts";
import { methodFile } from "./table3-method-cell.ts";
import { summariseEnv, table3Run } from "./table3-summary.ts";
import { snapshotUpdates, type RewardQualityPayload, type RewardQualityStageResult } from "./reward-quality-cell.ts";
import { RQ_BASELINES, rqBaselineStage, type RewardQualityBaselinePayload, type RewardQualityBaselineStageResult } from "./reward-quality-baseline-cell.ts";
import { table3Statistics } from "./table3-statistics.ts";

/** Each stage its own runner module, so a cell's key covers only its stage's code (a new method keeps the learners). */
const STAGE_RUNNERS = {
  learner: "table3-learner-cell.ts",
  "algorithm-1": "table3-algorithm1-cell.ts",
  method: "table3-method-cell.ts",
} as const;
const runnerFile = (stage: keyof typeof STAGE_RUNNERS): string => fileURLToPath(new URL(`./${STAGE_RUNNERS[stage]}`, import.meta.url));
const RQ_RUNNER = "src/experiments/table3/reward-quality-cell.ts";
const RQ_RUNNER_FILE = fileURLToPath(new URL("./reward-quality-cell.ts", import.meta.url));
/** Reward-quality stage: EPIC over at most this many rollout transitions, expectations over this many samples. */
const RQ_EPIC = { epicTransitions: 2000, epicSamples: 64 } as const;
const RQB_RUNNER = "src/experiments/table3/reward-quality-baseline-cell.ts";
const RQB_RUNNER_FILE = fileURLToPath(new URL("./reward-quality-baseline-cell.ts", import.meta.url));
/** Methods whose final policies the reward-quality stage rolls out as well (when they are registered). */
const RQ_METHODS = ["observer", "true-reward"] as const;

interface Table3Settings {
  scale: Table3Scale;
  algorithm1: Algorithm1Variant;
  requestedSeeds: number;
}

export function table3Budgets(scale: Table3Scale, envs: Table3Scale["envs"] = scale.envs): Table3Budgets {
  const ppo = resolvePpoConfig(scale.ppo);
  const stepsPerUpdate = scale.ppo.numEnvs * scale.ppo.nSteps;
  return {
    ppo, stepsPerUpdate, observerSteps: scale.observerUpdates * stepsPerUpdate,
    learner: envs.map((e) => {
      const updates = Math.max(...e.window) + 1 + scale.observerUpdates;
      return { env: e.id, updates, steps: updates * stepsPerUpdate };
    }),
    algorithm1: resolveAlgorithm1Config(scale.algorithm1),
  };
}

/** The scale a request resolves to: its envs subset, an adapted window, the paper's Algorithm 1. */
function resolveScale(req: Parameters<Experiment["plan"]>[0]): { scale: Table3Scale; alg1: Algorithm1Variant; suffix: string[] } {
  let scale = TABLE3_SCALES[req.scale as Table3ScaleName];
  const suffix: string[] = [];
  const window = req.options.window as string | undefined;
  if (window !== undefined) {
    if (req.envs?.length !== 1) throw new InputError("E_USAGE", "--window applies to one env: give exactly one --env");
    const w = parseWindow(window);
    scale = withWindow(scale, req.envs[0]!, w);
    suffix.push(`${req.envs[0]!}-w${w[0]}-${w[w.length - 1]}`);
  }
  const alg1 = (req.options.algorithm1 as Algorithm1Variant | undefined) ?? "ours";
  if (alg1 === "paper") {
    scale = { ...scale, algorithm1: { ...ALGORITHM1_PAPER, ...scale.algorithm1, ...pick(ALGORITHM1_PAPER, ["policyFit", "kl", "rewardInit", "rewardForm", "normaliseReward"]) } };
    suffix.push("paper-alg1");
  }
  if (alg1 === "warm") {
    scale = { ...scale, algorithm1: { ...scale.algorithm1, policyInit: "previous" } };
    suffix.push("warm-alg1");
  }
  if (alg1 === "recent") {
    scale = { ...scale, algorithm1: { ...scale.algorithm1, improvementHalfLife: RECENT_HALF_LIFE } };
    suffix.push("recent-alg1");
  }
  if (alg1 === "state") {
    scale = { ...scale, algorithm1: { ...scale.algorithm1, rewardForm: "log-density+state" } };
    suffix.push("state-alg1");
  }
  const methods = req.options.methods as string[] | undefined;
  if (methods !== undefined) {
    const unknown = methods.filter((id) => !KNOWN_TABLE3_METHODS.some((m) => m.id === id));
    if (unknown.length > 0) throw new InputError("E_UNKNOWN_ID", `table3: no method ${unknown.map((id) => `'${id}'`).join(", ")} (methods: ${KNOWN_TABLE3_METHODS.map((m) => m.id).join(", ")})`);
    // The observer and the derived methods (no cell of their own: the clone, the learner continued) always.
    const own = methods.filter((id) => id !== OBSERVER_ID);
    scale = { ...scale, methods: [OBSERVER_ID, ...TABLE3_METHODS.filter((m) => m.kind === "derived").map((m) => m.id), ...own] };
    suffix.push(`methods-${own.join("_") || "observer"}`);
  }
  if (req.envs) {
    for (const id of req.envs) if (!scale.envs.some((e) => e.id === id)) throw new InputError("E_UNKNOWN_ID", `table3: env '${id}' is not in scale '${scale.name}' (${scale.envs.map((e) => e.id).join(", ")})`);
    scale = { ...scale, envs: scale.envs.filter((e) => req.envs!.includes(e.id)) };
  }
  return { scale, alg1, suffix };
}

/** The registered methods a scale runs (all of them unless the scale lists some), in column order. */
function methodsOf(scale: Table3Scale): readonly Table3Method[] {
  if (scale.methods === undefined) return TABLE3_METHODS;
  const unknown = scale.methods.filter((id) => !KNOWN_TABLE3_METHODS.some((m) => m.id === id));
  if (unknown.length > 0) throw new RangeError(`table3: scale '${scale.name}' lists unknown methods ${unknown.join(", ")}`);
  if (!scale.methods.includes(OBSERVER_ID)) throw new RangeError(`table3: scale '${scale.name}' must run the observer`);
  return KNOWN_TABLE3_METHODS.filter((m) => scale.methods!.includes(m.id));
}

const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

export const table3Experiment: Experiment<Table3Result> = {
  name: "table3",
  title: TABLE3.title,
  summary: "Table 3 + Fig. 4: LfL on MuJoCo, observer vs learner and every control (hours at full scale; --quick ≈ 1 min; resumable)",
  scales: ["full", "small", "quick", "paper"],
  quickScale: "quick",
  seeded: true,
  envIds: (scale) => TABLE3_SCALES[scale as Table3ScaleName].envs.map((e) => e.id),
  options: [
    { name: "window", kind: "string", arg: "W", description: "other observed updates for the one --env given: 'from-to/step' or a list (e.g. 100-200/25); own output files -w<from>-<to>" },
    { name: "methods", kind: "list", arg: "IDS", description: "compute only these methods' cells, the table's or the candidates' (the observer's always, and the derived BC and learner-continued columns; default: the scale's); own output files -methods-<ids>" },
    { name: "algorithm1", kind: "enum", arg: "A", choices: ["ours", "paper", "warm", "recent", "state"], defaultText: "ours", description: "ours; paper: Algorithm 1 with the paper's §6.3 settings (own output files -paper-alg1); warm: ours with each clone started from the previous update's (policyInit previous; -warm-alg1); recent: ours with Eq. 5 weighting the improvements by recency, half-life 2 improvements (improvementHalfLife; -recent-alg1); state: ours with μ_φ frozen at the last clone and a state term g_φ(s) in the reward (rewardForm log-density+state; -state-alg1). The learner cells are shared" },
  ],
  plan(req) {
    const { scale, alg1, suffix } = resolveScale(req);
    const seeds = [...(req.seeds ?? scale.seeds)];
    const code = { learner: codeHash([runnerFile("learner")]), "algorithm-1": codeHash([runnerFile("algorithm-1")]) };
    const scaleMethods = methodsOf(scale);
    const methodCode = new Map(scaleMethods.map((m) => [m.id, codeHash([runnerFile("method"), methodFile(m.id)])]));
    const rqCode = codeHash([RQ_RUNNER_FILE]);
    // Reward quality of each registered reward-learning baseline: its own cell (the existing cells keep their settings).
    const rqBaselines = RQ_BASELINES.filter((id) => scaleMethods.some((m) => m.id === id && m.kind === "ppo"));
    const rqbCode = new Map(rqBaselines.map((id) => [id, codeHash([RQB_RUNNER_FILE, methodFile(id)])]));
    const cells: PlannedCell[] = [];
    for (const env of scale.envs) {
      const window = [...env.window].sort((a, b) => a - b);
      for (const seed of seeds) {
        const base = { env: env.id, window, seed, ppo: scale.ppo, observerUpdates: scale.observerUpdates, evalEpisodes: scale.evalEpisodes, curveEpisodes: scale.curveEpisodes, curveStride: scale.curveStride };
        const cell = (stage: string, payload: Table3CellPayload, inputs: string[]): PlannedCell => {
          // The payload's own keys (learnerKey, algorithm1Key) are inputs already.
          const { learnerKey: _l, algorithm1Key: _a, ...settings } = payload;
          const s = { experiment: "table3", ...settings, ...(payload.algorithm1 ? { algorithm1: resolveAlgorithm1Config(payload.algorithm1) } : {}) };
          const cellCode = payload.stage === "method" ? methodCode.get(payload.method!)! : code[payload.stage];
          return planCell({ settings: s, inputs, code: cellCode }, { label: `table3/${scale.name}/${env.id}/seed-${seed}/${stage}`, experiment: "table3", runner: `src/experiments/table3/${STAGE_RUNNERS[payload.stage]}`, payload, stage, env: env.id, seed });
        };
        const learner = cell("learner", { stage: "learner", ...base, snapshotUpdates: snapshotUpdates(window, scale.observerUpdates) }, []);
        const alg = cell("algorithm-1", { stage: "algorithm-1", ...base, algorithm1: scale.algorithm1, learnerKey: learner.key }, [learner.key]);
        cells.push(learner, alg);
        const methodCells = new Map<string, string>();
        for (const m of scaleMethods) {
          if (m.kind !== "ppo") continue;
          const c = cell(m.id, { stage: "method", method: m.id, ...base, learnerKey: learner.key, algorithm1Key: alg.key }, [alg.key]);
          cells.push(c);
          methodCells.set(m.id, c.key);
        }
        // Reward quality: the recovered reward vs the true one on rollouts of policies outside the window (and of the
        // observer's and the true-reward control's final policies).
        const methodKeys = RQ_METHODS.filter((id) => methodCells.has(id)).map((id) => ({ method: id, key: methodCells.get(id)! }));
        const rq: RewardQualityPayload = { stage: "reward-quality", env: env.id, seed, window, episodes: Math.max(2, Math.ceil(scale.evalEpisodes / 2)), ...RQ_EPIC, gamma: table3Budgets(scale).ppo.gamma, learnerKey: learner.key, algorithm1Key: alg.key, methodKeys };
        const { learnerKey: _rl, algorithm1Key: _ra, methodKeys: _rm, ...rqSettings } = rq;
        const rqInputs = [learner.key, alg.key, ...methodKeys.map((m) => m.key)];
        cells.push(planCell({ settings: { experiment: "table3", ...rqSettings }, inputs: rqInputs, code: rqCode }, { label: `table3/${scale.name}/${env.id}/seed-${seed}/reward-quality`, experiment: "table3", runner: RQ_RUNNER, payload: rq, stage: "reward-quality", env: env.id, seed }));
        // Each baseline's own reward on the same rollouts with the same measures (reward-quality-baseline-cell.ts).
        for (const id of rqBaselines) {
          const rb: RewardQualityBaselinePayload = { ...rq, stage: "reward-quality-baseline", method: id, ppo: scale.ppo, observerUpdates: scale.observerUpdates, evalEpisodes: scale.evalEpisodes, curveEpisodes: scale.curveEpisodes, curveStride: scale.curveStride };
          const { learnerKey: _bl, algorithm1Key: _ba, methodKeys: _bm, ...rbSettings } = rb;
          const stage = rqBaselineStage(id);
          cells.push(planCell({ settings: { experiment: "table3", ...rbSettings }, inputs: rqInputs, code: rqbCode.get(id)! }, { label: `table3/${scale.name}/${env.id}/seed-${seed}/${stage}`, experiment: "table3", runner: RQB_RUNNER, payload: rb, stage, env: env.id, seed }));
        }
      }
    }
    const canonicalSeeds = req.seeds === undefined || req.seeds.join() === scale.seeds.join();
    const stem = ["table3", req.scale === "full" ? null : req.scale, ...suffix, req.envs && suffix.length === 0 ? req.envs.map((e) => e.replace(/-v\d+$/, "")).join("_") : null, canonicalSeeds ? null : `seeds-${seeds.join("_")}`].filter((x) => x !== null).join("-");
    return { cells, seeds, stem, settings: { scale, algorithm1: alg1, requestedSeeds: seeds.length } satisfies Table3Settings };
  },
  assemble(results, plan) {
    const { scale, algorithm1 } = plan.settings as Table3Settings;
    const seedCounts: Table3Result["seedCounts"] = [];
    // A run (env, seed) is in the tables when its core cells are finished (learner, Algorithm 1, the observer and
    // every cell reward quality reads); a method is a column when its cell is finished for EVERY such run (a
    // baseline added later and not yet computed everywhere is left out, its cells listed as missing).
    const cellsOf = (env: string, seed: number) => plan.cells.filter((c) => c.env === env && c.seed === seed);
    const stageOf = (cells: readonly PlannedCell[], stage: string) => cells.find((c) => c.stage === stage);
    const core = new Set(["learner", "algorithm-1", "reward-quality", OBSERVER_ID, ...RQ_METHODS]);
    const included = scale.envs.flatMap((env) => plan.seeds.filter((seed) => cellsOf(env.id, seed).every((c) => !core.has(c.stage) || results.has(c.key))).map((seed) => ({ env: env.id, seed })));
    const methodList = methodsOf(scale).filter((m) => m.kind !== "ppo" || included.every(({ env, seed }) => results.has(stageOf(cellsOf(env, seed), m.id)?.key ?? "")));
    // A baseline's reward-quality row: when its cell is finished for every run in the tables (as a column).
    const rqBaselines = RQ_BASELINES.filter((id) => included.length > 0 && included.every(({ env, seed }) => results.has(stageOf(cellsOf(env, seed), rqBaselineStage(id))?.key ?? "")));
    const envs = scale.envs.flatMap((env) => {
      const window = [...env.window].sort((a, b) => a - b);
      const runs = included.filter((r) => r.env === env.id).map(({ seed }) => {
        const mine = cellsOf(env.id, seed);
        const get = <T>(stage: string): T => results.get(stageOf(mine, stage)!.key) as T;
        const methods = new Map(methodList.filter((m) => m.kind === "ppo").map((m) => [m.id, get<MethodStageResult>(m.id)]));
        const run = table3Run(env.id, seed, window, get<LearnerStageResult>("learner"), get<Algorithm1StageResult>("algorithm-1"), methods, {}, methodList);
        const baselines = Object.fromEntries(rqBaselines.map((id) => [id, get<RewardQualityBaselineStageResult>(rqBaselineStage(id))]));
        return { ...run, rewardQuality: get<RewardQualityStageResult>("reward-quality"), ...(rqBaselines.length > 0 ? { rewardQualityBaselines: baselines } : {}) };
      });
      seedCounts.push({ env: env.id, requested: plan.seeds.length, seeds: runs.map((r) => r.seed) });
      return runs.length > 0 ? [summariseEnv(env.id, window, runs, methodList)] : [];
    });
    return {
      name: "table3", scale, budgets: table3Budgets(scale), evaluation: TABLE3.evaluation, algorithm1,
      methods: methodList.map((m) => ({ id: m.id, label: m.label, description: m.description })), envs, seedCounts,
      ...(envs.length > 0 ? { statistics: table3Statistics(envs) } : {}),
    };
  },
};
