/**
 * Reward wrappers that compose behind `RewardFn` (in the spirit of `imitation`'s reward nets: the base reward is
 * wrapped, never switched inside):
 *
 *   normalisedReward(base, shift, scale)       r = scale · (base − shift)
 *   standardisedReward(base, batch)            normalisedReward with base's mean and 1/std over a batch (mean 0, std 1 there)
 *   shapedReward(base, Φ, γ)                   r = base + γ·Φ(s′)·(1 − terminated) − Φ(s)   (terminal potential 0:
 *                                              potential shaping leaves every policy's ranking unchanged, Ng et al. 1999)
 *   ensembleReward(members, pessimism β)       r = mean_k r_k − β · std_k r_k  (β > 0: a lower confidence bound)
 *
 * Usage: `shapedReward(normalisedReward(recovered, m, 1 / s), phi, 0.99)`.
 */
import { InputError } from "../core/errors.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "./reward-fn.ts";

/** A state potential Φ(s) for a batch of observations [n, obsDim] → n values. */
export type Potential = (obs: Float64Array, n: number) => Float64Array;

export function normalisedReward(base: RewardFn, shift: number, scale: number): RewardFn {
  if (!Number.isFinite(shift) || !Number.isFinite(scale) || scale === 0) throw new InputError("E_INVALID_ARGUMENT", `normalisedReward: shift ${shift}, scale ${scale} must be finite, scale ≠ 0`);
  return {
    name: `normalised(${base.name})`, obsDim: base.obsDim, actDim: base.actDim,
    evaluate: (b: TransitionBatch) => base.evaluate(b).map((r) => scale * (r - shift)),
  };
}

export function standardisedReward(base: RewardFn, batch: TransitionBatch): RewardFn {
  const r = base.evaluate(batch);
  if (r.length === 0) throw new InputError("E_INVALID_ARGUMENT", "standardisedReward: an empty batch");
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / r.length);
  return normalisedReward(base, mean, sd > 1e-12 ? 1 / sd : 1);
}

export function shapedReward(base: RewardFn, potential: Potential, gamma: number): RewardFn {
  if (!(gamma >= 0 && gamma <= 1)) throw new InputError("E_INVALID_ARGUMENT", `shapedReward: gamma ${gamma} must be in [0, 1]`);
  return {
    name: `shaped(${base.name})`, obsDim: base.obsDim, actDim: base.actDim,
    evaluate(b: TransitionBatch): Float64Array {
      checkBatch(base, b);
      const r = base.evaluate(b), phi = potential(b.obs, b.n), phiNext = potential(b.nextObs, b.n);
      for (let i = 0; i < b.n; i++) r[i] = r[i]! + (b.terminated[i] ? 0 : gamma * phiNext[i]!) - phi[i]!;
      return r;
    },
  };
}

export function ensembleReward(members: readonly RewardFn[], pessimism = 0): RewardFn {
  const first = members[0];
  if (!first) throw new InputError("E_INVALID_ARGUMENT", "ensembleReward: no members");
  if (members.some((m) => m.obsDim !== first.obsDim || m.actDim !== first.actDim)) throw new InputError("E_INVALID_ARGUMENT", "ensembleReward: members disagree on obsDim/actDim");
  if (!(pessimism >= 0)) throw new InputError("E_INVALID_ARGUMENT", `ensembleReward: pessimism ${pessimism} must be ≥ 0`);
  return {
    name: `ensemble(${members.length} × ${first.name}${pessimism > 0 ? `, mean − ${pessimism}·std` : ""})`, obsDim: first.obsDim, actDim: first.actDim,
    evaluate(b: TransitionBatch): Float64Array {
      const rs = members.map((m) => m.evaluate(b));
      const out = new Float64Array(b.n), K = rs.length;
      for (let i = 0; i < b.n; i++) {
        let mean = 0;
        for (const r of rs) mean += r[i]!;
        mean /= K;
        let v = 0;
        for (const r of rs) v += (r[i]! - mean) ** 2;
        out[i] = mean - pessimism * Math.sqrt(v / K);
      }
      return out;
    },
  };
}
