/**
 * A tiny deterministic env for tests: position x ∈ R², action a ∈ [−1, 1]², x′ = x + 0.3·a, reward −|x′|²,
 * terminated when |x′|∞ > 2; start uniform in [−1, 1]² from the env's own seeded Rng. The true reward is also in
 * `info.trueReward`. Faults on demand: `poisonReward` returns NaN as the reward at every step (the observer must
 * never read it); `fault` emits a NaN observation or an infinite reward at one global step. Actions outside the
 * action space are refused (learners must clip).
 */
import { Rng } from "../../core/rng.ts";
import type { BoxEnv, StepResult } from "../env.ts";
import { Box } from "../spaces.ts";

export interface PointWalkOptions {
  poisonReward?: boolean;
  fault?: { at: number; kind: "obs" | "reward" } | null;
}

export class PointWalk implements BoxEnv {
  readonly id = "PointWalk-test";
  readonly observationSpace = Box.uniform(2, -Infinity, Infinity);
  readonly actionSpace = Box.uniform(2, -1, 1);
  private x = new Float64Array(2);
  private rng = new Rng(0);
  private n = 0;

  constructor(private readonly options: PointWalkOptions = {}) {}

  reset(options?: { seed?: number }) {
    if (options?.seed !== undefined) this.rng = new Rng(options.seed);
    this.x = Float64Array.of(this.rng.uniformIn(-1, 1), this.rng.uniformIn(-1, 1));
    return { observation: this.x.slice(), info: {} };
  }

  step(a: Float64Array): StepResult<Float64Array> {
    if (!this.actionSpace.contains(a)) throw new RangeError(`${this.id}: action [${Array.from(a).join(", ")}] is outside [−1, 1]²`);
    this.n++;
    this.x[0] += 0.3 * a[0]!;
    this.x[1] += 0.3 * a[1]!;
    const obs = this.x.slice();
    const trueReward = -(obs[0]! ** 2 + obs[1]! ** 2);
    let reward = this.options.poisonReward ? NaN : trueReward;
    const fault = this.options.fault;
    if (fault && fault.at === this.n) {
      if (fault.kind === "obs") obs[1] = NaN;
      else reward = Infinity;
    }
    const terminated = Math.max(Math.abs(obs[0]!), Math.abs(obs[1]!)) > 2;
    return { observation: obs, reward, terminated, truncated: false, info: { trueReward } };
  }

  close(): void {}
}
