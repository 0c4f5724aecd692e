/**
 * Diagonal Gaussian policy head with a state-independent log standard deviation (as SB3 / the authors' code):
 * π(a|s) = Π_j N(a_j; μ_j(s), σ_j²), σ_j = exp(logStd_j). The means μ come from a network; `logStd` is a
 * parameter vector of length `dim` with its own gradient vector (a ParamGroup for Adam).
 */
import type { Rng } from "../core/rng.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export class DiagGaussian {
  readonly dim: number;
  readonly logStd: Float64Array;
  readonly logStdGrad: Float64Array;
  /** Per-call scratch of `dim` entries (σ or 1/σ). */
  private readonly scratch: Float64Array;

  constructor(dim: number, logStdInit = 0) {
    this.dim = dim;
    this.logStd = new Float64Array(dim).fill(logStdInit);
    this.logStdGrad = new Float64Array(dim);
    this.scratch = new Float64Array(dim);
  }

  /** actions[batch, dim] = μ + σ ⊙ z with z ~ N(0, I) from `rng`. */
  sample(mean: Float64Array, batch: number, rng: Rng, out: Float64Array): void {
    const d = this.dim;
    const std = this.scratch;
    for (let j = 0; j < d; j++) std[j] = Math.exp(this.logStd[j]!); // σ_j once per call (the same values)
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] = mean[i * d + j]! + std[j]! * rng.normal();
    }
  }

  /** out[i] = log π(a_i | s_i) = Σ_j [−½((a−μ)/σ)² − log σ − ½ log 2π]. */
  logProb(mean: Float64Array, actions: Float64Array, batch: number, out: Float64Array): void {
    const d = this.dim;
    let norm = 0;
    const invStd = this.scratch;
    for (let j = 0; j < d; j++) {
      norm += this.logStd[j]! + HALF_LOG_2PI;
      invStd[j] = Math.exp(-this.logStd[j]!); // 1/σ_j once per call (the same values)
    }
    for (let i = 0; i < batch; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const z = (actions[i * d + j]! - mean[i * d + j]!) * invStd[j]!;
        s += z * z;
      }
      out[i] = -0.5 * s - norm;
    }
  }

  /** Entropy of each row (the same for all rows): Σ_j (½ + ½ log 2π + log σ_j). */
  entropy(): number {
    let h = 0;
    for (let j = 0; j < this.dim; j++) h += 0.5 + HALF_LOG_2PI + this.logStd[j]!;
    return h;
  }

  /**
   * Back-propagates g_i = dL/d(log π(a_i|s_i)) (and `entropyGrad` = dL/dH, H = `entropy()`): writes dL/dμ [batch, dim] into `dMean` and ACCUMULATES dL/dlogσ into `logStdGrad`.
   *   ∂log π/∂μ_j = (a_j − μ_j)/σ_j²,  ∂log π/∂log σ_j = ((a_j − μ_j)/σ_j)² − 1,  ∂H/∂log σ_j = 1.
   */
  backward(mean: Float64Array, actions: Float64Array, dLogProb: Float64Array, batch: number, dMean: Float64Array, entropyGrad = 0): void {
    const d = this.dim;
    for (let j = 0; j < d; j++) {
      const invVar = Math.exp(-2 * this.logStd[j]!);
      let gLog = 0;
      for (let i = 0; i < batch; i++) {
        const diff = actions[i * d + j]! - mean[i * d + j]!;
        const g = dLogProb[i]!;
        dMean[i * d + j] = g * diff * invVar;
        gLog += g * (diff * diff * invVar - 1);
      }
      this.logStdGrad[j] += gLog + entropyGrad;
    }
  }
}
