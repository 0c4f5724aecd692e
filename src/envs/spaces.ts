/** Observation and action spaces (Gymnasium's `Box` and `Discrete`), sampled from our seeded RNG. */
import type { Rng } from "../core/rng.ts";

/** A box in R^n with per-dimension bounds (±Infinity allowed). Values are flat Float64Arrays of length `shape`. */
export class Box {
  readonly kind = "box" as const;
  readonly low: Float64Array;
  readonly high: Float64Array;
  constructor(low: ArrayLike<number>, high: ArrayLike<number>) {
    if (low.length !== high.length) throw new RangeError(`Box: low has ${low.length} entries, high has ${high.length}`);
    this.low = Float64Array.from(low);
    this.high = Float64Array.from(high);
    for (let i = 0; i < this.low.length; i++) {
      if (!(this.low[i]! <= this.high[i]!)) throw new RangeError(`Box: low[${i}] = ${this.low[i]} > high[${i}] = ${this.high[i]}`);
    }
  }
  /** A box of dimension n with the same bounds everywhere. */
  static uniform(n: number, low: number, high: number): Box {
    return new Box(new Float64Array(n).fill(low), new Float64Array(n).fill(high));
  }
  get shape(): number {
    return this.low.length;
  }
  /** Uniform in bounded dimensions; standard normal in unbounded ones (as Gymnasium). */
  sample(rng: Rng): Float64Array {
    const x = new Float64Array(this.shape);
    for (let i = 0; i < x.length; i++) {
      const lo = this.low[i]!, hi = this.high[i]!;
      x[i] = Number.isFinite(lo) && Number.isFinite(hi) ? rng.uniformIn(lo, hi) : rng.normal();
    }
    return x;
  }
  contains(x: ArrayLike<number>): boolean {
    if (x.length !== this.shape) return false;
    for (let i = 0; i < x.length; i++) if (!(x[i]! >= this.low[i]! && x[i]! <= this.high[i]!)) return false;
    return true;
  }
}

/** The integers 0 .. n-1. */
export class Discrete {
  readonly kind = "discrete" as const;
  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Discrete: n must be a positive integer, got ${n}`);
  }
  sample(rng: Rng): number {
    return rng.int(this.n);
  }
  contains(x: number): boolean {
    return Number.isInteger(x) && x >= 0 && x < this.n;
  }
}

export type Space = Box | Discrete;

/** Number of float columns a value of `space` takes in a flat row (Discrete values take one). */
export function flatDim(space: Space): number {
  return space.kind === "box" ? space.shape : 1;
}
