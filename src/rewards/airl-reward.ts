/**
 * AIRL's discriminator and its recovered reward (Fu, Luo & Levine 2018, "Learning robust rewards with
 * adversarial inverse reinforcement learning", ICLR). The discriminator of a transition (s, a, s′) is
 *
 *   D(s, a, s′) = exp f(s, a, s′) / (exp f(s, a, s′) + π(a|s)),     f = g(s) + γ (1 − terminated) h(s′) − h(s),
 *
 * so its logit is f − ln π(a|s): g a STATE-ONLY reward approximator, h a shaping potential (zero after an
 * absorbing state), π the current generator policy (held fixed while D trains). D is trained by logistic
 * regression, demonstrations labelled 1 and the generator's samples 0 (AIRL Eq. 3–4 / Algorithm 1); the generator
 * is rewarded with ln D − ln(1 − D) = f − ln π (the adversarial loop is in observer/airl.ts: rewards come
 * before learners in the layer order).
 *
 * The recovered reward (`AirlReward`) is g(s): with a state-only g and deterministic dynamics AIRL's Theorem 5.1
 * says g recovers the true reward up to a constant at the optimum ("disentangled"), and it is what AIRL
 * re-optimises under changed dynamics; f adds a shaping term and the generator's advantage, and f − ln π moves
 * with the generator. g is standardised to mean 0, std 1 over the demonstration rows (g is identified only up to
 * a constant: a constant c in g is absorbed by h ↦ h + c/(1 − γ); the std is the scale PPO sees, as T-REX's).
 *
 * g and h are tanh MLPs on a FIXED observation normalisation of the demonstrations (neural-reward.ts
 * `fixedObsNorm`, clip ±10). Randomness: the caller's `Rng` (initialisation, minibatches).
 */
import { InputError, NumericalError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { Adam } from "../nn/adam.ts";
import { MLP } from "../nn/mlp.ts";
import { applyObsNorm, fixedObsNorm, type FixedObsNorm } from "./neural-reward.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "./reward-fn.ts";

export interface AirlDiscriminatorConfig {
  /** Hidden widths of g and of h (tanh; default [32, 32]). */
  hidden?: number[];
  /** γ of the shaping term (default 0.99, PPO's). */
  gamma?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Generator rows per minibatch; as many demonstration rows are drawn with them (default 64). */
  batchSize?: number;
  /** Passes over each generator batch per `train` call (default 2). */
  epochs?: number;
}

export const AIRL_DISCRIMINATOR_DEFAULTS: Required<AirlDiscriminatorConfig> = { hidden: [32, 32], gamma: 0.99, lr: 1e-3, batchSize: 64, epochs: 2 };

/** ln π(a_i | s_i) of the current generator for n rows (held fixed while D trains). */
export type LogPolicy = (obs: Float64Array, actions: Float64Array, n: number) => Float64Array;

/** Statistics of one `train` call: mean logistic loss and accuracy (D > ½ on demonstrations, < ½ on samples). */
export interface AirlDiscriminatorStats {
  loss: number;
  expertAccuracy: number;
  generatorAccuracy: number;
}

/** ln σ(z) without overflow. */
const logSigmoid = (z: number): number => (z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));
const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Rows `idx` of a transition batch, copied. */
export function takeRows(b: TransitionBatch, idx: ArrayLike<number>, obsDim: number, actDim: number): TransitionBatch {
  const n = idx.length;
  const obs = new Float64Array(n * obsDim), nextObs = new Float64Array(n * obsDim), actions = new Float64Array(n * actDim), terminated = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = idx[r]!;
    obs.set(b.obs.subarray(i * obsDim, (i + 1) * obsDim), r * obsDim);
    nextObs.set(b.nextObs.subarray(i * obsDim, (i + 1) * obsDim), r * obsDim);
    actions.set(b.actions.subarray(i * actDim, (i + 1) * actDim), r * actDim);
    terminated[r] = b.terminated[i]!;
  }
  return { n, obs, actions, nextObs, terminated };
}

/** Concatenates transition batches (copies). */
export function concatTransitions(parts: readonly TransitionBatch[]): TransitionBatch {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const cat = <T extends Float64Array | Uint8Array>(make: (len: number) => T, get: (p: TransitionBatch) => T): T => {
    const out = make(parts.reduce((s, p) => s + get(p).length, 0));
    let o = 0;
    for (const p of parts) { out.set(get(p), o); o += get(p).length; }
    return out;
  };
  return {
    n, obs: cat((l) => new Float64Array(l), (p) => p.obs), actions: cat((l) => new Float64Array(l), (p) => p.actions),
    nextObs: cat((l) => new Float64Array(l), (p) => p.nextObs), terminated: cat((l) => new Uint8Array(l), (p) => p.terminated),
  };
}

