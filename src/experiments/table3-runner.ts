/**
 * Runs Table 3 (declared in table3.ts) stage by stage for every (env, seed), RESUMABLY: each stage's result is
 * written atomically to <runDir>/<scale>/<env>/seed-<s>/<stage>.json together with a key of every setting
 * that produced it; a re-run loads a stage whose key matches instead of recomputing it (and recomputes every
 * later stage once one stage had to be recomputed). The learner stage also writes history.npz (the observed
 * window, one env), the file Algorithm 1 reads.
 *
 *   learner      PPO learner for k_last + 1 + U updates; scores π_k of the observed window, then of the
 *                continued learner (the "continued" control), and records the window's history;
 *   algorithm-1  reward recovery from history.npz + the clone π̂ of the last observed update (the "bc" control);
 *   observer     PPO on the recovered reward from the clone, U updates;
 *   true-reward  PPO on the env reward from the clone, U updates;
 *   constant     PPO on r ≡ 1 from the clone, U updates;
 *   bc-reward    PPO on r = ln π̂K(a|s) (the clone's own log-density, no LfL) from the clone, U updates.
 *
 * Keys: the learner stage's key ignores the Algorithm 1 settings (the learner does not depend on them), so a run
 * directory stays usable for the learner when Algorithm 1 changes; the Algorithm 1 settings are keyed in the shape
 * they had before the measured deviations whenever they equal that configuration (`ALGORITHM1_LEGACY`), so
 * older run directories keep every stage they finished under it.
 *
 * Usage: `const result = runTable3({ scale: "quick", runDir: "runs/table3" });`
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../core/rng.ts";
import { InputError } from "../core/errors.ts";
import { historyToColumns } from "../data/history-columns.ts";
import { readHistoryColumns, writeHistoryColumns } from "../data/history-file.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import { resolvePpoConfig, trainPpo, type PpoActorJson } from "../learners/ppo.ts";
import { ALGORITHM1_LEGACY, loadRewardModel, recoverReward, resolveAlgorithm1Config, type Algorithm1Config } from "../observer/algorithm-1/algorithm-1.ts";
import { GaussianLogDensityReward } from "../rewards/neural-reward.ts";
import { MLP } from "../nn/mlp.ts";
import { RunningMeanStd } from "../nn/running-mean-std.ts";
import { constantReward, trainObserver } from "../observer/observer-training.ts";
import { normalisedScore, pooledNormalisedScore } from "../evaluation/normalised-score.ts";
import { policyReturns, type PolicyReturns } from "../evaluation/policy-return.ts";
import { pairedComparison, seedStats } from "../evaluation/seed-stats.ts";
import { KERNEL_BACKEND } from "../nn/kernels.ts";
import { gitRevision } from "./provenance.ts";
import {
  TABLE3, TABLE3_PAPER, TABLE3_SCALES, TABLE3_STAGES, type Algorithm1StageResult, type CheckpointState, type Table3MissingCell, type CloneRun, type CloneStageResult, type CurvePoint,
  type LearnerStageResult, type Table3EnvResult, type Table3Metric, type Table3NormalisedMetric, type Table3Options,
  type Table3Budgets, type Table3Result, type Table3Run, type Table3Scale, type Table3Stage,
} from "./table3.ts";

/** Env-steps-free progress unit: PPO updates of the whole plan (learner k_last + 1 + U, four clone runs of U). */
export function table3PpoUpdates(scale: Table3Scale, envs?: readonly string[], seeds?: readonly number[]): number {
  const chosen = selectEnvs(scale, envs);
  const perSeed = chosen.reduce((s, e) => s + Math.max(...e.window) + 1 + 5 * scale.observerUpdates, 0);
  return perSeed * (seeds ?? scale.seeds).length;
}

export function resolveScale(scale: Table3Options["scale"]): Table3Scale {
  return typeof scale === "string" ? TABLE3_SCALES[scale] : scale;
}

