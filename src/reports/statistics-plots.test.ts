import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { aggregateIntervals } from "../evaluation/aggregate-intervals.ts";
import { aggregateIqm } from "../evaluation/aggregate-metrics.ts";
import { performanceProfile, tauGrid } from "../evaluation/performance-profile.ts";
import { probabilityOfImprovementInterval } from "../evaluation/probability-of-improvement.ts";
import { returnCorrelation } from "../evaluation/return-correlation.ts";
import { renderAggregateIntervals } from "./aggregate-intervals-plot.ts";
import { renderPerformanceProfile } from "./performance-profile-plot.ts";
import { renderProbabilityOfImprovement } from "./probability-of-improvement-plot.ts";
import { renderReturnScatter } from "./return-scatter-plot.ts";

/** Balanced, properly nested tags under one <svg> root (comments, declarations and self-closing tags allowed). */
function assertWellFormedSvg(svg: string): void {
  assert.match(svg, /^<svg[\s>]/);
  assert.match(svg, /<\/svg>\s*$/);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:"[^"]*"|'[^']*'|[^'">])*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (close === "/") assert.equal(stack.pop(), name, `closing </${name}> at ${m.index}`);
    else if (selfClose !== "/") stack.push(name!);
  }
  assert.deepEqual(stack, []);
  assert.doesNotMatch(svg, /NaN|undefined|Infinity/);
}

// A synthetic benchmark: 3 tasks × 6 seeds per method, the observer better by ~0.5.
const rng = new Rng(42);
const make = (shift: number): number[][] => [0, 1, 2].map((t) => Array.from({ length: 6 }, () => shift + 0.3 * t + 0.4 * rng.normal()));
const methods = { observer: make(1.4), learner: make(1), "ppo-true": make(1.8) };

test("the four statistics plots render deterministic, well-formed SVG naming every series", async () => {
  const profiles = Object.fromEntries(Object.entries(methods).map(([k, v]) => [k, performanceProfile(v, tauGrid(0, 3, 31), new Rng(1), { resamples: 200 })]));
  const poi = [
    { x: "observer", y: "learner", ...probabilityOfImprovementInterval(methods.observer, methods.learner, new Rng(2), { resamples: 200 }) },
    { x: "ppo-true", y: "observer", ...probabilityOfImprovementInterval(methods["ppo-true"], methods.observer, new Rng(3), { resamples: 200 }) },
  ];
  const agg = aggregateIntervals(methods, new Rng(4), { resamples: 200 });
  const truth = Array.from({ length: 12 }, (_, i) => i * 10 + rng.normal());
  const points = truth.map((g, i) => ({ source: i < 6 ? "learner updates" : "random policy", trueReturn: g, recoveredReturn: 0.5 * g + 3 * rng.normal() }));
  const cor = returnCorrelation(points.map((p) => p.recoveredReturn), truth);
  const renders: Array<[() => Promise<string>, string[]]> = [
    [() => renderPerformanceProfile(profiles, { title: "profile test" }), ["observer", "learner", "ppo-true", "profile test"]],
    [() => renderProbabilityOfImprovement(poi), ["observer &gt; learner", "ppo-true &gt; observer"]],
    [() => renderAggregateIntervals(agg), ["observer", "learner", "ppo-true", "IQM", "optimality gap (lower is better)"]],
    [() => renderReturnScatter(points, { title: "scatter test", correlation: cor }), ["learner updates", "random policy", "Spearman"]],
  ];
  for (const [render, names] of renders) {
    const svg = await render();
    assertWellFormedSvg(svg);
    for (const n of names) assert.ok(svg.includes(n), `${n} missing`);
    assert.equal(await render(), svg, "same input, same bytes");
  }
});

test("aggregate intervals: one bootstrap per method, reproducible, point inside its interval", () => {
  const a = aggregateIntervals(methods, new Rng(9), { resamples: 300 });
  assert.deepEqual(Object.keys(a), ["learner", "observer", "ppo-true"]);
  assert.equal(a.observer!.iqm.point, aggregateIqm(methods.observer));
  assert.equal(a.observer!.runs, 18);
  for (const m of Object.values(a)) {
    for (const k of ["iqm", "mean", "median", "optimalityGap"] as const) assert.ok(m[k].ci[0] <= m[k].point && m[k].point <= m[k].ci[1], k);
  }
  assert.deepEqual(aggregateIntervals(methods, new Rng(9), { resamples: 300 }), a);
  // Each method has its own stream: dropping a method leaves the others' intervals as they were.
  const fewer = aggregateIntervals({ "ppo-true": methods["ppo-true"], observer: methods.observer }, new Rng(9), { resamples: 300 });
  assert.deepEqual(fewer.observer, a.observer);
  assert.deepEqual(fewer["ppo-true"], a["ppo-true"]);
});
