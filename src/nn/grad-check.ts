/** Finite-difference gradient checking, for the tests of every hand-written backward pass. */

/** Max relative error max|a−b| / max(1e-8, |a|+|b|) over entries with a meaningful magnitude. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const s = Math.abs(a[i]!) + Math.abs(b[i]!);
    worst = Math.max(worst, s < 1e-7 ? d : d / s);
  }
  return worst;
}

/** Central finite difference of f at x (mutating x in place and restoring it). */
export function numericGrad(x: Float64Array, f: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    x[i] = x0 + h;
    const fp = f();
    x[i] = x0 - h;
    const fm = f();
    x[i] = x0;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}
