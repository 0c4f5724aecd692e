/**
 * Diagnosis behind docs/observer-tabular.md §11 (tuning seeds only): trap-grid SPI histories, scores in units of
 * J* − J(U) (0 = uniform, 1 = optimal, α = 0.3) — the learner's last policy; Theorem 2 on the learner's EXACT
 * policies under the true P, planned at α with the scale α/α_model; the observer with the reward under P̂ and the
 * form check at §9's 0.25; under the known P with the same check; under the known P with the default (0.5).
 *
 * Usage: npx tsx scripts/tabular-trap-diagnosis.ts [seeds ≥ 100, default 100-109]
 */
import { Rng } from "../src/core/rng.ts";
import { benchmarkMdp, TABULAR_BENCHMARK } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { inferTabularReward, observerPolicy, recoverFromPolicies, TABULAR_LFL_DEFAULTS, type TabularLflConfig } from "../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

const [a, b] = (process.argv[2] ?? "100-109").split("-").map(Number);
const seeds = Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
if (seeds.some((s) => s < 100)) throw new Error("tuning seeds (≥ 100) only");
const alpha = TABULAR_BENCHMARK.alpha, alphaModel = TABULAR_LFL_DEFAULTS.alphaModel;
console.log("seed  last   exact  P̂/0.25  P/0.25  P/0.5   form (P/0.5)");
for (const seed of seeds) {
  const { mdp } = benchmarkMdp("trap-grid", seed);
  const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(seed));
  const Jstar = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha), Ju = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
  const units = (pi: Float64Array): string => ((softReturn(mdp, pi, alpha) - Ju) / (Jstar - Ju)).toFixed(3).padStart(6);
  const exact = recoverFromPolicies(mdp, run.policies, alphaModel).reward.map((r) => (r * alpha) / alphaModel);
  const observe = (c: Partial<TabularLflConfig>) => inferTabularReward(run.history, mdp, { bootstrap: 0, ...c });
  const def = observe({});
  console.log(`${seed}  ${units(run.policies[run.policies.length - 1]!)} ${units(observerPolicy(mdp, exact, alpha))}  ${units(observerPolicy(mdp, observe({ dynamics: "estimated", formCheck: 0.25 }).reward, alpha))}  ${units(observerPolicy(mdp, observe({ formCheck: 0.25 }).reward, alpha))} ${units(observerPolicy(mdp, def.reward, alpha))}   ${def.learnerModel.rewardForm}`);
}
