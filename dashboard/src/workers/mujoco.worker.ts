/// <reference lib="webworker" />
/**
 * The MuJoCo page's worker: reads a learning history (.npz bytes), replays episodes through the library's env
 * (lib/mujoco-replay.ts), rolls out the observer, and evaluates the recovered reward — all off the main thread.
 */
import type { HistoryColumns } from "../../../src/data/history-columns.ts";
import type { MujocoEnv } from "../../../src/envs/mujoco/mujoco-env.ts";
import type { MujocoRuntime } from "../../../src/envs/mujoco/mujoco-runtime.ts";
import type { PpoActorJson } from "../../../src/learners/ppo.ts";
import { loadRewardModel } from "../../../src/rewards/neural-reward.ts";
import type { RewardFn } from "../../../src/rewards/reward-fn.ts";
import { readHistoryBytes } from "../lib/history-bytes.ts";
import { loadBrowserMujoco } from "../lib/mujoco-browser.ts";
import { listEpisodes, makeReplayEnv, replayEpisode, rolloutObserver, type EpisodeRef } from "../lib/mujoco-replay.ts";

export type MujocoRequest =
  | { kind: "load"; history: ArrayBuffer; rewardText?: string | null; actorText?: string | null }
  | { kind: "replay"; episode: number };

let runtime: MujocoRuntime | null = null;
let env: MujocoEnv | null = null;
let cols: HistoryColumns | null = null;
let episodes: EpisodeRef[] = [];
let reward: RewardFn | null = null;
let actor: PpoActorJson | null = null;
let actorSource = "";

function modelArrays(e: MujocoEnv): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of ["geom_type", "geom_size", "geom_bodyid", "geom_pos", "geom_quat", "geom_rgba", "geom_group"]) out[f] = Array.from(e.sim.modelArray(f));
  return out;
}

async function handle(m: MujocoRequest): Promise<unknown> {
  if (m.kind === "load") {
    runtime ??= await loadBrowserMujoco();
    cols = await readHistoryBytes(new Uint8Array(m.history));
    env?.close();
    env = makeReplayEnv(runtime, cols.meta.envId, cols.meta.envKwargs ?? {});
    episodes = listEpisodes(cols);
    reward = null;
    actor = null;
    actorSource = "";
    if (m.rewardText) {
      const json = JSON.parse(m.rewardText) as { info?: { bcPolicy?: PpoActorJson } };
      reward = loadRewardModel(json);
      if (json.info?.bcPolicy) { actor = json.info.bcPolicy; actorSource = "the clone π̂ stored in the reward file (the observer's start)"; }
    }
    if (m.actorText) { actor = JSON.parse(m.actorText) as PpoActorJson; actorSource = "the observer policy file"; }
    return {
      kind: "loaded", envId: cols.meta.envId, learner: cols.meta.learner, rows: cols.n, updates: cols.updates,
      episodes: episodes.map((e) => ({ update: e.update, episode: e.episode, length: e.end - e.start })),
      model: modelArrays(env), nbody: env.sim.sizes.nbody, dt: env.dt, hasReward: reward !== null, actorSource, mujoco: runtime.version,
    };
  }
  if (!cols || !env) throw new Error("load a history first");
  const ep = episodes[m.episode];
  if (!ep) throw new Error(`no episode ${m.episode}`);
  const learner = replayEpisode(env, cols, ep, reward);
  const D = cols.meta.observationSpace.dim;
  const observer = actor ? rolloutObserver(env, actor, cols.obs.subarray(ep.start * D, (ep.start + 1) * D), ep.end - ep.start, reward) : null;
  return { kind: "replayed", episode: m.episode, learner, observer, recordedReward: Array.from(cols.rewards.subarray(ep.start, ep.end)) };
}

self.onmessage = (e: MessageEvent<MujocoRequest & { id: number }>) => {
  handle(e.data).then(
    (r) => self.postMessage({ id: e.data.id, ok: true, result: r }),
    (err: unknown) => self.postMessage({ id: e.data.id, ok: false, error: (err as Error).message }),
  );
};
