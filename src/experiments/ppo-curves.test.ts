import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv } from "../envs/registry.ts";
import { runPpoCurve, summarisePpoCurves, type PpoCurvesSpec } from "./ppo-curves.ts";

const spec: PpoCurvesSpec = { envId: "Pendulum-v1", checkpoints: [1024, 2048], seeds: [0, 1], settings: { tiny: { nSteps: 512, nEpochs: 1 } }, evalEpisodes: 1 };
const pendulum = () => makeEnv("Pendulum-v1");

test("runPpoCurve: one point per checkpoint (0 = the initial policy), the same seed gives the same numbers, seeds differ", () => {
  const a = runPpoCurve(spec, "tiny", 0, pendulum);
  assert.deepEqual(a.points.map((p) => [p.checkpoint, p.update, p.steps]), [[0, 0, 0], [1024, 2, 1024], [2048, 4, 2048]]);
  assert.ok(a.stepsPerSecond !== null && a.stepsPerSecond > 0);
  const again = runPpoCurve(spec, "tiny", 0, pendulum);
  assert.deepEqual(again.points, a.points);
  const b = runPpoCurve(spec, "tiny", 1, pendulum);
  assert.notDeepEqual(b.points.map((p) => p.stochastic), a.points.map((p) => p.stochastic));
});

test("summarisePpoCurves: statistics over the finished runs; requested runs that are missing are listed", () => {
  const runs = [runPpoCurve(spec, "tiny", 1, pendulum)];
  const s = summarisePpoCurves(spec, runs, [0, 1]);
  assert.deepEqual(s.incomplete, ["tiny/0"]);
  assert.deepEqual(s.summary.map((x) => [x.checkpoint, x.stochastic.n]), [[0, 1], [1024, 1], [2048, 1]]);
  assert.equal(s.summary[2]!.stochastic.mean, runs[0]!.points[2]!.stochastic);
  assert.equal(s.stepsPerSecond.length, 1);
});
