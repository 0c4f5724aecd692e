/**
 * MuJoCo: load a learning history (.npz from `lfl learn`, or from Python) and optionally the recovered reward
 * (`lfl infer` JSON) and an observer policy (`lfl observe --out` JSON); replay the learner's episode at each
 * observed update beside the observer (started from the same state), rendered with three.js from the MuJoCo
 * WASM model running in a Web Worker, with the true and recovered reward along both trajectories.
 * A history can also be picked from the results directory (any .npz there).
 */
import { fetchJson, fmt, h } from "../lib/dom.ts";
import { plot, type TopLevelSpec } from "../lib/plot.ts";
import type { ReplayTrace } from "../lib/mujoco-replay.ts";
import type { ModelArrays } from "../lib/mujoco-scene.ts";

interface Loaded {
  envId: string; learner: string; rows: number; updates: number[]; episodes: { update: number; episode: number; length: number }[];
  model: ModelArrays; nbody: number; dt: number; hasReward: boolean; actorSource: string; mujoco: string;
}
interface Replayed { episode: number; learner: ReplayTrace; observer: ReplayTrace | null; recordedReward: number[] }

declare global {
  interface Window {
    /** The last replay, for the browser tests (compared with Node's replay). */
    __lflMujoco?: { loaded?: Loaded; replays: Record<number, Replayed>; error?: string };
  }
}

