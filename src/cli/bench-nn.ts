/**
 * `lfl bench nn`: the NN kernels at PPO's sizes — forward at batch 1 (acting) and 64, and a full training step
 * at batch 64 (forward, backward, Adam with clipping) of a 17-64-64-6 tanh MLP (HalfCheetah's policy), in CPU
 * µs per call. Run under LFL_KERNELS=ts and LFL_KERNELS=native to compare the backends.
 */
import { writeFileSync } from "node:fs";
import { Rng } from "../core/rng.ts";
import { Adam } from "../nn/adam.ts";
import { KERNEL_BACKEND } from "../nn/kernels.ts";
import { MLP } from "../nn/mlp.ts";
import { parseCommandArgs } from "./command.ts";

export const BENCH_NN_USAGE = `lfl bench nn [--json FILE]   (LFL_KERNELS=ts|native selects the kernel backend)`;

export async function runBenchNn(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench nn", argv, {});
  const rng = new Rng(0);
  const net = new MLP([17, 64, 64, 6], { rng });
  const adam = new Adam([net], { maxGradNorm: 0.5 });
  const x = Float64Array.from({ length: 64 * 17 }, () => rng.normal());
  const dy = Float64Array.from({ length: 64 * 6 }, () => rng.normal());
  const x1 = x.subarray(0, 17);
  /** Median over 7 trials of CPU µs per call. */
  const time = (f: () => void, n: number): number => {
    for (let i = 0; i < n; i++) f();
    const trials: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t = process.cpuUsage();
      for (let i = 0; i < n; i++) f();
      const u = process.cpuUsage(t);
      trials.push((u.user + u.system) / n);
    }
    return trials.sort((a, b) => a - b)[3]!;
  };
  const result = {
    backend: KERNEL_BACKEND,
    forwardBatch1Us: time(() => net.forward(x1, 1), 20000),
    forwardBatch64Us: time(() => net.forward(x, 64), 2000),
    trainStepBatch64Us: time(() => { adam.zeroGrad(); net.forward(x, 64); net.backward(dy); adam.step(); }, 1000),
  };
  console.log(`kernels ${result.backend}: MLP 17-64-64-6 tanh, CPU µs per call (median of 7)`);
  console.log(`forward b=1     ${result.forwardBatch1Us.toFixed(2)}`);
  console.log(`forward b=64    ${result.forwardBatch64Us.toFixed(1)}`);
  console.log(`train b=64      ${result.trainStepBatch64Us.toFixed(1)}   (forward + backward + clipped Adam)`);
  if (v.json !== undefined) writeFileSync(v.json, JSON.stringify(result, null, 2));
  return 0;
}
