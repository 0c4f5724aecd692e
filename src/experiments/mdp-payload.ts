/** A TabularMdp as plain JSON (flat row-major arrays), so a cell can carry a user's MDP across processes and machines. */
import { TabularMdp } from "../envs/tabular/tabular-mdp.ts";

export interface MdpPayload {
  name: string;
  nS: number;
  nA: number;
  gamma: number;
  P: number[];
  r: number[];
  start: number[];
  layout?: { kind: "grid"; rows: number; cols: number };
}

export function mdpToPayload(mdp: TabularMdp): MdpPayload {
  return { name: mdp.name, nS: mdp.nS, nA: mdp.nA, gamma: mdp.gamma, P: [...mdp.P], r: [...mdp.r], start: [...mdp.start], ...(mdp.layout ? { layout: mdp.layout } : {}) };
}

export function mdpFromPayload(p: MdpPayload): TabularMdp {
  return new TabularMdp(p);
}
