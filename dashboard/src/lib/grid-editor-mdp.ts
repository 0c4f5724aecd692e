/**
 * The grid editor's MDP: the paper's grid dynamics (src/envs/tabular/grid-world.ts) on any rows × cols layout —
 * actions down/up/left/right, moves into the border or a wall leave the agent in place, from a "reset" cell
 * every action returns to the start; a state-only reward paid for the state being left. Written as MDP JSON
 * (docs/mdp-json.md), named "gridRxC-…", so the CLI runs exactly the same MDP (`lfl learn --mdp`).
 */
export type CellKind = "normal" | "reset" | "wall";

export interface GridLayout {
  rows: number;
  cols: number;
  reward: number[];
  kind: CellKind[];
  start: number;
  gamma: number;
  /** Probability that a move is replaced by a uniformly random direction (as gridWorld's `slip`). */
  slip: number;
}

/** The paper's 5×5 grid as an editor layout (same MDP as gridWorld()). */
export function paperLayout(): GridLayout {
  const reward = new Array<number>(25).fill(-1);
  reward[24] = 10;
  reward[20] = 0;
  reward[4] = -12;
  const kind = new Array<CellKind>(25).fill("normal");
  kind[24] = "reset";
  kind[12] = "reset";
  return { rows: 5, cols: 5, reward, kind, start: 0, gamma: 0.96, slip: 0 };
}

export function layoutToMdpJson(g: GridLayout): string {
  const nS = g.rows * g.cols, nA = 4;
  const moves = [[1, 0], [-1, 0], [0, -1], [0, 1]] as const;
  const target = (s: number, m: number): number => {
    const x = Math.floor(s / g.cols), y = s % g.cols;
    const nx = Math.min(g.rows - 1, Math.max(0, x + moves[m]![0])), ny = Math.min(g.cols - 1, Math.max(0, y + moves[m]![1]));
    const t = nx * g.cols + ny;
    return g.kind[t] === "wall" ? s : t;
  };
  const P = Array.from({ length: nS }, (_, s) => Array.from({ length: nA }, (_, a) => {
    const row = new Array<number>(nS).fill(0);
    if (g.kind[s] === "reset") row[g.start] = 1;
    else {
      row[target(s, a)]! += 1 - g.slip;
      for (let m = 0; m < nA; m++) row[target(s, m)]! += g.slip / nA;
    }
    return row;
  }));
  const r = Array.from({ length: nS }, (_, s) => new Array<number>(nA).fill(g.reward[s]!));
  const stateNames = Array.from({ length: nS }, (_, s) => `(${Math.floor(s / g.cols)},${s % g.cols})`);
  return `${JSON.stringify({ name: `grid${g.rows}x${g.cols}-edited`, nS, nA, gamma: g.gamma, start: g.start, P, r, stateNames, actionNames: ["down", "up", "left", "right"] })}\n`;
}