/** The (s, a, s′, terminated) rows of the given updates of a history (copies; a Box history only). */
export function transitionsOfUpdates(c: HistoryColumns, updates: readonly number[]): TransitionBatch {
  if (c.meta.observationSpace.kind === "discrete" || c.meta.actionSpace.kind === "discrete") {
    throw new InputError("E_INVALID_HISTORY", "airl: needs a Box observation and action space");
  }
  const keep = new Set(updates), idx: number[] = [];
  for (let i = 0; i < c.n; i++) if (keep.has(c.update[i]!)) idx.push(i);
  if (idx.length === 0) throw new InputError("E_INVALID_HISTORY", `airl: no transitions in update(s) ${updates.join(", ")} of the history`);
  return takeRows(c, idx, c.meta.observationSpace.dim, c.meta.actionSpace.dim);
}

/** D's two networks g(s) and h(s) on a fixed normalisation, and their logistic-regression training. */
export class AirlDiscriminator {
  readonly g: MLP;
  readonly h: MLP;
  readonly gamma: number;
  private readonly cfg: Required<AirlDiscriminatorConfig>;
  private readonly adam: Adam;

  constructor(readonly obsDim: number, readonly actDim: number, readonly norm: FixedObsNorm, rng: Rng, config: AirlDiscriminatorConfig = {}) {
    this.cfg = { ...AIRL_DISCRIMINATOR_DEFAULTS, ...config };
    const { gamma, lr, batchSize, epochs } = this.cfg;
    if (!(gamma >= 0 && gamma <= 1)) throw new InputError("E_INVALID_CONFIG", `airl: gamma must be in [0, 1], got ${gamma}`);
    if (!(lr > 0)) throw new InputError("E_INVALID_CONFIG", `airl: lr must be > 0, got ${lr}`);
    for (const [k, v] of [["batchSize", batchSize], ["epochs", epochs]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new InputError("E_INVALID_CONFIG", `airl: ${k} must be an integer ≥ 1, got ${v}`);
    }
    this.gamma = gamma;
    this.g = new MLP([obsDim, ...this.cfg.hidden, 1], { rng: rng.split() });
    this.h = new MLP([obsDim, ...this.cfg.hidden, 1], { rng: rng.split() });
    this.adam = new Adam([{ params: this.g.params, grads: this.g.grads }, { params: this.h.params, grads: this.h.grads }], { lr });
  }

  /** A discriminator whose observation normalisation is fitted to the demonstrations' states. */
  static forDemonstrations(demos: TransitionBatch, obsDim: number, actDim: number, rng: Rng, config?: AirlDiscriminatorConfig): AirlDiscriminator {
    if (demos.n < 1) throw new InputError("E_INVALID_ARGUMENT", "airl: no demonstrations");
    checkBatch({ name: "airl demonstrations", obsDim, actDim }, demos);
    return new AirlDiscriminator(obsDim, actDim, fixedObsNorm(demos.obs, demos.n, obsDim), rng, config);
  }

  /** f(s, a, s′) = g(s) + γ(1 − terminated) h(s′) − h(s) per row. Leaves g's and h's caches set for `backward`. */
  f(b: TransitionBatch): Float64Array {
    const n = b.n, D = this.obsDim;
    const zs = applyObsNorm(this.norm, b.obs, n);
    const both = new Float64Array(2 * n * D);
    both.set(zs);
    applyObsNorm(this.norm, b.nextObs, n, both.subarray(n * D));
    const g = this.g.forward(zs, n), h = this.h.forward(both, 2 * n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = g[i]! + this.gamma * (1 - b.terminated[i]!) * h[n + i]! - h[i]!;
    return out;
  }

  /** g(s) for n observations (raw), a new array. */
  reward(obs: Float64Array, n: number): Float64Array {
    return this.g.forward(applyObsNorm(this.norm, obs, n), n).slice();
  }

  /**
   * The mean logistic loss of D on `batch`, whose first `nExpert` rows are demonstrations (label 1) and the rest
   * generator samples (label 0), `logPi` = ln π(a|s) per row; sets g's and h's gradients (zeroed first).
   * Logit z = f − ln π; loss −[y ln σ(z) + (1 − y) ln σ(−z)], dL/dz = σ(z) − y.
   */
  lossAndGrad(batch: TransitionBatch, logPi: Float64Array, nExpert: number): number {
    const f = this.f(batch), n = batch.n;
    const dg = new Float64Array(n), dh = new Float64Array(2 * n);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const y = i < nExpert ? 1 : 0, z = f[i]! - logPi[i]!;
      const l = -(y ? logSigmoid(z) : logSigmoid(-z));
      if (!Number.isFinite(l)) throw new NumericalError(`airl: non-finite discriminator loss (f ${f[i]}, ln π ${logPi[i]})`);
      loss += l;
      const dz = (sigmoid(z) - y) / n;
      dg[i] = dz;
      dh[i] = -dz;
      dh[n + i] = this.gamma * (1 - batch.terminated[i]!) * dz;
    }
    this.g.zeroGrad();
    this.h.zeroGrad();
    this.g.backward(dg);
    this.h.backward(dh);
    return loss / n;
  }

  /**
   * Logistic regression of D on `demos` (label 1) against `samples` (label 0), both under the current generator
   * `logPi`: `epochs` passes over the samples in minibatches of `batchSize`, each with as many demonstration rows
   * drawn uniformly (`lossAndGrad`, one Adam step per minibatch).
   */
  train(demos: TransitionBatch, samples: TransitionBatch, logPi: LogPolicy, rng: Rng): AirlDiscriminatorStats {
    const { batchSize: B, epochs } = this.cfg;
    if (samples.n < 1 || demos.n < 1) throw new InputError("E_INVALID_ARGUMENT", `airl: discriminator needs demonstrations and samples, got ${demos.n} and ${samples.n}`);
    const lpDemo = logPi(demos.obs, demos.actions, demos.n), lpGen = logPi(samples.obs, samples.actions, samples.n);
    let lossSum = 0, rows = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const perm = rng.permutation(samples.n);
      for (let start = 0; start < samples.n; start += B) {
        const m = Math.min(B, samples.n - start);
        const gi = Array.from(perm.subarray(start, start + m));
        const di = Array.from({ length: m }, () => rng.int(demos.n));
        const batch = concatTransitions([takeRows(demos, di, this.obsDim, this.actDim), takeRows(samples, gi, this.obsDim, this.actDim)]);
        const lp = Float64Array.from([...di.map((i) => lpDemo[i]!), ...gi.map((i) => lpGen[i]!)]);
        lossSum += this.lossAndGrad(batch, lp, m) * batch.n;
        rows += batch.n;
        this.adam.step("airl discriminator");
      }
    }
    const acc = (b: TransitionBatch, lp: Float64Array, y: number): number => {
      const f = this.f(b);
      let ok = 0;
      for (let i = 0; i < b.n; i++) if ((f[i]! - lp[i]! > 0 ? 1 : 0) === y) ok++;
      return ok / b.n;
    };
    return { loss: lossSum / rows, expertAccuracy: acc(demos, lpDemo, 1), generatorAccuracy: acc(samples, lpGen, 0) };
  }

