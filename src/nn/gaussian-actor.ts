/**
 * The one Gaussian policy: an MLP mean μ(s̃) on (optionally) normalised observations s̃ = clip((s − mean)/√(var + ε),
 * ±clip), and state-independent log-stds — π(a|s) = Π_j N(a_j; μ_j(s̃), σ_j²). Its JSON is the PPO actor's
 * (`{ policy, logStd, obsNorm, clipObs }`, docs/file-formats.md): what PPO saves, what Algorithm 1's clone and BC
 * write, what evaluation plays and what the log-density reward ln π̂K(a|s) evaluates.
 *
 * Usage: `const actor = GaussianActor.fromJSON(json); const a = actor.act(obs, n, "stochastic", rng);`
 */
import type { Rng } from "../core/rng.ts";
import { DiagGaussian } from "./gaussian.ts";
import { MLP, type MlpJson } from "./mlp.ts";
import { RunningMeanStd, type RunningMeanStdJson } from "./running-mean-std.ts";

export interface GaussianActorJson {
  policy: MlpJson;
  logStd: number[];
  obsNorm: RunningMeanStdJson | null;
  clipObs: number;
}

export type ActionMode = "stochastic" | "deterministic";

export class GaussianActor {
  private readonly head: DiagGaussian;

  constructor(readonly policy: MLP, logStd: ArrayLike<number>, readonly obsNorm: RunningMeanStd | null, readonly clipObs: number) {
    if (logStd.length !== policy.outDim) throw new RangeError(`GaussianActor: ${logStd.length} log-stds for a ${policy.outDim}-dimensional action`);
    this.head = new DiagGaussian(policy.outDim);
    this.head.logStd.set(Array.from(logStd));
  }

  static fromJSON(j: GaussianActorJson): GaussianActor {
    return new GaussianActor(MLP.fromJSON(j.policy), j.logStd, j.obsNorm ? RunningMeanStd.fromJSON(j.obsNorm) : null, j.clipObs);
  }

  toJSON(): GaussianActorJson {
    return { policy: this.policy.toJSON(), logStd: [...this.head.logStd], obsNorm: this.obsNorm ? this.obsNorm.toJSON() : null, clipObs: this.clipObs };
  }

  get obsDim(): number {
    return this.policy.inDim;
  }

  get actDim(): number {
    return this.policy.outDim;
  }

  get logStd(): Float64Array {
    return this.head.logStd;
  }

  /** μ(s̃) for n observations [n, obsDim] → [n, actDim] (a new array). */
  mean(obs: Float64Array, n: number): Float64Array {
    let x = obs;
    if (this.obsNorm) {
      x = new Float64Array(n * this.obsDim);
      this.obsNorm.normalize(obs, x, n, this.clipObs);
    }
    return Float64Array.from(this.policy.forward(x, n).subarray(0, n * this.actDim));
  }

  /** Actions for n observations: the mean, or mean + σ ⊙ z with z ~ N(0, I) drawn row by row from `rng`. */
  act(obs: Float64Array, n: number, mode: ActionMode, rng: Rng): Float64Array {
    const mu = this.mean(obs, n);
    if (mode === "deterministic") return mu;
    const out = new Float64Array(n * this.actDim);
    this.head.sample(mu, n, rng, out);
    return out;
  }

  /** ln π(a_i | s_i) for n (observation, action) rows. */
  logProb(obs: Float64Array, actions: Float64Array, n: number): Float64Array {
    const out = new Float64Array(n);
    this.head.logProb(this.mean(obs, n), actions, n, out);
    return out;
  }

  /** Entropy of π(·|s) (the same for every s). */
  entropy(): number {
    return this.head.entropy();
  }
}
