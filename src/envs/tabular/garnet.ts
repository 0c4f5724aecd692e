/**
 * Random Garnet MDPs ("generic average reward non-stationary environment test-bench", Archibald et al. 1995):
 * nS states, nA actions, each (s,a) leads to `branching` distinct next states drawn at random, with probabilities
 * from a uniform stick-breaking; the reward depends on the ACTION, r(s,a) ~ N(0, 1) (scaled by `rewardScale`), so
 * a state-only reward is misspecified. Start: state 0. Everything is a function of (options, seed).
 *
 * Usage: `const mdp = garnet({ seed: 3 });`
 */
import { Rng } from "../../core/rng.ts";
import { TabularMdp } from "./tabular-mdp.ts";

export interface GarnetOptions {
  seed: number;
  nS?: number;
  nA?: number;
  /** Distinct next states per (s,a). */
  branching?: number;
  gamma?: number;
  rewardScale?: number;
}

export const GARNET_DEFAULTS = { nS: 20, nA: 4, branching: 3, gamma: 0.9, rewardScale: 1 } as const;

export function garnet(options: GarnetOptions): TabularMdp {
  const { nS, nA, branching, gamma, rewardScale } = { ...GARNET_DEFAULTS, ...options };
  if (!(branching >= 1 && branching <= nS)) throw new RangeError(`garnet: branching must be in [1, nS], got ${branching}`);
  const rng = new Rng(options.seed);
  const P = new Float64Array(nS * nA * nS);
  const r = new Float64Array(nS * nA);
  for (let sa = 0; sa < nS * nA; sa++) {
    const targets = rng.permutation(nS).subarray(0, branching);
    const cuts = Array.from({ length: branching - 1 }, () => rng.uniform()).sort((x, y) => x - y);
    const edges = [0, ...cuts, 1];
    for (let i = 0; i < branching; i++) P[sa * nS + targets[i]!] += edges[i + 1]! - edges[i]!;
    r[sa] = rewardScale * rng.normal();
  }
  const start = new Float64Array(nS);
  start[0] = 1;
  return new TabularMdp({ nS, nA, P, r, start, gamma, name: `garnet-${options.seed}` });
}
