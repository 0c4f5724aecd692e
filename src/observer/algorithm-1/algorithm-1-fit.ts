/**
 * The fitting procedures of Algorithm 1's policy stages (observer/algorithm-1.ts):
 *
 *   fitGaussian          the paper's stage (i) and the ML reward initialisation: Adam on −mean ln π − λH, full batch
 *                        (in cache-sized row chunks) or random minibatches, a fixed number of steps;
 *   fitGaussianEarlyStop our default stage (i): mean net only, on 80% of Dk, σ in closed form, early stopping on
 *                        the held-out 20% (docs/algorithm-1.md: the paper's 1000 full-batch steps over-fit);
 *   gaussianKl           the exact KL(π̂k‖π̂k+1)(s) of two diagonal Gaussians (our default stage ii).
 */
import { NumericalError } from "../../core/errors.ts";
import type { Rng } from "../../core/rng.ts";
import { Adam } from "../../nn/adam.ts";
import { gaussianMlLoss, gaussianMlLossAt, type GaussianNet } from "./algorithm-1-losses.ts";

/** [from, to) row ranges of at most CHUNK_ROWS rows covering 0 … n (activations of one chunk stay in cache). */
export const CHUNK_ROWS = 2048;
export function rowChunks(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 0; from < n; from += CHUNK_ROWS) out.push([from, Math.min(n, from + CHUNK_ROWS)]);
  return out;
}

/** Rows idx[0..b) of x[·, w] into dst. */
function takeRows(x: Float64Array, w: number, idx: Int32Array, b: number, dst: Float64Array): Float64Array {
  for (let r = 0; r < b; r++) dst.set(x.subarray(idx[r]! * w, (idx[r]! + 1) * w), r * w);
  return dst;
}

/**
 * Maximum-likelihood fit of a Gaussian net on (obs, actions) with entropy bonus λ, full batch when `batch` is
 * null, else `batch` pairs drawn without replacement at each step. Returns the final loss.
 */
export function fitGaussian(
  g: GaussianNet, obs: Float64Array, actions: Float64Array, n: number, steps: number, lambda: number, lr: number,
  batch: number | null, rng: Rng, where: (step: number) => string, onStep: (step: number, loss: number) => void,
): number {
  const D = g.net.inDim, A = g.net.outDim;
  const b = batch === null ? n : Math.min(batch, n);
  const adam = new Adam([g.net, { params: g.dist.logStd, grads: g.dist.logStdGrad }], { lr });
  const xb = new Float64Array(b * D), ab = new Float64Array(b * A);
  let loss = NaN;
  for (let t = 1; t <= steps; t++) {
    adam.zeroGrad();
    if (b < n) {
      const idx = rng.permutation(n);
      loss = gaussianMlLoss(g, takeRows(obs, D, idx, b, xb), takeRows(actions, A, idx, b, ab), b, lambda);
    } else {
      loss = 0;
      for (const [from, to] of rowChunks(n)) {
        loss += gaussianMlLoss(g, obs.subarray(from * D, to * D), actions.subarray(from * A, to * A), to - from, from === 0 ? lambda : 0, 1 / n);
      }
    }
    if (!Number.isFinite(loss)) throw new NumericalError(`non-finite loss ${loss} at ${where(t)}`);
    adam.step(where(t));
    onStep(t, loss);
  }
  return loss;
}

export interface EarlyStopOptions {
  /** Fraction of the rows held out for validation (0.2). */
  holdout: number;
  /** Score the held-out rows every `every` steps (10) and stop after `patience` steps without improvement (200). */
  every: number;
  patience: number;
  /** At most this many Adam steps. */
  maxSteps: number;
  lr: number;
  /** Called with each held-out score Σ_j ½ ln mean_val (a_j − μ_j)² (step 0 = the initial weights). */
  onValidate?: (step: number, score: number) => void;
}

export interface EarlyStopResult {
  /** Held-out Gaussian NLL per pair at the kept weights: Σ_j (½ ln v_j + ½ + ½ ln 2π). */
  loss: number;
  /** The step whose weights were kept (0 = the initial weights). */
  bestStep: number;
  /** Steps taken before stopping. */
  steps: number;
}

const HALF_LOG_2PI_E = 0.5 * (1 + Math.log(2 * Math.PI));

/**
 * Per-dimension mean squared residual mean_i (a_ij − μ_j(s_i))² of rows [0, n). With `keep`, a batch of one chunk
 * hands its forward output (the net's cache is then that pass) to `keep.mean`, so the caller can take the gradient
 * without a second forward pass.
 */
function residualVariance(g: GaussianNet, obs: Float64Array, actions: Float64Array, n: number, keep?: { mean: Float64Array | null }): Float64Array {
  const A = g.net.outDim, v = new Float64Array(A);
  const chunks = rowChunks(n);
  for (const [from, to] of chunks) {
    const mu = g.net.forward(obs.subarray(from * g.net.inDim, to * g.net.inDim), to - from);
    for (let i = 0; i < to - from; i++) for (let j = 0; j < A; j++) v[j] += (actions[(from + i) * A + j]! - mu[i * A + j]!) ** 2;
    if (keep) keep.mean = chunks.length === 1 ? mu : null;
  }
  for (let j = 0; j < A; j++) v[j] = Math.max(v[j]! / n, 1e-12);
  return v;
}

