/**
 * A finite MDP M = (S, A, P, r, γ) with a start distribution, validated on construction.
 * Arrays are row-major: P[(s·nA + a)·nS + s′] = P(s′|s,a), r[s·nA + a] = r(s,a), start[s].
 */
import { InputError } from "../../core/errors.ts";

export interface GridLayout {
  kind: "grid";
  rows: number;
  cols: number;
}

export interface TabularMdpInit {
  nS: number;
  nA: number;
  P: ArrayLike<number>;
  r: ArrayLike<number>;
  start: ArrayLike<number>;
  gamma: number;
  /** Optional human names, e.g. "(x,y)" for grid cells. */
  stateNames?: readonly string[];
  actionNames?: readonly string[];
  name?: string;
  /** The states are the cells of a rows × cols grid, row-major (s = row·cols + col): pictures may draw it. */
  layout?: GridLayout;
  /** Adopt `P` without copying when it is a Float64Array (a loader's fresh buffer; the caller must not keep it). */
  ownP?: boolean;
}

const TOL = 1e-9;

export class TabularMdp {
  readonly nS: number;
  readonly nA: number;
  readonly P: Float64Array;
  readonly r: Float64Array;
  readonly start: Float64Array;
  readonly gamma: number;
  readonly stateNames: readonly string[] | undefined;
  readonly layout: GridLayout | undefined;
  readonly actionNames: readonly string[] | undefined;
  readonly name: string;

  constructor(init: TabularMdpInit) {
    const bad = (msg: string): never => {
      throw new InputError("E_INVALID_MDP", msg);
    };
    const { nS, nA, gamma } = init;
    if (!Number.isInteger(nS) || nS <= 0) bad(`nS must be a positive integer, got ${nS}`);
    if (!Number.isInteger(nA) || nA <= 0) bad(`nA must be a positive integer, got ${nA}`);
    if (typeof gamma !== "number" || !(gamma >= 0 && gamma < 1)) bad(`gamma must be in [0, 1), got ${gamma}`);
    if (init.P.length !== nS * nA * nS) bad(`P has ${init.P.length} entries, expected nS·nA·nS = ${nS * nA * nS}`);
    if (init.r.length !== nS * nA) bad(`r has ${init.r.length} entries, expected nS·nA = ${nS * nA}`);
    if (init.start.length !== nS) bad(`start has ${init.start.length} entries, expected nS = ${nS}`);
    const P = init.ownP && init.P instanceof Float64Array ? init.P : Float64Array.from(init.P);
    const r = Float64Array.from(init.r), start = Float64Array.from(init.start);
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        let sum = 0;
        for (let t = 0; t < nS; t++) {
          const p = P[(s * nA + a) * nS + t]!;
          if (!Number.isFinite(p)) bad(`P[${s}][${a}][${t}] is not a finite number (${p})`);
          if (p < 0) bad(`P[${s}][${a}][${t}] is negative (${p})`);
          sum += p;
        }
        if (Math.abs(sum - 1) > TOL) bad(`P[${s}][${a}] sums to ${sum}, expected 1`);
        if (!Number.isFinite(r[s * nA + a]!)) bad(`r[${s}][${a}] is not a finite number (${r[s * nA + a]})`);
      }
    }
    let total = 0;
    for (let s = 0; s < nS; s++) {
      if (!Number.isFinite(start[s]!) || start[s]! < 0) bad(`start[${s}] must be a finite non-negative number, got ${start[s]}`);
      total += start[s]!;
    }
    if (Math.abs(total - 1) > TOL) bad(`start sums to ${total}, expected 1`);
    if (init.stateNames && init.stateNames.length !== nS) bad(`stateNames has ${init.stateNames.length} names, expected ${nS}`);
    if (init.actionNames && init.actionNames.length !== nA) bad(`actionNames has ${init.actionNames.length} names, expected ${nA}`);
    this.nS = nS;
    this.nA = nA;
    this.P = P;
    this.r = r;
    this.start = start;
    this.gamma = gamma;
    this.stateNames = init.stateNames;
    if (init.layout && !(init.layout.kind === "grid" && Number.isInteger(init.layout.rows) && Number.isInteger(init.layout.cols) && init.layout.rows > 0 && init.layout.cols > 0 && init.layout.rows * init.layout.cols === nS)) {
      bad(`layout must be { kind: "grid", rows, cols } with positive integers rows·cols = nS = ${nS}`);
    }
    this.layout = init.layout ? { kind: "grid", rows: init.layout.rows, cols: init.layout.cols } : undefined;
    this.actionNames = init.actionNames;
    this.name = init.name ?? "mdp";
    Object.freeze(this);
  }

  /** P(s′|s,a). */
  p(s: number, a: number, s2: number): number {
    return this.P[(s * this.nA + a) * this.nS + s2]!;
  }

  /** E_{s′~P(·|s,a)}[f(s′)] for every (s,a): the operator (P f)(s,a). */
  expect(f: ArrayLike<number>): Float64Array {
    const { nS, nA, P } = this;
    const out = new Float64Array(nS * nA);
    for (let sa = 0; sa < nS * nA; sa++) {
      let acc = 0;
      const base = sa * nS;
      for (let t = 0; t < nS; t++) acc += P[base + t]! * f[t]!;
      out[sa] = acc;
    }
    return out;
  }

  /** The same MDP with another reward r(s,a) (dynamics, start and γ unchanged). */
  withReward(r: ArrayLike<number>): TabularMdp {
    return new TabularMdp({ ...this.init(), r });
  }

  private init(): TabularMdpInit {
    const o: TabularMdpInit = { nS: this.nS, nA: this.nA, P: this.P, r: this.r, start: this.start, gamma: this.gamma, name: this.name };
    if (this.stateNames) o.stateNames = this.stateNames;
    if (this.actionNames) o.actionNames = this.actionNames;
    if (this.layout) o.layout = this.layout;
    return o;
  }
}
