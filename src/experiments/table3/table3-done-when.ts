/**
 * Issue 14's "done when" checks, computed from a Table 3 result (per env, paired over seeds, 95% CIs):
 * - observer > the learner's last observed policy, sampled AND mean-action (CI of the paired difference > 0);
 * - observer > PPO on ln π̂K (bc-reward) and > PPO on r ≡ 1 (constant), sampled; and, reported beside them,
 *   observer > PPO on ln π̂K standardised like r̄φ (bc-reward-standardised: the no-LfL control without the raw
 *   log-density's negative offset, which pays for falling early where episodes terminate);
 * - normalised observer ≥ the paper's LfL number (CI of the seeds' mean above it; "mean only" when only the mean is);
 * - recovered-vs-true return correlation (Pearson) ≥ 0.9 (the same rule on the seeds' correlations);
 * - observer ≥ the learner continued for the same budget on at least two envs (counted by CI > 0; the envs where
 *   only the mean difference is ≥ 0 are listed too).
 * Status: "holds", "mean only" (the point estimate passes, the CI does not), "does not hold", or "undefined"
 * (fewer than 2 seeds, the method was not run, no paper number, ...), with the numbers that decided it.
 */
import type { PairedDiff, Table3EnvResult } from "./table3.ts";
import type { SeedStats } from "../../evaluation/seed-stats.ts";
import type { DoneWhenLine } from "./table3-statistics-types.ts";

export type { DoneWhenLine, DoneWhenStatus } from "./table3-statistics-types.ts";

export const CORRELATION_TARGET = 0.9;

function paired(check: string, env: string, c: PairedDiff | null | undefined, note?: string): DoneWhenLine {
  if (c == null) return { check, env, status: "undefined", value: null, ci: null, threshold: 0, note: note ?? "needs ≥ 2 seeds and the method's cells" };
  // With n seeds the exact sign-flip p cannot go below 1/2^n (3 seeds: 0.125): say so beside a CI that "holds".
  return { check, env, status: c.ci95[0] > 0 ? "holds" : c.meanDiff > 0 ? "mean only" : "does not hold", value: c.meanDiff, ci: c.ci95, threshold: 0, note: `one-sided sign-flip p ${c.pValue.toPrecision(3)}` };
}

function atLeast(check: string, env: string, s: SeedStats | null | undefined, threshold: number | null, why: string): DoneWhenLine {
  if (s == null || threshold === null) return { check, env, status: "undefined", value: s?.mean ?? null, ci: s?.ci95 ?? null, threshold, note: why };
  return { check, env, status: s.ci95[0] >= threshold ? "holds" : s.mean >= threshold ? "mean only" : "does not hold", value: s.mean, ci: s.ci95, threshold };
}

export function table3DoneWhen(envs: readonly Table3EnvResult[]): DoneWhenLine[] {
  const lines: DoneWhenLine[] = [];
  for (const e of envs) {
    lines.push(paired("observer > learner last (sampled)", e.id, e.comparisons.learnerLast));
    lines.push(paired("observer > learner last (mean action)", e.id, e.comparisonsMeanAction.learnerLast));
    lines.push(paired("observer > PPO on ln π̂K (sampled)", e.id, e.comparisons["bc-reward"], "bc-reward not run or < 2 seeds"));
    if (e.comparisons["bc-reward-standardised"] !== undefined) lines.push(paired("observer > PPO on standardised ln π̂K (sampled)", e.id, e.comparisons["bc-reward-standardised"]));
    lines.push(paired("observer > PPO on r ≡ 1 (sampled)", e.id, e.comparisons.constant, "constant not run or < 2 seeds"));
    lines.push(atLeast("normalised observer ≥ paper", e.id, e.normalised.observer, e.paper?.lfl.mean ?? null, e.paper ? "no seed's learner improved" : "no paper number for this env"));
    lines.push(atLeast(`return correlation (Pearson) ≥ ${CORRELATION_TARGET}`, e.id, e.rewardQuality?.pearson, CORRELATION_TARGET, "no reward-quality cell"));
  }
  const cont = envs.map((e) => ({ env: e.id, c: e.comparisons.continued ?? null }));
  const byCi = cont.filter((x) => x.c !== null && x.c.ci95[0] > 0).map((x) => x.env);
  const byMean = cont.filter((x) => x.c !== null && x.c.meanDiff >= 0).map((x) => x.env);
  lines.push({
    check: "observer > learner continued (sampled) on ≥ 2 envs", env: null,
    status: byCi.length >= 2 ? "holds" : byMean.length >= 2 ? "mean only" : cont.every((x) => x.c === null) ? "undefined" : "does not hold",
    value: byCi.length, ci: null, threshold: 2,
    note: `CI > 0 on: ${byCi.join(", ") || "none"}; mean difference ≥ 0 on: ${byMean.join(", ") || "none"} (of ${envs.length} env${envs.length === 1 ? "" : "s"})`,
  });
  return lines;
}
