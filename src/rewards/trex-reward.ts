/**
 * T-REX (Brown, Goo, Nagarajan & Niekum 2019, "Extrapolating beyond suboptimal demonstrations via inverse
 * reinforcement learning from observations", ICML): a reward network r_θ learned ONLY from a ranking of
 * trajectories, by the Bradley–Terry (Luce–Shepard) model of pairwise preferences over returns:
 *
 *   P(τ_i ≺ τ_j) = exp Σ_{s∈τ_j} r_θ(s) / ( exp Σ_{s∈τ_i} r_θ(s) + exp Σ_{s∈τ_j} r_θ(s) ),
 *   L(θ) = − Σ_{τ_i ≺ τ_j} log P(τ_i ≺ τ_j) = Σ softplus(R_θ(τ_i) − R_θ(τ_j)),          (T-REX Eq. 1)
 *
 * trained on random pairs of equal-length SNIPPETS of two differently ranked trajectories (as T-REX does for
 * long trajectories), the snippet of the better trajectory starting no earlier than that of the worse one.
 *
 * Rankings from TIME (`trexFromHistory`): the observed learner's trajectories ranked by the update that produced
 * them, a later update preferred — the side information LfL also uses (the learner improves), and nothing else:
 * no control penalty is added and the environment's rewards are never read.
 *
 * The reward is r(s) (state-only, T-REX's setting: learning from observations) or r(s, a), an MLP on a FIXED
 * observation normalisation computed from the training trajectories (neural-reward.ts `fixedObsNorm`), its
 * output standardised to mean 0 and std 1 over the training rows (an affine map: it keeps every ranking of
 * equal-length returns; it is the only scale PPO sees). Randomness: one seeded `Rng` (init, snippets).
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { Adam } from "../nn/adam.ts";
import { MLP } from "../nn/mlp.ts";
import { applyObsNorm, fixedObsNorm, type FixedObsNorm } from "./neural-reward.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "./reward-fn.ts";

export interface TrexConfig {
  /** "s": r_θ(s) (T-REX's state-only reward, the default); "sa": r_θ(s, a). */
  input?: "s" | "sa";
  /** Hidden widths of r_θ (tanh; default [32, 32]). */
  hidden?: number[];
  /** Snippet length (default 50; shortened to the shorter trajectory of a pair). */
  snippetLength?: number;
  /** Gradient steps (default 300), each on `pairsPerStep` fresh snippet pairs (default 8). */
  steps?: number;
  pairsPerStep?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
}

export const TREX_DEFAULTS: Required<TrexConfig> = { input: "s", hidden: [32, 32], snippetLength: 50, steps: 300, pairsPerStep: 8, lr: 1e-3 };

/** One trajectory: T rows of observations (T×obsDim) and actions (T×actDim), and its rank (higher = preferred). */
export interface RankedTrajectory {
  rank: number;
  length: number;
  obs: Float64Array;
  actions: Float64Array;
}

export interface TrexOptions {
  seed: number;
  config?: TrexConfig;
  /** Called every 50 steps and at the end. */
  onProgress?: (done: number, total: number) => void;
}

/** The learned reward: standardised r_θ on the fixed normalisation. */
export class TrexReward implements RewardFn {
  readonly name: string;
  constructor(
    readonly net: MLP,
    readonly norm: FixedObsNorm,
    readonly obsDim: number,
    readonly actDim: number,
    readonly input: "s" | "sa",
    /** r = (r_θ − shift) / scale. */
    readonly shift = 0,
    readonly scale = 1,
  ) {
    this.name = `t-rex r_θ(${input === "s" ? "s" : "s,a"})`;
  }

  /** The network's input rows for n (obs, actions) rows. */
  features(obs: Float64Array, actions: Float64Array, n: number): Float64Array {
    const z = applyObsNorm(this.norm, obs, n);
    if (this.input === "s") return z;
    const d = this.obsDim + this.actDim, x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      x.set(z.subarray(i * this.obsDim, (i + 1) * this.obsDim), i * d);
      x.set(actions.subarray(i * this.actDim, (i + 1) * this.actDim), i * d + this.obsDim);
    }
    return x;
  }

  /** Raw r_θ on feature rows (before standardisation). */
  raw(x: Float64Array, n: number): Float64Array {
    return this.net.forward(x, n).slice();
  }

  evaluate(batch: TransitionBatch): Float64Array {
    checkBatch(this, batch);
    const r = this.raw(this.features(batch.obs, batch.actions, batch.n), batch.n);
    for (let i = 0; i < r.length; i++) r[i] = (r[i]! - this.shift) / this.scale;
    return r;
  }
}

