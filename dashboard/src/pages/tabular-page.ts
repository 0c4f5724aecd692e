/**
 * Tabular LfL, live: pick the paper's grid, edit a grid, or load an MDP JSON; run a learner and watch the observer
 * after each of its improvements — recovered vs true reward (heatmaps, each centred: rewards are recovered up to
 * shaping and a constant), the observer's policy, and the scores. The work runs in a Web Worker with the library's
 * own code (lib/tabular-run.ts), so the numbers are the CLI's for the same seed (the page shows the commands).
 */
import { TABULAR_LEARNERS } from "../../../src/learners/tabular-learners.ts";
import { download, fmt, h } from "../lib/dom.ts";
import { layoutToMdpJson, paperLayout, type CellKind, type GridLayout } from "../lib/grid-editor-mdp.ts";
import { heatmap } from "../lib/heatmap.ts";
import { plot, type TopLevelSpec } from "../lib/plot.ts";
import { CLI_INFER_DEFAULTS, mdpToJson, requestMdp as build, type TabularLearnerInfo, type TabularRunRequest, type TabularStep } from "../lib/tabular-run.ts";

declare global {
  interface Window {
    /** The last run's events, for the browser tests (same numbers as the CLI). */
    __lflTabular?: { request: TabularRunRequest; learner?: TabularLearnerInfo; steps: TabularStep[]; done: boolean; error?: string };
  }
}

function stateValues(r: readonly number[], nS: number, nA: number): number[] {
  return Array.from({ length: nS }, (_, s) => r.slice(s * nA, (s + 1) * nA).reduce((a, b) => a + b, 0) / nA);
}

function gridEditor(layout: GridLayout, onChange: () => void): HTMLElement {
  const box = h("div", { class: "card" });
  let sel = 0;
  const draw = (): void => {
    const table = h("table", { class: "grid-editor" });
    for (let x = 0; x < layout.rows; x++) {
      const tr = h("tr");
      for (let y = 0; y < layout.cols; y++) {
        const s = x * layout.cols + y;
        const td = h("td", { class: [layout.kind[s], s === sel ? "sel" : "", s === layout.start ? "start" : ""].join(" "), title: `state ${s}` }, layout.kind[s] === "wall" ? "wall" : `${s === layout.start ? "S " : ""}${layout.reward[s]}`);
        td.addEventListener("click", () => { sel = s; draw(); });
        tr.append(td);
      }
      table.append(tr);
    }
    const reward = h("input", { type: "number", step: "any", value: String(layout.reward[sel]) });
    reward.addEventListener("change", () => { layout.reward[sel] = Number(reward.value); onChange(); draw(); });
    const kind = h("select", {}, ...(["normal", "reset", "wall"] as CellKind[]).map((k) => h("option", { value: k, selected: layout.kind[sel] === k }, k)));
    kind.addEventListener("change", () => { layout.kind[sel] = kind.value as CellKind; onChange(); draw(); });
    const start = h("button", { class: "secondary", onclick: () => { layout.start = sel; onChange(); draw(); } }, "make start");
    const size = h("input", { type: "number", min: 2, max: 9, value: String(layout.rows) });
    size.addEventListener("change", () => {
      const n = Math.max(2, Math.min(9, Math.round(Number(size.value))));
      Object.assign(layout, { rows: n, cols: n, reward: new Array(n * n).fill(-1), kind: new Array(n * n).fill("normal"), start: 0 });
      layout.reward[n * n - 1] = 10;
      layout.kind[n * n - 1] = "reset";
      sel = 0;
      onChange();
      draw();
    });
    box.replaceChildren(h("div", { class: "row" }, table, h("div", { class: "controls", style: "flex-direction: column; align-items: start" },
      h("label", {}, `cell ${sel} reward r(s)`, reward), h("label", {}, "kind", kind), start, h("label", {}, "size n × n", size),
      h("span", { class: "muted" }, "reset: every action returns to the start (the paper's goal and middle cells)"))));
  };
  draw();
  return box;
}

