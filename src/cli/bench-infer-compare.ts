/**
 * Printing `lfl bench infer` (bench-infer.ts): one run's per-stage table, and the comparison of kernel backends —
 * each backend's run in its own process per round (bench-backends.ts), medians over rounds, and the speed-up over
 * the TypeScript kernels as the median over rounds of ts's time ÷ the backend's time in the same round.
 */
import { writeFileAtomic } from "../core/atomic-file.ts";
import { isFloat64Backend, type KernelBackendName } from "../nn/kernels.ts";
import { median, runPerBackend, times } from "./bench-backends.ts";
import type { InferBenchRun, InferSettingRun, InferStageRun } from "./bench-infer.ts";

const SETTING_TITLE: Record<InferSettingRun["setting"], string> = {
  paper: "the paper's settings (§6.3: full batches; 1000 policy, 100 KL, 3000 reward-init, 1000 Eq. 5 steps)",
  authors: "the authors' minibatch settings (lfl.py: 100-pair batches, 3000 policy steps)",
  defaults: "our defaults (ALGORITHM1_DEFAULTS, what Table 3 runs)",
  infer: "ALGORITHM1_INFER (`lfl infer --consistency-fit early-stopping`)",
};

const dataName = (r: InferBenchRun): string =>
  r.history === undefined ? `synthetic HalfCheetah-shaped data: K = ${r.K} updates × ${r.pairs} pairs` : `${r.history}: K = ${r.K} updates × ${r.pairs.toFixed(0)} pairs (mean)`;
