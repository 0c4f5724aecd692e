/**
 * The TRUE reward of a Table 3 env written as a `RewardFn` of observations (s, a, s′), for the sample-based EPIC
 * distance (src/evaluation/epic-distance.ts), which must evaluate a reward on transitions that never happened
 * (x, a_k, x_k). The env's own reward is only known on real steps, so EPIC needs this form:
 *
 * - Pendulum-v1 (exact): r = −(θ² + 0.1 θ̇² + 0.001 u²) of the state BEFORE the step, θ = atan2(sin θ, cos θ) from
 *   s, u = a clipped to ±2 (Gymnasium's pendulum.py).
 * - Reacher-v5 (exact): r = −‖s′[8:10]‖ − ‖a‖² (fingertip − target after the step; v5's z offset is always 0).
 * - HalfCheetah-v5, Hopper-v5, Ant-v5 (APPROXIMATE): the forward term (x_after − x_before)/dt needs the root x
 *   position, which the observation omits; it is replaced by the root x velocity qvel[0] at s′ (instantaneous,
 *   at the end of the step, not averaged over its substeps). Healthy rewards are read from s′ exactly (Hopper:
 *   z, pitch; Ant: torso z; the v5 healthy state bounds ±100 never bind on the observation's qvel clipped at
 *   ±10); Ant's contact cost from s′'s clipped contact forces; control costs from a. The reward-quality cell
 *   reports how well this proxy matches the env's recorded reward on its rollouts (`proxyCorrelation`).
 *
 * `terminated` is not used (every env's true reward is paid on the terminating step as on any other).
 */
import type { RewardFn, TransitionBatch } from "../../rewards/reward-fn.ts";
import { checkBatch } from "../../rewards/reward-fn.ts";

export interface ObservationReward {
  fn: RewardFn;
  /** true: equals the env's reward on every real transition; false: the forward-velocity proxy above. */
  exact: boolean;
}

type PerRow = (s: Float64Array, a: Float64Array, s2: Float64Array) => number;

function rewardFn(name: string, obsDim: number, actDim: number, row: PerRow): RewardFn {
  const fn: RewardFn = {
    name, obsDim, actDim,
    evaluate(b: TransitionBatch): Float64Array {
      checkBatch(fn, b);
      const out = new Float64Array(b.n);
      for (let i = 0; i < b.n; i++) {
        out[i] = row(b.obs.subarray(i * obsDim, (i + 1) * obsDim), b.actions.subarray(i * actDim, (i + 1) * actDim), b.nextObs.subarray(i * obsDim, (i + 1) * obsDim));
      }
      return out;
    },
  };
  return fn;
}

const sumSq = (x: ArrayLike<number>, from = 0, to = x.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return s;
};

const wrapAngle = (x: number): number => ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;

/** The env's true reward as a function of observations, or null for an env this file does not know. */
export function observationReward(envId: string): ObservationReward | null {
  switch (envId) {
    case "Pendulum-v1":
      return {
        exact: true,
        fn: rewardFn("Pendulum-v1 true reward", 3, 1, (s, a) => {
          const th = wrapAngle(Math.atan2(s[1]!, s[0]!)), u = Math.min(2, Math.max(-2, a[0]!));
          return -(th * th + 0.1 * s[2]! * s[2]! + 0.001 * u * u);
        }),
      };
    case "Reacher-v5":
      return { exact: true, fn: rewardFn("Reacher-v5 true reward", 10, 2, (_s, a, s2) => -Math.sqrt(s2[8]! * s2[8]! + s2[9]! * s2[9]!) - sumSq(a)) };
    case "HalfCheetah-v5":
      return { exact: false, fn: rewardFn("HalfCheetah-v5 true reward (qvel proxy)", 17, 6, (_s, a, s2) => s2[8]! - 0.1 * sumSq(a)) };
    case "Hopper-v5":
      return {
        exact: false,
        fn: rewardFn("Hopper-v5 true reward (qvel proxy)", 11, 3, (_s, a, s2) => {
          const healthy = s2[0]! > 0.7 && s2[1]! > -0.2 && s2[1]! < 0.2 && Array.from(s2.subarray(1)).every((v) => v > -100 && v < 100);
          return s2[5]! + (healthy ? 1 : 0) - 1e-3 * sumSq(a);
        }),
      };
    case "Ant-v5":
      return {
        exact: false,
        fn: rewardFn("Ant-v5 true reward (qvel proxy)", 105, 8, (_s, a, s2) => {
          const healthy = s2[0]! >= 0.2 && s2[0]! <= 1;
          return s2[13]! + (healthy ? 1 : 0) - 0.5 * sumSq(a) - 5e-4 * sumSq(s2, 27, 105);
        }),
      };
    default:
      return null;
  }
}
