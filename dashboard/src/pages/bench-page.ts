/**
 * Hidden page (#/bench?steps=N) driven by `lfl bench browser`: times the Table 1 pipeline in the page (the
 * library's runTable1) and MuJoCo physics in a Web Worker; results in window.__lflBench.
 */
import { runTable1 } from "../../../src/experiments/table1.ts";
import { h } from "../lib/dom.ts";

declare global {
  interface Window {
    __lflBench?: { table1?: { seconds: number[]; observerRegret: number }; mujoco?: { envId: string; stepsPerSecond: number; seconds: number; checksum: number }; error?: string };
  }
}

export async function mount(el: HTMLElement, arg: string): Promise<void> {
  const params = new URLSearchParams(arg.replace(/^\?/, ""));
  const steps = Number(params.get("steps") ?? 20000);
  const envId = params.get("env") ?? "HalfCheetah-v5";
  const reps = Number(params.get("reps") ?? 3);
  const out: NonNullable<Window["__lflBench"]> = {};
  window.__lflBench = out;
  const pre = h("pre", {}, "running …");
  el.append(h("h1", {}, "Benchmark (lfl bench browser)"), pre);
  try {
    const seconds: number[] = [];
    let regret = Number.NaN;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const r = runTable1();
      seconds.push((performance.now() - t0) / 1000);
      regret = r.rows.find((x) => x.id === "observer-rphi")!.regret;
    }
    out.table1 = { seconds, observerRegret: regret };
    const worker = new Worker(new URL("../workers/bench.worker.ts", import.meta.url), { type: "module" });
    const res = await new Promise<{ ok: boolean; stepsPerSecond: number; seconds: number; checksum: number; error?: string }>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage({ envId, steps, seed: 0 });
    });
    worker.terminate();
    if (!res.ok) throw new Error(res.error);
    out.mujoco = { envId, stepsPerSecond: res.stepsPerSecond, seconds: res.seconds, checksum: res.checksum };
  } catch (e) {
    out.error = (e as Error).message;
  }
  pre.textContent = JSON.stringify(out, null, 2);
}