const num = (x: number | null, digits = 4): string => (x === null ? "—" : Number.isFinite(x) ? x.toPrecision(digits) : String(x));
const row = (cells: string[], widths: number[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" ");

/** One process's run: a table per setting. */
export function printInferRun(r: InferBenchRun, cpuModel: string): void {
  console.log(`Algorithm 1 on ${dataName(r)}, step budgets × ${r.scale} (kernels: ${r.kernels}, ${cpuModel})`);
  const w = [12, 0, 12, 9, 9, 11, 11];
  for (const s of r.runs) {
    console.log(`\n${SETTING_TITLE[s.setting]}`);
    console.log(row(["stage", "", "steps", "wall (s)", "CPU (s)", "final loss", "held-out"], w));
    for (const st of s.stages) console.log(row([st.stage, "", `${st.steps}/${st.budget}`, st.seconds.toFixed(2), st.cpuSeconds.toFixed(2), num(st.finalLoss), num(st.heldOutLoss)], w));
    console.log(row(["total", "", "", s.seconds.toFixed(2), s.cpuSeconds.toFixed(2), "", ""], w));
  }
  console.log(`\nCPU (s): user + system time of the process (≈ wall on an idle machine). Held-out: stage (i) the clones' held-out NLL per pair; stage (iv) the Eq. 5 loss on the pairs its early stopping holds out (a fixed-step fit trained on them). Load average now ${r.loadAverage}.`);
}

/** Summary of one (setting, stage or total, backend): medians over rounds and the speed-ups over ts. */
export interface InferComparisonRow {
  setting: string;
  stage: string;
  kernels: string;
  steps: number;
  seconds: number;
  cpuSeconds: number;
  wallVsTs: number | null;
  cpuVsTs: number | null;
  /** The stage's final training loss (first round; null for the total). */
  finalLoss: number | null;
  heldOutLoss: number | null;
}

/** Runs every backend (child processes, rotated rounds), prints the tables with ratios against ts; exit 1 if the rewards differ. */
export function compareInferBackends(childArgv: string[], backends: KernelBackendName[], rounds: number, json: string | undefined, load: string): number {
  process.stderr.write(`bench infer: ${backends.join(", ")}, ${rounds} round(s), load average ${load}\n`);
  const runs = runPerBackend<InferBenchRun>("infer", childArgv, backends, rounds);
  const first = [...runs.values()][0]![0]!;
  const ts = runs.get("ts");
  const rows: InferComparisonRow[] = [];
  const hashes = new Map<string, Set<string>>(); // float64 backends only
  console.log(`Algorithm 1 on ${dataName(first)}, step budgets × ${first.scale}; median of ${rounds} round(s) per backend`);
  console.log(`(× ts: median over rounds of ts's time ÷ this backend's time in the same round; the rotated order keeps them close in time)`);
  const w = [12, 14, 12, 9, 8, 9, 8, 11, 11];
  const f64Backends = backends.filter(isFloat64Backend), f32Backends = backends.filter((b) => !isFloat64Backend(b));
  const lossNotes: string[] = [];
  first.runs.forEach((s, si) => {
    console.log(`\n${SETTING_TITLE[s.setting]}`);
    console.log(row(["stage", "kernels", "steps", "wall (s)", "× ts", "CPU (s)", "× ts", "final loss", "held-out"], w));
    const names = [...s.stages.map((st) => st.stage as string), "total"];
    for (const name of names) {
      for (const b of backends) {
        const mine = runs.get(b)!.map((r) => r.runs[si]!);
        const pick = (x: InferSettingRun): InferStageRun | { steps: number; seconds: number; cpuSeconds: number; finalLoss: null; heldOutLoss: null } =>
          x.stages.find((st) => st.stage === name) ?? { steps: 0, seconds: x.seconds, cpuSeconds: x.cpuSeconds, finalLoss: null, heldOutLoss: null };
        const vs = (f: (x: InferSettingRun) => number): number | null => (ts ? median(mine.map((x, i) => f(ts[i]!.runs[si]!) / f(x))) : null);
        const wall = (x: InferSettingRun): number => pick(x).seconds, cpu = (x: InferSettingRun): number => pick(x).cpuSeconds;
        const r: InferComparisonRow = {
          setting: s.setting, stage: name, kernels: b, steps: median(mine.map((x) => pick(x).steps)), seconds: median(mine.map(wall)), cpuSeconds: median(mine.map(cpu)),
          wallVsTs: vs(wall), cpuVsTs: vs(cpu), finalLoss: pick(mine[0]!).finalLoss, heldOutLoss: pick(mine[0]!).heldOutLoss,
        };
        rows.push(r);
        console.log(row([name, b, name === "total" ? "" : String(r.steps), r.seconds.toFixed(2), r.wallVsTs === null ? "" : times(r.wallVsTs), r.cpuSeconds.toFixed(2), r.cpuVsTs === null ? "" : times(r.cpuVsTs), num(r.finalLoss, 6), num(r.heldOutLoss, 6)], w));
      }
      for (const b of f64Backends) for (const x of runs.get(b)!) hashes.set(s.setting, (hashes.get(s.setting) ?? new Set()).add(x.runs[si]!.rewardSha256));
    }
    // A float32 backend against the float64 result (all float64 backends give the same bytes): relative
    // differences of every stage's final and held-out loss, first round.
    const ref = f64Backends[0] === undefined ? undefined : runs.get(f64Backends[0])![0]!.runs[si]!;
    for (const b of f32Backends) {
      const x = runs.get(b)![0]!.runs[si]!;
      const rel = (a: number | null, r: number | null): string => (a === null || r === null ? "—" : (Math.abs(a - r) / Math.abs(r)).toExponential(1));
      const parts = x.stages.map((st, i) => `${st.stage} ${rel(st.finalLoss, ref?.stages[i]?.finalLoss ?? null)}${st.heldOutLoss === null ? "" : ` (held-out ${rel(st.heldOutLoss, ref?.stages[i]?.heldOutLoss ?? null)})`}`);
      const note = ref === undefined
        ? `${b} (${s.setting}): no float64 backend in this run to compare its losses with`
        : `${b} vs ${f64Backends[0]} (${s.setting}), |Δ loss| / loss per stage: ${parts.join(", ")}; reward SHA-256 ${x.rewardSha256.slice(0, 12)}… vs ${ref.rewardSha256.slice(0, 12)}… (differs by design: float32 products)`;
      lossNotes.push(note);
      console.log(note);
    }
  });
  const differ = [...hashes].filter(([, h]) => h.size > 1).map(([s]) => s);
  if (f64Backends.length > 0) {
    console.log(differ.length === 0
      ? `\nsame recovered reward (SHA-256 of its JSON) under every float64 backend and round, for every setting`
      : `\nWARNING: the recovered reward differs across float64 backends/rounds for: ${differ.join(", ")}`);
  }
  for (const b of f32Backends) {
    const own = first.runs.map((_, si) => new Set(runs.get(b)!.map((r) => r.runs[si]!.rewardSha256)).size);
    if (own.some((n) => n > 1)) differ.push(b);
    console.log(own.every((n) => n === 1)
      ? `${b}: the same reward bytes in every round; they differ from the float64 backends' by design (float32 products), so compare its losses above`
      : `WARNING: ${b} recovered different rewards across rounds`);
  }
  if (json !== undefined) writeFileAtomic(json, `${JSON.stringify({ ...(first.history === undefined ? {} : { history: first.history }), K: first.K, pairs: first.pairs, scale: first.scale, rounds, backends, loadAverageAtStart: load, summary: rows, f32Notes: lossNotes, runs: Object.fromEntries(runs) }, null, 2)}\n`);
  return differ.length === 0 ? 0 : 1;
}
