// Issue 15, fifth pass: one inference per tabular-benchmark run on TUNING seeds (default 100–109) with the library
// defaults, and everything the candidate rules of docs/observer-tabular.md §10 need, written as JSON lines:
//   - the true J (α = 0.3) of the default observer, of the learner's updates, J*, J(U) — for SCORING only;
//   - candidate policies' true J: π̂_K at λ ∈ {0.3, 0.05, 0.01}, the state-wise mixture ½ plan + ½ π̂_K, one soft
//     policy improvement of π̂_K under the planning reward (α 0.3 and α_model 0.7), the plan on the paper's r̄φ;
//   - features a rule may use (no true reward): flags' quantities, the form check's d, the plan's normalised
//     advantage over π̂_K under r̄φ, under the SVI model's state–action reward and under each bootstrap reward;
//   - per update: the recovered-reward returns, the bootstrap drop fraction, the true J (NON-IMPROVING tuning).
// Run: nice -n 5 node --import tsx scripts/tabular-benchmark-tuning.ts [seeds, e.g. 100-109] [out.jsonl]
// Analyse: node --import tsx scripts/tabular-benchmark-tuning-analysis.ts out.jsonl
import { appendFileSync, writeFileSync } from "node:fs";
import { Rng } from "../src/core/rng.ts";
import type { TabularMdp } from "../src/envs/tabular/tabular-mdp.ts";
import { benchmarkMdp, TABULAR_BENCHMARK } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { selectLearnerModel } from "../src/observer/tabular/learner-model-selection.ts";
import { discountedOccupancy, observerFlags } from "../src/observer/tabular/observer-flags.ts";
import { planOnReward } from "../src/observer/tabular/plan-on-reward.ts";
import { inferTabularReward, pessimisticReward, TABULAR_LFL_DEFAULTS } from "../src/observer/tabular/tabular-lfl.ts";
import { estimatePolicy, tabularBatches, visitCounts } from "../src/observer/tabular/tabular-policy-estimation.ts";
import { softPolicyImprovement, softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

const range = (s: string): number[] => s.split(",").flatMap((p) => { const [a, b] = p.split("-").map(Number); return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i); });
const seeds = range(process.argv[2] ?? "100-109");
const out = process.argv[3] ?? "/tmp/t15-tuning.jsonl";
writeFileSync(out, "");
const alpha = TABULAR_BENCHMARK.alpha;
const c = TABULAR_LFL_DEFAULTS;

/** (J_r(π) − J_r(π̂_K)) / (J_r(π*_r) − J_r(U)) under the true dynamics: the plan's advantage over the learner's estimate under reward r. */
function normalisedAdvantage(mdp: TabularMdp, r: Float64Array, pi: Float64Array, base: Float64Array): number {
  const m = mdp.withReward(r);
  const best = softReturn(m, planOnReward(mdp, r, alpha).pi, alpha), u = softReturn(m, uniformPolicy(mdp.nS, mdp.nA), alpha);
  return (softReturn(m, pi, alpha) - softReturn(m, base, alpha)) / Math.max(1e-9, best - u);
}

