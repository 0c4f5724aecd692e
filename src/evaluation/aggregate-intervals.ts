/**
 * Aggregate scores with stratified-bootstrap confidence intervals, per method: IQM, mean, median and optimality
 * gap (aggregate-metrics.ts), as rliable's `get_interval_estimates` reports them (one bootstrap per method; the
 * four aggregates of a method are computed on the same resamples). Each method draws from its own child stream
 * of `rng`, split in the order of the methods' names, so adding a method does not move the others' intervals.
 *
 * Usage: `aggregateIntervals({ observer: obs, learner: lrn }, new Rng(0)).observer.iqm.ci`
 */
import type { Rng } from "../core/rng.ts";
import { AGGREGATE_METRICS, type AggregateMetricName } from "./aggregate-metrics.ts";
import type { ScoreMatrix } from "./score-matrix.ts";
import { stratifiedBootstrap, type BootstrapOptions } from "./stratified-bootstrap.ts";

export interface PointAndInterval {
  point: number;
  ci: [number, number];
}

export type AggregateIntervals = Record<AggregateMetricName, PointAndInterval> & { runs: number; tasks: number };

const NAMES = Object.keys(AGGREGATE_METRICS) as AggregateMetricName[];

export function aggregateIntervals(methods: Readonly<Record<string, ScoreMatrix>>, rng: Rng, opts: BootstrapOptions = {}): Record<string, AggregateIntervals> {
  const out: Record<string, AggregateIntervals> = {};
  for (const name of Object.keys(methods).sort()) {
    const scores = methods[name]!;
    const est = stratifiedBootstrap([scores], ([s]) => NAMES.map((m) => AGGREGATE_METRICS[m](s!)), rng.split(), opts);
    const entry = { runs: scores.reduce((n, row) => n + row.length, 0), tasks: scores.length } as AggregateIntervals;
    NAMES.forEach((m, j) => (entry[m] = { point: est.point[j]!, ci: [est.lo[j]!, est.hi[j]!] }));
    out[name] = entry;
  }
  return out;
}
