/**
 * The networks and losses of Algorithm 1 (observer/algorithm-1.ts), each a function that returns the loss and
 * ACCUMULATES its gradient into the networks' gradient vectors (call zeroGrad first), so each can be
 * gradient-checked on its own (algorithm-1-losses.test.ts); and the minibatch helpers of the stages.
 */
import type { Rng } from "../../core/rng.ts";
import { DiagGaussian } from "../../nn/gaussian.ts";
import { MLP } from "../../nn/mlp.ts";

/** A PPO-shaped Gaussian actor: MLP mean (tanh hidden layers) + state-independent log-std. */
export interface GaussianNet {
  net: MLP;
  dist: DiagGaussian;
}

/** PPO's actor initialisation (SB3 / the authors' code): orthogonal, gain √2 hidden, 0.01 output, log-std 0. */
export function gaussianNet(dObs: number, dAct: number, hidden: readonly number[], rng: Rng): GaussianNet {
  return { net: new MLP([dObs, ...hidden, dAct], { rng, hiddenGain: Math.SQRT2, outputGain: 0.01 }), dist: new DiagGaussian(dAct, 0) };
}

/** out[i] = ln π(a_i | s_i). */
export function gaussianLogProb(g: GaussianNet, obs: Float64Array, actions: Float64Array, n: number, out = new Float64Array(n)): Float64Array {
  g.dist.logProb(g.net.forward(obs, n), actions, n, out);
  return out;
}

/**
 * Maximum likelihood with entropy bonus (§5.2, stages i and iii): L = −c Σ ln π(a_i|s_i) − λ H(π), c = 1/n by
 * default. A batch split into chunks passes c = 1/(total rows) to every chunk and λ to one chunk only: the sum of
 * the chunks' losses and gradients is then the whole batch's.
 */
export function gaussianMlLoss(g: GaussianNet, obs: Float64Array, actions: Float64Array, n: number, lambda: number, c = 1 / n): number {
  return gaussianMlLossAt(g, g.net.forward(obs, n), actions, n, lambda, c);
}

/** `gaussianMlLoss` given the mean net's output `mean` of the latest `g.net.forward` (whose cache backward uses). */
export function gaussianMlLossAt(g: GaussianNet, mean: Float64Array, actions: Float64Array, n: number, lambda: number, c = 1 / n): number {
  const lp = new Float64Array(n);
  g.dist.logProb(mean, actions, n, lp);
  let s = 0;
  for (let i = 0; i < n; i++) s += lp[i]!;
  const dMean = new Float64Array(n * g.dist.dim);
  g.dist.backward(mean, actions, new Float64Array(n).fill(-c), n, dMean, -lambda);
  g.net.backward(dMean);
  return -c * s - lambda * g.dist.entropy();
}

/** out[i] = y(x_i)[head_i] for a net with one output per head. */
export function headValues(net: MLP, x: Float64Array, head: Int32Array, n: number, out = new Float64Array(n)): Float64Array {
  const H = net.outDim;
  const y = net.forward(x, n);
  for (let i = 0; i < n; i++) out[i] = y[i * H + head[i]!]!;
  return out;
}

/**
 * Per-head weighted squared error (stage ii, the KL nets): L = Σ_i w_i (y(x_i)[head_i] − target_i)². With
 * w_i = 1/|Dk| for the rows of Dk this is the sum over improvements of each one's mean squared error.
 */
export function headRegressionLoss(net: MLP, x: Float64Array, head: Int32Array, weight: Float64Array, target: Float64Array, n: number): number {
  const H = net.outDim;
  const y = net.forward(x, n);
  const dOut = new Float64Array(n * H);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i * H + head[i]!]! - target[i]!;
    loss += weight[i]! * e * e;
    dOut[i * H + head[i]!] = 2 * weight[i]! * e;
  }
  net.backward(dOut);
  return loss;
}

