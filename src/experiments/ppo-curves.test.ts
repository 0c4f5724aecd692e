import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv } from "../envs/registry.ts";
import { runPpoCurves, type PpoCurveRun, type PpoCurvesSpec } from "./ppo-curves.ts";

const spec: PpoCurvesSpec = { envId: "Pendulum-v1", checkpoints: [1024, 2048], seeds: [0, 1], settings: { tiny: { nSteps: 512, nEpochs: 1 } }, evalEpisodes: 1 };
const pendulum = () => makeEnv("Pendulum-v1");
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function memoryStore(initial: PpoCurveRun[] = []) {
  const runs = new Map(initial.map((r) => [`${r.setting}/${r.seed}`, clone(r)]));
  const saves: PpoCurveRun[] = [];
  return {
    runs, saves,
    load: (setting: string, seed: number) => runs.get(`${setting}/${seed}`),
    save: (run: PpoCurveRun) => {
      saves.push(clone(run));
      runs.set(`${run.setting}/${run.seed}`, clone(run));
    },
  };
}

test("runPpoCurves: runs saved after every scored checkpoint; a complete stored run is reused, not retrained", () => {
  const first = memoryStore();
  const trained: number[] = [];
  const full = runPpoCurves(spec, pendulum, { store: first, onRun: (_, seed) => trained.push(seed) });
  assert.deepEqual(trained, [0, 1]);
  assert.equal(full.points.length, 2 * 3, "checkpoints 0, 1024, 2048 per seed");
  assert.deepEqual(first.saves.map((r) => [r.seed, r.points.length, r.stepsPerSecond === null]), [[0, 1, true], [0, 2, true], [0, 3, false], [1, 1, true], [1, 2, true], [1, 3, false]]);
  assert.deepEqual(full.incomplete, []);

  // Seed 1 stored (as by another process): only seed 0 trains; points and summary are the same.
  const second = memoryStore([first.runs.get("tiny/1")!]);
  const again: number[] = [];
  const combined = runPpoCurves(spec, pendulum, { store: second, onRun: (_, seed) => again.push(seed) });
  assert.deepEqual(again, [0]);
  assert.deepEqual(combined.points, full.points);
  assert.deepEqual(combined.summary, full.summary);
});

test("runPpoCurves: --seeds subset trains only those; partial summarises stored runs as far as they got", () => {
  const store = memoryStore();
  const only = runPpoCurves(spec, pendulum, { store, seeds: [1] });
  assert.ok(only.points.every((p) => p.seed === 1));
  // Seed 0 stopped after its 1024-step checkpoint (stepsPerSecond null = incomplete).
  const seed1 = store.runs.get("tiny/1")!;
  store.runs.set("tiny/0", { setting: "tiny", seed: 0, points: seed1.points.slice(0, 2).map((p) => ({ ...p, seed: 0 })), stepsPerSecond: null });
  let trained = 0;
  const partial = runPpoCurves(spec, pendulum, { store, partial: true, onRun: () => trained++ });
  assert.equal(trained, 0, "partial trains nothing");
  assert.deepEqual(partial.incomplete, ["tiny/0"]);
  assert.deepEqual(partial.summary.map((s) => [s.checkpoint, s.stochastic.n]), [[0, 2], [1024, 2], [2048, 1]]);
  assert.equal(partial.stepsPerSecond.length, 1, "rates of complete runs only");
});