/** Trains r_θ on snippet pairs of differently ranked trajectories (T-REX Eq. 1); returns the reward. */
export function trainTrex(trajs: readonly RankedTrajectory[], obsDim: number, actDim: number, opts: TrexOptions): TrexReward {
  const cfg = { ...TREX_DEFAULTS, ...opts.config };
  for (const [k, v] of [["snippetLength", cfg.snippetLength], ["steps", cfg.steps], ["pairsPerStep", cfg.pairsPerStep]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError("E_INVALID_CONFIG", `t-rex: ${k} must be an integer ≥ 1, got ${v}`);
  }
  if (!(cfg.lr > 0)) throw new InputError("E_INVALID_CONFIG", `t-rex: lr must be > 0, got ${cfg.lr}`);
  const used = trajs.filter((t) => t.length > 0);
  const ranks = new Set(used.map((t) => t.rank));
  if (ranks.size < 2) throw new InputError("E_INVALID_HISTORY", `t-rex: needs non-empty trajectories of at least 2 different ranks, got ${ranks.size}`);
  // The fixed normalisation over every training row.
  const N = used.reduce((s, t) => s + t.length, 0);
  const allObs = new Float64Array(N * obsDim);
  let off = 0;
  for (const t of used) { allObs.set(t.obs.subarray(0, t.length * obsDim), off * obsDim); off += t.length; }
  const norm = fixedObsNorm(allObs, N, obsDim);
  const rng = new Rng(opts.seed);
  const inDim = cfg.input === "s" ? obsDim : obsDim + actDim;
  const net = new MLP([inDim, ...cfg.hidden, 1], { rng: rng.split() });
  const reward = new TrexReward(net, norm, obsDim, actDim, cfg.input);
  // Features of every trajectory, computed once.
  const feats = used.map((t) => reward.features(t.obs, t.actions, t.length));
  const snip = rng.split();
  const adam = new Adam([{ params: net.params, grads: net.grads }], { lr: cfg.lr });
  const B = cfg.pairsPerStep;
  for (let step = 0; step < cfg.steps; step++) {
    // B pairs (worse i, better j): each a snippet of length L_b; rows laid out [i-snippet, j-snippet] per pair.
    const lens: number[] = [];
    const rows: Float64Array[] = [];
    for (let b = 0; b < B; b++) {
      let i: number, j: number;
      do { i = snip.int(used.length); j = snip.int(used.length); } while (used[i]!.rank === used[j]!.rank);
      if (used[i]!.rank > used[j]!.rank) [i, j] = [j, i];
      const ti = used[i]!, tj = used[j]!;
      const L = Math.min(cfg.snippetLength, ti.length, tj.length);
      const si = snip.int(ti.length - L + 1);
      const lo = Math.min(si, tj.length - L); // the better snippet starts no earlier than the worse one (when it can)
      const sj = lo + snip.int(tj.length - L - lo + 1);
      rows.push(feats[i]!.subarray(si * inDim, (si + L) * inDim), feats[j]!.subarray(sj * inDim, (sj + L) * inDim));
      lens.push(L);
    }
    const total = 2 * lens.reduce((s, l) => s + l, 0);
    const x = new Float64Array(total * inDim);
    let o = 0;
    for (const r of rows) { x.set(r, o); o += r.length; }
    const y = net.forward(x, total);
    const dOut = new Float64Array(total);
    let row = 0;
    for (let b = 0; b < B; b++) {
      const L = lens[b]!;
      let Ri = 0, Rj = 0;
      for (let t = 0; t < L; t++) { Ri += y[row + t]!; Rj += y[row + L + t]!; }
      const p = 1 / (1 + Math.exp(Rj - Ri)); // σ(R_i − R_j) = 1 − P(τ_i ≺ τ_j): dL/dR_i = p, dL/dR_j = −p
      if (!Number.isFinite(p)) throw new NumericalError(`t-rex: non-finite snippet return at step ${step}`);
      dOut.fill(p / B, row, row + L);
      dOut.fill(-p / B, row + L, row + 2 * L);
      row += 2 * L;
    }
    net.zeroGrad();
    net.backward(dOut);
    adam.step("t-rex reward network");
    if (opts.onProgress && ((step + 1) % 50 === 0 || step + 1 === cfg.steps)) opts.onProgress(step + 1, cfg.steps);
  }
  // Standardise over the training rows.
  let s = 0, s2 = 0;
  for (const f of feats) {
    const n = f.length / inDim, r = reward.raw(f, n);
    for (let k = 0; k < n; k++) { s += r[k]!; s2 += r[k]! ** 2; }
  }
  const mean = s / N, sd = Math.sqrt(Math.max(s2 / N - mean * mean, 0));
  if (!Number.isFinite(mean)) throw new NumericalError("t-rex: non-finite learned reward");
  return new TrexReward(net, norm, obsDim, actDim, cfg.input, mean, sd > 1e-12 ? sd : 1);
}

/**
 * Splits history columns into trajectories (a new one at each change of update or episode and after each
 * terminated/truncated row), keeping only rows of the `window` updates, each ranked by its update index.
 * The trajectories are views into the columns (no copy).
 */
export function trajectoriesByUpdate(c: HistoryColumns, window: readonly number[]): RankedTrajectory[] {
  const dObs = c.meta.observationSpace.dim, dAct = c.meta.actionSpace.dim;
  const keep = new Set(window);
  const out: RankedTrajectory[] = [];
  let start = 0;
  for (let i = 0; i < c.n; i++) {
    const end = i + 1 === c.n || c.update[i + 1] !== c.update[i] || c.episode[i + 1] !== c.episode[i] || c.terminated[i] === 1 || c.truncated[i] === 1;
    if (!end) continue;
    const u = c.update[i]!;
    if (keep.has(u)) {
      out.push({ rank: u, length: i + 1 - start, obs: c.obs.subarray(start * dObs, (i + 1) * dObs), actions: c.actions.subarray(start * dAct, (i + 1) * dAct) });
    }
    start = i + 1;
  }
  return out;
}

/** T-REX with rankings from time: the window's trajectories, a later update preferred. */
export function trexFromHistory(c: HistoryColumns, window: readonly number[], opts: TrexOptions): TrexReward {
  if (c.meta.observationSpace.kind === "discrete" || c.meta.actionSpace.kind === "discrete") {
    throw new InputError("E_INVALID_HISTORY", "t-rex: needs a Box observation and action space (tabular T-REX is not built)");
  }
  return trainTrex(trajectoriesByUpdate(c, window), c.meta.observationSpace.dim, c.meta.actionSpace.dim, opts);
}
