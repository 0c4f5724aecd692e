/**
 * Aggregate scores with stratified-bootstrap confidence intervals, per method: IQM, mean, median and optimality
 * gap (aggregate-metrics.ts), as rliable's `get_interval_estimates` reports them (one bootstrap per method; the
 * four aggregates of a method are computed on the same resamples). Each method draws from its own stream, seeded
 * from one draw of `rng` and a hash of the method's name, so adding or removing a method does not move the
 * others' intervals.
 *
 * Usage: `aggregateIntervals({ observer: obs, learner: lrn }, new Rng(0)).observer.iqm.ci`
 */
import { Rng } from "../core/rng.ts";
import { AGGREGATE_METRICS, type AggregateMetricName } from "./aggregate-metrics.ts";
import type { ScoreMatrix } from "./score-matrix.ts";
import { stratifiedBootstrap, type BootstrapOptions } from "./stratified-bootstrap.ts";

export interface PointAndInterval {
  point: number;
  ci: [number, number];
}

export type AggregateIntervals = Record<AggregateMetricName, PointAndInterval> & { runs: number; tasks: number };

const NAMES = Object.keys(AGGREGATE_METRICS) as AggregateMetricName[];

/** FNV-1a hash of a string's UTF-16 code units (32 bits). */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function aggregateIntervals(methods: Readonly<Record<string, ScoreMatrix>>, rng: Rng, opts: BootstrapOptions = {}): Record<string, AggregateIntervals> {
  const out: Record<string, AggregateIntervals> = {};
  const base = rng.nextUint32();
  for (const name of Object.keys(methods).sort()) {
    const scores = methods[name]!;
    const est = stratifiedBootstrap([scores], ([s]) => NAMES.map((m) => AGGREGATE_METRICS[m](s!)), new Rng((base ^ nameHash(name)) >>> 0), opts);
    const entry = { runs: scores.reduce((n, row) => n + row.length, 0), tasks: scores.length } as AggregateIntervals;
    NAMES.forEach((m, j) => (entry[m] = { point: est.point[j]!, ci: [est.lo[j]!, est.hi[j]!] }));
    out[name] = entry;
  }
  return out;
}
