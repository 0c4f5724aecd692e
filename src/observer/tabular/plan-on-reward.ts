/**
 * The tabular observer of §6.1: plan on a recovered reward. Soft value iteration under the true dynamics and the
 * evaluation entropy weight α gives the optimal soft policy of r̄; the paper then scores that policy under the
 * true reward (Table 1). A state-only reward r̄(s) (length nS) is paid for every action of s.
 *
 * Usage: `const { pi } = planOnReward(mdp, rBar, 0.3);`
 */
import { InputError } from "../../core/errors.ts";
import type { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { softValueIteration, type SoftOptimum } from "../../solvers/soft-policy.ts";

/** The optimal soft policy (and its soft Q, V under r̄) of the MDP with its reward replaced by `reward`. */
export function planOnReward(mdp: TabularMdp, reward: Float64Array, alpha: number): SoftOptimum {
  const { nS, nA } = mdp;
  let rSA: Float64Array;
  if (reward.length === nS * nA) rSA = reward;
  else if (reward.length === nS) {
    rSA = new Float64Array(nS * nA);
    for (let s = 0; s < nS; s++) rSA.fill(reward[s]!, s * nA, (s + 1) * nA);
  } else throw new InputError("E_INVALID_ARGUMENT", `planOnReward: reward has ${reward.length} entries, expected nS·nA = ${nS * nA} or nS = ${nS}`);
  return softValueIteration(mdp.withReward(rSA), alpha);
}
