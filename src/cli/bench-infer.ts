/**
 * `lfl bench infer`: wall time of Algorithm 1 (observer/algorithm-1.ts) per stage on HalfCheetah-shaped synthetic
 * data — dObs 17, dAct 6, K = 11 updates × 2048 pairs, 1000-step truncated episodes — with the paper's step
 * counts (§6.3: 1000 policy, 100 KL, 3000 reward-init, 1000 consistency steps, full batches). The data are a
 * random stable linear system driven by linear-Gaussian policies that drift from update to update; only the
 * shapes and step counts matter for the timing.
 */
import { writeFileAtomic } from "../core/atomic-file.ts";
import { cpus, loadavg } from "node:os";
import cliProgress from "cli-progress";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { KERNEL_BACKEND } from "../nn/kernels.ts";
import { ALGORITHM1_PAPER, ALGORITHM1_STAGES, recoverReward, type Algorithm1Config } from "../observer/algorithm-1/algorithm-1.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_INFER_USAGE = `lfl bench infer [--updates K] [--pairs N] [--scale X] [--authors] [--seed N] [--json FILE]

  Algorithm 1 on synthetic HalfCheetah-shaped data (17-dim observations, 6-dim actions), K updates
  (default 11) × N pairs (default 2048), with the paper's step counts multiplied by --scale (default 1;
  e.g. 0.1 for a quick look — times then scale linearly). Prints the wall time of each stage.
  --authors uses the authors' lfl.py settings instead (3000 policy steps, 100-pair minibatches in every stage;
  research/authors-code.md §3.4), for a side-by-side run with their PyTorch code on the same shapes.
  Check the machine is quiet first (cat /proc/loadavg).`;

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

export async function runBenchInfer(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench infer", argv, { updates: { type: "string" }, pairs: { type: "string" }, scale: { type: "string" }, authors: { type: "boolean" } });
  const K = intFlag("updates", v.updates, 11, 2);
  const pairs = intFlag("pairs", v.pairs, 2048, 1);
  const seed = intFlag("seed", v.seed, 0);
  const scale = v.scale === undefined ? 1 : Number(v.scale);
  if (!(scale > 0 && scale <= 1)) throw new InputError("E_USAGE", `--scale must be in (0, 1], got '${v.scale}'`);
  const steps = (x: number): number => Math.max(1, Math.round(x * scale));
  const authors = v.authors === true;
  // The paper's Algorithm 1 (§6.3 step counts, regressed KL, ML reward init) — like for like with the authors'
  // PyTorch code — not our default variant (early-stopped clones, exact KL), which skips most of this work.
  const config: Partial<Algorithm1Config> = {
    ...ALGORITHM1_PAPER,
    ...(authors ? { batchSize: 100 } : {}),
    policySteps: steps(authors ? 3000 : ALGORITHM1_PAPER.policySteps), klSteps: steps(ALGORITHM1_PAPER.klSteps),
    rewardInitSteps: steps(ALGORITHM1_PAPER.rewardInitSteps), consistencySteps: steps(ALGORITHM1_PAPER.consistencySteps),
  };
  const columns = syntheticBoxHistory(K, pairs, 17, 6, seed);
  process.stderr.write(`bench infer: K = ${K} × ${pairs} pairs, dObs 17, dAct 6, steps ${JSON.stringify(config)}, kernels ${KERNEL_BACKEND}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}\n`);
  const bar = new cliProgress.SingleBar({ format: "{stage} [{bar}] {value}/{total} loss {loss}", stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let current = "";
  const t0 = performance.now();
  const res = recoverReward(columns, config, seed, {
    onStage(stage, step, total, loss) {
      if (stage !== current) {
        if (current) bar.stop();
        current = stage;
        bar.start(total, 0, { stage: stage.padEnd(11), loss: "" });
      }
      if (step % 10 === 0 || step === total) bar.update(step, { loss: loss.toFixed(4) });
    },
  });
  bar.stop();
  const total = (performance.now() - t0) / 1000;
  const d = res.diagnostics;
  const rows = ALGORITHM1_STAGES.map((s) => ({ stage: s, seconds: d.timeMs[s] / 1000, cpuSeconds: d.cpuMs[s] / 1000 }));
  const stepCount = { policies: config.policySteps!, kl: config.klSteps!, "reward-init": config.rewardInitSteps!, consistency: config.consistencySteps! };
  console.log(`Algorithm 1 on synthetic HalfCheetah-shaped data: K = ${K} updates × ${pairs} pairs, ${authors ? "authors' settings (100-pair minibatches)" : "paper's settings (full batches)"} (kernels: ${KERNEL_BACKEND}, ${cpus()[0]?.model ?? "cpu"})`);
  console.log("stage         steps  wall (s)   ms/step   CPU (s)");
  for (const r of rows) {
    console.log(`${r.stage.padEnd(12)} ${String(stepCount[r.stage]).padStart(6)} ${r.seconds.toFixed(2).padStart(9)} ${((1000 * r.seconds) / stepCount[r.stage]).toFixed(2).padStart(9)} ${r.cpuSeconds.toFixed(2).padStart(9)}`);
  }
  console.log(`total               ${total.toFixed(2).padStart(9)}           ${rows.reduce((a, r) => a + r.cpuSeconds, 0).toFixed(2).padStart(9)}`);
  console.log(`CPU (s): user + system time of the process during the stage (≈ wall time on an idle machine). Load average now ${loadavg().map((x) => x.toFixed(2)).join(" ")}.`);
  if (v.json !== undefined) {
    writeFileAtomic(v.json, `${JSON.stringify({ K, pairs, dObs: 17, dAct: 6, seed, settings: authors ? "authors" : "paper", batchSize: config.batchSize ?? null, steps: stepCount, kernels: KERNEL_BACKEND, stages: rows, totalSeconds: total, node: process.version }, null, 2)}\n`);
  }
  return 0;
}
