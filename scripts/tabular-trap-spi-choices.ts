/**
 * Tuning-seed diagnosis behind docs/observer-tabular.md §14: for each trap-grid SPI history, the learner's last
 * policy, the default observer and the state form forced (true J − the learner's, in units of J* − J(U)), the
 * assumptions the default chose, the best-predicting cross-validation candidate with its per-fold held-out
 * log-likelihoods, and the state-form check's d ("S" when it switched). Bootstrap off (the policy only).
 *
 * Usage: node --import tsx scripts/tabular-trap-spi-choices.ts [seeds ≥ 100, default 100-129]
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
for (let seed = a!; seed <= (b ?? a!); seed++) {
  const { mdp } = trapGrid({ seed });
  const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(seed));
  const Jstar = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha), Ju = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
  const units = (pi: Float64Array): number => (softReturn(mdp, pi, alpha) - Ju) / (Jstar - Ju);
  const last = units(run.policies[run.policies.length - 1]!);
  const def = inferTabularReward(run.history, mdp, { bootstrap: 0 }), lm = def.learnerModel;
  const state = inferTabularReward(run.history, mdp, { bootstrap: 0, rewardForm: "state" });
  const scores = lm.selection?.scores ?? [];
  const top = scores.length > 0 ? scores.reduce((x, y) => (y.heldOut > x.heldOut ? y : x)) : undefined;
  const folds = scores.map((s) => `${s.name} ${s.heldOut.toFixed(3)} [${s.perFold.map((v) => v.toFixed(3)).join(", ")}]`).join(" | ");
  const dDef = units(observerPolicy(mdp, def.reward, alpha)) - last, dState = units(observerPolicy(mdp, state.reward, alpha)) - last;
  const check = lm.formCheck ? `${lm.formCheck.disagreement.toFixed(2)}${lm.formCheck.switched ? " S" : ""}` : "—";
  console.log(`${seed} last ${last.toFixed(3)}  default ${dDef.toFixed(3)} (${lm.kind}/${lm.rewardForm}; best CV ${top?.name ?? "—"}; check d ${check})  state forced ${dState.toFixed(3)}${dDef < -0.1 ? "  catastrophe" : ""}`);
  console.log(`      held-out updates ${lm.selection?.heldOutUpdates.join(", ") ?? "—"}: ${folds}`);
}