const t0 = Date.now();
for (const family of TABULAR_BENCHMARK.families) {
  for (const learner of TABULAR_BENCHMARK.learners) {
    for (const seed of seeds) {
      const t = Date.now();
      const { mdp } = benchmarkMdp(family, seed);
      const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
      const J = run.policies.map((pi) => softReturn(mdp, pi, alpha));
      const res = inferTabularReward(run.history, mdp, {});
      const f = observerFlags(mdp, res, alpha);
      const plan = planOnReward(mdp, res.reward, alpha).pi;
      const { nS, nA } = mdp;
      const batches = tabularBatches(run.history, nS, nA);
      const counts = batches.map((b) => visitCounts(b, nS, nA));
      const last = res.policies[res.policies.length - 1]!;
      const lastCounts = counts[counts.length - 1]!;
      const piHat = (lambda: number): Float64Array => estimatePolicy(lastCounts, nS, nA, lambda);
      const last3 = new Float64Array(nS * nA);
      for (const n of counts.slice(-3)) for (let i = 0; i < n.length; i++) last3[i] = last3[i]! + n[i]!;
      const hybrid = (base: Float64Array, n: Float64Array, m: number): Float64Array => {
        const imitate = estimatePolicy(n, nS, nA, 0.05), out = Float64Array.from(base);
        for (let s = 0; s < nS; s++) {
          let N = 0;
          for (let a = 0; a < nA; a++) N += n[s * nA + a]!;
          if (N >= m) for (let a = 0; a < nA; a++) out[s * nA + a] = imitate[s * nA + a]!;
        }
        return out;
      };
      const piLast005 = estimatePolicy(lastCounts, nS, nA, 0.05);
      const imitationReward = (kappa: number): Float64Array => res.reward.map((r, i) => {
        const st = Math.floor(i / nA);
        let N = 0;
        for (let a = 0; a < nA; a++) N += lastCounts[st * nA + a]!;
        return N >= 5 ? r + kappa * Math.log(piLast005[i]!) : r;
      });
      const mix = plan.map((p, i) => 0.5 * p + 0.5 * last[i]!);
      const paperPlanning = pessimisticReward(res.paperReward, res.visits, c.pessimism);
      const svi = selectLearnerModel({ model: res.model, batches, counts, policies: res.policies, spiReward: res.paperReward, alphaModel: c.alphaModel }, { models: ["svi"], margin: c.selectionMargin, tdSteps: c.tdSteps, iterations: c.mlIterations, spiIterations: c.spiScoreIterations, priorVisits: 0, rewardForm: "state-action", stateIterations: c.stateIterations }).chosen.reward;
      const sviPlanning = pessimisticReward(svi, res.visits, c.pessimism);
      const trueJ = (pi: Float64Array): number => softReturn(mdp, pi, alpha);
      const hotPlan = planOnReward(mdp, res.reward, c.alphaModel).pi;
      const occ = discountedOccupancy(mdp, hotPlan);
      let hotOff = 0;
      for (let i = 0; i < occ.length; i++) if (res.visits[i]! < 5) hotOff += occ[i]!;
      const hotAdv = (res.bootstrap?.rewards ?? []).map((r) => { const m = mdp.withReward(r); return softReturn(m, hotPlan, c.alphaModel) - softReturn(m, last, c.alphaModel); });
      const hotWin = hotAdv.filter((a) => a > 0).length / Math.max(1, hotAdv.length);
      const rec = {
        family, learner, seed,
        observer: trueJ(plan), learnerJ: J, learnerLast: J[J.length - 1]!, learnerBest: Math.max(...J),
        optimal: trueJ(softValueIteration(mdp, alpha).pi), uniform: trueJ(uniformPolicy(nS, nA)),
        model: res.learnerModel.chosen, form: res.learnerModel.rewardForm,
        formCheck: res.learnerModel.formCheck ?? null,
        flags: f.flags, offSupport: f.offSupportMass, winFraction: f.winFraction,
        cand: {
          piHat03: trueJ(last), piHat005: trueJ(piHat(0.05)), piHat001: trueJ(piHat(0.01)), mix: trueJ(mix),
          spiStep03: trueJ(softPolicyImprovement(mdp.withReward(res.reward), last, alpha)),
          spiStep07: trueJ(softPolicyImprovement(mdp.withReward(res.reward), last, c.alphaModel)),
          paper: trueJ(planOnReward(mdp, paperPlanning, alpha).pi),
          svi: trueJ(planOnReward(mdp, sviPlanning, alpha).pi),
          // Planning temperature: r̂ ≈ (α_model/α_L)·r + shaping (Theorem 2 is linear in α), so planning at α_model
          // is planning on r at the learner's α (= the evaluation α here, 0.3).
          hot05: trueJ(planOnReward(mdp, res.reward, 0.5).pi),
          hot07: trueJ(hotPlan),
          hot07beta0: trueJ(planOnReward(mdp, res.fittedReward, c.alphaModel).pi),
          hot07beta1: trueJ(planOnReward(mdp, pessimisticReward(res.fittedReward, res.visits, 1), c.alphaModel).pi),
          hot07beta2: trueJ(planOnReward(mdp, pessimisticReward(res.fittedReward, res.visits, 2), c.alphaModel).pi),
          hot07paper: trueJ(planOnReward(mdp, paperPlanning, c.alphaModel).pi),
          // Imitate where the data show the learner, plan elsewhere: π̂_K (λ 0.05) in states with ≥ m actions in the
          // last batch (or the last 3 batches), the plan in the others.
          hybrid1: trueJ(hybrid(plan, lastCounts, 1)), hybrid5: trueJ(hybrid(plan, lastCounts, 5)), hybrid20: trueJ(hybrid(plan, lastCounts, 20)),
          hybrid3b5: trueJ(hybrid(plan, last3, 5)),
          // Pessimism β on the chosen (fitted) reward, and the planning temperature, each alone.
          beta0: trueJ(planOnReward(mdp, res.fittedReward, alpha).pi),
          beta025: trueJ(planOnReward(mdp, pessimisticReward(res.fittedReward, res.visits, 0.25), alpha).pi),
          beta1: trueJ(planOnReward(mdp, pessimisticReward(res.fittedReward, res.visits, 1), alpha).pi),
          cold02: trueJ(planOnReward(mdp, res.reward, 0.2).pi),
          warm04: trueJ(planOnReward(mdp, res.reward, 0.4).pi),
          ...Object.fromEntries([0.33, 0.35, 0.375, 0.425, 0.45].map((t) => [`warm${t}`, trueJ(planOnReward(mdp, res.reward, t).pi)])),
          warm04beta025: trueJ(planOnReward(mdp, pessimisticReward(res.fittedReward, res.visits, 0.25), 0.4).pi),
          warm04beta1: trueJ(planOnReward(mdp, pessimisticReward(res.fittedReward, res.visits, 1), 0.4).pi),
          // The hybrid as a REWARD (so that lfl observe could still plan on it): + κ ln π̂_K(a|s) in states with ≥ 5
          // actions in the last batch.
          imitate03: trueJ(planOnReward(mdp, imitationReward(0.3), alpha).pi),
          imitate1: trueJ(planOnReward(mdp, imitationReward(1), alpha).pi),
          imitate3: trueJ(planOnReward(mdp, imitationReward(3), alpha).pi),
        },
        hotFlags: { offSupport: hotOff, winFraction: hotWin },
        feat: {
          advPaper: normalisedAdvantage(mdp, paperPlanning, plan, last),
          advSvi: normalisedAdvantage(mdp, sviPlanning, plan, last),
          advBoot: (res.bootstrap?.rewards ?? []).map((r) => normalisedAdvantage(mdp, r, plan, last)),
          advOwn: normalisedAdvantage(mdp, res.reward, plan, last),
        },
        updates: res.diagnostics.map((d, k) => ({ from: d.returnFrom, to: d.returnTo, dropFraction: d.dropFraction, nonImproving: d.nonImproving, trueFrom: J[k]!, trueTo: J[k + 1]! })),
        seconds: (Date.now() - t) / 1000,
      };
      appendFileSync(out, `${JSON.stringify(rec)}\n`);
      process.stderr.write(`${family} ${learner} ${seed} ${rec.seconds.toFixed(1)} s\n`);
    }
  }
}
process.stderr.write(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s → ${out}\n`);
