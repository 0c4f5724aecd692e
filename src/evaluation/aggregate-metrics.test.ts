import { test } from "node:test";
import assert from "node:assert/strict";
import { AGGREGATE_METRICS, aggregateIqm, aggregateMean, aggregateMedian, optimalityGap } from "./aggregate-metrics.ts";

// Three tasks (rows), runs in columns; task means 2, 10, 0.5.
const scores = [[1, 2, 3], [10, 10, 10, 10], [0, 1]];

test("mean and median are over per-task means; IQM over all runs pooled", () => {
  assert.equal(aggregateMean(scores), 12.5 / 3);
  assert.equal(aggregateMedian(scores), 2);
  assert.equal(aggregateMedian([[1], [4], [2], [8]]), 3);
  // pooled (9 runs) sorted: 0 1 1 2 3 10 10 10 10 → drop 2 at each end → 1 2 3 10 10.
  assert.equal(aggregateIqm(scores), 26 / 5);
  assert.equal(AGGREGATE_METRICS.iqm(scores), aggregateIqm(scores));
});

test("optimality gap: γ − mean(min(score, γ)) over all runs", () => {
  // min(x, 1): 1 1 1 1 1 1 1 0 1 → mean 8/9.
  assert.ok(Math.abs(optimalityGap(scores) - 1 / 9) < 1e-15);
  assert.equal(optimalityGap([[2, 3], [5]]), 0);
  assert.ok(Math.abs(optimalityGap([[0, 1]], 2) - 1.5) < 1e-15);
});

test("bad score matrices are refused with the entry named", () => {
  assert.throws(() => aggregateMean([]), /at least one task/);
  assert.throws(() => aggregateMean([[1], []]), /scores\[1\]: task 1 has no runs/);
  assert.throws(() => aggregateIqm([[1, Infinity]]), /scores\[0\]\[1\]/);
});
