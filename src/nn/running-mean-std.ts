/**
 * Running mean and variance of vectors (Chan et al.'s parallel update, as SB3's `RunningMeanStd`), and the
 * observation normalisation it supports: clip((x − mean)/√(var + ε), −clip, clip). Starts at mean 0, var 1,
 * count ε (as SB3) so the first normalisation is the identity up to ε.
 */

export interface RunningMeanStdJson {
  mean: number[];
  var: number[];
  count: number;
}

export class RunningMeanStd {
  readonly dim: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(dim: number, epsilon = 1e-4) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.count = epsilon;
  }

  /** Merges a batch x[n, dim] into the statistics. */
  update(x: Float64Array, n: number): void {
    const d = this.dim;
    const total = this.count + n;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * d + j]!;
      const bMean = s / n;
      let s2 = 0;
      for (let i = 0; i < n; i++) s2 += (x[i * d + j]! - bMean) ** 2;
      const bVar = s2 / n;
      const delta = bMean - this.mean[j]!;
      const m2 = this.var[j]! * this.count + bVar * n + (delta * delta * this.count * n) / total;
      this.mean[j] = this.mean[j]! + (delta * n) / total;
      this.var[j] = m2 / total;
    }
    this.count = total;
  }

  /** out[n, dim] = clip((x − mean)/√(var + eps), ±clip); `out` may alias `x`. */
  normalize(x: Float64Array, out: Float64Array, n: number, clip = 10, eps = 1e-8): void {
    const d = this.dim;
    for (let j = 0; j < d; j++) {
      const m = this.mean[j]!;
      const inv = 1 / Math.sqrt(this.var[j]! + eps);
      for (let i = 0; i < n; i++) {
        const z = (x[i * d + j]! - m) * inv;
        out[i * d + j] = z > clip ? clip : z < -clip ? -clip : z;
      }
    }
  }

  clone(): RunningMeanStd {
    const c = new RunningMeanStd(this.dim);
    c.mean.set(this.mean);
    c.var.set(this.var);
    c.count = this.count;
    return c;
  }

  toJSON(): RunningMeanStdJson {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  static fromJSON(j: RunningMeanStdJson): RunningMeanStd {
    const r = new RunningMeanStd(j.mean.length);
    r.mean.set(j.mean);
    r.var.set(j.var);
    r.count = j.count;
    return r;
  }
}
