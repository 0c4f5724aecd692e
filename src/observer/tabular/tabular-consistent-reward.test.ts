import { test } from "node:test";
import assert from "node:assert/strict";
import { leastSquares, maxAbsDiff } from "../../core/linalg.ts";
import { Rng } from "../../core/rng.ts";
import { fitConsistentReward } from "./tabular-consistent-reward.ts";

/** A random row-stochastic P (nS·nA × nS). */
function randomP(nS: number, nA: number, rng: Rng): Float64Array {
  const P = new Float64Array(nS * nA * nS);
  for (let i = 0; i < nS * nA; i++) {
    let z = 0;
    for (let t = 0; t < nS; t++) z += (P[i * nS + t] = rng.uniform() ** 3);
    for (let t = 0; t < nS; t++) P[i * nS + t] = P[i * nS + t]! / z;
  }
  return P;
}

test("the structured solve equals the stacked least-squares minimum-norm solution", () => {
  const rng = new Rng(11);
  const nS = 5, nA = 3, K = 4, gamma = 0.9, m = nS * nA, n = m + K * nS;
  const P = randomP(nS, nA, rng);
  const targets = Array.from({ length: K }, () => Float64Array.from({ length: m }, () => rng.normal()));
  const fit = fitConsistentReward(targets, P, nS, nA, gamma);
  // Stacked system: rows (k, s, a); columns r (m) then f_1..f_K (nS each).
  const A = new Float64Array(K * m * n), b = new Float64Array(K * m);
  for (let k = 0; k < K; k++) for (let i = 0; i < m; i++) {
    const row = (k * m + i) * n, s = Math.floor(i / nA);
    A[row + i] = 1;
    A[row + m + k * nS + s] = A[row + m + k * nS + s]! + 1;
    for (let t = 0; t < nS; t++) A[row + m + k * nS + t] = A[row + m + k * nS + t]! - gamma * P[i * nS + t]!;
    b[k * m + i] = targets[k]![i]!;
  }
  const ours = new Float64Array(n);
  ours.set(fit.reward, 0);
  fit.shapings.forEach((f, k) => ours.set(f, m + k * nS));
  // (1) A minimiser: the normal equations Aᵀ(Ax − b) = 0 hold.
  const res = new Float64Array(K * m);
  for (let i = 0; i < K * m; i++) { let acc = -b[i]!; for (let j = 0; j < n; j++) acc += A[i * n + j]! * ours[j]!; res[i] = acc; }
  for (let j = 0; j < n; j++) { let g = 0; for (let i = 0; i < K * m; i++) g += A[i * n + j]! * res[i]!; assert.ok(Math.abs(g) < 1e-9, `gradient ${j} = ${g}`); }
  // (2) Of minimum norm: orthogonal to the null space {(Bg, −g, …, −g)}, i.e. Bᵀr = Σ_k f_k.
  for (let t = 0; t < nS; t++) {
    let btr = 0;
    for (let i = 0; i < m; i++) btr += ((Math.floor(i / nA) === t ? 1 : 0) - gamma * P[i * nS + t]!) * fit.reward[i]!;
    const sumF = fit.shapings.reduce((acc, f) => acc + f[t]!, 0);
    assert.ok(Math.abs(btr - sumF) < 1e-9, `state ${t}: Bᵀr ${btr} vs Σf ${sumF}`);
  }
  // (3) And the generic solver (tiny ridge) lands next to it.
  const x = leastSquares(A, b, K * m, n, 1e-12);
  assert.ok(maxAbsDiff(ours, x) < 1e-3, `differs from leastSquares by ${maxAbsDiff(ours, x)}`);
  // Residuals are r + B f_k − r̄_k.
  for (let k = 0; k < K; k++) for (let i = 0; i < m; i++) {
    let Bf = fit.shapings[k]![Math.floor(i / nA)]!;
    for (let t = 0; t < nS; t++) Bf -= gamma * P[i * nS + t]! * fit.shapings[k]![t]!;
    assert.ok(Math.abs(fit.reward[i]! + Bf - targets[k]![i]! - fit.residuals[k]![i]!) < 1e-9);
  }
});

test("targets that are one reward under different shapings are fitted exactly (zero residual)", () => {
  const rng = new Rng(12);
  const nS = 6, nA = 2, gamma = 0.95, m = nS * nA;
  const P = randomP(nS, nA, rng);
  const r = Float64Array.from({ length: m }, () => rng.normal());
  const targets = [0, 1, 2].map(() => {
    const f = Float64Array.from({ length: nS }, () => 3 * rng.normal());
    return r.map((v, i) => { let e = 0; for (let t = 0; t < nS; t++) e += P[i * nS + t]! * f[t]!; return v + f[Math.floor(i / nA)]! - gamma * e; });
  });
  const fit = fitConsistentReward(targets, P, nS, nA, gamma);
  for (const res of fit.residuals) assert.ok(res.every((v) => Math.abs(v) < 1e-9));
});
