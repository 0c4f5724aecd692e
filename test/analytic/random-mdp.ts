/**
 * fast-check arbitraries for the analytic property tests: small random MDPs (nS 2–6, nA 2–4) with random
 * transition rows (some entries exactly 0), rewards in [−2, 2], γ ∈ [0, 0.9], α ∈ [0.1, 2], plus a random
 * full-support policy and a random state function g. The ranges keep every soft-improved policy's smallest
 * probability far above underflow (Q gaps / α ≤ ~400), so ln π2 in Theorem 2 stays finite.
 */
import fc from "fast-check";
import { TabularMdp } from "../../src/envs/tabular/tabular-mdp.ts";

export interface Case {
  mdp: TabularMdp;
  alpha: number;
  /** A random policy with full support, row-major nS×nA. */
  pi: Float64Array;
  /** A random function of the state, nS. */
  g: Float64Array;
}

const unit = fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true }));
const real = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });

/** Normalises each length-n row of w in place; an all-zero row becomes a point mass on its `fallback` entry. */
function normaliseRows(w: number[], n: number, fallback: (row: number) => number): Float64Array {
  const out = Float64Array.from(w);
  for (let row = 0; row < w.length / n; row++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += out[row * n + j]!;
    if (sum === 0) { out[row * n + fallback(row)] = 1; continue; }
    for (let j = 0; j < n; j++) out[row * n + j] = out[row * n + j]! / sum;
  }
  return out;
}

export interface CaseOptions {
  /** Deterministic dynamics in which a state-only reward is identifiable up to a constant (see below). */
  identifiableDeterministic?: boolean;
  /** The true reward depends on the state only. */
  stateOnly?: boolean;
  /** Smallest γ (default 0). */
  gammaMin?: number;
}

export function arbCase(options: CaseOptions = {}): fc.Arbitrary<Case> {
  return fc.record({ nS: fc.integer({ min: 2, max: 6 }), nA: fc.integer({ min: 2, max: 4 }) }).chain(({ nS, nA }) =>
    fc.record({
      pW: fc.array(unit, { minLength: nS * nA * nS, maxLength: nS * nA * nS }),
      next: fc.array(fc.nat(nS - 1), { minLength: nS * nA, maxLength: nS * nA }),
      order: fc.shuffledSubarray([...Array(nS).keys()], { minLength: nS, maxLength: nS }),
      r: fc.array(real(-2, 2), { minLength: nS * nA, maxLength: nS * nA }),
      start: fc.nat(nS - 1),
      gamma: real(options.gammaMin ?? 0, 0.9),
      alpha: real(0.1, 2),
      piW: fc.array(real(0.05, 1), { minLength: nS * nA, maxLength: nS * nA }),
      g: fc.array(real(-5, 5), { minLength: nS, maxLength: nS }),
    }).map(({ pW, next, order, r, start, gamma, alpha, piW, g }): Case => {
      let P: Float64Array;
      if (options.identifiableDeterministic) {
        // Random deterministic successors, except that along a random cyclic order σ of the states action 0
        // moves σ(i) → σ(i+1) and action 1 moves σ(i) → σ(i+2). Then every state is a successor, and σ(i+1),
        // σ(i+2) share the predecessor σ(i), which chains all states together: the only (r̄, f) that fits zero
        // is f constant, so Eq. 4 pins a state-only reward down to a constant (state-only-regression.ts).
        // Without this, e.g. a state that no action reaches has its f free and r̄ there is not identified.
        const succ = [...next];
        for (let i = 0; i < nS; i++) {
          succ[order[i]! * nA + 0] = order[(i + 1) % nS]!;
          succ[order[i]! * nA + 1] = order[(i + 2) % nS]!;
        }
        P = new Float64Array(nS * nA * nS);
        succ.forEach((t, sa) => { P[sa * nS + t] = 1; });
      } else {
        P = normaliseRows(pW, nS, (row) => next[row]!);
      }
      const rr = Float64Array.from(r);
      if (options.stateOnly) for (let s = 0; s < nS; s++) rr.fill(r[s * nA]!, s * nA, (s + 1) * nA);
      const startDist = new Float64Array(nS);
      startDist[start] = 1;
      const mdp = new TabularMdp({ nS, nA, P, r: rr, start: startDist, gamma });
      return { mdp, alpha, pi: normaliseRows(piW, nA, () => 0), g: Float64Array.from(g) };
    }),
  );
}

/** Runs of each property (the brief asks for ≥ 100 random MDPs per property). */
export const RUNS = { numRuns: 120 } as const;