class WorkerClient {
  private worker = new Worker(new URL("../workers/mujoco.worker.ts", import.meta.url), { type: "module" });
  private next = 0;
  private waiting = new Map<number, { resolve: (x: unknown) => void; reject: (e: Error) => void }>();
  constructor() {
    this.worker.onmessage = (e: MessageEvent<{ id: number; ok: boolean; result?: unknown; error?: string }>) => {
      const w = this.waiting.get(e.data.id);
      this.waiting.delete(e.data.id);
      if (e.data.ok) w?.resolve(e.data.result);
      else w?.reject(new Error(e.data.error));
    };
  }
  call<T>(msg: object, transfer: Transferable[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (x: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }
  terminate(): void {
    this.worker.terminate();
  }
}

export async function mount(el: HTMLElement): Promise<void> {
  const state: NonNullable<Window["__lflMujoco"]> = { replays: {} };
  window.__lflMujoco = state;
  const client = new WorkerClient();
  window.addEventListener("hashchange", () => client.terminate(), { once: true });
  const list = (await fetchJson("api/results")) as { files: { name: string }[] };
  const npz = list.files.filter((f) => f.name.endsWith(".npz")).map((f) => f.name);
  const rewards = list.files.filter((f) => f.name.endsWith(".json") && /reward|observer|actor/i.test(f.name)).map((f) => f.name);
  const fromResults = h("select", { name: "history" }, h("option", { value: "" }, npz.length ? "— a history in results/ —" : "(no .npz in results/)"), ...npz.map((n) => h("option", { value: n }, n)));
  const rewardSel = h("select", { name: "reward" }, h("option", { value: "" }, "— recovered reward in results/ (optional) —"), ...rewards.map((n) => h("option", { value: n }, n)));
  const histFile = h("input", { type: "file", accept: ".npz" });
  const rewardFile = h("input", { type: "file", accept: ".json" });
  const actorFile = h("input", { type: "file", accept: ".json" });
  const load = h("button", { dataset: { testid: "mujoco-load" } }, "Load");
  const status = h("p", { class: "muted", dataset: { testid: "mujoco-status" } }, "Load a learning history (.npz): HalfCheetah-v5, Hopper-v5, Ant-v5 or Reacher-v5.");
  const episodeSel = h("select", { name: "episode", disabled: true });
  const play = h("button", { class: "secondary", disabled: true, dataset: { testid: "mujoco-play" } }, "Pause");
  const slider = h("input", { type: "range", min: 0, max: 0, value: 0, style: "width: 300px", disabled: true });
  const left = h("div", { class: "scene-box" }), right = h("div", { class: "scene-box" });
  const leftCap = h("p", { class: "muted" }, "learner (replayed)"), rightCap = h("p", { class: "muted" }, "observer");
  const info = h("div"), chart = h("div");
  el.append(
    h("h1", {}, "MuJoCo: the learner at each observed update, and the observer"),
    h("div", { class: "controls" }, h("label", {}, "history from results/", fromResults), h("label", {}, "or a history file (.npz)", histFile),
      h("label", {}, "recovered reward (lfl infer JSON)", rewardSel), h("label", {}, "or a reward file", rewardFile), h("label", {}, "observer policy (lfl observe --out, optional)", actorFile), load),
    status,
    h("div", { class: "controls" }, h("label", {}, "update / episode", episodeSel), play, h("label", {}, "step", slider)),
    h("div", { class: "scenes" }, h("div", {}, left, leftCap), h("div", {}, right, rightCap)), info, chart,
  );

  let scenes: { learner: import("../lib/mujoco-scene.ts").MujocoScene; observer: import("../lib/mujoco-scene.ts").MujocoScene | null } | null = null;
  let current: Replayed | null = null;
  let t = 0, playing = true, timer: number | undefined;
  const show = (): void => {
    if (!scenes || !current) return;
    const T = current.learner.frames.length - 1;
    scenes.learner.show(current.learner.frames[Math.min(t, T)]!);
    if (scenes.observer && current.observer) scenes.observer.show(current.observer.frames[Math.min(t, current.observer.frames.length - 1)]!);
    slider.value = String(t);
  };
  const tick = (): void => {
    if (playing && current) {
      t = (t + 1) % current.learner.frames.length;
      show();
    }
    timer = window.setTimeout(tick, 40);
  };
  play.addEventListener("click", () => { playing = !playing; play.textContent = playing ? "Pause" : "Play"; });
  slider.addEventListener("input", () => { playing = false; play.textContent = "Play"; t = Number(slider.value); show(); });
  window.addEventListener("hashchange", () => window.clearTimeout(timer), { once: true });

  const replay = async (i: number): Promise<void> => {
    status.textContent = `replaying episode ${i} …`;
    const r = await client.call<Replayed>({ kind: "replay", episode: i });
    state.replays[i] = r;
    current = r;
    t = 0;
    slider.max = String(r.learner.frames.length - 1);
    const ret = (xs: number[] | null): string => (xs ? fmt(xs.reduce((a, b) => a + b, 0)) : "—");
    info.replaceChildren(h("dl", { class: "kv card", dataset: { testid: "mujoco-numbers" } },
      h("dt", {}, "steps"), h("dd", {}, String(r.learner.trueReward.length)),
      h("dt", {}, "learner return: recorded / replayed (true reward)"), h("dd", {}, `${ret(r.recordedReward)} / ${ret(r.learner.trueReward)}`),
      h("dt", {}, "replay vs recorded, max |Δ obs|"), h("dd", {}, fmt(r.learner.maxObsError)),
      h("dt", {}, "learner return under the recovered reward"), h("dd", {}, ret(r.learner.recoveredReward)),
      h("dt", {}, "observer return: true / recovered"), h("dd", {}, r.observer ? `${ret(r.observer.trueReward)} / ${ret(r.observer.recoveredReward)}` : "— (no observer policy loaded)")));
    const values: { t: number; value: number; series: string; reward: string }[] = [];
    const add = (xs: number[] | null | undefined, series: string, reward: string): void => xs?.forEach((v, k) => values.push({ t: k, value: v, series, reward }));
    add(r.learner.trueReward, "learner", "true reward");
    add(r.learner.recoveredReward, "learner", "recovered reward");
    add(r.observer?.trueReward, "observer", "true reward");
    add(r.observer?.recoveredReward, "observer", "recovered reward");
    chart.replaceChildren(await plot({
      data: { values }, title: "Reward along the trajectory", facet: { row: { field: "reward", type: "nominal", title: null } },
      spec: { width: 820, height: 90, mark: { type: "line", strokeWidth: 1.2 }, encoding: { x: { field: "t", type: "quantitative", title: "step" }, y: { field: "value", type: "quantitative", title: null }, color: { field: "series", type: "nominal", title: null } } },
      resolve: { scale: { y: "independent" } },
    } as TopLevelSpec, "mujoco-rewards"));
    status.textContent = `${state.loaded!.envId}: update ${state.loaded!.episodes[i]!.update}, episode ${state.loaded!.episodes[i]!.episode} (MuJoCo ${state.loaded!.mujoco} in a Web Worker)`;
    show();
  };

  load.addEventListener("click", async () => {
    try {
      load.disabled = true;
      status.textContent = "loading MuJoCo (WASM) and the history …";
      const hist = histFile.files?.[0] ? await histFile.files[0].arrayBuffer() : fromResults.value ? await (await fetch(`results/${fromResults.value.split("/").map(encodeURIComponent).join("/")}`)).arrayBuffer() : null;
      if (!hist) throw new Error("choose a history (.npz) first");
      const rewardText = rewardFile.files?.[0] ? await rewardFile.files[0].text() : rewardSel.value ? await (await fetch(`results/${rewardSel.value}`)).text() : null;
      const actorText = actorFile.files?.[0] ? await actorFile.files[0].text() : null;
      const loaded = await client.call<Loaded>({ kind: "load", history: hist, rewardText, actorText }, [hist]);
      state.loaded = loaded;
      const { MujocoScene } = await import("../lib/mujoco-scene.ts");
      scenes?.learner.dispose();
      scenes?.observer?.dispose();
      try {
        scenes = { learner: new MujocoScene(loaded.model, loaded.nbody, loaded.envId), observer: loaded.actorSource ? new MujocoScene(loaded.model, loaded.nbody, loaded.envId) : null };
        left.replaceChildren(scenes.learner.canvas);
        scenes.learner.resize(460, 300);
        if (scenes.observer) { right.replaceChildren(scenes.observer.canvas); scenes.observer.resize(460, 300); }
        else right.replaceChildren(h("p", { class: "muted" }, "No observer policy: load the reward file of `lfl infer` (its clone π̂) or an `lfl observe --out` policy."));
      } catch (e) {
        scenes = null;
        left.replaceChildren(h("p", { class: "muted" }, `3-D view unavailable (${(e as Error).message}); the replay's numbers below are still computed.`));
      }
      rightCap.textContent = loaded.actorSource ? `observer: ${loaded.actorSource}, deterministic action, same start state` : "observer";
      episodeSel.replaceChildren(...loaded.episodes.map((e, i) => h("option", { value: String(i) }, `update ${e.update} · episode ${e.episode} (${e.length} steps)`)));
      episodeSel.disabled = false;
      play.disabled = false;
      slider.disabled = false;
      episodeSel.onchange = () => void replay(Number(episodeSel.value)).catch((e: Error) => { status.textContent = `error: ${e.message}`; });
      await replay(0);
      if (timer === undefined) tick();
    } catch (e) {
      state.error = (e as Error).message;
      status.textContent = `error: ${(e as Error).message}`;
    } finally {
      load.disabled = false;
    }
  });
}
