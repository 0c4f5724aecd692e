/**
 * `lfl bench infer`: Algorithm 1 (observer/algorithm-1/) per stage on HalfCheetah-shaped synthetic data — dObs 17,
 * dAct 6, K = 11 updates × 2048 pairs, 1000-step truncated episodes — under several settings: the paper's (§6.3:
 * 1000 policy, 100 KL, 3000 reward-init, 1000 Eq. 5 steps, full batches), the authors' minibatch settings (their
 * lfl.py: 100-pair batches, 3000 policy steps), our defaults (what Table 3 and `lfl infer` run) and ALGORITHM1_INFER. Per
 * stage it records wall and CPU seconds, the steps taken, the final and the held-out loss. With several kernel
 * backends every backend runs in its own process (bench-backends.ts) and bench-infer-compare.ts prints the
 * ratios against the TypeScript kernels from the same rounds. The data are a random stable linear system driven
 * by linear-Gaussian policies that drift from update to update; only the shapes and step counts matter for timing.
 */
import { createHash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { readHistoryColumns } from "../data/history-file.ts";
import { KERNEL_BACKEND } from "../nn/kernels.ts";
import { loadNativeAddon } from "../nn/native-kernels.ts";
import {
  ALGORITHM1_DEFAULTS, ALGORITHM1_INFER, ALGORITHM1_PAPER, ALGORITHM1_STAGES, recoverReward, type Algorithm1Config, type Algorithm1Stage,
} from "../observer/algorithm-1/algorithm-1.ts";
import { isBenchChild, parseBackends } from "./bench-backends.ts";
import { compareInferBackends, printInferRun } from "./bench-infer-compare.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_INFER_USAGE = `lfl bench infer [--settings LIST] [--history FILE] [--updates K] [--pairs N] [--scale X] [--backends LIST|all|current] [--rounds N] [--seed N] [--json FILE]

  Algorithm 1 on synthetic HalfCheetah-shaped data (17-dim observations, 6-dim actions), K updates (default 11)
  × N pairs (default 2048). Per setting and stage: wall and CPU seconds, steps taken, final and held-out loss.
  --settings  comma list (default paper,authors,defaults,infer):
                paper     the paper's §6.3 Algorithm 1: full batches, 1000 policy / 100 KL / 3000 reward-init /
                          1000 Eq. 5 steps, regressed KL nets, ML reward init
                authors   the same with the authors' lfl.py minibatches: 100 pairs per step, 3000 policy steps
                defaults  ALGORITHM1_DEFAULTS (what Table 3 runs: early-stopped clones, exact KL, clone init)
                infer     ALGORITHM1_INFER (\`lfl infer --consistency-fit early-stopping\`)
  --authors   the same as --settings authors
  --history   a recorded Box learning history (.npz) instead of the synthetic data (--updates/--pairs then unused;
              every update of the file is used)
  --scale     multiply every step budget by X in (0, 1] (default 1); time per step stays comparable
  --backends  NN kernel backends (ts,wasm,native,native-scalar,native-f32; default all available float64 ones):
              each in its own process, --rounds rounds (default 1) in rotated order; prints medians, ratios
              against ts from the same rounds, and checks that every float64 backend recovered the same reward
              bytes (native-f32's float32 products give other bytes by design: its losses are compared with
              float64's instead). 'current' = only this process's backend (LFL_KERNELS), in process.
  Check the machine is quiet first (cat /proc/loadavg); under load read the CPU seconds.`;

export const BENCH_INFER_SETTINGS = ["paper", "authors", "defaults", "infer"] as const;
export type BenchInferSetting = (typeof BENCH_INFER_SETTINGS)[number];

/** One stage of one setting: steps taken (of `budget`), wall and CPU seconds, final loss, held-out loss (null: none). */
export interface InferStageRun {
  stage: Algorithm1Stage;
  steps: number;
  budget: number;
  seconds: number;
  cpuSeconds: number;
  finalLoss: number;
  /**
   * (i) early-stopped clones: mean held-out NLL per pair; (iv) the Eq. 5 loss on the pairs stage (iv) early
   * stopping holds out (`heldOutConsistencyLoss`; in-sample for a fixed-step fit, which trains on them); else null.
   */
  heldOutLoss: number | null;
}

export interface InferSettingRun {
  setting: BenchInferSetting;
  config: Partial<Algorithm1Config>;
  stages: InferStageRun[];
  seconds: number;
  cpuSeconds: number;
  /** SHA-256 of the recovered reward's JSON without `info` (which holds the timings): equal under every backend. */
  rewardSha256: string;
}

export interface InferBenchRun {
  /** The history file, when not the synthetic data (then `pairs` is the mean number of pairs per update). */
  history?: string;
  K: number;
  pairs: number;
  seed: number;
  scale: number;
  kernels: string;
  /** The native thread pool's setting (threads, and whether it splits only while splitting pays), native kernels only. */
  pool?: string;
  loadAverage: string;
  node: string;
  runs: InferSettingRun[];
}

/** Synthetic learning history: s′ = 0.95 s + 0.1 B a + 0.05 ε, a ~ N(W_k s, 0.5² I), W_k drifting with k. */
export function syntheticBoxHistory(K: number, pairs: number, dObs: number, dAct: number, seed: number, episodeLength = 1000): HistoryColumns {
  const rng = new Rng(seed);
  const n = K * pairs;
  const B = Float64Array.from({ length: dObs * dAct }, () => rng.normal() / Math.sqrt(dAct));
  let W = Float64Array.from({ length: dAct * dObs }, () => 0.3 * rng.normal() / Math.sqrt(dObs));
  const obs = new Float64Array(n * dObs), nextObs = new Float64Array(n * dObs), actions = new Float64Array(n * dAct);
  const truncated = new Uint8Array(n), update = new Float64Array(n), episode = new Float64Array(n);
  const s = new Float64Array(dObs);
  let ep = 0, t = 0;
  const reset = (): void => {
    for (let j = 0; j < dObs; j++) s[j] = 0.1 * rng.normal();
    t = 0;
  };
  reset();
  for (let k = 0, row = 0; k < K; k++) {
    for (let p = 0; p < pairs; p++, row++) {
      obs.set(s, row * dObs);
      for (let j = 0; j < dAct; j++) {
        let m = 0;
        for (let i = 0; i < dObs; i++) m += W[j * dObs + i]! * s[i]!;
        actions[row * dAct + j] = m + 0.5 * rng.normal();
      }
      for (let i = 0; i < dObs; i++) {
        let ba = 0;
        for (let j = 0; j < dAct; j++) ba += B[i * dAct + j]! * actions[row * dAct + j]!;
        s[i] = 0.95 * s[i]! + 0.1 * ba + 0.05 * rng.normal();
      }
      nextObs.set(s, row * dObs);
      update[row] = k;
      episode[row] = ep;
      if (++t === episodeLength) {
        truncated[row] = 1;
        ep++;
        reset();
      }
    }
    W = W.map((w) => w + 0.05 * rng.normal() / Math.sqrt(dObs));
    // A new update starts a new trajectory record (as PPO's history), continuing the same episode id is not needed.
    if (t > 0) ep++;
  }
  return {
    meta: { envId: "synthetic-halfcheetah-shaped", learner: "synthetic", observationSpace: { kind: "box", dim: dObs }, actionSpace: { kind: "box", dim: dAct } },
    updates: Array.from({ length: K }, (_, k) => k), n, obs, nextObs, actions, rewards: new Float64Array(n),
    terminated: new Uint8Array(n), truncated, update, episode,
  };
}

/** The settings of one benchmark configuration, every step budget multiplied by `scale` (at least 1 step). */
export function benchInferConfig(setting: BenchInferSetting, scale: number): Partial<Algorithm1Config> {
  const steps = (x: number): number => Math.max(1, Math.round(x * scale));
  const base = setting === "defaults" ? ALGORITHM1_DEFAULTS : setting === "infer" ? ALGORITHM1_INFER : ALGORITHM1_PAPER;
  return {
    ...base,
    ...(setting === "authors" ? { batchSize: 100 } : {}),
    policySteps: steps(setting === "authors" ? 3000 : base.policySteps), klSteps: steps(base.klSteps),
    rewardInitSteps: steps(base.rewardInitSteps), consistencySteps: steps(base.consistencySteps),
  };
}

/** Runs Algorithm 1 once under `setting` and records every stage. */
export function runInferSetting(columns: HistoryColumns, setting: BenchInferSetting, scale: number, seed: number): InferSettingRun {
  const config = benchInferConfig(setting, scale);
  const taken: Record<Algorithm1Stage, number> = { policies: 0, kl: 0, "reward-init": 0, consistency: 0 };
  const t0 = performance.now(), c0 = process.cpuUsage();
  const res = recoverReward(columns, config, seed, { onStage: (stage) => void (taken[stage] += 1) });
  const c = process.cpuUsage(c0);
  const d = res.diagnostics;
  const K = d.updates.length;
  const budget: Record<Algorithm1Stage, number> = {
    policies: K * config.policySteps!, kl: config.kl === "exact" ? 0 : config.klSteps!,
    "reward-init": config.rewardInit === "clone" ? 0 : config.rewardInitSteps!, consistency: config.consistencySteps!,
  };
  const heldOut: Record<Algorithm1Stage, number | null> = {
    policies: config.policyFit === "paper" ? null : d.policyLoss.reduce((a, b) => a + b, 0) / K, kl: null, "reward-init": null, consistency: d.heldOutConsistencyLoss,
  };
  const stages = ALGORITHM1_STAGES.map((stage): InferStageRun => ({
    stage, steps: taken[stage], budget: budget[stage], seconds: d.timeMs[stage] / 1000, cpuSeconds: d.cpuMs[stage] / 1000, finalLoss: d.finalLoss[stage], heldOutLoss: heldOut[stage],
  }));
  return {
    setting, config, stages, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6,
    rewardSha256: createHash("sha256").update(JSON.stringify({ ...res.reward.toJSON(), info: null })).digest("hex"),
  };
}

function parseSettings(value: string | undefined, authors: boolean): BenchInferSetting[] {
  if (authors) return ["authors"];
  if (value === undefined) return [...BENCH_INFER_SETTINGS];
  const names = value.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(BENCH_INFER_SETTINGS as readonly string[]).includes(n)) throw new InputError("E_USAGE", `--settings: unknown setting '${n}' (${BENCH_INFER_SETTINGS.join(", ")})`);
  }
  return names as BenchInferSetting[];
}