/**
 * Maximum likelihood with early stopping (our stage i). The rows are split by `rng` into a training part and a
 * held-out part (`holdout`). Before every step ln σ_j is set to its closed-form maximiser ½ ln mean_train (a_j − μ_j)²,
 * and Adam moves the mean net only, full batch on the training rows. Every `every` steps the held-out rows are
 * scored by Σ_j ½ ln mean_val (a_j − μ_j)² (the held-out NLL with σ at its held-out optimum, up to a constant);
 * the best weights are kept, and training stops `patience` steps after the last improvement. Finally ln σ_j is
 * set from the held-out residuals of the kept weights (training residuals underestimate the spread).
 */
export function fitGaussianEarlyStop(
  g: GaussianNet, obs: Float64Array, actions: Float64Array, n: number, o: EarlyStopOptions, rng: Rng,
  where: (step: number) => string, onStep: (step: number, loss: number) => void,
): EarlyStopResult {
  const D = g.net.inDim, A = g.net.outDim;
  const nVal = Math.max(1, Math.min(n - 1, Math.round(n * o.holdout)));
  const perm = rng.permutation(n);
  const valIdx = perm.subarray(0, nVal), trainIdx = perm.subarray(nVal), nTrain = n - nVal;
  const tObs = takeRows(obs, D, trainIdx, nTrain, new Float64Array(nTrain * D)), tAct = takeRows(actions, A, trainIdx, nTrain, new Float64Array(nTrain * A));
  const vObs = takeRows(obs, D, valIdx, nVal, new Float64Array(nVal * D)), vAct = takeRows(actions, A, valIdx, nVal, new Float64Array(nVal * A));
  const valScore = (): [number, Float64Array] => {
    const v = residualVariance(g, vObs, vAct, nVal);
    let s = 0;
    for (let j = 0; j < A; j++) s += 0.5 * Math.log(v[j]!);
    return [s, v];
  };
  const adam = new Adam([g.net], { lr: o.lr });
  let [best, bestVar] = valScore();
  o.onValidate?.(0, best);
  let bestStep = 0, bestParams = g.net.snapshot(), t = 0;
  while (t < o.maxSteps && t - bestStep < o.patience) {
    t++;
    const keep: { mean: Float64Array | null } = { mean: null };
    const v = residualVariance(g, tObs, tAct, nTrain, keep);
    for (let j = 0; j < A; j++) g.dist.logStd[j] = 0.5 * Math.log(v[j]!);
    adam.zeroGrad();
    let loss = 0;
    // One chunk (|Dk| ≤ 2560 at holdout 0.2): the gradient from the forward pass σ was set from (the same bytes as a second pass).
    if (keep.mean) loss = gaussianMlLossAt(g, keep.mean, tAct, nTrain, 0, 1 / nTrain);
    else for (const [from, to] of rowChunks(nTrain)) loss += gaussianMlLoss(g, tObs.subarray(from * D, to * D), tAct.subarray(from * A, to * A), to - from, 0, 1 / nTrain);
    if (!Number.isFinite(loss)) throw new NumericalError(`non-finite loss ${loss} at ${where(t)}`);
    adam.step(where(t));
    onStep(t, loss);
    if (t % o.every === 0 || t === o.maxSteps) {
      const [s, vv] = valScore();
      o.onValidate?.(t, s);
      if (s < best) [best, bestVar, bestStep, bestParams] = [s, vv, t, g.net.snapshot()];
    }
  }
  g.net.load(bestParams);
  for (let j = 0; j < A; j++) g.dist.logStd[j] = 0.5 * Math.log(bestVar[j]!);
  g.dist.logStdGrad.fill(0);
  return { loss: best + A * HALF_LOG_2PI_E, bestStep, steps: t };
}

/**
 * out[i] = KL(p(·|s_i) ‖ q(·|s_i)) of two diagonal Gaussians, exactly:
 *   Σ_j [ln σ_q,j − ln σ_p,j + (σ_p,j² + (μ_p,j(s) − μ_q,j(s))²) / (2 σ_q,j²) − ½],
 * times notTerminal[i] when given (the KL at a terminal, absorbing s′ is 0).
 */
export function gaussianKl(p: GaussianNet, q: GaussianNet, obs: Float64Array, n: number, notTerminal?: Float64Array): Float64Array {
  const A = p.net.outDim, out = new Float64Array(n);
  const mp = Float64Array.from(p.net.forward(obs, n)), mq = q.net.forward(obs, n);
  let c = 0;
  const w = new Float64Array(A);
  for (let j = 0; j < A; j++) {
    const lp = p.dist.logStd[j]!, lq = q.dist.logStd[j]!;
    c += lq - lp + 0.5 * Math.exp(2 * (lp - lq)) - 0.5;
    w[j] = 0.5 * Math.exp(-2 * lq);
  }
  for (let i = 0; i < n; i++) {
    let s = c;
    for (let j = 0; j < A; j++) s += w[j]! * (mp[i * A + j]! - mq[i * A + j]!) ** 2;
    out[i] = notTerminal ? notTerminal[i]! * s : s;
  }
  return out;
}
