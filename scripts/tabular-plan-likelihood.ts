/**
 * Tuning-seed measurement behind docs/observer-tabular.md §14: choose the reward form by how well the PLANNED policy
 * explains the learner's last batch (mean log-likelihood of its actions), instead of by the held-out likelihood of
 * the learner model. For every run: the observer's true J with the default form choice, with the state form and with
 * the state–action form forced, and each plan's log-likelihood of the last batch (bootstrap off: the policy only).
 *
 * Usage: node --import tsx scripts/tabular-plan-likelihood.ts 100-109 [families] > pl.jsonl
 *        node --import tsx scripts/tabular-plan-likelihood.ts --analyse pl.jsonl …
 */
import { readFileSync } from "node:fs";
import { Rng } from "../src/core/rng.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS, type TabularLearnerId } from "../src/learners/tabular-learners.ts";
import { inferTabularReward, observerPolicy, type TabularLflConfig } from "../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

interface Plan { J: number; ll: number; form: string }
interface Row { family: string; learner: string; seed: number; last: number; def: Plan; state: Plan; sa: Plan }

if (process.argv[2] === "--analyse") {
  const rows = process.argv.slice(3).flatMap((f) => readFileSync(f, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Row));
  const rules: Record<string, (r: Row) => Plan> = {
    default: (r) => r.def, state: (r) => r.state, "state-action": (r) => r.sa,
    "plan likelihood": (r) => (r.state.ll >= r.sa.ll ? r.state : r.sa),
  };
  const improvable = rows.filter((r) => 1 - r.last > 0.01);
  for (const [name, pick] of Object.entries(rules)) {
    const cats = rows.filter((r) => pick(r).J - r.last < -0.1);
    console.log(`${name.padEnd(16)} ≥ last ${improvable.filter((r) => pick(r).J >= r.last).length}/${improvable.length}  catastrophes ${cats.length} (${cats.map((r) => `${r.family}/${r.learner}/${r.seed}`).join(", ")})`);
  }
} else {
  const [a, b] = process.argv[2]!.split("-").map(Number);
  if (!(a! >= 100)) throw new Error("tuning seeds (≥ 100) only");
  const families = (process.argv[3]?.split(",") ?? TABULAR_BENCHMARK.families) as TabularFamily[];
  const alpha = TABULAR_BENCHMARK.alpha;
  for (let seed = a!; seed <= (b ?? a!); seed++) for (const family of families) for (const learner of TABULAR_BENCHMARK.learners as readonly TabularLearnerId[]) {
    const { mdp } = benchmarkMdp(family, seed);
    const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
    const Jstar = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha), Ju = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
    const units = (pi: Float64Array): number => (softReturn(mdp, pi, alpha) - Ju) / (Jstar - Ju);
    const last = run.history.updates[run.history.updates.length - 1]!.trajectories[0]!;
    const ll = (pi: Float64Array): number => {
      let s = 0;
      for (let t = 0; t < last.actions.length; t++) s += Math.log(pi[last.observations[t]! * mdp.nA + last.actions[t]!]!);
      return s / last.actions.length;
    };
    const plan = (c: Partial<TabularLflConfig>): Plan => {
      const r = inferTabularReward(run.history, mdp, { bootstrap: 0, ...c });
      const pi = observerPolicy(mdp, r.reward, alpha);
      return { J: units(pi), ll: ll(pi), form: r.learnerModel.rewardForm };
    };
    const row: Row = { family, learner, seed, last: units(run.policies[run.policies.length - 1]!), def: plan({}), state: plan({ rewardForm: "state" }), sa: plan({ rewardForm: "state-action" }) };
    console.log(JSON.stringify(row));
  }
}
