/**
 * Wall µs and GMAC/s per call of the layer kernels on the 2048-row shapes Algorithm 1 runs (policies and reward
 * 17→64→64→6, ψ 17→128→10 or →43 heads, or →1: one head of forwardAtHeads), under this process's LFL_KERNELS and LFL_NATIVE_THREADS: forward,
 * backward (dW, dB, dx), tanh on the output, the backward without dx (an MLP's first layer), and the fused layer +
 * tanh forward and backward (composed by backends without them). docs/performance.md quotes it.
 *
 *   LFL_KERNELS=native LFL_NATIVE_THREADS=1 node --import tsx scripts/kernel-layer-rates.ts   # and =2
 */
import { KERNEL_BACKEND, linearBackward, linearBackwardTanh, linearForward, linearForwardTanh, linearScratchSize, tanhForward } from "../src/nn/kernels.ts";

const SHAPES: ReadonlyArray<[number, number, number]> = [[2048, 17, 128], [2048, 128, 43], [2048, 128, 10], [2048, 128, 1], [2048, 17, 64], [2048, 64, 64], [2048, 64, 6]];
const CALLS = 200;

const timed = (f: () => void): number => {
  for (let r = 0; r < 10; r++) f(); // warm-up (and the pool's first start)
  const t = performance.now();
  for (let r = 0; r < CALLS; r++) f();
  return ((performance.now() - t) * 1000) / CALLS;
};

console.log(`kernels ${KERNEL_BACKEND}, LFL_NATIVE_THREADS=${process.env["LFL_NATIVE_THREADS"] ?? "(default)"}`);
for (const [B, I, O] of SHAPES) {
  const x = Float64Array.from({ length: B * I }, (_, i) => Math.sin(i)), w = Float64Array.from({ length: I * O }, (_, i) => 0.1 * Math.cos(i));
  const b = new Float64Array(O), y = new Float64Array(B * O), dy = Float64Array.from({ length: B * O }, (_, i) => Math.sin(3 * i));
  const dw = new Float64Array(I * O), db = new Float64Array(O), dx = new Float64Array(B * I), s = new Float64Array(linearScratchSize(B, I, O));
  const fwd = timed(() => linearForward(x, w, b, y, s, B, I, O));
  const bwd = timed(() => linearBackward(x, w, dy, dw, db, dx, s, B, I, O));
  const th = timed(() => tanhForward(y, y, B * O));
  const bwdNoDx = timed(() => linearBackward(x, w, dy, dw, db, null, s, B, I, O));
  const fwdTanh = timed(() => linearForwardTanh(x, w, b, y, s, B, I, O));
  const h = x.map(Math.tanh);
  const bwdTanh = timed(() => linearBackwardTanh(h, w, dy, dw, db, dx, s, B, I, O));
  const macs = B * I * O;
  console.log(`${B}×${I}→${O}: forward ${fwd.toFixed(0)} µs (${(macs / fwd / 1000).toFixed(1)} GMAC/s), backward ${bwd.toFixed(0)} µs (${((2 * macs) / bwd / 1000).toFixed(1)} GMAC/s), tanh ${th.toFixed(0)} µs; ` +
    `backward without dx ${bwdNoDx.toFixed(0)} µs, layer + tanh forward ${fwdTanh.toFixed(0)} µs, backward through tanh ${bwdTanh.toFixed(0)} µs`);
}
