/// <reference lib="webworker" />
/** `lfl bench browser`'s worker: MuJoCo env-steps/s of the library's env in a Web Worker (random actions from Rng). */
import { Rng } from "../../../src/core/rng.ts";
import { loadBrowserMujoco } from "../lib/mujoco-browser.ts";
import { makeReplayEnv } from "../lib/mujoco-replay.ts";

self.onmessage = async (e: MessageEvent<{ envId: string; steps: number; seed: number }>) => {
  try {
    const rt = await loadBrowserMujoco();
    const env = makeReplayEnv(rt, e.data.envId);
    const { low, high } = env.actionSpace;
    const rng = new Rng(e.data.seed);
    const a = new Float64Array(low.length);
    env.reset({ seed: e.data.seed });
    const t0 = performance.now();
    let checksum = 0;
    for (let i = 0; i < e.data.steps; i++) {
      for (let j = 0; j < a.length; j++) a[j] = rng.uniformIn(low[j]!, high[j]!);
      checksum += env.step(a).reward;
      if ((i + 1) % 1000 === 0) env.reset();
    }
    const seconds = (performance.now() - t0) / 1000;
    env.close();
    self.postMessage({ ok: true, stepsPerSecond: e.data.steps / seconds, seconds, checksum });
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message });
  }
};