/**
 * The (s, s′) pairs of the shaping terms, built from each row's OWN next observation (never the next row's
 * observation: pairs never cross an episode reset or a gap in the record). `inputs` = [s_0 … s_{n−1}; extra s′]:
 * s′_i is row i+1's s when that row has the same head and exactly the same values (a continuing trajectory),
 * otherwise an extra row; so one forward pass gives f(s) and f(s′) at ~half the cost of stacking [s; s′].
 * `discount[i]` = γ at a non-terminal s′ and 0 at a terminal one (an absorbing state has potential 0).
 */
export interface ShapingPairs {
  inputs: Float64Array;
  /** Rows of `inputs` (n + extra). */
  rows: number;
  /** nextRow[i]: the row of `inputs` holding s′_i. */
  nextRow: Int32Array;
  /** The shaping head each row of `inputs` is read at: head[i] for s_i, and for an extra row that of its s_i. */
  rowHead: Int32Array;
  discount: Float64Array;
}

export function shapingPairs(obs: Float64Array, nextObs: Float64Array, head: Int32Array, notTerminal: Float64Array, gamma: number, n: number, dObs: number): ShapingPairs {
  const nextRow = new Int32Array(n);
  const extra: number[] = [];
  for (let i = 0; i < n; i++) {
    let same = i + 1 < n && head[i + 1] === head[i];
    for (let j = 0; same && j < dObs; j++) same = obs[(i + 1) * dObs + j] === nextObs[i * dObs + j];
    if (same) nextRow[i] = i + 1;
    else {
      nextRow[i] = n + extra.length;
      extra.push(i);
    }
  }
  const rows = n + extra.length;
  const inputs = new Float64Array(rows * dObs);
  inputs.set(obs.subarray(0, n * dObs), 0);
  extra.forEach((i, e) => inputs.set(nextObs.subarray(i * dObs, (i + 1) * dObs), (n + e) * dObs));
  const discount = Float64Array.from(notTerminal.subarray(0, n), (nt) => gamma * nt);
  const rowHead = new Int32Array(rows);
  rowHead.set(head.subarray(0, n));
  extra.forEach((i, e) => { rowHead[n + e] = head[i]!; });
  return { inputs, rows, nextRow, rowHead, discount };
}

/** Options of the reward form in the Eq. 5 loss (stage iv). */
export interface RewardTerms {
  /** A state term: r_φ(s, a) = ln π_φ(a|s) + g(s), g a net obs → 1. */
  state?: MLP | null;
  /** Skip the gradient of the mean net μ_φ (it is frozen; σ_φ still gets its gradient). */
  freezeMean?: boolean;
}

/**
 * The consistency loss of Eq. 5 (stage iv), with e_i = r_φ(s_i, a_i) + f_{k_i}(s_i) − γ_i f_{k_i}(s′_i) − r̄_i:
 * L = Σ_i w_i e_i². r_φ = ln π_φ (a GaussianNet) [+ g(s) with `terms.state`], f = psiScale · ψ's head k_i.
 * Writes e into `residual` if given.
 */
