/**
 * A tabular reward r̄(s, a) (or r̄(s)) as a `RewardFn`: the tabular observer's output answers the same contract as
 * every other reward model. Observations and actions are state and action indices (one column each).
 */
import { InputError } from "../core/errors.ts";
import { checkBatch, type RewardFn, type TransitionBatch } from "./reward-fn.ts";

export class TabularReward implements RewardFn {
  readonly obsDim = 1;
  readonly actDim = 1;
  /** `r` row-major [nS·nA] (state–action) or [nS] (state-only). */
  constructor(readonly nS: number, readonly nA: number, readonly r: Float64Array, readonly name = "tabular r̄(s,a)") {
    if (r.length !== nS * nA && r.length !== nS) throw new InputError("E_INVALID_REWARD", `tabular reward: ${r.length} values, expected nS·nA = ${nS * nA} or nS = ${nS}`);
  }

  evaluate(batch: TransitionBatch): Float64Array {
    checkBatch(this, batch);
    const out = new Float64Array(batch.n), stateOnly = this.r.length === this.nS;
    for (let i = 0; i < batch.n; i++) {
      const s = batch.obs[i]!, a = batch.actions[i]!;
      if (!(Number.isInteger(s) && s >= 0 && s < this.nS && Number.isInteger(a) && a >= 0 && a < this.nA)) throw new RangeError(`${this.name}: transition ${i} has state ${s}, action ${a} outside ${this.nS} × ${this.nA}`);
      out[i] = stateOnly ? this.r[s]! : this.r[s * this.nA + a]!;
    }
    return out;
  }
}
