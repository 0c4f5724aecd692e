/**
 * `lfl bench nn`: the NN kernels at PPO's sizes — forward at batch 1 (acting) and 64, a full training step at
 * batch 64 (forward, backward, Adam with clipping) of a 17-64-64-6 tanh MLP (HalfCheetah's policy) — and the
 * same training step at batch 2048 (Algorithm 1's full batches, where the native thread pool works), in µs
 * per call, for every kernel backend in the same run (child processes, rounds in rotated order) with ratios
 * against the TypeScript kernels.
 */
import { writeFileAtomic } from "../core/atomic-file.ts";
import { Rng } from "../core/rng.ts";
import { Adam } from "../nn/adam.ts";
import { KERNEL_BACKEND } from "../nn/kernels.ts";
import { MLP } from "../nn/mlp.ts";
import { loadNativeAddon } from "../nn/native-kernels.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { isBenchChild, median, parseBackends, runPerBackend, times } from "./bench-backends.ts";

export const BENCH_NN_USAGE = `lfl bench nn [--backends LIST|all|current] [--rounds N] [--json FILE]

  Wall and CPU µs per call of a 17-64-64-6 tanh MLP: forward b=1 and b=64, training step b=64 and b=2048.
  --backends  ts,wasm,native,native-scalar (default all available): each in its own process, --rounds
              rounds (default 3) in rotated order; prints medians and the speed-up over ts of the same run.
              'current' measures only this process's backend (LFL_KERNELS), in process.`;

interface NnResult {
  backend: string;
  /** [wall µs, CPU µs] per call (CPU includes the native pool's threads). */
  forwardBatch1: [number, number];
  forwardBatch64: [number, number];
  trainBatch64: [number, number];
  trainBatch2048: [number, number];
  isa?: string;
  threads?: number;
}

const ROWS: [keyof NnResult & `${string}Batch${string}`, string][] = [
  ["forwardBatch1", "forward b=1"], ["forwardBatch64", "forward b=64"], ["trainBatch64", "train b=64"], ["trainBatch2048", "train b=2048"],
];

function measure(): NnResult {
  const rng = new Rng(0);
  const net = new MLP([17, 64, 64, 6], { rng });
  const adam = new Adam([net], { maxGradNorm: 0.5 });
  const x = Float64Array.from({ length: 2048 * 17 }, () => rng.normal());
  const dy = Float64Array.from({ length: 2048 * 6 }, () => rng.normal());
  const x1 = x.subarray(0, 17);
  /** Medians over 7 trials of [wall µs, CPU µs] per call. */
  const time = (f: () => void, n: number): [number, number] => {
    for (let i = 0; i < n; i++) f();
    const wall: number[] = [], cpu: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      const c = process.cpuUsage();
      for (let i = 0; i < n; i++) f();
      const u = process.cpuUsage(c);
      wall.push(((performance.now() - t) * 1000) / n);
      cpu.push((u.user + u.system) / n);
    }
    return [median(wall), median(cpu)];
  };
  const train = (batch: number): void => {
    adam.zeroGrad();
    net.forward(x, batch);
    net.backward(dy.subarray(0, batch * 6));
    adam.step();
  };
  const addon = KERNEL_BACKEND === "native" ? loadNativeAddon() : null;
  return {
    backend: KERNEL_BACKEND,
    forwardBatch1: time(() => net.forward(x1, 1), 20000),
    forwardBatch64: time(() => net.forward(x, 64), 2000),
    trainBatch64: time(() => train(64), 1000),
    trainBatch2048: time(() => train(2048), KERNEL_BACKEND === "ts" ? 6 : 30),
    ...(addon ? { isa: addon.isa, threads: addon.threads } : {}),
  };
}

export async function runBenchNn(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench nn", argv, { backends: { type: "string" }, rounds: { type: "string" } });
  if (isBenchChild() || v.backends === "current") {
    const r = measure();
    if (!isBenchChild()) {
      console.log(`kernels ${r.backend}${r.isa ? ` (${r.isa}, ${r.threads} threads)` : ""}: MLP 17-64-64-6 tanh, µs per call, wall / CPU (median of 7)`);
      for (const [key, label] of ROWS) console.log(`${label.padEnd(14)} ${r[key][0].toFixed(1).padStart(9)} / ${r[key][1].toFixed(1)}`);
    }
    if (v.json !== undefined) writeFileAtomic(v.json, JSON.stringify(r, null, 2));
    return 0;
  }
  const backends = parseBackends(v.backends);
  const rounds = intFlag("rounds", v.rounds, 3, 1);
  const loadavg = await import("node:os").then((os) => os.loadavg().map((l) => l.toFixed(2)).join(" "));
  process.stderr.write(`bench nn: ${backends.join(", ")}, ${rounds} rounds, load average ${loadavg}\n`);
  const runs = runPerBackend<NnResult>("nn", [], backends, rounds);
  const med = (b: string, key: (typeof ROWS)[number][0], i: 0 | 1): number => median(runs.get(b as never)!.map((r) => r[key][i]));
  const ts = runs.get("ts" as never);
  /** Median over rounds of ts's time / this backend's time in the same round (rotated order keeps them close). */
  const vsTs = (b: string, key: (typeof ROWS)[number][0], i: 0 | 1): number | undefined =>
    ts ? median(runs.get(b as never)!.map((r, round) => ts[round]![key][i] / r[key][i])) : undefined;
  console.log(`MLP 17-64-64-6 tanh: µs per call, median of ${rounds} rounds × 7 trials: wall (speed-up over ts) / CPU (speed-up over ts);`);
  console.log(`speed-ups are medians of same-round ratios. CPU time includes the native pool's second thread.`);
  console.log(`${"kernels".padEnd(24)}${ROWS.map(([, l]) => l.padStart(32)).join("")}`);
  const summary: Record<string, Record<string, { wallUs: number; cpuUs: number; wallVsTs?: number; cpuVsTs?: number }>> = {};
  for (const b of backends) {
    const first = runs.get(b)![0]!;
    const name = first.isa ? `${b} (${first.isa}, ${first.threads}t)` : b;
    summary[b] = {};
    const cells = ROWS.map(([key]) => {
      const wall = med(b, key, 0), cpu = med(b, key, 1), wt = vsTs(b, key, 0), ct = vsTs(b, key, 1);
      summary[b]![key] = { wallUs: wall, cpuUs: cpu, ...(wt !== undefined && ct !== undefined ? { wallVsTs: wt, cpuVsTs: ct } : {}) };
      return `${wall.toFixed(1)} (${wt !== undefined ? times(wt) : "–"}) / ${cpu.toFixed(1)} (${ct !== undefined ? times(ct) : "–"})`.padStart(32);
    });
    console.log(`${name.padEnd(24)}${cells.join("")}`);
  }
  if (v.json !== undefined) writeFileAtomic(v.json, JSON.stringify({ rounds, loadavg, summary, runs: Object.fromEntries(runs) }, null, 2));
  return 0;
}
