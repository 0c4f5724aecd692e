/// <reference lib="webworker" />
/** Runs the Tabular page's pipeline (lib/tabular-run.ts: the library's own code) off the main thread, posting each step. */
import { runTabularLive, type TabularRunRequest } from "../lib/tabular-run.ts";

self.onmessage = (e: MessageEvent<TabularRunRequest>) => {
  try {
    const t0 = performance.now();
    for (const ev of runTabularLive(e.data)) self.postMessage({ ...ev, ms: performance.now() - t0 });
    self.postMessage({ kind: "done", ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ kind: "error", message: (err as Error).message });
  }
};
