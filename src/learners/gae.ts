/**
 * Generalised advantage estimation (Schulman et al., 2016) over a rollout of T steps × E envs, storage
 * [T, E] (row t holds the E envs at step t).
 *
 *   δ_t = r_t + γ·V_next(t) − V(s_t),   A_t = δ_t + γλ·c_t·A_{t+1},   return_t = A_t + V(s_t)
 *
 * where V_next(t) = 0 if step t terminated, V(final observation) if it was truncated (a time limit is not an
 * absorbing state: bootstrap), V(s_{t+1}) otherwise (`lastValues` after the last step), and c_t = 0 when
 * step t ended the episode (terminated or truncated), else 1.
 */

export interface GaeInput {
  /** r [T, E]. */
  rewards: Float64Array;
  /** V(s_t) [T, E]. */
  values: Float64Array;
  /** 1 where step t reached an absorbing state [T, E]. */
  terminated: Uint8Array;
  /** 1 where step t was cut by a time limit (and did not terminate) [T, E]. */
  truncated: Uint8Array;
  /** V(final observation) where truncated [T, E] (ignored elsewhere). */
  truncationValues: Float64Array;
  /** V(s_T) of the observation after the last step [E]. */
  lastValues: Float64Array;
  T: number;
  E: number;
  gamma: number;
  lambda: number;
}

/** Writes advantages and λ-returns [T, E] into `adv` and `ret`. */
export function computeGae(x: GaeInput, adv: Float64Array, ret: Float64Array): void {
  const { rewards, values, terminated, truncated, truncationValues, lastValues, T, E, gamma, lambda } = x;
  for (let e = 0; e < E; e++) {
    let next = 0; // A_{t+1}
    for (let t = T - 1; t >= 0; t--) {
      const i = t * E + e;
      let vNext: number;
      let cont: number;
      if (terminated[i]) {
        vNext = 0;
        cont = 0;
      } else if (truncated[i]) {
        vNext = truncationValues[i]!;
        cont = 0;
      } else {
        vNext = t === T - 1 ? lastValues[e]! : values[i + E]!;
        cont = 1;
      }
      const delta = rewards[i]! + gamma * vNext - values[i]!;
      next = delta + gamma * lambda * cont * next;
      adv[i] = next;
      ret[i] = next + values[i]!;
    }
  }
}