function selectEnvs(scale: Table3Scale, ids?: readonly string[]): Table3Scale["envs"] {
  if (!ids) return scale.envs;
  return ids.map((id) => {
    const e = scale.envs.find((x) => x.id === id);
    if (!e) throw new InputError("E_UNKNOWN_ID", `table3: env '${id}' is not in scale '${scale.name}' (${scale.envs.map((x) => x.id).join(", ")})`);
    return e;
  });
}

// ── Checkpoints ──────────────────────────────────────────────────────────────────────────────────────────
interface Checkpoint<T> {
  key: string;
  /** The code that computed it (a resumed run may combine stages from several revisions; results list them). */
  gitRevision: string | null;
  wallSeconds: number;
  result: T;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function loadCheckpoint<T>(path: string, key: string, stage: Table3Stage): { state: CheckpointState; checkpoint: Checkpoint<T> | null } {
  if (!existsSync(path)) return { state: "absent", checkpoint: null };
  try {
    const c = JSON.parse(readFileSync(path, "utf8")) as Checkpoint<T>;
    return keysMatch(c.key, key, stage) ? { state: "ok", checkpoint: c } : { state: "stale", checkpoint: null };
  } catch {
    return { state: "torn", checkpoint: null }; // a torn or foreign file: recompute
  }
}

type Table3EnvSpec = Table3Scale["envs"][number];

function cellDir(runDir: string, scale: Table3Scale, env: Table3EnvSpec, seed: number): string {
  return join(runDir, scale.name, env.id, `seed-${seed}`);
}

/** Every setting of one (env, seed), resolved (so changed defaults invalidate old checkpoints too). */
function cellKey(scale: Table3Scale, env: Table3EnvSpec, seed: number): string {
  const window = [...env.window].sort((a, b) => a - b);
  const budgets = table3Budgets(scale, [env]);
  return JSON.stringify({ table: "table3", version: 1, env: env.id, window, seed, evalEpisodes: scale.evalEpisodes, curveEpisodes: scale.curveEpisodes, curveStride: scale.curveStride, budgets: { ...budgets, algorithm1: algorithm1Key(budgets.algorithm1) } });
}

/**
 * The Algorithm 1 settings as keyed: in the shape (and property order) this module used before the options
 * policyFit, kl, rewardInit, rewardForm, normaliseReward existed, when they have the values that reproduce it.
 */
function algorithm1Key(c: Algorithm1Config): unknown {
  const L = ALGORITHM1_LEGACY;
  const legacy = c.policyFit === L.policyFit && c.kl === L.kl && c.rewardForm === L.rewardForm && c.normaliseReward === L.normaliseReward && c.rewardInit !== "clone";
  if (!legacy) return c;
  const { updates, alphaModel, gamma, lambda, learningRate, policySteps, klSteps, rewardInitSteps, consistencySteps, batchSize, policyHidden, klHidden, shapingHidden, clipObs, scaleTargets } = c;
  const rewardInitData = c.rewardInit === "ml-all" ? "all" : "last";
  return { updates, alphaModel, gamma, lambda, learningRate, policySteps, klSteps, rewardInitSteps, consistencySteps, batchSize, rewardInitData, policyHidden, klHidden, shapingHidden, clipObs, scaleTargets };
}

/** A saved key matches when equal; the learner's also when equal but for the Algorithm 1 settings. */
function keysMatch(saved: string, key: string, stage: Table3Stage): boolean {
  if (saved === key) return true;
  if (stage !== "learner") return false;
  const withoutAlgorithm1 = (k: string): string | null => {
    try {
      const o = JSON.parse(k) as { budgets?: { algorithm1?: unknown } };
      if (typeof o.budgets !== "object" || o.budgets === null) return null;
      delete o.budgets.algorithm1;
      return JSON.stringify(o);
    } catch {
      return null;
    }
  };
  const a = withoutAlgorithm1(saved);
  return a !== null && a === withoutAlgorithm1(key);
}

/** The state of each stage's checkpoint of one (env, seed), reading files only (the learner's also needs history.npz). */
export function table3CellState(scale: Table3Scale, env: Table3EnvSpec, seed: number, runDir: string): Record<Table3Stage, CheckpointState> {
  const dir = cellDir(runDir, scale, env, seed), key = cellKey(scale, env, seed);
  return Object.fromEntries(TABLE3_STAGES.map((name) => {
    const { state } = loadCheckpoint(join(dir, `${name}.json`), key, name);
    return [name, state === "ok" && name === "learner" && !existsSync(join(dir, "history.npz")) ? "absent" : state];
  })) as Record<Table3Stage, CheckpointState>;
}

// ── One (env, seed) ──────────────────────────────────────────────────────────────────────────────────────
function runOne(scale: Table3Scale, env: Table3EnvSpec, seed: number, opts: Table3Options, revision: string | null): Table3Run {
  const dir = cellDir(opts.runDir, scale, env, seed);
  if (!opts.finishedOnly) mkdirSync(dir, { recursive: true });
  const window = [...env.window].sort((a, b) => a - b);
  const first = window[0]!, last = window[window.length - 1]!, U = scale.observerUpdates;
  const key = cellKey(scale, env, seed);
  // MuJoCo is only needed to compute (an assembly from checkpoints plays no episode).
  const makeEnvFor = () => makeEnv(env.id, {}, envSpec(env.id).needsMujoco ? { mujoco: opts.mujoco ?? missingMujoco(env.id) } : {});
  const evalSeed = 10_000 + 1000 * seed;
  const score = (actor: PpoActorJson, episodes: number): PolicyReturns => policyReturns(actor, makeEnvFor, { episodes, mode: "stochastic", seed: evalSeed });
  const meanAction = (actor: PpoActorJson): number => policyReturns(actor, makeEnvFor, { episodes: scale.evalEpisodes, mode: "deterministic", seed: evalSeed }).mean;
  const tick = (stage: Table3Stage, detail: string, ppoUpdate: boolean): void => opts.onProgress?.({ kind: "tick", env: env.id, seed, stage, detail, ppoUpdate });
  const wallSeconds: Partial<Record<Table3Stage, number>> = {};
  const resumed: Table3Stage[] = [];
  const revisions: Partial<Record<Table3Stage, string | null>> = {};
  let recompute = false;
  const stage = <T>(name: Table3Stage, compute: () => T): T => {
    const path = join(dir, `${name}.json`);
    const saved = recompute ? null : loadCheckpoint<T>(path, key, name).checkpoint;
    if (saved && (name !== "learner" || existsSync(join(dir, "history.npz")))) {
      wallSeconds[name] = saved.wallSeconds;
      revisions[name] = saved.gitRevision ?? null;
      resumed.push(name);
      opts.onProgress?.({ kind: "stage", env: env.id, seed, stage: name, status: "skipped", seconds: saved.wallSeconds });
      return saved.result;
    }
    if (opts.finishedOnly) throw new InputError("E_FILE", `table3 --finished-only: ${env.id} seed ${seed} stage ${name} is no longer checkpointed (${path}); nothing was computed`);
    recompute = true;
    opts.onProgress?.({ kind: "stage", env: env.id, seed, stage: name, status: "start" });
    const t0 = performance.now();
    const result = compute();
    const seconds = (performance.now() - t0) / 1000;
    writeAtomic(path, `${JSON.stringify({ key, gitRevision: revision, wallSeconds: seconds, result } satisfies Checkpoint<T>)}\n`);
    wallSeconds[name] = seconds;
    revisions[name] = revision;
    opts.onProgress?.({ kind: "stage", env: env.id, seed, stage: name, status: "done", seconds });
    return result;
  };

  // ── Stage 1: the learner, recorded over the window, then continued for U updates ──
  const learner = stage<LearnerStageResult>("learner", () => {
    const observed: LearnerStageResult["observed"] = [];
    const continuedCurve: CurvePoint[] = [];
    const det = { first: NaN, last: NaN, continued: NaN };
    const ppo = trainPpo({ ...scale.ppo, totalSteps: (last + 1 + U) * scale.ppo.numEnvs * scale.ppo.nSteps, seed, recordEnvs: 1 }, makeEnvFor, {
      onPolicy: (k, actor) => {
        if (window.includes(k)) {
          const a = actor();
          observed.push({ update: k, ...score(a, scale.evalEpisodes) });
          if (k === first) det.first = meanAction(a);
          if (k === last) det.last = meanAction(a);
        } else if (k > last && (k - last) % scale.curveStride === 0) continuedCurve.push({ update: k, mean: score(actor(), scale.curveEpisodes).mean });
      },
      onUpdate: (s) => tick("learner", `update ${s.update}`, true),
    }, {});
    const m = ppo.model();
    const finalActor: PpoActorJson = { policy: m.policy, logStd: m.logStd, obsNorm: m.obsNorm, clipObs: m.clipObs };
    const continuedFinal = score(finalActor, scale.evalEpisodes);
    det.continued = meanAction(finalActor);
    continuedCurve.push({ update: last + U + 1, mean: continuedFinal.mean });
    writeHistoryColumns(join(dir, "history.npz"), historyToColumns(ppo.history!.select(window)));
    return { observed, continuedCurve, continuedFinal, meanAction: det, trainingReturns: ppo.updates.map((u) => u.meanReturn), steps: ppo.steps };
  });

  // ── Stage 2: Algorithm 1 on the recorded window (the file, as `lfl infer` would read it) ──
  const recover = opts.recover ?? recoverReward;
  const alg = stage<Algorithm1StageResult>("algorithm-1", () => {
    const columns = readHistoryColumns(join(dir, "history.npz"));
    let steps = 0;
    const res = recover(columns, { ...scale.algorithm1, updates: window }, seed, {
      onStage: (name, step, total) => { if (++steps % 50 === 0 || step === total) tick("algorithm-1", `${name} ${step}/${total}`, false); },
    });
    const bcPolicy: PpoActorJson = { policy: res.bcPolicy.policy, logStd: res.bcPolicy.logStd, obsNorm: res.bcPolicy.obsNorm, clipObs: res.bcPolicy.clipObs };
    return { reward: res.reward.toJSON(), bcPolicy, diagnostics: res.diagnostics, bc: score(bcPolicy, scale.evalEpisodes), bcMeanAction: meanAction(bcPolicy) };
  });
  // Always rebuilt from its JSON, so a resumed run and a fresh one train on the very same reward.
  const recovered = (opts.loadReward ?? loadRewardModel)(alg.reward);

  // ── Stages 3–6: PPO from the clone on the recovered / true / constant reward / the clone's log-density ──
  const cloneRun = (name: CloneRun): CloneStageResult => stage<CloneStageResult>(name, () => {
    const curve: CurvePoint[] = [];
    const dims = [recovered.obsDim, recovered.actDim] as const;
    const run = trainObserver({
      makeEnv: makeEnvFor,
      reward: name === "observer" ? recovered : name === "true-reward" ? "env" : name === "bc-reward" ? cloneLogDensity(alg.bcPolicy) : constantReward(...dims),
      start: alg.bcPolicy, updates: U, seed: seed + 1, ppo: scale.ppo,
      onPolicy: (j, actor) => { if (j % scale.curveStride === 0) curve.push({ update: last + j, mean: score(actor(), scale.curveEpisodes).mean }); },
      onUpdate: (s) => tick(name, `update ${s.update}`, true),
    });
    const final = score(run.final, scale.evalEpisodes);
    curve.push({ update: last + U, mean: final.mean });
    return { curve, final, finalMeanAction: meanAction(run.final), trainingReturns: run.updates.map((u) => u.meanReturn), steps: run.steps };
  });
  const observer = cloneRun("observer"), trueReward = cloneRun("true-reward"), constant = cloneRun("constant"), bcReward = cloneRun("bc-reward");

  // ── Scores ──
  const means = learner.observed.map((o) => o.mean);
  const learnerFirst = learner.observed.find((o) => o.update === first)!.mean;
  const learnerLast = learner.observed.find((o) => o.update === last)!.mean;
  const abs = { learnerBest: Math.max(...means), observer: observer.final.mean, bc: alg.bc.mean, continued: learner.continuedFinal.mean, trueReward: trueReward.final.mean, constant: constant.final.mean, bcReward: bcReward.final.mean };
  const norm = (x: number): number | null => (learnerLast === learnerFirst ? null : normalisedScore(x, learnerFirst, learnerLast));
  return {
    env: env.id, seed, learnerFirst, learnerLast, ...abs,
    normalised: { learnerBest: norm(abs.learnerBest), observer: norm(abs.observer), bc: norm(abs.bc), continued: norm(abs.continued), trueReward: norm(abs.trueReward), constant: norm(abs.constant), bcReward: norm(abs.bcReward) },
    learnerImproved: learnerLast > learnerFirst,
    meanAction: {
      learnerFirst: learner.meanAction.first, learnerLast: learner.meanAction.last, observer: observer.finalMeanAction, bc: alg.bcMeanAction,
      continued: learner.meanAction.continued, trueReward: trueReward.finalMeanAction, constant: constant.finalMeanAction, bcReward: bcReward.finalMeanAction,
    },
    curves: {
      learner: learner.observed.map((o) => ({ update: o.update, mean: o.mean })),
      continued: learner.continuedCurve, observer: observer.curve, "true-reward": trueReward.curve, constant: constant.curve, "bc-reward": bcReward.curve,
    },
    wallSeconds, resumed, revisions, algorithm1: alg.diagnostics,
  };
}

/** r(s, a) = ln π̂K(a|s): the clone's Gaussian log-density with its own observation normalisation (no LfL). */
function cloneLogDensity(actor: PpoActorJson): GaussianLogDensityReward {
  if (!actor.obsNorm) throw new InputError("E_INVALID_ARGUMENT", "table3: the clone has no observation normalisation");
  return new GaussianLogDensityReward(MLP.fromJSON(actor.policy), actor.logStd, { stats: RunningMeanStd.fromJSON(actor.obsNorm), clip: actor.clipObs ?? 10 });
}

function missingMujoco(id: string): never {
  throw new InputError("E_ENV", `table3: ${id} needs a MuJoCo runtime (pass { mujoco: await loadMujoco() })`);
}

// ── All of them, and the statistics over seeds ───────────────────────────────────────────────────────────
export function runTable3(opts: Table3Options): Table3Result {
  const scale = resolveScale(opts.scale);
  const envs = selectEnvs(scale, opts.envs);
  const seeds = [...(opts.seeds ?? scale.seeds)];
  const revision = gitRevision();
  const missing: Table3MissingCell[] = [];
  const seedCounts: Table3Result["seedCounts"] = [];
  const results: Table3EnvResult[] = [];
  for (const env of envs) {
    // --finished-only: a cell is used only if EVERY stage is checkpointed with this run's key; nothing is computed.
    const ready = !opts.finishedOnly ? seeds : seeds.filter((seed) => {
      const states = table3CellState(scale, env, seed, opts.runDir);
      const stages = TABLE3_STAGES.flatMap((stage) => { const state = states[stage]; return state === "ok" ? [] : [{ stage, state }]; });
      if (stages.length > 0) missing.push({ env: env.id, seed, stages });
      return stages.length === 0;
    });
    seedCounts.push({ env: env.id, requested: seeds.length, seeds: ready });
    if (ready.length > 0) results.push(summarise(env.id, env.window, ready.map((seed) => runOne(scale, env, seed, opts, revision))));
  }
  if (opts.finishedOnly && results.length === 0) {
    throw new InputError("E_FILE", `table3 --finished-only: no (env, seed) cell has all ${TABLE3_STAGES.length} stages checkpointed with the current settings under ${join(opts.runDir, scale.name)} (requested ${envs.map((e) => e.id).join(", ")} × seeds ${seeds.join(", ")}; ${missing.length} cells missing)`);
  }
  return {
    name: "table3", title: TABLE3.title, scale, budgets: table3Budgets(scale, envs), seeds, kernelBackend: KERNEL_BACKEND, evaluation: TABLE3.evaluation, runDir: opts.runDir, envs: results,
    finishedOnly: opts.finishedOnly === true, missing, seedCounts, revisions: revisionsOf(results),
  };
}

/** Groups the cells by the git revision that computed their stages (a cell split across revisions names its stages). */
function revisionsOf(envs: readonly Table3EnvResult[]): Table3Result["revisions"] {
  const byRevision = new Map<string | null, string[]>();
  for (const r of envs.flatMap((e) => e.runs)) {
    const stages = new Map<string | null, Table3Stage[]>();
    for (const stage of TABLE3_STAGES) {
      const rev = r.revisions[stage] ?? null;
      stages.set(rev, [...(stages.get(rev) ?? []), stage]);
    }
    for (const [rev, list] of stages) {
      const cell = `${r.env} seed ${r.seed}${list.length === TABLE3_STAGES.length ? "" : ` (${list.join(", ")})`}`;
      byRevision.set(rev, [...(byRevision.get(rev) ?? []), cell]);
    }
  }
  return [...byRevision].map(([revision, cells]) => ({ revision, cells }));
}

export function table3Budgets(scale: Table3Scale, envs: Table3Scale["envs"] = scale.envs): Table3Budgets {
  const { totalSteps: _t, seed: _s, rewardFn: _r, initialActor: _i, ...ppo } = resolvePpoConfig({ ...scale.ppo, totalSteps: 1, seed: 0 });
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

const ABSOLUTE: readonly Table3Metric[] = ["learnerFirst", "learnerLast", "learnerBest", "observer", "bc", "continued", "trueReward", "constant", "bcReward"];
const MEAN_ACTION: readonly Exclude<Table3Metric, "learnerBest">[] = ["learnerFirst", "learnerLast", "observer", "bc", "continued", "trueReward", "constant", "bcReward"];
const NORMALISED: readonly Table3NormalisedMetric[] = ["learnerBest", "observer", "bc", "continued", "trueReward", "constant", "bcReward"];

export function summarise(id: string, window: number[], runs: Table3Run[]): Table3EnvResult {
  const rng = new Rng(0);
  const absolute = Object.fromEntries(ABSOLUTE.map((m) => [m, seedStats(runs.map((r) => r[m]), rng)])) as Table3EnvResult["absolute"];
  const improved = runs.filter((r) => r.learnerImproved);
  const normalised = Object.fromEntries(NORMALISED.map((m) => [m, improved.length ? seedStats(improved.map((r) => r.normalised[m]!), rng) : null])) as Table3EnvResult["normalised"];
  const firsts = runs.map((r) => r.learnerFirst), lasts = runs.map((r) => r.learnerLast);
  const pooledOk = lasts.reduce((s, x) => s + x, 0) > firsts.reduce((s, x) => s + x, 0); // the mean learner improved
  const pooled = Object.fromEntries(NORMALISED.map((m) => [m, pooledOk ? pooledNormalisedScore(runs.map((r) => r[m]), firsts, lasts) : null])) as Table3EnvResult["pooled"];
  const meanAction = Object.fromEntries(MEAN_ACTION.map((m) => [m, seedStats(runs.map((r) => r.meanAction[m]), rng)])) as Table3EnvResult["meanAction"];
  const observer = runs.map((r) => r.observer);
  const comparisons = Object.fromEntries((["bc", "continued", "trueReward", "constant", "bcReward"] as const).map((m) => [m, runs.length >= 2 ? pairedComparison(observer, runs.map((r) => r[m]), rng) : null])) as Table3EnvResult["comparisons"];
  return { id, window, paper: TABLE3_PAPER.find((p) => p.id === id) ?? null, runs, absolute, normalised, pooled, meanAction, comparisons };
}
