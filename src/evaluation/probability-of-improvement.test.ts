import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { probabilityOfImprovement, probabilityOfImprovementInterval, taskProbabilityOfImprovement } from "./probability-of-improvement.ts";

test("P(X > Y) = 1 when X dominates, 0 when Y does, 0.5 for identical samples", () => {
  const y = [[0, 1, 2], [5, 5.5]];
  const x = [[3, 4, 10], [6, 7]];
  assert.equal(probabilityOfImprovement(x, y), 1);
  assert.equal(probabilityOfImprovement(y, x), 0);
  assert.equal(probabilityOfImprovement(y, y), 0.5);
  const iv = probabilityOfImprovementInterval(x, y, new Rng(0), { resamples: 200 });
  assert.deepEqual([iv.point, ...iv.ci], [1, 1, 1]);
  const same = probabilityOfImprovementInterval(y, y, new Rng(0), { resamples: 400 });
  assert.equal(same.point, 0.5);
  assert.ok(same.ci[0] < 0.5 && same.ci[1] > 0.5);
});

test("ties count one half (Mann–Whitney U / (n_X n_Y)); tasks are averaged", () => {
  // x = [1, 2], y = [2, 3]: only the pair (2, 2) scores, ½ of 4 pairs.
  assert.equal(taskProbabilityOfImprovement([1, 2], [2, 3]), 0.125);
  // [3] vs [1, 3, 5]: 1 + ½ + 0 over 3.
  assert.equal(taskProbabilityOfImprovement([3], [1, 3, 5]), 0.5);
  assert.equal(probabilityOfImprovement([[1, 2], [3]], [[2, 3], [1, 3, 5]]), (0.125 + 0.5) / 2);
  // Complementarity: P(X > Y) + P(Y > X) = 1.
  const a = [[0.2, 0.9, 0.4], [1, 1, 2]], b = [[0.4, 0.1], [1, 3, 0]];
  assert.ok(Math.abs(probabilityOfImprovement(a, b) + probabilityOfImprovement(b, a) - 1) < 1e-15);
});

test("the interval is reproducible and refuses different task counts", () => {
  const a = [[0.2, 0.9, 0.4, 0.7], [1, 1, 2, 1.5]], b = [[0.4, 0.1, 0.3], [1, 3, 0, 0.2]];
  assert.deepEqual(probabilityOfImprovementInterval(a, b, new Rng(5), { resamples: 300 }), probabilityOfImprovementInterval(a, b, new Rng(5), { resamples: 300 }));
  assert.throws(() => probabilityOfImprovement(a, [[1]]), /2 and 1 tasks/);
});
