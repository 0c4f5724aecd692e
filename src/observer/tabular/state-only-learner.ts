/**
 * A simulated learner whose reward depends on the state only (the paper's §4.3 option: "if the reward is known to
 * be a state-dependent function"): θ = (ρ(s) for every state, q0) and r(s,a) = ρ(s). It wraps any
 * SimulatedLearner over (r(s,a), q0) (svi-inversion.ts, spi-simulation.ts, q-learning-inversion.ts), so the same
 * maximum-likelihood fit (simulated-learner-fit.ts) recovers a state-only reward. The gradient is the chain rule
 * through the expansion: ∂ℓ/∂ρ(s) = Σ_a ∂ℓ/∂r(s,a).
 *
 * Why (docs/observer-tabular.md): a learner that converges to one near-deterministic path identifies a state–action
 * reward only on that path; with one parameter per state, the rewards of the states off the path are fitted from
 * every action ever taken there, which is what lets the observer beat a Q-learning learner.
 *
 * Usage: `const fit = fitSimulatedLearner(stateOnlyLearner(sim, nS, nA), counts, 0.7, nS, nA, stateOnlyStart(r0, q0, nS, nA));`
 */
import type { SimulatedLearner } from "./simulated-learner-fit.ts";

/** r(s,a) = ρ(s): the nS·nA reward of the first nS entries of θ. */
export function expandStateReward(theta: Float64Array, nS: number, nA: number): Float64Array {
  const r = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) r.fill(theta[s]!, s * nA, (s + 1) * nA);
  return r;
}

/** θ0 = (mean over actions of a state–action reward, q0): the start of a state-only fit. */
export function stateOnlyStart(reward: Float64Array, q0: number, nS: number, nA: number): Float64Array {
  const theta = new Float64Array(nS + 1);
  for (let s = 0; s < nS; s++) {
    let sum = 0;
    for (let a = 0; a < nA; a++) sum += reward[s * nA + a]!;
    theta[s] = sum / nA;
  }
  theta[nS] = q0;
  return theta;
}

/** The learner over θ = (ρ, q0) of size nS + 1. */
export function stateOnlyLearner(learner: SimulatedLearner, nS: number, nA: number): SimulatedLearner {
  const m = nS * nA;
  const full = (theta: Float64Array): Float64Array => {
    const t = new Float64Array(m + 1);
    t.set(expandStateReward(theta, nS, nA));
    t[m] = theta[nS]!;
    return t;
  };
  return {
    size: nS + 1,
    forward: (theta) => learner.forward(full(theta)),
    backward(theta, dQ) {
      const g = learner.backward(full(theta), dQ), grad = new Float64Array(nS + 1);
      for (let i = 0; i < m; i++) grad[(i / nA) | 0] = grad[(i / nA) | 0]! + g[i]!;
      grad[nS] = g[m]!;
      return grad;
    },
  };
}
