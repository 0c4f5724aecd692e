/**
 * Stage (iv) of Algorithm 1 with early stopping on held-out pairs (`consistencyFit: "early-stopping"`): the joint fit
 * of r_φ and the shapings f_ψk of Eq. 5,
 *
 *   min_{φ,ψ} Σ_k mean_{(s,a,s′)∈Dk} (r_φ(s,a) + f_ψk(s) − γ f_ψk(s′) − r̄k(s,a,s′))²,
 *
 * trained on 1 − `holdout` of each Dk's pairs (an `Rng` permutation of rows) with `batch` pairs of each Dk per Adam
 * step (each Dk's training rows are visited in shuffled passes), scored every `every` steps by the same loss on the
 * held-out pairs, the best (φ, ψ) kept, stopped `patience` steps after the last improvement (at most `maxSteps`).
 * The paper's stage (iv) (`consistencyFit` absent or "fixed") stays in algorithm-1.ts.
 */
import { NumericalError } from "../../core/errors.ts";
import type { Rng } from "../../core/rng.ts";
import { Adam, type ParamGroup } from "../../nn/adam.ts";
import type { MLP } from "../../nn/mlp.ts";
import { rowChunks } from "./algorithm-1-fit.ts";
import { consistencyLoss, consistencyResiduals, pick, pickInt, shapingPairs, type GaussianNet, type RewardTerms, type ShapingPairs } from "./algorithm-1-losses.ts";
import type { StackedImprovements } from "./algorithm-1-data.ts";

export interface ConsistencyEarlyStopOptions {
  /** Fraction of each Dk's pairs held out (0.2). */
  holdout: number;
  /** Pairs of each Dk per step (the whole training part when larger). */
  batch: number;
  every: number;
  patience: number;
  maxSteps: number;
  lr: number;
  gamma: number;
  /** f_k = psiScale · ψ's head k (`scaleTargets`). */
  psiScale: number;
  /** Called with each held-out score (step 0 = the initial weights). */
  onValidate?: (step: number, score: number) => void;
  /**
   * "closed-form": before the first score and after every Adam step, each head's output bias of ψ (a constant
   * potential c_k, which Eq. 5 sees only as (1 − γ)c_k, or c_k at a terminal s′) is moved to its least-squares
   * optimum given the other parameters (over all training rows first, then over each step's minibatch), so the
   * constant part of r̄k − r_φ is absorbed at once instead of by ~lr-sized Adam steps. Absent: Adam only.
   */
  shift?: "closed-form";
}

export interface ConsistencyEarlyStopResult {
  /** The Eq. 5 loss over ALL pairs of D_1 … D_{K−1} at the kept weights (comparable with the fixed fit's final loss). */
  loss: number;
  /** The Eq. 5 loss over the held-out pairs at the kept weights (Σ_k mean over Dk's held-out pairs). */
  heldOutLoss: number;
  /** The step whose weights were kept (0 = the initialisation). */
  bestStep: number;
  /** Adam steps taken. */
  steps: number;
}

/** Rows of the stacked arrays gathered for one forward/backward pass. */
interface Batch {
  n: number;
  obs: Float64Array;
  actions: Float64Array;
  pairs: ShapingPairs;
  head: Int32Array;
  weight: Float64Array;
  target: Float64Array;
}

/** Rows idx (increasing, so consecutive rows of a trajectory share their s′ pass) of the stacked data, in cache-sized chunks. */
function gather(st: StackedImprovements, target: Float64Array, idx: Int32Array, weightOf: (k: number) => number, gamma: number): Batch[] {
  const D = st.sS.length / st.M, A = st.aS.length / st.M;
  return rowChunks(idx.length).map(([from, to]) => {
    const rows = idx.subarray(from, to), n = to - from, obs = pick(st.sS, D, rows), head = pickInt(st.head, rows);
    return {
      n, obs, head, actions: pick(st.aS, A, rows), target: pick(target, 1, rows), weight: Float64Array.from(head, weightOf),
      pairs: shapingPairs(obs, pick(st.sNext, D, rows), head, pick(st.notTerm, 1, rows), gamma, n, D),
    };
  });
}

/**
 * Least-squares move of ψ's output bias of every head given the residuals e (at the current parameters) of the
 * batches: the residual of row i changes by psiScale·δ_k·(1 − discount_i) when head k's bias moves by δ_k, so
 * δ_k = −Σ w_i e_i d_i / (psiScale Σ w_i d_i²), d_i = 1 − discount_i, over the rows of head k.
 */
