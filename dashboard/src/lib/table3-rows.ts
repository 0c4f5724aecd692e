/**
 * The Table 3 baseline tables of the Results page, DOM-free (tested in Node, test/dashboard-lib.test.ts):
 *  - `table3Methods`: every method of the file's method list (old files without one: the keys of its normalised
 *    scores), in column order;
 *  - `pairedRows`: per env × method, observer − method paired by seed (sampled and mean action: mean, 95% CI,
 *    one-sided p), as table3-statistics.ts wrote them in `envs[].comparisons` / `comparisonsMeanAction`;
 *  - `rewardQualityRows`: per env, the observer's recovered reward r̄φ and every reward-learning baseline's own
 *    reward on the same held-out rollouts (`envs[].rewardQuality`, `envs[].rewardQualityBaselines`), with r̄φ
 *    paired against each by seed (> 0: r̄φ agrees better with the true reward).
 */
import type { PairedDiff, Table3Result } from "../../../src/experiments/table3/table3.ts";
import type { RewardQualityPairedDiff, RewardQualitySummary } from "../../../src/experiments/table3/table3-statistics-types.ts";
import type { SeedStats } from "../../../src/evaluation/seed-stats.ts";

export interface MethodRef { id: string; label: string }

export function table3Methods(r: Pick<Table3Result, "envs"> & { methods?: Table3Result["methods"] }): MethodRef[] {
  if (Array.isArray(r.methods) && r.methods.length > 0) return r.methods.map((m) => ({ id: m.id, label: m.label }));
  const ids = [...new Set(r.envs.flatMap((e) => Object.keys(e.normalised ?? {})))].filter((k) => k !== "learnerBest");
  return ids.map((id) => ({ id, label: id }));
}

/** "mean [lo, hi]" of a paired difference (null: not in the file). */
export function diffText(d: { meanDiff: number; ci95: [number, number] } | null | undefined, fmt: (x: number) => string): string | null {
  return d ? `${fmt(d.meanDiff)} [${fmt(d.ci95[0])}, ${fmt(d.ci95[1])}]` : null;
}

export interface PairedRow {
  env: string;
  method: string;
  label: string;
  seeds: number;
  normalised: SeedStats | null;
  absolute: SeedStats | null;
  sampled: PairedDiff | null;
  meanAction: PairedDiff | null;
}

export function pairedRows(r: Table3Result): PairedRow[] {
  const methods = table3Methods(r).filter((m) => m.id !== "observer");
  return r.envs.flatMap((e) => methods.map((m) => ({
    env: e.id, method: m.id, label: m.label, seeds: e.runs.length,
    normalised: e.normalised?.[m.id] ?? null, absolute: e.absolute?.[m.id] ?? null,
    sampled: e.comparisons?.[m.id] ?? null, meanAction: e.comparisonsMeanAction?.[m.id] ?? null,
  })));
}

export interface RewardQualityRow {
  env: string;
  /** "observer" for r̄φ, else the baseline's method id. */
  method: string;
  label: string;
  seeds: number | null;
  quality: RewardQualitySummary;
  /** r̄φ − this reward, paired by seed (null for r̄φ itself and with fewer than 2 pairs). */
  observerBetter: { pearson: RewardQualityPairedDiff | null; spearman: RewardQualityPairedDiff | null; epic: RewardQualityPairedDiff | null } | null;
}

export function rewardQualityRows(r: Table3Result): RewardQualityRow[] {
  return r.envs.flatMap((e) => {
    const rows: RewardQualityRow[] = [];
    if (e.rewardQuality) rows.push({ env: e.id, method: "observer", label: "r̄φ (LfL, Algorithm 1)", seeds: e.rewardQuality.pearson?.n ?? null, quality: e.rewardQuality, observerBetter: null });
    for (const [id, b] of Object.entries(e.rewardQualityBaselines ?? {})) {
      rows.push({ env: e.id, method: id, label: b.label, seeds: b.seeds.length, quality: b, observerBetter: b.observerBetter });
    }
    return rows;
  });
}
