/**
 * Table 3's learner stage, and what every stage of one (env, seed) shares: the cell payload, the scorer (every
 * policy of one (env, seed) is scored on the same evaluation start states — a paired design) and the observed
 * window's history file. The learner is PPO recorded over the window, then continued for U updates; it writes
 * history.npz into its work directory.
 *
 * The stages are separate runner modules so each cell's content key covers only the code it runs: a new method
 * (methods/) never invalidates a learner or an Algorithm 1 cell, and a change to Algorithm 1 never invalidates a
 * learner.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { dirname, join } from "node:path";
import type { MujocoRuntime } from "../../envs/mujoco/mujoco-runtime.ts";
import { loadMujoco } from "../../envs/mujoco/mujoco-runtime.ts";
import { InputError } from "../../core/errors.ts";
import { envSpec, makeEnv } from "../../envs/registry.ts";
import { historyToColumns } from "../../data/history-columns.ts";
import { writeHistoryColumns } from "../../data/history-file.ts";
import { trainPpo, type PpoActorJson } from "../../learners/ppo.ts";
import type { Algorithm1Config } from "../../observer/algorithm-1/algorithm-1-config.ts";
import { policyReturns, type PolicyReturns } from "../../evaluation/policy-return.ts";
import type { CellContext, CellRunner } from "../engine/cell.ts";
import { streamSeed } from "../engine/streams.ts";
import { lineageHistory } from "./learner-history-lineage.ts";
import type { CurvePoint, LearnerStageResult, Table3Scale } from "./table3.ts";

/** What every stage of one (env, seed) needs; the Algorithm 1 settings only in the cells that depend on them. */
export interface Table3CellPayload {
  stage: "learner" | "algorithm-1" | "method";
  /** The method id (stage "method"). */
  method?: string;
  env: string;
  /** Observed updates, sorted. */
  window: number[];
  seed: number;
  ppo: Table3Scale["ppo"];
  observerUpdates: number;
  evalEpisodes: number;
  curveEpisodes: number;
  curveStride: number;
  algorithm1?: Partial<Algorithm1Config>;
  /** Content keys of the learner and Algorithm 1 cells of this (env, seed) (the learner's: where its history is). */
  learnerKey?: string;
  algorithm1Key?: string;
  /**
   * Read the observed window from this history file (absolute path) instead of the learner cell's work directory
   * (`lfl evaluate` on an outside history: src/experiments/evaluate/). No learner cell then exists to recompute it.
   */
  historyFile?: string;
  /** Learner stage: updates whose policies are kept in the result (for the reward-quality stage). */
  snapshotUpdates?: number[];
}

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as Table3CellPayload;
  if (p.stage !== "learner") throw new RangeError(`table3-learner-cell: stage '${p.stage}' is not the learner`);
  return runLearner(p, await table3Scorer(p), ctx, join(ctx.workDir, "history.npz"));
};

/**
 * The observed window's history file: where the learner cell wrote it, where the stale record it was reused from
 * (`--reuse-stale`) left it (learner-history-lineage.ts), or recomputed here (deterministic: the same bytes) when
 * another machine ran the learner; `lfl evaluate` names an outside file instead.
 */
export async function windowHistory(p: Table3CellPayload, s: Scorer, ctx: CellContext): Promise<string> {
  const history = p.historyFile ?? join(dirname(ctx.workDir), p.learnerKey!, "history.npz");
  if (p.historyFile !== undefined && !existsSync(history)) throw new InputError("E_FILE", `${history}: the history file is not on this machine`);
  if (existsSync(history)) return history;
  const reused = p.historyFile === undefined ? lineageHistory(ctx.workDir, p.learnerKey!) : null;
  if (reused !== null) return reused;
  await once(history, () => runLearner(p, s, ctx, history));
  return history;
}

/**
 * Runs `make` to create `file` unless another process is already making it (a lock file beside it holding that
 * process's pid): then waits for the file. Cells of one (env, seed) running side by side recompute a missing
 * history once, not once each; a lock left by a killed process is taken over.
 */