export function shiftPotentials(psi: MLP, batches: readonly { n: number; head: Int32Array; weight: Float64Array; pairs: ShapingPairs }[], residuals: readonly Float64Array[], psiScale: number): void {
  const H = psi.outDim, num = new Float64Array(H), den = new Float64Array(H);
  batches.forEach((b, c) => {
    const e = residuals[c]!;
    for (let i = 0; i < b.n; i++) {
      const k = b.head[i]!, d = 1 - b.pairs.discount[i]!, w = b.weight[i]!;
      num[k] += w * e[i]! * d;
      den[k] += w * d * d;
    }
  });
  const bias = psi.layers[psi.layers.length - 1]!.bias;
  for (let k = 0; k < H; k++) if (den[k]! > 0) bias[k] -= num[k]! / (psiScale * den[k]!);
}

/**
 * Each Dk's rows (stacked: Dk's rows follow D_1 … D_{k−1}'s) split by one `rng` permutation per Dk into a held-out
 * part of max(1, min(|Dk| − 1, round(holdout·|Dk|))) rows (none when |Dk| = 1) and a training part, each as increasing row indices.
 */
export function holdoutSplit(sizes: readonly number[], holdout: number, rng: Rng): { train: Int32Array[]; val: Int32Array[] } {
  const train: Int32Array[] = [], val: Int32Array[] = [];
  for (let k = 0, off = 0; k < sizes.length; off += sizes[k]!, k++) {
    const n = sizes[k]!, nv = n < 2 ? 0 : Math.max(1, Math.min(n - 1, Math.round(n * holdout)));
    const perm = rng.permutation(n);
    const rows = (xs: Int32Array): Int32Array => Int32Array.from(xs, (i) => off + i).sort();
    val.push(rows(perm.subarray(0, nv)));
    train.push(rows(perm.subarray(nv)));
  }
  return { train, val };
}

/**
 * The Eq. 5 loss (Σ_k mean over Dk's held-out pairs) at the current (φ, ψ) on the held-out part of
 * `holdoutSplit(sizes, holdout, rng)`: with the `rng` state that `fitConsistencyEarlyStop` was given, the very pairs
 * it held out, so a fixed-step fit (which trains on every pair) and an early-stopped one are scored on the same rows.
 */
export function heldOutConsistencyLoss(
  r: GaussianNet, psi: MLP, terms: RewardTerms, st: StackedImprovements, target: Float64Array, sizes: readonly number[],
  holdout: number, gamma: number, psiScale: number, rng: Rng,
): number {
  const { val } = holdoutSplit(sizes, holdout, rng);
  const nVal = val.map((x) => x.length);
  let s = 0;
  for (const b of gather(st, target, Int32Array.from(val.flatMap((x) => Array.from(x))), (k) => 1 / nVal[k]!, gamma)) {
    s += consistencyResiduals(r, psi, b.obs, b.actions, b.pairs, b.weight, b.target, b.n, new Float64Array(b.n), psiScale, terms);
  }
  return s;
}

/**
 * Fits r (its mean net unless `terms.freezeMean`, and its log-std), psi and `terms.state` in place; writes the Eq. 5
 * residual of every stacked row at the kept weights into `residual`.
 */
