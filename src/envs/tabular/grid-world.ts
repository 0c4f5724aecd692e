/**
 * The paper's 5×5 grid world (§6.1, Fig. 2), with the facts of the authors' code (research/authors-code.md §2.1).
 *
 * State (x, y), x = row (downwards), y = column (rightwards), flat index s = 5x + y; start (0,0).
 * Actions: 0 down (x+1), 1 up (x−1), 2 left (y−1), 3 right (y+1); moves into a wall leave the agent in place.
 * Two reset states, the goal (4,4) and the middle (2,2): from them every action leads back to the start.
 * Reward is state-only, paid for the state being left: goal +10, bottom-left (4,0) 0, top-right (0,4) −12,
 * every other state −1. γ = 0.96; the paper's entropy weight is α = 0.3 (a solver parameter, not part of the MDP).
 * The optional stochastic variant replaces the intended move, with probability `slip` (0.3), by a uniformly
 * random one of the four directions; reset states stay deterministic.
 */
import { TabularMdp } from "./tabular-mdp.ts";

export const GRID_SIZE = 5;
export const GRID_GAMMA = 0.96;
/** The learner's true entropy weight in the paper's grid-world experiments. */
export const GRID_ALPHA = 0.3;
export const GRID_START = 0;
export const GRID_GOAL = 24;
export const GRID_MIDDLE = 12;

const MOVES: readonly (readonly [number, number])[] = [[1, 0], [-1, 0], [0, -1], [0, 1]];
const ACTION_NAMES = ["down", "up", "left", "right"] as const;

export interface GridWorldOptions {
  /** Probability that a move is replaced by a uniformly random direction (0 = the paper's deterministic grid). */
  slip?: number;
}

/** The state-only reward r(s) of the grid, as a 25-vector. */
export function gridStateReward(): Float64Array {
  const r = new Float64Array(GRID_SIZE * GRID_SIZE).fill(-1);
  r[GRID_GOAL] = 10;
  r[4 * GRID_SIZE + 0] = 0;
  r[0 * GRID_SIZE + 4] = -12;
  return r;
}

export function gridWorld(options: GridWorldOptions = {}): TabularMdp {
  const slip = options.slip ?? 0;
  if (!(slip >= 0 && slip <= 1)) throw new RangeError(`gridWorld: slip must be in [0, 1], got ${slip}`);
  const n = GRID_SIZE, nS = n * n, nA = 4;
  const P = new Float64Array(nS * nA * nS);
  const r = new Float64Array(nS * nA);
  const rs = gridStateReward();
  const target = (x: number, y: number, m: number): number => {
    const [dx, dy] = MOVES[m]!;
    const nx = Math.min(n - 1, Math.max(0, x + dx)), ny = Math.min(n - 1, Math.max(0, y + dy));
    return nx * n + ny;
  };
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      const s = x * n + y;
      for (let a = 0; a < nA; a++) {
        r[s * nA + a] = rs[s]!;
        const row = (s * nA + a) * nS;
        if (s === GRID_GOAL || s === GRID_MIDDLE) { P[row + GRID_START] = 1; continue; }
        P[row + target(x, y, a)] += 1 - slip;
        for (let m = 0; m < nA; m++) P[row + target(x, y, m)] += slip / nA;
      }
    }
  }
  const start = new Float64Array(nS);
  start[GRID_START] = 1;
  const stateNames = Array.from({ length: nS }, (_, s) => `(${Math.floor(s / n)},${s % n})`);
  return new TabularMdp({ nS, nA, P, r, start, gamma: GRID_GAMMA, stateNames, actionNames: ACTION_NAMES, name: slip > 0 ? `grid5x5-slip${slip}` : "grid5x5", layout: { kind: "grid", rows: GRID_SIZE, cols: GRID_SIZE } });
}
