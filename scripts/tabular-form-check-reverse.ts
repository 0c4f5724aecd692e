/**
 * Tuning-seed measurement behind docs/observer-tabular.md §14: the state-form check switches a state-only SPI reward
 * to the paper's r̄φ when the state plan is poor UNDER r̄φ (d, form-check.ts). On trap grids r̄φ is itself the poor
 * reward, so the check is also read the other way: d′ = the r̄φ plan's loss under the state reward (the same units).
 * For every run where the default computed the check: d, d′, and the true J of the state and the r̄φ observers.
 *
 * Usage: node --import tsx scripts/tabular-form-check-reverse.ts 100-129 [families] > fc.jsonl
 *        node --import tsx scripts/tabular-form-check-reverse.ts --analyse fc.jsonl …
 */
import { readFileSync } from "node:fs";
import { Rng } from "../src/core/rng.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { stateFormDisagreement } from "../src/observer/tabular/form-check.ts";
import { inferTabularReward, observerPolicy, TABULAR_LFL_DEFAULTS } from "../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

interface Row { family: string; learner: string; seed: number; last: number; d: number; dRev: number; state: number; sa: number; switched: boolean }

if (process.argv[2] === "--analyse") {
  const rows = process.argv.slice(3).flatMap((f) => readFileSync(f, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Row));
  const score = (pick: (r: Row) => number): string => {
    const imp = rows.filter((r) => 1 - r.last > 0.01);
    const cats = rows.filter((r) => pick(r) - r.last < -0.1);
    return `≥ last ${imp.filter((r) => pick(r) >= r.last).length}/${imp.length}, catastrophes ${cats.length} (${cats.map((r) => `${r.family}/${r.learner}/${r.seed}`).join(", ")})`;
  };
  console.log(`${rows.length} runs with the check computed`);
  console.log(`default (switch iff d > ${TABULAR_LFL_DEFAULTS.formCheck}): ${score((r) => (r.switched ? r.sa : r.state))}`);
  console.log(`never switch: ${score((r) => r.state)}`);
  for (const tau of [0.25, 0.5, 0.75, 1, 1.5, 2]) console.log(`switch iff d > ${TABULAR_LFL_DEFAULTS.formCheck} and d′ ≤ ${tau}: ${score((r) => (r.switched && r.dRev <= tau ? r.sa : r.state))}`);
} else {
  const [a, b] = process.argv[2]!.split("-").map(Number);
  if (!(a! >= 100)) throw new Error("tuning seeds (≥ 100) only");
  const families = (process.argv[3]?.split(",") ?? TABULAR_BENCHMARK.families) as TabularFamily[];
  const alpha = TABULAR_BENCHMARK.alpha, scale = TABULAR_LFL_DEFAULTS.planningScale;
  for (let seed = a!; seed <= (b ?? a!); seed++) for (const family of families) for (const learner of TABULAR_BENCHMARK.learners) {
    const { mdp } = benchmarkMdp(family, seed);
    const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
    const def = inferTabularReward(run.history, mdp, { bootstrap: 0 });
    const check = def.learnerModel.formCheck;
    if (!check) continue;
    const Jstar = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha), Ju = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
    const unitsPi = (pi: Float64Array): number => (softReturn(mdp, pi, alpha) - Ju) / (Jstar - Ju);
    const units = (r: Float64Array): number => unitsPi(observerPolicy(mdp, r, alpha));
    // The two planning rewards the check compared (the files hold them × planningScale).
    const rState = inferTabularReward(run.history, mdp, { bootstrap: 0, learnerModel: "spi", rewardForm: "state" }).reward.map((x) => x / scale);
    const rSA = inferTabularReward(run.history, mdp, { bootstrap: 0, learnerModel: "spi", rewardForm: "state-action" }).reward.map((x) => x / scale);
    const row: Row = {
      family, learner, seed, last: unitsPi(run.policies[run.policies.length - 1]!),
      d: stateFormDisagreement(mdp, rSA, rState), dRev: stateFormDisagreement(mdp, rState, rSA), switched: check.switched,
      state: units(rState.map((x) => x * scale)), sa: units(rSA.map((x) => x * scale)),
    };
    console.log(JSON.stringify(row));
  }
}
