/**
 * Tuning-seed measurement behind docs/observer-tabular.md §17: where the plans go when the state-form check (§9)
 * switches a state-only SPI reward to the paper's r̄φ. For every benchmark run (bootstrap off): the true J of the
 * observer as it was before §17 (`formCheckShift: 0`) and of the learner's last policy (units of J* − J(U)), and two features of a plan — `contra`, the
 * plan's discounted occupancy on pairs the learner's last batch took < 5% of the time in states it visited ≥ 10
 * times, and `tv`, the total-variation distance between the plan's state occupancy and π̂_K's (form-check.ts
 * `occupancyShift`); where the check ran, the same for the r̄φ plan and the state plan.
 *
 * Usage: node --import tsx scripts/tabular-form-switch-shift.ts 100-129 > shift.jsonl
 *        node --import tsx scripts/tabular-form-switch-shift.ts --analyse shift.jsonl default-runs.jsonl
 * (default-runs.jsonl: `scripts/tabular-tune.ts '{}' 100-129 --runs …`, for the flags the default raised.)
 */
import { readFileSync } from "node:fs";
import { Rng } from "../src/core/rng.ts";
import type { TabularMdp } from "../src/envs/tabular/tabular-mdp.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularBenchmarkRun } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { occupancyShift } from "../src/observer/tabular/form-check.ts";
import { discountedOccupancy } from "../src/observer/tabular/observer-flags.ts";
import { tabularBatches, visitCounts } from "../src/observer/tabular/tabular-policy-estimation.ts";
import { inferTabularReward, observerPolicy } from "../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

interface Features { contra: number; tv: number }
interface Row { family: string; learner: string; seed: number; last: number; obs: number; plan: Features; switched?: boolean; state?: number; sa?: number; fState?: Features; fSA?: Features; where?: Record<"last" | "sa" | "state", { corner: number; goal: number }> }

/** Trap grids: discounted occupancy of the start cell with its two neighbours, and of the goal (the last cell). */
function where(mdp: TabularMdp, pi: Float64Array, cols: number): { corner: number; goal: number } {
  const occ = discountedOccupancy(mdp, pi);
  const mass = (s: number): number => { let m = 0; for (let a = 0; a < mdp.nA; a++) m += occ[s * mdp.nA + a]!; return m; };
  return { corner: mass(0) + mass(1) + mass(cols), goal: mass(mdp.nS - 1) };
}

/** Occupancy of `pi` on pairs the last batch shows in < eps of a state's visits, over states with ≥ m visits. */
function contra(mdp: TabularMdp, pi: Float64Array, nK: Float64Array, m = 10, eps = 0.05): number {
  const { nS, nA } = mdp;
  const occ = discountedOccupancy(mdp, pi);
  let c = 0;
  for (let s = 0; s < nS; s++) {
    let ns = 0;
    for (let a = 0; a < nA; a++) ns += nK[s * nA + a]!;
    if (ns >= m) for (let a = 0; a < nA; a++) if (nK[s * nA + a]! / ns < eps) c += occ[s * nA + a]!;
  }
  return c;
}

