/**
 * Stochastic grids with absorbing traps: an n×n grid (actions down, up, left, right as in grid-world.ts), each
 * move replaced with probability `slip` by a uniformly random direction. The goal (bottom-right) pays +10 and
 * sends every action back to the start (top-left), as the paper's goal does; `traps` cells drawn from the seed
 * (never the start, the goal or their neighbours) are ABSORBING and pay `trapReward` per step forever; every
 * other cell costs −1. The reward is state-only, paid for the state being left. Everything is a function of
 * (options, seed).
 *
 * Usage: `const mdp = trapGrid({ seed: 3 }); mdp.layout // { rows: 6, cols: 6 }`
 */
import { Rng } from "../../core/rng.ts";
import { TabularMdp } from "./tabular-mdp.ts";

export interface TrapGridOptions {
  seed: number;
  size?: number;
  traps?: number;
  slip?: number;
  trapReward?: number;
  gamma?: number;
}

export const TRAP_GRID_DEFAULTS = { size: 6, traps: 3, slip: 0.2, trapReward: -2, gamma: 0.95 } as const;

const MOVES: readonly (readonly [number, number])[] = [[1, 0], [-1, 0], [0, -1], [0, 1]];

/** A generated grid MDP and the cells it declares (row-major, s = x·cols + y). */
export interface GridLayoutMdp {
  mdp: TabularMdp;
  layout: { rows: number; cols: number };
  /** Trap cells (absorbing). */
  traps: number[];
}

export function trapGrid(options: TrapGridOptions): GridLayoutMdp {
  const { size: n, traps: nTraps, slip, trapReward, gamma } = { ...TRAP_GRID_DEFAULTS, ...options };
  const rng = new Rng(options.seed);
  const nS = n * n, nA = 4, startCell = 0, goal = nS - 1;
  const near = (s: number, t: number): boolean => Math.abs(Math.floor(s / n) - Math.floor(t / n)) + Math.abs((s % n) - (t % n)) <= 1;
  const candidates = Array.from({ length: nS }, (_, s) => s).filter((s) => !near(s, startCell) && !near(s, goal));
  const order = rng.permutation(candidates.length);
  const traps = Array.from(order.subarray(0, Math.min(nTraps, candidates.length)), (i) => candidates[i]!).sort((a, b) => a - b);
  const P = new Float64Array(nS * nA * nS);
  const r = new Float64Array(nS * nA);
  const target = (x: number, y: number, m: number): number => {
    const [dx, dy] = MOVES[m]!;
    return Math.min(n - 1, Math.max(0, x + dx)) * n + Math.min(n - 1, Math.max(0, y + dy));
  };
  for (let s = 0; s < nS; s++) {
    const x = Math.floor(s / n), y = s % n;
    for (let a = 0; a < nA; a++) {
      const row = (s * nA + a) * nS;
      if (traps.includes(s)) { P[row + s] = 1; r[s * nA + a] = trapReward; continue; }
      if (s === goal) { P[row + startCell] = 1; r[s * nA + a] = 10; continue; }
      r[s * nA + a] = -1;
      P[row + target(x, y, a)] += 1 - slip;
      for (let m = 0; m < nA; m++) P[row + target(x, y, m)] += slip / nA;
    }
  }
  const start = new Float64Array(nS);
  start[startCell] = 1;
  const stateNames = Array.from({ length: nS }, (_, s) => `(${Math.floor(s / n)},${s % n})`);
  const mdp = new TabularMdp({ nS, nA, P, r, start, gamma, stateNames, actionNames: ["down", "up", "left", "right"], name: `trap-grid-${options.seed}` });
  return { mdp, layout: { rows: n, cols: n }, traps };
}
