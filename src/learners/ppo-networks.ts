/**
 * PPO's networks: separate policy and value MLPs (tanh; orthogonal init with SB3's gains √2 hidden, 0.01 policy
 * output, 1 value output), the diagonal Gaussian head with state-independent log-std, and one Adam over all three
 * (global-norm clipping across them, as SB3). With `initialActor`, the policy and log-std start from it.
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { Adam } from "../nn/adam.ts";
import { DiagGaussian } from "../nn/gaussian.ts";
import { MLP } from "../nn/mlp.ts";
import type { PpoResolvedRun } from "./ppo-config.ts";

export interface PpoNetworks {
  policy: MLP;
  value: MLP;
  gaussian: DiagGaussian;
  adam: Adam;
}

export function makePpoNetworks(cfg: PpoResolvedRun, D: number, A: number, initRng: Rng): PpoNetworks {
  const policy = new MLP([D, ...cfg.hidden, A], { rng: initRng, hiddenGain: Math.SQRT2, outputGain: 0.01 });
  const value = new MLP([D, ...cfg.hidden, 1], { rng: initRng, hiddenGain: Math.SQRT2, outputGain: 1 });
  const gaussian = new DiagGaussian(A, cfg.logStdInit);
  const init = cfg.initialActor;
  if (init) {
    if (init.policy.sizes.join() !== policy.sizes.join() || init.logStd.length !== A) {
      throw new InputError("E_INVALID_CONFIG", `ppo: initialActor has sizes [${init.policy.sizes.join(", ")}], expected [${policy.sizes.join(", ")}]`);
    }
    if ((init.obsNorm !== null) !== cfg.normalizeObservations || (init.obsNorm !== null && init.clipObs !== cfg.clipObs)) {
      throw new InputError("E_INVALID_CONFIG", `ppo: initialActor ${init.obsNorm ? `normalises observations (clip ${init.clipObs})` : "acts on raw observations"}, but normalizeObservations is ${cfg.normalizeObservations} (clip ${cfg.clipObs})`);
    }
    policy.params.set(init.policy.params);
    gaussian.logStd.set(init.logStd);
  }
  const adam = new Adam(
    [policy, { params: gaussian.logStd, grads: gaussian.logStdGrad }, value],
    { lr: cfg.learningRate, eps: cfg.adamEps, maxGradNorm: cfg.maxGradNorm },
  );
  return { policy, value, gaussian, adam };
}
