/** PPO curves → markdown: per setting and budget, mean-action and sampled returns over seeds; the four-env summary beside the uniform random policy. */
import { provenanceLine, type ResultsDoc } from "../experiments/engine/results-doc.ts";
import type { PpoCurvesBody, PpoSummaryBody } from "../experiments/ppo-curves-experiment.ts";
import type { PpoCurveSummary } from "../experiments/ppo-curves.ts";
import { markdownTable } from "./markdown-table.ts";

const pm = (s: { mean: number; std: number }): string => `${s.mean.toFixed(1)} ± ${s.std.toFixed(1)}`;

export function ppoCurvesMarkdown(doc: ResultsDoc<PpoCurvesBody>): string {
  const table = markdownTable<PpoCurveSummary>([
    { header: "setting", value: (r) => r.setting },
    { header: "env steps", value: (r) => String(r.checkpoint) },
    { header: "return (mean action)", value: (r) => pm(r.deterministic) },
    { header: "return (sampled)", value: (r) => pm(r.stochastic) },
    { header: "seeds", value: (r) => String(r.deterministic.n) },
  ], doc.summary);
  const stopped = doc.incomplete.length > 0 ? ` Runs not finished (not in the table): ${doc.incomplete.join(", ")}.` : "";
  return [
    `# PPO on ${doc.envId} (curve '${doc.curve}')`, "", provenanceLine(doc, 0), "",
    `True-reward return of the policy at each budget, mean ± std over seeds ${doc.seeds.join(", ")}, ${doc.spec.evalEpisodes} evaluation episodes each (step 0 = the random initial policy).${stopped}`, "",
    table, "",
  ].join("\n");
}

export function ppoSummaryMarkdown(doc: ResultsDoc<PpoSummaryBody>): string {
  type Row = PpoSummaryBody["envs"][number];
  const cell = (r: Row, checkpoint: number, mode: "deterministic" | "stochastic"): string => {
    const s = r.summary.find((x) => x.checkpoint === checkpoint);
    return s ? `${pm(s[mode])} (${s[mode].n})` : "–";
  };
  const table = markdownTable<Row>([
    { header: "env", value: (r) => r.envId },
    { header: "uniform random", value: (r) => (r.uniformRandom ? pm(r.uniformRandom) : "–") },
    { header: "π_0 (sampled)", value: (r) => cell(r, 0, "stochastic") },
    { header: "200k", value: (r) => cell(r, 200000, "stochastic") },
    { header: "500k", value: (r) => cell(r, 500000, "stochastic") },
    { header: "1M", value: (r) => cell(r, 1000000, "stochastic") },
    { header: "1M (mean action)", value: (r) => cell(r, 1000000, "deterministic") },
  ], doc.envs);
  return [
    "# PPO (SB3 defaults, 1 env) on the four MuJoCo envs", "", provenanceLine(doc, 0), "",
    "True-reward return of the sampling policy at each budget, mean ± std over seeds (number of seeds in brackets), 10 evaluation episodes each; the uniform random policy (a ~ U[low, high]) on the same evaluation episodes, mean ± std over episodes.", "",
    table, "",
  ].join("\n");
}
