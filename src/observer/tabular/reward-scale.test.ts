import assert from "node:assert/strict";
import { test } from "node:test";
import { GRID_ALPHA, gridStateReward, gridWorld } from "../../envs/tabular/grid-world.ts";
import { softValueIteration } from "../../solvers/soft-policy.ts";
import { likelihoodScale } from "./reward-scale.ts";

test("likelihoodScale: expected counts of the optimal soft policy of r give back the factor that undoes r/5", () => {
  const mdp = gridWorld();
  const { pi } = softValueIteration(mdp, GRID_ALPHA);
  // Expected counts: 40 visits of every state, split by π(a|s) (the likelihood's maximiser is then exactly c = 5).
  const counts = pi.map((p) => 40 * p);
  const { scale, logLikelihood } = likelihoodScale(mdp, gridStateReward().map((r) => r / 5), counts, GRID_ALPHA);
  assert.ok(Math.abs(scale - 5) < 0.01, `scale ${scale}`);
  assert.ok(logLikelihood < 0 && logLikelihood > Math.log(1 / mdp.nA));
  assert.throws(() => likelihoodScale(mdp, new Float64Array(3), counts, GRID_ALPHA), /expected nS/);
});
