/**
 * Could the cross-validated learner model gate the state-form check (docs/observer-tabular.md §14)? For every
 * trap-grid history (four learners, tuning seeds) on which the check runs: whether it switched to r̄φ ("S"), its d,
 * the held-out log-likelihood per action of svi/state minus spi/state and of spi/state-action minus spi/state
 * (> 0: the first predicts the held-out updates better), and the default observer's and the state-form observer's
 * true J minus the learner's last (units of J* − J(U)). Bootstrap off.
 *
 *   node --import tsx scripts/tabular-trap-cv-gate.ts 100-129
 */
import { Rng } from "../src/core/rng.ts";
import { trapGrid } from "../src/envs/tabular/trap-grid.ts";
import { TABULAR_BENCHMARK } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { inferTabularReward, observerPolicy } from "../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";
const [a, b] = (process.argv[2] ?? "100-129").split("-").map(Number);
if (!(a! >= 100)) throw new Error("tuning seeds (≥ 100) only");
const alpha = TABULAR_BENCHMARK.alpha;
for (const learner of ["soft-policy-iteration", "soft-value-iteration", "q-learning", "random-improvement"] as const) for (let seed = a!; seed <= b!; seed++) {
  const { mdp } = trapGrid({ seed });
  const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
  const Jstar = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha), Ju = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
  const units = (pi: Float64Array): number => (softReturn(mdp, pi, alpha) - Ju) / (Jstar - Ju);
  const last = units(run.policies[run.policies.length - 1]!);
  const def = inferTabularReward(run.history, mdp, { bootstrap: 0 }), lm = def.learnerModel;
  if (!lm.formCheck) continue;
  const state = inferTabularReward(run.history, mdp, { bootstrap: 0, rewardForm: "state" });
  const sc = Object.fromEntries((lm.selection?.scores ?? []).map((s) => [s.name, s]));
  const diff = (x: string, y: string) => sc[x] && sc[y] ? (sc[x].heldOut - sc[y].heldOut) : NaN;
  const dDef = units(observerPolicy(mdp, def.reward, alpha)) - last, dState = units(observerPolicy(mdp, state.reward, alpha)) - last;
  console.log([learner.slice(0, 6), seed, lm.formCheck.switched ? "S" : "-", lm.formCheck.disagreement.toFixed(2), "svi-spi(state)", diff("svi/state", "spi/state").toFixed(4), "spi sa-state", diff("spi/state-action", "spi/state").toFixed(4), "def", dDef.toFixed(3), "state", dState.toFixed(3)].join(" "));
}