function analyse(rows: Row[], defaults: Map<string, TabularBenchmarkRun>): void {
  const key = (r: { family: string; learner: string; seed: number }): string => `${r.family} ${r.learner} ${r.seed}`;
  const flagged = (r: Row): boolean => (defaults.get(key(r))?.flags.length ?? 0) > 0;
  const cat = (r: Row, obs = r.obs): boolean => obs - r.last < -0.1;
  console.log(`${rows.length} runs: ${rows.filter((r) => cat(r)).length} catastrophes, ${rows.filter((r) => cat(r) && !flagged(r)).length} unflagged, ${rows.filter(flagged).length} flagged`);
  for (const [name, f] of [["contra", (r: Row) => r.plan.contra], ["tv", (r: Row) => r.plan.tv]] as const) {
    for (const th of [0.05, 0.1, 0.2, 0.3, 0.5, 0.7]) {
      const extra = rows.filter((r) => !flagged(r) && f(r) > th);
      console.log(`flag ${name} > ${th}: +${extra.length} flagged (${rows.filter(flagged).length + extra.length} in all), catching ${extra.filter((r) => cat(r)).length} unflagged catastrophes`);
    }
  }
  const checked = rows.filter((r) => r.switched !== undefined);
  const score = (pick: (r: Row) => number): string => {
    const imp = checked.filter((r) => 1 - r.last > 0.01);
    const cats = checked.filter((r) => cat(r, pick(r)));
    return `≥ last ${imp.filter((r) => pick(r) >= r.last).length}/${imp.length}, catastrophes ${cats.length} (${cats.map(key).join(", ")})`;
  };
  console.log(`${checked.length} runs with the check; default (switch iff d > 0.5): ${score((r) => (r.switched ? r.sa! : r.state!))}`);
  for (const r of checked.filter((x) => x.switched && x.where !== undefined)) {
    const w = r.where!;
    console.log(`switched ${key(r)}: start-corner / goal occupancy — learner's last ${w.last.corner.toFixed(2)} / ${w.last.goal.toFixed(3)}, r̄φ plan ${w.sa.corner.toFixed(2)} / ${w.sa.goal.toFixed(3)}, state plan ${w.state.corner.toFixed(2)} / ${w.state.goal.toFixed(3)}`);
  }
  for (const m of [1.25, 1.5, 2, 3, 4, 6]) for (const off of [0, 0.05, 0.1, 0.2]) {
    console.log(`switch iff d > 0.5 and tv(r̄φ plan) ≤ ${m}·tv(state plan) + ${off}: ${score((r) => (r.switched && r.fSA!.tv <= m * r.fState!.tv + off ? r.sa! : r.state!))}`);
  }
}

if (process.argv[2] === "--analyse") {
  const rows = readFileSync(process.argv[3]!, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Row);
  const runs = readFileSync(process.argv[4]!, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as TabularBenchmarkRun);
  analyse(rows, new Map(runs.map((r) => [`${r.family} ${r.learner} ${r.seed}`, r])));
} else {
  const [a, b] = process.argv[2]!.split("-").map(Number);
  if (!(a! >= 100)) throw new Error("tuning seeds (≥ 100) only");
  const alpha = TABULAR_BENCHMARK.alpha;
  for (let seed = a!; seed <= (b ?? a!); seed++) for (const family of TABULAR_BENCHMARK.families) for (const learner of TABULAR_BENCHMARK.learners) {
    const { mdp, layout } = benchmarkMdp(family, seed);
    const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
    const def = inferTabularReward(run.history, mdp, { bootstrap: 0, formCheckShift: 0 }); // the check without §17's condition
    const Jstar = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha), Ju = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
    const units = (pi: Float64Array): number => (softReturn(mdp, pi, alpha) - Ju) / (Jstar - Ju);
    const batches = tabularBatches(run.history, mdp.nS, mdp.nA);
    const nK = visitCounts(batches[batches.length - 1]!, mdp.nS, mdp.nA);
    const piK = def.policies[def.policies.length - 1]!;
    const features = (pi: Float64Array): Features => ({ contra: contra(mdp, pi, nK), tv: occupancyShift(mdp, pi, piK) });
    const plan = observerPolicy(mdp, def.reward, alpha);
    const row: Row = { family, learner, seed, last: units(run.policies[run.policies.length - 1]!), obs: units(plan), plan: features(plan) };
    if (def.learnerModel.formCheck) {
      const forced = (form: "state" | "state-action"): Float64Array => observerPolicy(mdp, inferTabularReward(run.history, mdp, { bootstrap: 0, learnerModel: "spi", rewardForm: form }).reward, alpha);
      const pS = forced("state"), pSA = forced("state-action");
      Object.assign(row, { switched: def.learnerModel.formCheck.switched, state: units(pS), sa: units(pSA), fState: features(pS), fSA: features(pSA) });
      if (family === "trap-grid" && layout) row.where = { last: where(mdp, run.policies[run.policies.length - 1]!, layout.cols), sa: where(mdp, pSA, layout.cols), state: where(mdp, pS, layout.cols) };
    }
    console.log(JSON.stringify(row));
  }
}
