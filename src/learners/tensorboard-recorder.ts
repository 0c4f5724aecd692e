/**
 * Turns PPO's per-update statistics into TensorBoard scalars (data/tensorboard-writer.ts), under the tags
 * Stable-Baselines3 logs, with the env-step count as the x axis, so curves from `lfl learn` / `lfl observe`
 * sit beside SB3 runs in one TensorBoard:
 *
 *   rollout/ep_rew_mean  mean return of the last ≤ 100 episodes     train/policy_gradient_loss  policyLoss
 *   train/value_loss     valueLoss                                   train/entropy_loss          −entropy
 *   train/approx_kl      approxKl                                    train/clip_fraction         clipFraction
 *   train/explained_variance                                         time/fps                    stepsPerSecond
 *   lfl/update           the policy-update index k
 *
 * Usage (a CLI with `--tensorboard DIR`):
 *   const tb = tensorBoardRecorder(v.tensorboard);                    // a no-op when the flag is absent
 *   try { trainPpo(hp, makeEnv, run, { onUpdate: chainOnUpdate(existing, tb.onUpdate) }); } finally { tb.close(); }
 * Several runs in one command (seeds, cells): one sub-directory each, `tensorBoardRecorder(join(dir, "seed-3"))`,
 * so TensorBoard shows them as separate runs.
 */
import { TensorBoardWriter, type ScalarSink, type TensorBoardOptions } from "../data/tensorboard-writer.ts";
import type { PpoCallbacks, PpoUpdateStats } from "./ppo-config.ts";

/** SB3's tag → value of one update's statistics. */
export function ppoUpdateScalars(s: PpoUpdateStats): Record<string, number> {
  return {
    "rollout/ep_rew_mean": s.meanReturn,
    "train/policy_gradient_loss": s.policyLoss,
    "train/value_loss": s.valueLoss,
    "train/entropy_loss": -s.entropy,
    "train/approx_kl": s.approxKl,
    "train/clip_fraction": s.clipFraction,
    "train/explained_variance": s.explainedVariance,
    "time/fps": s.stepsPerSecond,
    "lfl/update": s.update,
  };
}

/** An `onUpdate` callback writing every update's scalars to `sink` at step = env steps so far (tags prefixed by `prefix`). */
export function tensorBoardOnUpdate(sink: ScalarSink, prefix = ""): NonNullable<PpoCallbacks["onUpdate"]> {
  return (stats) => {
    for (const [tag, value] of Object.entries(ppoUpdateScalars(stats))) sink.scalar(`${prefix}${tag}`, value, stats.steps);
  };
}

/** Calls each given `onUpdate` in turn (undefined entries skipped): add TensorBoard to a command's existing callback. */
export function chainOnUpdate(...fns: Array<PpoCallbacks["onUpdate"] | undefined>): NonNullable<PpoCallbacks["onUpdate"]> {
  return (stats) => {
    for (const f of fns) f?.(stats);
  };
}

/** What a command needs for `--tensorboard DIR`: an `onUpdate` to chain in, and `close` (flushes) for a `finally`. */
export interface TensorBoardRecorder {
  /** Undefined when no directory was given. */
  onUpdate: PpoCallbacks["onUpdate"];
  /** The event file (undefined when no directory was given). */
  path: string | undefined;
  close(): void;
}

/** Opens an event file in `dir` (nothing when `dir` is undefined) and returns its PPO callback and `close`. */
export function tensorBoardRecorder(dir: string | undefined, options: TensorBoardOptions & { prefix?: string } = {}): TensorBoardRecorder {
  if (dir === undefined) return { onUpdate: undefined, path: undefined, close: () => {} };
  const writer = TensorBoardWriter.open(dir, options);
  return { onUpdate: tensorBoardOnUpdate(writer, options.prefix), path: writer.path, close: () => writer.close() };
}