/** A recorded history with Box observations and actions (Algorithm 1's input). */
function readBoxHistory(path: string): HistoryColumns {
  const columns = readHistoryColumns(path);
  if (columns.meta.observationSpace.kind !== "box" || columns.meta.actionSpace.kind !== "box") throw new InputError("E_USAGE", `--history: ${path} is not a Box history (Algorithm 1 needs Box observations and actions)`);
  return columns;
}

const loadAverage = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");

export async function runBenchInfer(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench infer", argv, {
    updates: { type: "string" }, pairs: { type: "string" }, scale: { type: "string" }, authors: { type: "boolean" },
    settings: { type: "string" }, backends: { type: "string" }, rounds: { type: "string" }, history: { type: "string" },
  });
  const K = intFlag("updates", v.updates, 11, 2);
  const pairs = intFlag("pairs", v.pairs, 2048, 1);
  const seed = intFlag("seed", v.seed, 0);
  const scale = v.scale === undefined ? 1 : Number(v.scale);
  if (!(scale > 0 && scale <= 1)) throw new InputError("E_USAGE", `--scale must be in (0, 1], got '${v.scale}'`);
  const settings = parseSettings(v.settings, v.authors === true);
  if (!isBenchChild() && v.backends !== "current") {
    const rounds = intFlag("rounds", v.rounds, 1, 1);
    const backends = parseBackends(v.backends);
    // The children get every flag but these (their settings are passed explicitly).
    const withValue = ["--backends", "--rounds", "--json", "--settings"];
    const childArgv = argv.filter((a, i) => a !== "--authors" && !withValue.includes(a) && !withValue.includes(argv[i - 1] ?? "") && !withValue.some((f) => a.startsWith(`${f}=`)));
    return compareInferBackends([...childArgv, "--settings", settings.join(",")], backends, rounds, v.json, loadAverage());
  }
  const columns = v.history === undefined ? syntheticBoxHistory(K, pairs, 17, 6, seed) : readBoxHistory(v.history);
  const pool = nativePool();
  process.stderr.write(`bench infer: ${v.history ?? `K = ${K} × ${pairs} pairs`}, settings ${settings.join(", ")}, scale ${scale}, kernels ${KERNEL_BACKEND}${pool ? ` (${pool})` : ""}, load average ${loadAverage()}\n`);
  const runs: InferSettingRun[] = [];
  for (const s of settings) {
    process.stderr.write(`  ${s} …\n`);
    runs.push(runInferSetting(columns, s, scale, seed));
  }
  const result: InferBenchRun = { ...(v.history === undefined ? { K, pairs } : { history: v.history, K: columns.updates.length, pairs: columns.n / columns.updates.length }), seed, scale, kernels: KERNEL_BACKEND, ...(pool ? { pool } : {}), loadAverage: loadAverage(), node: process.version, runs };
  if (v.json !== undefined) writeFileAtomic(v.json, `${JSON.stringify(result, null, 2)}\n`);
  if (!isBenchChild()) printInferRun(result, cpus()[0]?.model ?? "cpu");
  return 0;
}

/** The native thread pool's setting, e.g. "2 thread(s), split only while it pays"; "" without native kernels (timings depend on it, results do not). */
function nativePool(): string {
  const addon = KERNEL_BACKEND.startsWith("native") ? loadNativeAddon() : null;
  if (addon?.threads === undefined) return "";
  return `${addon.threads} thread(s)${addon.threads > 1 ? (addon.adaptive === false ? ", always split" : ", split only while it pays") : ""}`;
}