export function fitConsistencyEarlyStop(
  r: GaussianNet, psi: MLP, terms: RewardTerms, st: StackedImprovements, target: Float64Array, sizes: readonly number[],
  o: ConsistencyEarlyStopOptions, rng: Rng, residual: Float64Array, where: (step: number) => string, onStep: (step: number, loss: number) => void,
): ConsistencyEarlyStopResult {
  const K1 = sizes.length;
  const { train, val } = holdoutSplit(sizes, o.holdout, rng);
  const nTrain = train.map((x) => x.length), nVal = val.map((x) => x.length);
  const valBatches = gather(st, target, Int32Array.from(val.flatMap((x) => Array.from(x))), (k) => 1 / nVal[k]!, o.gamma);
  const scoreOf = (batches: Batch[], out?: Float64Array): number => {
    let s = 0, at = 0;
    for (const b of batches) {
      const e = out ? out.subarray(at, at + b.n) : new Float64Array(b.n);
      s += consistencyResiduals(r, psi, b.obs, b.actions, b.pairs, b.weight, b.target, b.n, e, o.psiScale, terms);
      at += b.n;
    }
    return s;
  };
  const logStd: ParamGroup = { params: r.dist.logStd, grads: r.dist.logStdGrad };
  const params: ParamGroup[] = [...(terms.freezeMean ? [] : [r.net]), logStd, psi, ...(terms.state ? [terms.state] : [])];
  const adam = new Adam(params, { lr: o.lr });
  const snapshot = (): Float64Array[] => params.map((p) => p.params.slice());
  const restore = (s: Float64Array[]): void => params.forEach((p, i) => p.params.set(s[i]!));

  // Shuffled passes over each Dk's training rows: `take` rows of Dk per step.
  const take = nTrain.map((n) => Math.min(o.batch, n));
  const order = train.map((rows, k) => (take[k]! < nTrain[k]! ? rng.permutation(rows.length) : null));
  const cursor = new Array<number>(K1).fill(0);
  const stepRows = (): Int32Array => {
    const out = new Int32Array(take.reduce((s, b) => s + b, 0));
    let at = 0;
    for (let k = 0; k < K1; k++) {
      const rows = train[k]!, ord = order[k];
      if (!ord) {
        out.set(rows, at);
        at += rows.length;
        continue;
      }
      if (cursor[k]! + take[k]! > ord.length) {
        order[k] = rng.permutation(rows.length);
        cursor[k] = 0;
      }
      const pickRows = Int32Array.from(order[k]!.subarray(cursor[k]!, cursor[k]! + take[k]!), (i) => rows[i]!).sort();
      cursor[k] = cursor[k]! + take[k]!;
      out.set(pickRows, at);
      at += pickRows.length;
    }
    return out;
  };
  const fullBatch = order.every((x) => x === null) ? gather(st, target, Int32Array.from(train.flatMap((x) => Array.from(x))), (k) => 1 / take[k]!, o.gamma) : null;

  const shift = o.shift === "closed-form";
  if (shift) {
    const all = gather(st, target, Int32Array.from(train.flatMap((x) => Array.from(x))), (k) => 1 / nTrain[k]!, o.gamma);
    const e = all.map((b) => new Float64Array(b.n));
    all.forEach((b, c) => consistencyResiduals(r, psi, b.obs, b.actions, b.pairs, b.weight, b.target, b.n, e[c]!, o.psiScale, terms));
    shiftPotentials(psi, all, e, o.psiScale);
  }
  let best = scoreOf(valBatches);
  if (!Number.isFinite(best)) throw new NumericalError(`non-finite held-out loss ${best} at ${where(0)}`);
  o.onValidate?.(0, best);
  let bestStep = 0, bestParams = snapshot(), t = 0;
  while (t < o.maxSteps && t - bestStep < o.patience) {
    t++;
    adam.zeroGrad();
    let loss = 0;
    const batches = fullBatch ?? gather(st, target, stepRows(), (k) => 1 / take[k]!, o.gamma);
    const e = shift ? batches.map((b) => new Float64Array(b.n)) : [];
    batches.forEach((b, c) => {
      loss += consistencyLoss(r, psi, b.obs, b.actions, b.pairs, b.weight, b.target, b.n, shift ? e[c] : undefined, o.psiScale, terms);
    });
    if (!Number.isFinite(loss)) throw new NumericalError(`non-finite loss ${loss} at ${where(t)}`);
    adam.step(where(t));
    if (shift) shiftPotentials(psi, batches, e, o.psiScale);
    onStep(t, loss);
    if (t % o.every === 0 || t === o.maxSteps) {
      const s = scoreOf(valBatches);
      if (!Number.isFinite(s)) throw new NumericalError(`non-finite held-out loss ${s} at ${where(t)}`);
      o.onValidate?.(t, s);
      if (s < best) [best, bestStep, bestParams] = [s, t, snapshot()];
    }
  }
  restore(bestParams);
  for (const p of params) p.grads.fill(0);
  // The loss and residuals over every stacked row at the kept weights (the diagnostics of algorithm-1.ts).
  const all = Int32Array.from({ length: st.M }, (_, i) => i);
  const loss = scoreOf(gather(st, target, all, (k) => 1 / sizes[k]!, o.gamma), residual);
  return { loss, heldOutLoss: best, bestStep, steps: t };
}
