// The tabular benchmark in miniature (TUNING seeds 100–101, the library/CLI defaults): properties measured on the
// tuning runs (docs/observer-tabular.md §9), asserted on fewer runs; the evaluation seeds are only run for the report.
// The full done-when targets of issue 15 are NOT met (docs/observer-tabular.md §10).
import { test } from "node:test";
import assert from "node:assert/strict";
import { OBSERVER_FLAG_DEFAULTS } from "../observer/tabular/observer-flags.ts";
import { gapUnits, runTabularBenchmark, summariseTabularBenchmark } from "./tabular-benchmark.ts";

const runs = runTabularBenchmark({ families: ["garnet", "trap-grid"], learners: ["soft-policy-iteration"], seeds: [100, 101] });
// The same trap-grid run with the reward recovered under P̂ (the default before docs/observer-tabular.md §11).
const [underPhat] = runTabularBenchmark({ families: ["trap-grid"], learners: ["soft-policy-iteration"], seeds: [100], observer: { dynamics: "estimated" } });

test("benchmark records: every score, J* above every policy's J, the chosen assumptions", () => {
  assert.equal(runs.length, 4);
  for (const r of runs) {
    for (const x of [r.observer, r.learnerLast, r.learnerBest, r.optimal, r.uniform, r.recoveredReturn]) assert.ok(Number.isFinite(x));
    assert.ok(r.optimal >= r.observer - 1e-9 && r.optimal >= r.learnerBest - 1e-9 && r.learnerBest >= r.learnerLast);
    assert.ok(["spi", "svi"].includes(r.learnerModel) && ["state", "state-action"].includes(r.rewardForm));
    assert.equal(Object.keys(r.heldOut).length, 4);
    // The TD gate ran (default rule) and its evidence is in the record; SPI histories keep their SPI / SVI reward.
    assert.ok(r.tdGate !== null && r.tdGate.rule === "in-sample" && r.tdGate.coverage > 0 && r.tdGate.coverage <= 1 && Number.isFinite(r.tdGate.advantage));
    assert.equal(r.tdGate.used, false);
    assert.equal(r.tdGate.heldOutAdvantage, null);
  }
});

test("data-chosen form: a Garnet's action-dependent reward is recovered state–action, and no Garnet run ends > 10% below its learner", () => {
  for (const r of runs.filter((x) => x.family === "garnet")) {
    assert.equal(r.rewardForm, "state-action");
    assert.ok(gapUnits(r).observerMinusLearner > -0.1, `${r.seed}: ${gapUnits(r).observerMinusLearner}`);
  }
});

test("state-form check: under P̂, trap-grid seed 100's state-only SPI reward (observer −1.06 of J* − J(U) below its learner, into a trap) is replaced by r̄φ; under the MDP's own P it is right and kept; no catastrophe in these cells", () => {
  const r = underPhat!;
  assert.ok(r.formCheck !== null && r.formCheck.switched && r.formCheck.disagreement > 0.25, JSON.stringify(r.formCheck));
  assert.equal(r.rewardForm, "state-action");
  assert.ok(gapUnits(r).observerMinusLearner > -0.1, `${gapUnits(r).observerMinusLearner}`);
  // The default: the trap is no teleporter under the true P, so the state-only reward (the true form) plans well.
  const known = runs.find((x) => x.family === "trap-grid" && x.seed === 100)!;
  assert.equal(known.rewardForm, "state");
  assert.ok(known.formCheck !== null && !known.formCheck.switched, JSON.stringify(known.formCheck));
  const s = summariseTabularBenchmark(runs);
  assert.equal(s.catastrophes, 0);
  for (const x of runs) assert.ok(gapUnits(x).observerMinusLearner > -0.1, `${x.family} ${x.seed}: ${gapUnits(x).observerMinusLearner}`);
});

test("ASSUMPTION-CONFLICT: under P̂, trap-grid seed 100's two SPI reward forms contradict each other (d = 1.82 > 1.8) and the run is flagged; the summary's detector rates follow their definitions", () => {
  const tau = OBSERVER_FLAG_DEFAULTS.maxFormDisagreement;
  const r = underPhat!;
  assert.ok(r.formCheck !== null && r.formCheck.disagreement > tau, JSON.stringify(r.formCheck));
  assert.ok(r.flags.includes("ASSUMPTION-CONFLICT"), r.flags.join());
  const all = [...runs, r];
  for (const x of all) assert.equal(x.flags.includes("ASSUMPTION-CONFLICT"), x.formCheck !== null && x.formCheck.disagreement > tau);
  const s = summariseTabularBenchmark(all);
  const flagged = all.filter((x) => x.flags.length > 0).length;
  assert.equal(s.flagged, flagged);
  assert.ok(flagged > 0 && s.flagPrecision === 0, `no catastrophe here, so every flag is a false alarm: ${s.flagPrecision}`);
  assert.ok(Number.isNaN(s.flagRecall));
  const ni = all.reduce((a, x) => a + x.nonImproving, 0);
  assert.equal(s.nonImprovingFlags, ni);
  if (ni > 0) assert.equal(s.nonImprovingPrecision, all.reduce((a, x) => a + x.nonImprovingTrulyWorse, 0) / ni);
  for (const x of all) assert.ok(x.nonImprovingTrulyWorse <= Math.min(x.nonImproving, x.trulyWorse) && x.worseByMoreThan1PctFlagged <= x.worseByMoreThan1Pct);
});