export function consistencyLoss(
  r: GaussianNet, psi: MLP, obs: Float64Array, actions: Float64Array, pairs: ShapingPairs,
  weight: Float64Array, target: Float64Array, n: number, residual?: Float64Array, psiScale = 1, terms: RewardTerms = {},
): number {
  const mean = r.net.forward(obs, n);
  const rv = new Float64Array(n);
  r.dist.logProb(mean, actions, n, rv);
  if (terms.state) {
    const g = terms.state.forward(obs, n);
    for (let i = 0; i < n; i++) rv[i] += g[i]!;
  }
  // Rows i and j (s_i and s′_i) are read at head k_i only, so ψ's output layer runs for that head alone
  // (MLP.forwardAtHeads: the same bits as those entries of the full output, at 1/H of its cost), and
  // f = psiScale · ψ is formed for those entries.
  const y = psi.forwardAtHeads(pairs.inputs, pairs.rows, pairs.rowHead);
  const dR = new Float64Array(n), dPsi = new Float64Array(pairs.rows);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const j = pairs.nextRow[i]!, g = pairs.discount[i]!;
    const fi = psiScale === 1 ? y[i]! : psiScale * y[i]!, fj = psiScale === 1 ? y[j]! : psiScale * y[j]!;
    const e = rv[i]! + fi - g * fj - target[i]!;
    if (residual) residual[i] = e;
    loss += weight[i]! * e * e;
    dR[i] = 2 * weight[i]! * e;
    dPsi[i] += dR[i]!;
    dPsi[j] -= g * dR[i]!;
  }
  const dMean = new Float64Array(n * r.dist.dim);
  r.dist.backward(mean, actions, dR, n, dMean);
  if (!terms.freezeMean) r.net.backward(dMean);
  if (terms.state) terms.state.backward(dR);
  if (psiScale !== 1) for (let i = 0; i < dPsi.length; i++) dPsi[i] *= psiScale;
  psi.backwardAtHeads(dPsi);
  return loss;
}

/**
 * The Eq. 5 residuals e_i of `consistencyLoss` without any gradient (forward passes only, for held-out scoring):
 * writes e into `residual` and returns Σ_i w_i e_i².
 */
export function consistencyResiduals(
  r: GaussianNet, psi: MLP, obs: Float64Array, actions: Float64Array, pairs: ShapingPairs,
  weight: Float64Array, target: Float64Array, n: number, residual: Float64Array, psiScale = 1, terms: RewardTerms = {},
): number {
  r.dist.logProb(r.net.forward(obs, n), actions, n, residual);
  if (terms.state) {
    const g = terms.state.forward(obs, n);
    for (let i = 0; i < n; i++) residual[i] += g[i]!;
  }
  const y = psi.forwardAtHeads(pairs.inputs, pairs.rows, pairs.rowHead);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const j = pairs.nextRow[i]!, g = pairs.discount[i]!;
    const e = residual[i]! + psiScale * y[i]! - g * (psiScale * y[j]!) - target[i]!;
    residual[i] = e;
    loss += weight[i]! * e * e;
  }
  return loss;
}

// ── Minibatches ──────────────────────────────────────────────────────────────────────────────────────────
/** Minibatch rows of the stacked D_1 … D_{K−1}: min(b, |Dk|) rows of each Dk without replacement; null = all. */
export function sampleRows(sizes: readonly number[], b: number | null, rng: Rng): Int32Array | null {
  if (b === null) return null;
  const out: number[] = [];
  let off = 0;
  for (const n of sizes) {
    const p = rng.permutation(n);
    const take = Array.from(p.subarray(0, Math.min(b, n))).sort((x, y) => x - y); // time order: shapingPairs can reuse rows
    for (const i of take) out.push(off + i);
    off += n;
  }
  return Int32Array.from(out);
}

/** Rows idx of x[·, w]. */
export function pick(x: Float64Array, w: number, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length * w);
  idx.forEach((r, i) => out.set(x.subarray(r * w, (r + 1) * w), i * w));
  return out;
}

export function pickInt(x: Int32Array, idx: Int32Array): Int32Array {
  return Int32Array.from(idx, (r) => x[r]!);
}

/** 1/min(b, |Dk|) for each sampled row: each improvement's loss stays a mean over its minibatch. */
export function batchWeights(idx: Int32Array, head: Int32Array, sizes: readonly number[], b: number | null): Float64Array {
  return Float64Array.from(idx, (r) => 1 / Math.min(b ?? Infinity, sizes[head[r]!]!));
}

/** [mean, std] of xs (std 1 when xs is constant). */
export function meanStd(xs: Float64Array): [number, number] {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  const sd = Math.sqrt(v / xs.length);
  return [m, sd > 1e-12 ? sd : 1];
}