export function mount(el: HTMLElement): void {
  const layout = paperLayout();
  let userJson: { text: string; source: string } | null = null;
  let worker: Worker | null = null;
  const source = h("select", {}, h("option", { value: "paper-grid" }, "the paper's 5×5 grid"), h("option", { value: "editor" }, "grid editor"), h("option", { value: "json" }, "MDP JSON file"));
  const file = h("input", { type: "file", accept: ".json,application/json", style: "display:none" });
  const learner = h("select", { name: "learner" }, ...Object.entries(TABULAR_LEARNERS).map(([id, l]) => h("option", { value: id, title: l.summary }, id)));
  const seed = h("input", { type: "number", name: "seed", value: "0", min: 0 });
  const pairs = h("input", { type: "number", name: "pairs", value: "1000", min: 1 });
  const rewardForm = h("select", { name: "reward-form" }, ...[["auto", "auto (chosen from the data)"], ["state-action", "state-action r(s,a)"], ["state", "state-only r(s) (§4.3)"]].map(([v, t]) => h("option", { value: v, selected: v === CLI_INFER_DEFAULTS.rewardForm }, t)));
  const model = h("select", { name: "learner-model" }, ...["auto", "spi", "svi", "td"].map((m) => h("option", { value: m, selected: m === CLI_INFER_DEFAULTS.learnerModel }, m)));
  const run = h("button", { dataset: { testid: "run" } }, "Run");
  const stop = h("button", { class: "secondary", disabled: true }, "Stop");
  const exportBtn = h("button", { class: "secondary" }, "Download MDP JSON");
  const editorBox = h("div");
  const status = h("p", { class: "muted", dataset: { testid: "tabular-status" } }, "Choose an MDP and a learner, then Run.");
  const scores = h("div");
  const maps = h("div", { class: "row" });
  const cmds = h("pre");

  const requestMdp = (): TabularRunRequest["mdp"] => {
    if (source.value === "editor") return { kind: "json", text: layoutToMdpJson(layout), source: "grid editor" };
    if (source.value === "json") {
      if (!userJson) throw new Error("choose an MDP JSON file first");
      return { kind: "json", ...userJson };
    }
    return { kind: "paper-grid" };
  };
  source.addEventListener("change", () => {
    editorBox.replaceChildren(source.value === "editor" ? gridEditor(layout, () => undefined) : "");
    if (source.value === "json") file.click();
  });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (f) userJson = { text: await f.text(), source: f.name };
    status.textContent = userJson ? `loaded ${userJson.source}` : "no file";
  });
  exportBtn.addEventListener("click", () => {
    const m = requestMdp();
    download("mdp.json", m.kind === "json" ? m.text : mdpToJson(build({ mdp: m, learner: "q-learning", seed: 0 })));
  });

  const render = (info: TabularLearnerInfo, step: TabularStep | undefined): void => {
    const { nS, nA, grid } = info.mdp;
    const rows = grid?.rows ?? nS, cols = grid?.cols ?? 1;
    const trueS = stateValues(info.mdp.r, nS, nA);
    const caption = (t: string): string => `${t}${grid ? "" : " (states top to bottom)"}`;
    const figs: HTMLElement[] = [heatmap(trueS, { rows, cols, caption: caption("true reward r(s) (mean over a)"), testId: "heat-true" })];
    if (step) {
      const arrows = nA === 4 && grid ? Array.from({ length: nS }, (_, s) => step.observerPolicy.slice(s * nA, (s + 1) * nA)) : null;
      figs.push(heatmap(stateValues(step.fittedReward, nS, nA), { rows, cols, caption: caption(`recovered r̂(s) after ${step.k} improvement(s), ${step.learnerModel}`), testId: "heat-recovered" }));
      figs.push(heatmap(stateValues(step.reward, nS, nA), { rows, cols, caption: caption("planning reward r̂ − β/√(n+1) (colour), observer policy (arrows)"), arrows, labels: !arrows, testId: "heat-policy" }));
    }
    maps.replaceChildren(...figs);
  };

  const scorePlot = async (info: TabularLearnerInfo, steps: TabularStep[]): Promise<void> => {
    const values = [
      ...info.learnerScores.map((J, k) => ({ k, J, who: "learner J(π_k)" })),
      ...steps.map((s) => ({ k: s.k, J: s.observerScore, who: "observer (updates 0..k)" })),
      { k: 0, J: info.optimal, who: "optimal J*" }, { k: info.learnerScores.length - 1, J: info.optimal, who: "optimal J*" },
    ];
    const spec: TopLevelSpec = {
      width: 460, height: 200, data: { values }, title: "Scores under the true reward (soft return, α)",
      mark: { type: "line", point: true }, encoding: { x: { field: "k", type: "quantitative", title: "policy update k", axis: { tickMinStep: 1, format: "d" } }, y: { field: "J", type: "quantitative", scale: { zero: false } }, color: { field: "who", type: "nominal", title: null } },
    } as TopLevelSpec;
    const last = steps[steps.length - 1];
    scores.replaceChildren(h("div", { class: "row" }, await plot(spec, "tabular-scores"), h("dl", { class: "kv card", dataset: { testid: "tabular-numbers" } },
      h("dt", {}, "learner, last J(π_K)"), h("dd", {}, fmt(info.learnerScores[info.learnerScores.length - 1])),
      h("dt", {}, "observer J"), h("dd", {}, last ? fmt(last.observerScore) : "—"),
      h("dt", {}, "optimal J*"), h("dd", {}, fmt(info.optimal)), h("dt", {}, "uniform policy J"), h("dd", {}, fmt(info.uniform)),
      h("dt", {}, "learner model"), h("dd", {}, last?.learnerModel ?? "—"), h("dt", {}, "worst residual RMS"), h("dd", {}, last ? fmt(last.maxResidualRms) : "—"))));
  };

  run.addEventListener("click", () => {
    worker?.terminate();
    let req: TabularRunRequest;
    try {
      req = {
        mdp: requestMdp(), learner: learner.value, seed: Number(seed.value), pairs: Number(pairs.value),
        observer: { ...CLI_INFER_DEFAULTS, rewardForm: rewardForm.value as typeof CLI_INFER_DEFAULTS.rewardForm, learnerModel: model.value as typeof CLI_INFER_DEFAULTS.learnerModel },
      };
    } catch (e) {
      status.textContent = (e as Error).message;
      return;
    }
    const state: NonNullable<Window["__lflTabular"]> = { request: req, steps: [], done: false };
    window.__lflTabular = state;
    worker = new Worker(new URL("../workers/tabular.worker.ts", import.meta.url), { type: "module" });
    run.disabled = true;
    stop.disabled = false;
    status.textContent = "running the learner …";
    let pending = false;
    const redraw = (): void => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        if (state.learner) {
          render(state.learner, state.steps[state.steps.length - 1]);
          void scorePlot(state.learner, state.steps);
        }
      });
    };
    worker.onerror = (e: ErrorEvent) => {
      state.error = `the worker failed: ${e.message || "could not load"}`;
      state.done = true;
      status.textContent = state.error;
      run.disabled = false;
      stop.disabled = true;
    };
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data as (TabularLearnerInfo | TabularStep | { kind: "done" } | { kind: "error"; message: string }) & { ms: number };
      if (m.kind === "learner") {
        state.learner = m;
        cmds.textContent = ["# the same run with the CLI (save the MDP with 'Download MDP JSON' as mdp.json):", ...m.commands].join("\n");
        status.textContent = `learner done: ${m.updates} policy updates; observing …`;
      } else if (m.kind === "step") {
        state.steps.push(m);
        status.textContent = `observer after ${m.k} of ${state.learner!.updates - 1} improvements (${(m.ms / 1000).toFixed(1)} s)`;
      } else if (m.kind === "done") {
        state.done = true;
        status.textContent = `done in ${(m.ms / 1000).toFixed(2)} s: ${state.steps.length} observer steps`;
      } else {
        state.error = m.message;
        state.done = true;
        status.textContent = `error: ${m.message}`;
      }
      if (m.kind === "done" || m.kind === "error") { run.disabled = false; stop.disabled = true; worker?.terminate(); }
      redraw();
    };
    worker.postMessage(req);
  });
  stop.addEventListener("click", () => { worker?.terminate(); run.disabled = false; stop.disabled = true; status.textContent = "stopped"; });

  el.append(
    h("h1", {}, "Tabular LfL, live"),
    h("p", { class: "muted" }, "A learner improves its policy; after each improvement the observer recovers a reward from the sampled pairs seen so far (Theorem 2 and the learner model chosen from the data) and plans on it. Heatmaps are centred on their mean and scaled to their own range: rewards are recovered up to shaping and a constant."),
    h("div", { class: "controls" }, h("label", {}, "MDP", source), h("label", {}, "learner", learner), h("label", {}, "seed", seed), h("label", {}, "pairs per update", pairs),
      h("label", {}, "reward form", rewardForm), h("label", {}, "learner model", model), run, stop, exportBtn, file),
    editorBox, status, maps, scores, cmds,
  );
}
