import { test } from "node:test";
import assert from "node:assert/strict";
import { minimizeLbfgs } from "./lbfgs.ts";

test("L-BFGS minimises the Rosenbrock function from (−1.2, 1)", () => {
  const res = minimizeLbfgs((x, g) => {
    const [a, b] = [x[0]!, x[1]!];
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  }, Float64Array.from([-1.2, 1]), { maxIterations: 500, gradTol: 1e-9 });
  assert.ok(Math.abs(res.x[0]! - 1) < 1e-5 && Math.abs(res.x[1]! - 1) < 1e-5, `${res.x}`);
});

test("L-BFGS solves an ill-conditioned quadratic to its exact minimiser", () => {
  const d = [1, 10, 100, 1000, 1e4];
  const res = minimizeLbfgs((x, g) => {
    let f = 0;
    d.forEach((di, i) => { g[i] = di * (x[i]! - i); f += 0.5 * di * (x[i]! - i) ** 2; });
    return f;
  }, new Float64Array(5), { maxIterations: 200, gradTol: 1e-10, relTol: 0 });
  res.x.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-8, `x[${i}] = ${v}`));
});
