/**
 * The Table 3 view's baseline tables (issue 17): every method of the results file against the LfL observer,
 * paired by seed with 95% CIs and one-sided p (sampled and mean-action returns), and the reward-quality rows —
 * r̄φ beside every reward-learning baseline's own reward on the same held-out rollouts, r̄φ paired against each.
 * The rows come from lib/table3-rows.ts; files without these fields say "not in this results file".
 */
import type { Table3Result } from "../../../src/experiments/table3/table3.ts";
import { fmt, h } from "../lib/dom.ts";
import { sortableTable } from "../lib/table.ts";
import { diffText, pairedRows, rewardQualityRows } from "../lib/table3-rows.ts";

type Stat = { mean: number; std?: number | null } | null | undefined;
const pm = (s: Stat): string => (s ? `${fmt(s.mean)}${s.std !== null && s.std !== undefined ? ` ± ${fmt(s.std, 2)}` : ""}` : "—");
const f3 = (x: number): string => fmt(x, 3);
const missing = (what: string): HTMLElement => h("p", { class: "muted", dataset: { missing: what } }, `${what}: not in this results file.`);

export function table3BaselineTables(r: Table3Result): HTMLElement[] {
  const out: HTMLElement[] = [h("h3", {}, "Every method against the LfL observer (observer − method, paired by seed: mean [95% CI], one-sided p of observer > method)")];
  const paired = pairedRows(r);
  if (paired.length === 0) out.push(missing("methods other than the observer"));
  else {
    out.push(sortableTable([
      { header: "env", value: (x) => x.env, text: true }, { header: "method", value: (x) => x.label, text: true },
      { header: "seeds", value: (x) => x.seeds }, { header: "normalised", value: (x) => pm(x.normalised) }, { header: "return (sampled)", value: (x) => pm(x.absolute) },
      { header: "obs − method (sampled)", value: (x) => diffText(x.sampled, f3) }, { header: "p", value: (x) => x.sampled?.pValue ?? null },
      { header: "obs − method (mean action)", value: (x) => diffText(x.meanAction, f3) }, { header: "p (mean action)", value: (x) => x.meanAction?.pValue ?? null },
    ], paired, { testId: "table3-paired", scroll: true }));
  }
  out.push(h("h3", {}, "Reward quality: r̄φ and each baseline's own reward on the same held-out rollouts (return correlation, EPIC; r̄φ − baseline paired by seed, > 0 = r̄φ closer to the true reward)"));
  const rq = rewardQualityRows(r);
  if (!rq.some((x) => x.method !== "observer")) out.push(missing("baseline reward quality (envs[].rewardQualityBaselines)"));
  if (rq.length > 0) {
    out.push(sortableTable([
      { header: "env", value: (x) => x.env, text: true }, { header: "reward", value: (x) => x.label, text: true }, { header: "seeds", value: (x) => x.seeds },
      { header: "Pearson", value: (x) => pm(x.quality.pearson) }, { header: "Spearman", value: (x) => pm(x.quality.spearman) }, { header: "EPIC", value: (x) => pm(x.quality.epic) },
      { header: "r̄φ − it: Pearson", value: (x) => diffText(x.observerBetter?.pearson, f3) }, { header: "p", value: (x) => x.observerBetter?.pearson?.pValue ?? null },
      { header: "r̄φ − it: Spearman", value: (x) => diffText(x.observerBetter?.spearman, f3) }, { header: "p (Spearman)", value: (x) => x.observerBetter?.spearman?.pValue ?? null },
      { header: "it − r̄φ: EPIC", value: (x) => diffText(x.observerBetter?.epic, f3) }, { header: "p (EPIC)", value: (x) => x.observerBetter?.epic?.pValue ?? null },
    ], rq, { testId: "table3-reward-quality", scroll: true }));
  }
  return out;
}
