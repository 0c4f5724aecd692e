/**
 * Maximum-likelihood inverse of a SIMULATED learner (docs/observer-tabular.md): when the learner's update rule is
 * known up to its reward, its whole sequence of Q-functions is a deterministic function of θ = (r, q0) — the
 * reward and a constant start Q_0 = q0 (a uniform π_0) — and of the batches the observer saw. The policies are
 * π_k = softmax(Q_k/α), so the observed actions have the log-likelihood
 *
 *   ℓ(θ) = Σ_{k=0..K} Σ_{(s,a)} n_k(s,a) ln softmax(Q_k(s,·)/α)(a),
 *
 * which we maximise by L-BFGS with the gradient by reverse-mode differentiation through the simulation. No
 * policy is estimated and no ln π̂ enters: states the learner did not visit in D_k simply add nothing, and
 * rarely visited pairs stay weakly determined instead of being fitted to noise. A learner defines `forward`
 * (θ → Q_0..Q_K) and `backward` (θ, ∂ℓ/∂Q_k → ∂ℓ/∂θ). A tiny ridge fixes the one null direction (a constant
 * added to r with q0 shifted by that constant/(1−γ) changes no policy).
 */
import { minimizeLbfgs } from "../../core/lbfgs.ts";

export interface SimulatedLearner {
  /** Number of parameters: nS·nA rewards, then q0. */
  readonly size: number;
  /** Q_0..Q_K (row-major nS×nA) for θ. */
  forward(theta: Float64Array): Float64Array[];
  /** ∂ℓ/∂θ given ∂ℓ/∂Q_k for every k (the forward pass with the same θ ran just before). */
  backward(theta: Float64Array, dQ: readonly Float64Array[]): Float64Array;
}

export interface SimulatedFit {
  /** θ = (r(s,a) row-major, q0). */
  theta: Float64Array;
  /** Mean log-likelihood per observed action. */
  logLikelihood: number;
  iterations: number;
}

/** Log-likelihood of the counts under softmax(Q_k/α) and its gradient with respect to each Q_k. */
export function softmaxLogLikelihood(Qs: readonly Float64Array[], counts: readonly Float64Array[], alpha: number, nS: number, nA: number): { ll: number; dQ: Float64Array[] } {
  let ll = 0;
  const dQ = Qs.map((Q, k) => {
    const n = counts[k]!, g = new Float64Array(nS * nA);
    for (let s = 0; s < nS; s++) {
      const o = s * nA;
      let N = 0, mx = -Infinity;
      for (let a = 0; a < nA; a++) { N += n[o + a]!; mx = Math.max(mx, Q[o + a]!); }
      if (N === 0) continue;
      let z = 0;
      for (let a = 0; a < nA; a++) z += (g[o + a] = Math.exp((Q[o + a]! - mx) / alpha));
      const lz = Math.log(z);
      for (let a = 0; a < nA; a++) {
        const i = o + a;
        if (n[i]! > 0) ll += n[i]! * ((Q[i]! - mx) / alpha - lz);
        g[i] = (n[i]! - (N * g[i]!) / z) / alpha;
      }
    }
    return g;
  });
  return { ll, dQ };
}

/**
 * A weak pessimistic prior on the rewards: ½·(visits / #actions)·(r(s,a) − value)² per pair, i.e. as much
 * information as `visits` observed actions, pulling the rewards the data barely determines towards a low value.
 */
export interface RewardPrior {
  value: number;
  visits: number;
}

/** Maximises ℓ(θ) (minus the optional prior) from θ0; the objective is scaled per observed action. */
export function fitSimulatedLearner(learner: SimulatedLearner, counts: readonly Float64Array[], alpha: number, nS: number, nA: number, theta0: Float64Array, maxIterations = 200, prior?: RewardPrior, ridge = 1e-6): SimulatedFit {
  let total = 0;
  for (const n of counts) for (const v of n) total += v;
  const scale = 1 / Math.max(1, total);
  const fg = (theta: Float64Array, grad: Float64Array): number => {
    const Qs = learner.forward(theta);
    const { ll, dQ } = softmaxLogLikelihood(Qs, counts, alpha, nS, nA);
    const g = learner.backward(theta, dQ);
    let pen = 0;
    for (let i = 0; i < theta.length; i++) { grad[i] = -g[i]! * scale + 2 * ridge * theta[i]!; pen += ridge * theta[i]! ** 2; }
    if (prior !== undefined) {
      const w = prior.visits * scale;
      for (let i = 0; i < nS * nA; i++) { const d = theta[i]! - prior.value; grad[i] = grad[i]! + w * d; pen += 0.5 * w * d * d; }
    }
    return -ll * scale + pen;
  };
  const res = minimizeLbfgs(fg, theta0, { maxIterations });
  const { ll } = softmaxLogLikelihood(learner.forward(res.x), counts, alpha, nS, nA);
  return { theta: res.x, logLikelihood: ll * scale, iterations: res.iterations };
}
