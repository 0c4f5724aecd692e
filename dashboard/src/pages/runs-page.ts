/**
 * Runs: live progress of long runs (`lfl reproduce …`, sweeps) from their progress files
 * (<runs dir>/progress/*.json, src/experiments/progress-file.ts), pushed by the server as server-sent events.
 */
import type { RunProgress } from "../../../src/experiments/progress-file.ts";
import { fmt, h } from "../lib/dom.ts";

function eta(s: number | null | undefined): string {
  if (s === null || s === undefined) return "—";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function bar(done: number, total: number): HTMLElement {
  return h("div", { class: "progress", title: `${done} / ${total}` }, h("div", { style: `width: ${total > 0 ? (100 * done) / total : 0}%` }));
}

function runCard(p: RunProgress): HTMLElement {
  const c = p.cells;
  return h("div", { class: "card", dataset: { testid: "run", run: p.runId, status: p.status } },
    h("h3", {}, `${p.runId} — `, h("span", { class: p.status === "failed" ? "bad" : p.status === "done" ? "good" : "" }, p.status)),
    h("p", {}, h("code", {}, p.command)),
    h("div", { class: "row" }, bar(c.done, c.total), h("span", {}, `cells ${c.done} done, ${c.running} running, ${c.failed} failed of ${c.total} · ETA ${eta(p.etaSeconds)}`)),
    ...(p.stages ?? []).map((s) => h("div", { class: "row" }, h("span", { style: "width: 140px" }, s.name), bar(s.done, s.total), h("span", { class: "muted" }, `${s.done} / ${s.total}`))),
    p.current?.length ? h("p", { class: "muted" }, `now: ${p.current.join("; ")}`) : null,
    p.message ? h("p", { class: p.status === "failed" ? "error" : "muted" }, p.message) : null,
    h("p", { class: "muted" }, `started ${p.startedAt}, updated ${p.updatedAt}`),
  );
}

export function mount(el: HTMLElement): void {
  const list = h("div", { class: "row", dataset: { testid: "runs" } });
  const status = h("p", { class: "muted", dataset: { testid: "runs-status" } }, "connecting …");
  el.append(h("h1", {}, "Runs"), h("p", { class: "muted" }, "Live progress of running experiments: every progress file in the runs directory's progress/ folder (lfl dashboard --runs DIR). Long runs write one with writeProgressFile (src/experiments/progress-file.ts)."), status, list);
  const source = new EventSource("api/runs/events");
  window.addEventListener("hashchange", () => source.close(), { once: true });
  source.addEventListener("progress", (e) => {
    const { runs, errors } = JSON.parse((e as MessageEvent<string>).data) as { runs: RunProgress[]; errors: string[] };
    status.textContent = `${runs.length} run(s) · live (server-sent events) · ${new Date().toLocaleTimeString()}${errors.length ? ` · ${errors.length} unreadable progress file(s): ${errors.join("; ")}` : ""}`;
    list.replaceChildren(...(runs.length ? runs.map(runCard) : [h("p", { class: "muted" }, "No progress files yet. Start a long run, e.g. npx lfl reproduce table3.")]));
    document.body.dataset.runs = String(runs.length);
  });
  source.onerror = () => { status.textContent = "disconnected; retrying …"; };
  void fmt;
}
