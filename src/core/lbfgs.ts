/**
 * Limited-memory BFGS for smooth unconstrained minimisation (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * Alg. 7.4 two-loop recursion and Alg. 7.5), with a backtracking Armijo line search. Deterministic.
 *
 * Usage: `const { x, f } = minimizeLbfgs((x, g) => { ...fill g...; return f; }, x0, { maxIterations: 200 });`
 */
export interface LbfgsOptions {
  /** Stored curvature pairs. */
  memory: number;
  maxIterations: number;
  /** Stop when ‖∇f‖∞ ≤ gradTol. */
  gradTol: number;
  /** Stop when the relative decrease of f over one iteration is below this. */
  relTol: number;
}

export const LBFGS_DEFAULTS: LbfgsOptions = { memory: 10, maxIterations: 300, gradTol: 1e-6, relTol: 1e-10 };

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
}

/** Minimises f; `fg(x, g)` returns f(x) and writes ∇f(x) into g. */
export function minimizeLbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, options: Partial<LbfgsOptions> = {}): LbfgsResult {
  const o: LbfgsOptions = { ...LBFGS_DEFAULTS, ...options };
  const n = x0.length;
  const dot = (a: Float64Array, b: Float64Array): number => { let s = 0; for (let i = 0; i < n; i++) s += a[i]! * b[i]!; return s; };
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  let it = 0;
  for (; it < o.maxIterations; it++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (!(gmax > o.gradTol)) break;
    // Two-loop recursion: d = −H g.
    const q = Float64Array.from(g);
    const al = new Array<number>(S.length);
    for (let j = S.length - 1; j >= 0; j--) {
      al[j] = rho[j]! * dot(S[j]!, q);
      for (let i = 0; i < n; i++) q[i] = q[i]! - al[j]! * Y[j]![i]!;
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(1, gmax);
    for (let i = 0; i < n; i++) q[i] = q[i]! * gamma;
    for (let j = 0; j < S.length; j++) {
      const b = rho[j]! * dot(Y[j]!, q);
      for (let i = 0; i < n; i++) q[i] = q[i]! + S[j]![i]! * (al[j]! - b);
    }
    let d = q.map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) { d = g.map((v) => -v); slope = -dot(g, g); S.length = 0; Y.length = 0; rho.length = 0; }
    // Backtracking Armijo line search.
    let step = 1, fNew = Number.NaN;
    const xNew = new Float64Array(n), gNew = new Float64Array(n);
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope)) break;
    const s = xNew.map((v, i) => v - x[i]!), y = gNew.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s); Y.push(y); rho.push(1 / sy);
      if (S.length > o.memory) { S.shift(); Y.shift(); rho.shift(); }
    }
    const decrease = f - fNew;
    x = Float64Array.from(xNew); g = Float64Array.from(gNew); f = fNew;
    if (decrease <= o.relTol * Math.max(1, Math.abs(f))) { it++; break; }
  }
  return { x, f, iterations: it };
}
