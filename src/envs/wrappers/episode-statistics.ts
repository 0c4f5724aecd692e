/**
 * EpisodeStatistics: accumulates the undiscounted return and the length of the running episode and, on the
 * step that ends it (terminated or truncated), adds `episode_return` and `episode_length` to `info` (the flat
 * counterpart of Gymnasium's `RecordEpisodeStatistics` `info["episode"]["r"]` / `["l"]`).
 */
import type { Box } from "../spaces.ts";
import type { BoxEnv, ResetResult, StepResult } from "../env.ts";

export class EpisodeStatistics implements BoxEnv, Disposable {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  private episodeReturn = 0;
  private episodeLength = 0;

  constructor(readonly inner: BoxEnv) {
    this.id = inner.id;
    this.observationSpace = inner.observationSpace;
    this.actionSpace = inner.actionSpace;
  }

  reset(options?: { seed?: number }): ResetResult<Float64Array> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return this.inner.reset(options);
  }

  step(action: Float64Array): StepResult<Float64Array> {
    const r = this.inner.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength++;
    if (!r.terminated && !r.truncated) return r;
    const info = { ...r.info, episode_return: this.episodeReturn, episode_length: this.episodeLength };
    return { ...r, info };
  }

  close(): void {
    this.inner.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
