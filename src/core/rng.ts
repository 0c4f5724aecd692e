/**
 * Seeded, splittable pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018) seeded by SplitMix32.
 *
 * Every random draw in this project comes from an `Rng`; training is a pure function of (config, seed).
 * `split()` returns an independent stream (its seed is hashed from four fresh draws of the parent), so a
 * component can be handed its own stream without disturbing its siblings.
 */

/** SplitMix32 step: a well-mixed 32-bit hash used to expand seeds. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A generator's complete state (JSON-serialisable), see `Rng.getState`. */
export interface RngState {
  words: [number, number, number, number];
  spareNormal: number | null;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /** `seed` is any finite number (integers recommended); the same seed always gives the same stream. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be finite, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const st = { s: lo ^ Math.imul(hi, 0x27d4eb2d) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal draw (Marsaglia polar method; the second variate is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  /**
   * Index drawn from the categorical distribution `probs[offset .. offset+n)` (need not be normalised,
   * must be non-negative with a positive sum).
   */
  categorical(probs: ArrayLike<number>, offset = 0, n = probs.length - offset): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += probs[offset + i]!;
    if (!(total > 0) || !Number.isFinite(total)) throw new RangeError(`Rng.categorical: weights must have a positive finite sum, got ${total}`);
    let u = this.uniform() * total;
    for (let i = 0; i < n; i++) {
      u -= probs[offset + i]!;
      if (u < 0) return i;
    }
    // Rounding left u ≥ 0: return the last index with positive weight.
    for (let i = n - 1; i >= 0; i--) if (probs[offset + i]! > 0) return i;
    return n - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(xs: T): T {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = xs[i];
      xs[i] = xs[j];
      xs[j] = tmp;
    }
    return xs;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent child stream; the parent advances by four draws. */
  split(): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    const st = { s: (this.nextUint32() ^ Math.imul(this.nextUint32(), 0x9e3779b1)) | 0 };
    const mix = this.nextUint32() ^ this.nextUint32();
    child.a = splitmix32(st) ^ mix;
    child.b = splitmix32(st);
    child.c = splitmix32(st);
    child.d = splitmix32(st);
    if ((child.a | child.b | child.c | child.d) === 0) child.a = 1;
    child.spareNormal = undefined;
    return child;
  }

  // ── State (to checkpoint and resume a run exactly; added for `lfl learn --resume`) ──
  /** The complete generator state: the four xoshiro words and the kept normal variate (null if none). */
  getState(): RngState {
    return { words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spareNormal: this.spareNormal ?? null };
  }

  /** A generator continuing exactly where `getState()` was taken. */
  static fromState(s: RngState): Rng {
    const ok = Array.isArray(s?.words) && s.words.length === 4 && s.words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && (s.words.some((w) => w !== 0));
    if (!ok || !(s.spareNormal === null || Number.isFinite(s.spareNormal))) throw new RangeError("Rng.fromState: not a valid generator state");
    const r = Object.create(Rng.prototype) as Rng;
    [r.a, r.b, r.c, r.d] = s.words.map((w) => w | 0) as [number, number, number, number];
    r.spareNormal = s.spareNormal ?? undefined;
    return r;
  }

  /** `n` independent child streams. */
  splitN(n: number): Rng[] {
    return Array.from({ length: n }, () => this.split());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
