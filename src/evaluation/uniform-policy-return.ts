/**
 * Episode returns of the uniform random policy, a ~ U[low, high] per action dimension: the "random policy"
 * baseline of learning curves (a learner clearly learns when its return is well above this). Env i is reset
 * with seed `seed + i`, as `policyReturns` does, so the baseline meets the same start states as the policies
 * it is compared with; actions come from `new Rng(seed)`.
 *
 * Usage: `const { mean } = uniformPolicyReturns((i) => makeEnv("Ant-v5", {}, deps), { episodes: 10, seed: 1e6 });`
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import type { PolicyReturns } from "./policy-return.ts";

export function uniformPolicyReturns(makeEnv: (i: number) => BoxEnv, cfg: { episodes: number; seed: number }): PolicyReturns {
  const M = cfg.episodes;
  if (!(Number.isInteger(M) && M >= 1)) throw new InputError("E_INVALID_ARGUMENT", `uniformPolicyReturns: episodes must be a positive integer, got ${M}`);
  const rng = new Rng(cfg.seed);
  const returns: number[] = [], lengths: number[] = [];
  for (let i = 0; i < M; i++) {
    const env = makeEnv(i);
    try {
      const { low, high } = env.actionSpace;
      const action = new Float64Array(env.actionSpace.shape);
      env.reset({ seed: cfg.seed + i });
      let ret = 0, len = 0;
      for (let done = false; !done; ) {
        for (let j = 0; j < action.length; j++) action[j] = rng.uniformIn(low[j]!, high[j]!);
        const r = env.step(action);
        if (!Number.isFinite(r.reward)) throw new NumericalError(`uniformPolicyReturns: non-finite reward ${r.reward} in episode ${i} at step ${len}`);
        ret += r.reward;
        len++;
        done = r.terminated || r.truncated;
      }
      returns.push(ret);
      lengths.push(len);
    } finally {
      env.close();
    }
  }
  return { returns, lengths, mean: returns.reduce((s, r) => s + r, 0) / M };
}