async function once(file: string, make: () => Promise<unknown>): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  while (!existsSync(file)) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, String(process.pid));
        if (!existsSync(file)) await make();
      } finally {
        closeSync(fd);
        rmSync(lock, { force: true });
      }
      return;
    }
    if (!holderAlive(lock)) rmSync(lock, { force: true });
    else await sleep(1000);
  }
}

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lock).mtimeMs < 10_000; // being written: wait a little
  } catch {
    return false; // gone meanwhile: try again
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface Scorer {
  makeEnv: (rank: number) => ReturnType<typeof makeEnv>;
  score(actor: PpoActorJson, episodes: number): PolicyReturns;
  meanAction(actor: PpoActorJson): number;
}

export async function table3Scorer(p: Table3CellPayload): Promise<Scorer> {
  const mujoco: MujocoRuntime | undefined = envSpec(p.env).needsMujoco ? await loadMujoco() : undefined;
  const makeEnvFor = (): ReturnType<typeof makeEnv> => makeEnv(p.env, {}, mujoco ? { mujoco } : {});
  const evalSeed = 10_000 + 1000 * p.seed; // shared by every policy of this (env, seed): paired comparisons
  return {
    makeEnv: makeEnvFor,
    score: (actor, episodes) => policyReturns(actor, makeEnvFor, { episodes, mode: "stochastic", seed: evalSeed }),
    meanAction: (actor) => policyReturns(actor, makeEnvFor, { episodes: p.evalEpisodes, mode: "deterministic", seed: evalSeed }).mean,
  };
}

async function runLearner(p: Table3CellPayload, s: Scorer, ctx: CellContext, historyPath: string): Promise<LearnerStageResult> {
  const first = p.window[0]!, last = p.window[p.window.length - 1]!, U = p.observerUpdates;
  const totalUpdates = last + 1 + U;
  const observed: LearnerStageResult["observed"] = [];
  const continuedCurve: CurvePoint[] = [];
  const det = { first: NaN, last: NaN, continued: NaN };
  const snapshots: NonNullable<LearnerStageResult["snapshots"]> = []; // reward-quality stage: policies outside the window
  const ppo = trainPpo(p.ppo, s.makeEnv, { totalSteps: totalUpdates * p.ppo.numEnvs * p.ppo.nSteps, seed: streamSeed("table3", p.env, p.seed, "learner"), recordEnvs: 1 }, {
    onPolicy: (k, actor) => {
      if (p.snapshotUpdates?.includes(k)) snapshots.push({ update: k, actor: actor() });
      if (p.window.includes(k)) {
        const a = actor();
        observed.push({ update: k, ...s.score(a, p.evalEpisodes) });
        if (k === first) det.first = s.meanAction(a);
        if (k === last) det.last = s.meanAction(a);
      } else if (k > last && (k - last) % p.curveStride === 0) continuedCurve.push({ update: k, mean: s.score(actor(), p.curveEpisodes).mean });
    },
    onUpdate: (u) => ctx.progress({ stage: "learner", done: u.update + 1, total: totalUpdates }),
  });
  const m = ppo.model();
  const finalActor: PpoActorJson = { policy: m.policy, logStd: m.logStd, obsNorm: m.obsNorm, clipObs: m.clipObs };
  const continuedFinal = s.score(finalActor, p.evalEpisodes);
  det.continued = s.meanAction(finalActor);
  continuedCurve.push({ update: last + U + 1, mean: continuedFinal.mean });
  writeHistoryColumns(historyPath, historyToColumns(ppo.history!.select(p.window)));
  if (p.snapshotUpdates) snapshots.push({ update: last + U + 1, actor: finalActor });
  return { observed, continuedCurve, continuedFinal, meanAction: det, trainingReturns: ppo.updates.map((u) => u.meanReturn), steps: ppo.steps, ...(p.snapshotUpdates ? { snapshots } : {}) };
}

