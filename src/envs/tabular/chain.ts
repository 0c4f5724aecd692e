/**
 * Long chains with a local optimum: states 0..n−1 in a line, two actions whose meaning (left / right) is shuffled
 * per state by the seed, each move slipping to the other direction with probability `slip`. The start is state
 * `start`; the near end (state 0) pays `nearReward` and the far end (state n−1) pays `farReward`, both sending every
 * action back to the start (so a learner that found the near end can loop there: a local optimum); every
 * other state costs `stepCost`. The reward is state-only. Everything is a function of (options, seed): n, the start
 * and the rewards (near 1–2, far 20–30: the far end is the global optimum) are drawn from the seed unless given.
 *
 * Usage: `const mdp = chain({ seed: 3 });`
 */
import { Rng } from "../../core/rng.ts";
import { TabularMdp } from "./tabular-mdp.ts";

export interface ChainOptions {
  seed: number;
  /** Number of states (default: 12–18 from the seed). */
  n?: number;
  slip?: number;
  gamma?: number;
}

export const CHAIN_DEFAULTS = { slip: 0.1, gamma: 0.95, stepCost: -0.1 } as const;

export function chain(options: ChainOptions): TabularMdp {
  const rng = new Rng(options.seed);
  const n = options.n ?? 12 + rng.int(7);
  const slip = options.slip ?? CHAIN_DEFAULTS.slip, gamma = options.gamma ?? CHAIN_DEFAULTS.gamma;
  if (!(Number.isInteger(n) && n >= 4)) throw new RangeError(`chain: n must be an integer ≥ 4, got ${n}`);
  const startState = 2 + rng.int(2);
  const nearReward = 1 + rng.uniform(), farReward = 20 + 10 * rng.uniform();
  const nS = n, nA = 2;
  const P = new Float64Array(nS * nA * nS);
  const r = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) {
    const rightAction = rng.int(2);
    for (let a = 0; a < nA; a++) {
      const row = (s * nA + a) * nS;
      if (s === 0 || s === nS - 1) { P[row + startState] = 1; r[s * nA + a] = s === 0 ? nearReward : farReward; continue; }
      r[s * nA + a] = CHAIN_DEFAULTS.stepCost;
      const dir = a === rightAction ? 1 : -1;
      P[row + s + dir] += 1 - slip;
      P[row + s - dir] += slip;
    }
  }
  const start = new Float64Array(nS);
  start[startState] = 1;
  return new TabularMdp({ nS, nA, P, r, start, gamma, name: `chain-${options.seed}` });
}
