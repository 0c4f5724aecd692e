/**
 * TimeLimit: ends an episode with `truncated = true` once `maxEpisodeSteps` steps have been taken since the
 * last reset (as Gymnasium's `TimeLimit`). Truncation is not termination: a learner should bootstrap from the
 * value of the final observation. If the inner env terminates on the last allowed step, both flags are true.
 */
import { LflError } from "../../core/errors.ts";
import type { Box } from "../spaces.ts";
import type { BoxEnv, ResetResult, StepResult } from "../env.ts";

export class TimeLimit implements BoxEnv, Disposable {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  private elapsed = 0;
  private started = false;

  constructor(
    readonly inner: BoxEnv,
    readonly maxEpisodeSteps: number,
  ) {
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    this.id = inner.id;
    this.observationSpace = inner.observationSpace;
    this.actionSpace = inner.actionSpace;
  }

  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  reset(options?: { seed?: number }): ResetResult<Float64Array> {
    this.elapsed = 0;
    this.started = true;
    return this.inner.reset(options);
  }

  step(action: Float64Array): StepResult<Float64Array> {
    if (!this.started) throw new LflError("E_ENV", `${this.id}: step() called before reset() (or after the episode ended)`);
    const r = this.inner.step(action);
    this.elapsed++;
    const truncated = r.truncated || this.elapsed >= this.maxEpisodeSteps;
    if (r.terminated || truncated) this.started = false;
    return { ...r, truncated };
  }

  close(): void {
    this.inner.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
