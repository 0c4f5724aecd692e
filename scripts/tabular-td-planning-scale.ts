/**
 * Issue 15, tuning seeds only: is §10.1's planning scale (0.8, tuned when every run planned on an SPI/SVI reward)
 * the right one for the rewards the TD gate (§12–13) hands to the observer? For every benchmark run whose default
 * inference opened the TD gate, the observer's true J (units of J* − J(U), minus the learner's last policy) when the
 * same reward is planned at α / s for each scale s. Bootstrap off (it feeds the flags only, not the plan).
 *
 *   node --import tsx scripts/tabular-td-planning-scale.ts 100-129 > td-scale.jsonl
 *   node --import tsx scripts/tabular-td-planning-scale.ts --analyse td-scale.jsonl   (the tables of §15)
 */
import { tuningMain } from "./tabular-tuning-main.ts";
import { Rng } from "../src/core/rng.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS, type TabularLearnerId } from "../src/learners/tabular-learners.ts";
import { TabularMdp } from "../src/envs/tabular/tabular-mdp.ts";
import { heldOutTdAdvantage } from "../src/observer/tabular/td-gate.ts";
import { inferTabularReward, observerPolicy, recoverFromPolicies, TABULAR_LFL_DEFAULTS } from "../src/observer/tabular/tabular-lfl.ts";
import { estimatePolicy, estimateStart, tabularBatches, visitCounts } from "../src/observer/tabular/tabular-policy-estimation.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

const SCALES = [0.3, 0.4, 0.5, 0.65, 0.8, 1, 1.25] as const;
interface Row { family: string; learner: string; seed: number; td: boolean; gap: number; delta: Record<string, number>; z?: number; coverage?: number }

function measure(family: TabularFamily, learner: TabularLearnerId, seed: number): Row {
  const alpha = TABULAR_BENCHMARK.alpha;
  const { mdp } = benchmarkMdp(family, seed);
  const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
  const J = (pi: Float64Array): number => softReturn(mdp, pi, alpha);
  const opt = J(softValueIteration(mdp, alpha).pi), uni = J(uniformPolicy(mdp.nS, mdp.nA)), last = J(run.policies[run.policies.length - 1]!);
  const units = (pi: Float64Array): number => (J(pi) - last) / (opt - uni);
  const def = inferTabularReward(run.history, mdp, { bootstrap: 0 });
  const td = def.learnerModel.tdGate?.used === true;
  // The planning reward is linear in the scale: plan (def.reward / 0.8) · s for each s (the same fitted reward, one inference).
  const base = def.reward.map((r) => r / TABULAR_LFL_DEFAULTS.planningScale);
  const delta = Object.fromEntries(td ? SCALES.map((s) => [String(s), units(observerPolicy(mdp, base.map((r) => r * s), alpha))]) : []);
  // The held-out TD evidence (td-gate.ts's held-out rule: z = advantage / SE) of the runs whose gate opened.
  let z: number | undefined;
  if (td) {
    const c = TABULAR_LFL_DEFAULTS, { nS, nA, gamma } = mdp, batches = tabularBatches(run.history, nS, nA), counts = batches.map((b) => visitCounts(b, nS, nA));
    const policies = counts.map((n) => estimatePolicy(n, nS, nA, c.lambda));
    const model = new TabularMdp({ nS, nA, P: mdp.P, r: new Float64Array(nS * nA), start: estimateStart(batches, nS), gamma, name: "known-dynamics-model" });
    const h = heldOutTdAdvantage({ model, batches, counts, policies, spiReward: recoverFromPolicies(model, policies, c.alphaModel).reward, alphaModel: c.alphaModel }, c);
    z = h.advantage / h.se;
  }
  return { family, learner, seed, td, gap: (opt - last) / (opt - uni), delta, ...(z !== undefined ? { z, coverage: def.learnerModel.tdGate!.coverage } : {}) };
}

function analyse(rows: Row[]): void {
  const tdRuns = rows.filter((r) => r.td), counted = tdRuns.filter((r) => r.gap > 0.01);
  const atLeast = (d: (r: Row) => number): number => counted.filter((r) => d(r) >= 0).length;
  const cats = (d: (r: Row) => number, rs = tdRuns): number => rs.filter((r) => d(r) < -0.1).length;
  console.log(`${rows.length} runs, ${tdRuns.length} with the TD gate open (${counted.length} where the learner's last is > 1% below J*)`);
  console.log("scale  ≥ last (of counted)  catastrophes (< −0.1; random-improvement)  mean Δ per family × learner");
  const random = tdRuns.filter((r) => r.learner === "random-improvement");
  for (const s of SCALES) {
    const d = (r: Row): number => r.delta[String(s)]!;
    const cells = [...new Set(tdRuns.map((r) => `${r.family}/${r.learner.slice(0, 6)}`))].map((k) => {
      const rs = tdRuns.filter((r) => `${r.family}/${r.learner.slice(0, 6)}` === k);
      return `${k} ${(rs.reduce((a, r) => a + d(r), 0) / rs.length).toFixed(4)} (${rs.length})`;
    });
    console.log(`${String(s).padEnd(6)} ${atLeast(d)}/${counted.length}  ${cats(d)}; ${cats(d, random)}  ${cells.join("; ")}`);
  }
  if (tdRuns.some((r) => r.z === undefined)) return;
  // The held-out test (z > 1) and the last batch's coverage, by learner, over the gated runs.
  for (const l of [...new Set(tdRuns.map((r) => r.learner))]) {
    const rs = tdRuns.filter((r) => r.learner === l), pass = rs.filter((r) => r.z! > 1), cov = pass.map((r) => r.coverage!).sort((a, b) => a - b);
    console.log(`${l}: held-out test passes on ${pass.length}/${rs.length}` + (cov.length ? `; their coverage ${cov[0]!.toFixed(2)}–${cov[cov.length - 1]!.toFixed(2)}, ≤ 0.5 on ${cov.filter((c) => c <= 0.5).length}` : ""));
  }
  // Rules: scale s when z > zt and coverage ≤ c, else the default 0.8.
  const rule = (s: number, zt: number, c: number) => (r: Row): number => r.delta[String(r.z! > zt && r.coverage! <= c ? s : 0.8)]!;
  console.log("rule (s when z > zt and coverage ≤ c, else 0.8): ≥ last, catastrophes");
  for (const [sc, zt, c] of [[0.4, 1, 1], [0.5, 0.5, 1], [0.5, 1, 1], [0.5, 2, 1], [0.65, 1, 1], [0.5, 1, 0.4], [0.5, 1, 0.45], [0.5, 1, 0.5], [0.5, 1, 0.55], [0.5, 1, 0.6], [0.5, 1, 0.7]] as const) {
    const d = rule(sc, zt, c);
    console.log(`  s ${sc}, z > ${zt}, coverage ≤ ${c}: ${atLeast(d)}/${counted.length}, ${cats(d)}`);
  }
}

tuningMain(measure, analyse);