  /** The recovered reward: a frozen copy of g, standardised over the rows `standardiseOn`. */
  recoveredReward(standardiseOn: TransitionBatch): AirlReward {
    const g = this.g.clone();
    const r = new AirlReward(g, this.norm, this.obsDim, this.actDim);
    const x = r.evaluate(standardiseOn);
    let s = 0, s2 = 0;
    for (const v of x) { s += v; s2 += v * v; }
    const mean = s / x.length, sd = Math.sqrt(Math.max(s2 / x.length - mean * mean, 0));
    if (!Number.isFinite(mean)) throw new NumericalError("airl: non-finite recovered reward");
    return new AirlReward(g, this.norm, this.obsDim, this.actDim, mean, sd > 1e-12 ? sd : 1);
  }
}

/** AIRL's recovered (disentangled) reward r(s) = (g(s) − shift)/scale, a `RewardFn` that ignores a and s′. */
export class AirlReward implements RewardFn {
  readonly name = "airl g(s)";
  constructor(
    readonly g: MLP,
    readonly norm: FixedObsNorm,
    readonly obsDim: number,
    readonly actDim: number,
    readonly shift = 0,
    readonly scale = 1,
  ) {}

  evaluate(batch: TransitionBatch): Float64Array {
    checkBatch(this, batch);
    const r = this.g.forward(applyObsNorm(this.norm, batch.obs, batch.n), batch.n).slice();
    for (let i = 0; i < r.length; i++) r[i] = (r[i]! - this.shift) / this.scale;
    return r;
  }
}
