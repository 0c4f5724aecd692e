/**
 * LOGEL's per-feature policy gradient (Ramponi, Drappo & Restelli 2020) for a Gaussian MLP policy
 * π_θ(a|s) = N(a; μ_θ(x), diag σ²), x the (already normalised) observation: the Jacobian
 *
 *   Ψ(θ)[:, j] = ∇_θ E[Σ_t γ^t φ_j(s_t)],    j = 1 … d,
 *
 * estimated by GPOMDP (Baxter & Bartlett 2001) from N segments τ_i of one fixed policy's trajectories, in its
 * reward-to-go form with a time-dependent baseline per feature (unbiased: it depends on t only):
 *
 *   Ψ̂[:, j] = (1/N) Σ_i Σ_l ∇_θ ln π_θ(a_{i,l}|s_{i,l}) · Σ_{t ≥ l} (γ^t φ_j(s_{i,t}) − b_{t,j}),
 *   b_{t,j} = mean over the segments that reach step t of γ^t φ_j(s_{·,t}).
 *
 * Each column is ONE backward pass of the mean network: ∇_θ Σ_rows w_row,j ln π(a|s) with
 * ∂ ln π/∂μ = (a − μ)/σ². θ is the mean network's flat parameter vector (`MLP.params`, the log-stds excluded:
 * LOGEL's code takes the actor network's weights too). As LOGEL's MuJoCo code, the segments are cut from the
 * trajectories (fixed length, t restarting at 0), so every segment counts as an episode from its first state.
 */
import { InputError, NumericalError } from "../core/errors.ts";
import type { MLP } from "../nn/mlp.ts";

/** A run of consecutive rows [start, start + length) of one trajectory. */
export interface Segment {
  start: number;
  length: number;
}

/** Cuts trajectories (given by their lengths, rows consecutive) into segments of at most `length` rows. */
export function cutSegments(trajectoryLengths: readonly number[], length: number): Segment[] {
  if (!Number.isInteger(length) || length < 1) throw new InputError("E_INVALID_CONFIG", `LOGEL: segmentLength must be an integer ≥ 1, got ${length}`);
  const out: Segment[] = [];
  let row = 0;
  for (const T of trajectoryLengths) {
    for (let s = 0; s < T; s += length) out.push({ start: row + s, length: Math.min(length, T - s) });
    row += T;
  }
  return out;
}

export interface JacobianInput {
  /** Normalised observations [n, net.inDim] and actions [n, actDim] of one policy's rows. */
  x: Float64Array;
  actions: Float64Array;
  /** Reward features φ(s) [n, d]. */
  features: Float64Array;
  d: number;
  n: number;
  segments: readonly Segment[];
  gamma: number;
}

/** Ψ̂ (P × d, row-major, P = net.params.length) at the network's current parameters; overwrites net.grads. */
export function gpomdpJacobian(net: MLP, logStd: ArrayLike<number>, inp: JacobianInput): Float64Array {
  const { x, actions, features, d, n, segments, gamma } = inp;
  const A = net.outDim, P = net.params.length;
  if (logStd.length !== A) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: ${logStd.length} log-stds for ${A} action dimensions`);
  if (actions.length !== n * A || features.length !== n * d || x.length !== n * net.inDim) {
    throw new InputError("E_INVALID_ARGUMENT", `LOGEL: x/actions/features sizes ${x.length}/${actions.length}/${features.length} do not fit n = ${n}`);
  }
  if (segments.length === 0) throw new InputError("E_INVALID_ARGUMENT", "LOGEL: no segments to estimate the policy gradient from");
  // Time-dependent baseline b_{t,j}.
  const H = Math.max(...segments.map((s) => s.length));
  const bSum = new Float64Array(H * d), bCount = new Float64Array(H);
  for (const s of segments) {
    if (s.start < 0 || s.start + s.length > n) throw new InputError("E_INVALID_ARGUMENT", `LOGEL: segment [${s.start}, ${s.start + s.length}) outside the ${n} rows`);
    let g = 1;
    for (let t = 0; t < s.length; t++, g *= gamma) {
      bCount[t] = bCount[t]! + 1;
      for (let j = 0; j < d; j++) bSum[t * d + j] = bSum[t * d + j]! + g * features[(s.start + t) * d + j]!;
    }
  }
  // Reward-to-go weights w[row, j].
  const w = new Float64Array(n * d);
  for (const s of segments) {
    const gt = new Float64Array(s.length);
    for (let t = 0, g = 1; t < s.length; t++, g *= gamma) gt[t] = g;
    const acc = new Float64Array(d);
    for (let t = s.length - 1; t >= 0; t--) {
      const row = s.start + t;
      for (let j = 0; j < d; j++) {
        acc[j] = acc[j]! + gt[t]! * features[row * d + j]! - bSum[t * d + j]! / bCount[t]!;
        w[row * d + j] = acc[j]!;
      }
    }
  }
  // Score coefficients (a − μ)/σ², divided by N.
  const mu = net.forward(x, n);
  const N = segments.length, c = new Float64Array(n * A);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < A; a++) c[i * A + a] = (actions[i * A + a]! - mu[i * A + a]!) * Math.exp(-2 * logStd[a]!) / N;
  }
  const psi = new Float64Array(P * d), dOut = new Float64Array(n * A);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) {
      const wij = w[i * d + j]!;
      for (let a = 0; a < A; a++) dOut[i * A + a] = wij * c[i * A + a]!;
    }
    net.zeroGrad();
    net.backward(dOut);
    const g = net.grads;
    for (let p = 0; p < P; p++) psi[p * d + j] = g[p]!;
  }
  net.zeroGrad();
  for (let k = 0; k < psi.length; k++) if (!Number.isFinite(psi[k]!)) throw new NumericalError("LOGEL: non-finite policy-gradient estimate");
  return psi;
}
