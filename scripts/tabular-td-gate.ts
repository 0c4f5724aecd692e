/**
 * Issue 15, tuning seeds only: would the TD (Q-learning replay) learner model help the tabular observer if the data
 * could tell when to use it? Per benchmark run: the true J of the default observer and of the observer forced to
 * `learnerModel: "td"`, the in-sample log-likelihood per action of the spi / svi / td models (learner-model-
 * selection.ts, all data), the td plan's loss under the default observer's planning reward (normalised by that
 * reward's optimal − uniform), the last batch's policy entropy and pair coverage, and the forward-chaining held-out
 * log-likelihood of the spi / svi / td models (assumption-selection.ts; TD_CV=0 skips it). "default" is the observer
 * without the TD gate; `gated` records the default with §12's gate. `--analyse` pools JSONL files
 * and prints the gap closed per family × learner and the gates measured (docs/observer-tabular.md §12).
 *
 *   node --import tsx scripts/tabular-td-gate.ts 100-129 garnet,chain > a.jsonl       # and trap-grid,grid5x5 > b.jsonl
 *   node --import tsx scripts/tabular-td-gate.ts --analyse a.jsonl b.jsonl
 */
import { tuningMain } from "./tabular-tuning-main.ts";
import { Rng } from "../src/core/rng.ts";
import { TabularMdp } from "../src/envs/tabular/tabular-mdp.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { heldOutTdAdvantage } from "../src/observer/tabular/td-gate.ts";
import { selectLearnerModel } from "../src/observer/tabular/learner-model-selection.ts";
import { inferTabularReward, observerPolicy, recoverFromPolicies, TABULAR_LFL_DEFAULTS } from "../src/observer/tabular/tabular-lfl.ts";
import { estimatePolicy, estimateStart, tabularBatches, visitCounts } from "../src/observer/tabular/tabular-policy-estimation.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

interface Row { family: string; learner: string; seed: number; last: number; opt: number; uni: number; def: number; gated?: number; td: number; ll: Record<string, number>; tdUnderDef: number; entropy: number; pairFrac: number; cv?: HeldOut | null }

/** Forward-chaining held-out log-likelihood (td-gate.ts's held-out rule): per candidate, and the best TD's paired advantage over the better of SPI / SVI with its SE. */
type HeldOut = ReturnType<typeof heldOutTdAdvantage>;

function measure(family: TabularFamily, learner: keyof typeof TABULAR_LEARNERS, seed: number): Row {
  const alpha = TABULAR_BENCHMARK.alpha, c = TABULAR_LFL_DEFAULTS;
  const { mdp } = benchmarkMdp(family, seed);
  const { nS, nA, gamma } = mdp;
  const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
  const batches = tabularBatches(run.history, nS, nA);
  const counts = batches.map((b) => visitCounts(b, nS, nA));
  const policies = counts.map((n) => estimatePolicy(n, nS, nA, c.lambda));
  const model0 = new TabularMdp({ nS, nA, P: mdp.P, r: new Float64Array(nS * nA), start: estimateStart(batches, nS), gamma, name: "known-dynamics-model" });
  const spiReward = recoverFromPolicies(model0, policies, c.alphaModel).reward;
  const sel = selectLearnerModel({ model: model0, batches, counts, policies, spiReward, alphaModel: c.alphaModel }, { models: ["spi", "svi", "td"], margin: Infinity, tdSteps: c.tdSteps, iterations: c.mlIterations, spiIterations: c.spiScoreIterations, priorVisits: c.priorVisits, rewardForm: "state-action", stateIterations: c.stateIterations });
  const J = (m: TabularMdp, pi: Float64Array): number => softReturn(m, pi, alpha);
  const cv = process.env["TD_CV"] === "0" ? null : heldOutTdAdvantage({ model: model0, batches, counts, policies, spiReward, alphaModel: c.alphaModel }, c);
  // "def": the observer without the TD gate (the gates below decide between it and the TD model); "gated": the default (§12's gate).
  const rd = inferTabularReward(run.history, mdp, { tdGate: false }), rg = inferTabularReward(run.history, mdp, {}), rt = inferTabularReward(run.history, mdp, { learnerModel: "td" });
  const pd = observerPolicy(mdp, rd.reward, alpha), pt = observerPolicy(mdp, rt.reward, alpha), U = uniformPolicy(nS, nA);
  const md = mdp.withReward(rd.reward);
  const tdUnderDef = (J(md, pd) - J(md, pt)) / (J(md, softValueIteration(md, alpha).pi) - J(md, U));
  // The last batch: its estimated policy's entropy (visit-weighted, / ln nA) and the fraction of pairs it shows.
  const n = counts[counts.length - 1]!, pi = policies[policies.length - 1]!;
  let H = 0, N = 0, pairs = 0;
  for (let s = 0; s < nS; s++) {
    let ns = 0, h = 0;
    for (let a = 0; a < nA; a++) { ns += n[s * nA + a]!; if (n[s * nA + a]! > 0) pairs++; const p = pi[s * nA + a]!; if (p > 0) h -= p * Math.log(p); }
    H += ns * h; N += ns;
  }
  return {
    family, learner, seed, last: J(mdp, run.policies[run.policies.length - 1]!), opt: J(mdp, softValueIteration(mdp, alpha).pi), uni: J(mdp, U), def: J(mdp, pd), gated: J(mdp, observerPolicy(mdp, rg.reward, alpha)), td: J(mdp, pt),
    ll: Object.fromEntries(sel.candidates.map((x) => [x.kind === "td" ? `td${x.eta}` : x.kind, x.logLikelihood])), tdUnderDef, entropy: H / N / Math.log(nA), pairFrac: pairs / (nS * nA), cv,
  };
}

function analyse(rows: Row[]): void {
  const gap = (r: Row): number => (r.opt - r.last) / (r.opt - r.uni);
  const units = (r: Row, v: number): number => (v - r.last) / (r.opt - r.uni);
  const adv = (r: Row): number => Math.max(...Object.entries(r.ll).filter(([k]) => k.startsWith("td")).map(([, v]) => v)) - Math.max(r.ll["spi"]!, r.ll["svi"]!);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const f3 = (x: number): string => x.toFixed(3);
  console.log(`${rows.length} runs, seeds ${Math.min(...rows.map((r) => r.seed))}–${Math.max(...rows.map((r) => r.seed))}`);
  console.log("family × learner: runs, mean (observer − learner last) in units of J* − J(U) default → td; Q-learning: mean fraction of the gap closed default → td; td − default > 0.02 / < −0.02; td's likelihood advantage (median)");
  for (const f of TABULAR_BENCHMARK.families) for (const l of TABULAR_BENCHMARK.learners) {
    const rs = rows.filter((r) => r.family === f && r.learner === l);
    if (rs.length === 0) continue;
    const imp = rs.filter((r) => gap(r) > 0.01);
    const closed = l === "q-learning" ? ` gap closed ${f3(mean(imp.map((r) => units(r, r.def) / gap(r))))} → ${f3(mean(imp.map((r) => units(r, r.td) / gap(r))))}` : "";
    const a = rs.map(adv).sort((x, y) => x - y);
    console.log(`  ${f.padEnd(9)} ${l.padEnd(22)} ${rs.length}  ${f3(mean(rs.map((r) => units(r, r.def))))} → ${f3(mean(rs.map((r) => units(r, r.td))))}${closed}  better ${rs.filter((r) => units(r, r.td) > units(r, r.def) + 0.02).length} worse ${rs.filter((r) => units(r, r.td) < units(r, r.def) - 0.02).length}  adv ${a[a.length >> 1]!.toFixed(4)}`);
  }
  const summary = (label: string, useTd: (r: Row) => boolean, played?: (r: Row) => number): void => {
    const play = played ?? ((r: Row): number => (useTd(r) ? r.td : r.def));
    const imp = rows.filter((r) => gap(r) > 0.01), q = imp.filter((r) => r.learner === "q-learning");
    const perFamily = TABULAR_BENCHMARK.families.map((f) => f3(mean(q.filter((r) => r.family === f).map((r) => units(r, play(r)) / gap(r))))).join(" / ");
    console.log(`  ${label.padEnd(44)} ≥ last ${imp.filter((r) => play(r) >= r.last).length}/${imp.length}  catastrophes ${rows.filter((r) => units(r, play(r)) < -0.1).length}  Q gap closed ${f3(mean(q.map((r) => units(r, play(r)) / gap(r))))} (${perFamily})  td on ${rows.filter(useTd).length}`);
  };
  console.log("gates (td when …; else the default observer); Q gap per family: " + TABULAR_BENCHMARK.families.join(" / "));
  summary("never (the default)", () => false);
  summary("always", () => true);
  for (const m of [0, 0.005, 0.01, 0.02]) summary(`likelihood advantage > ${m}`, (r) => adv(r) > m);
  for (const t of [0.05, 0.2, 0.5]) summary(`advantage > 0.005 and td plan's loss under r̂ < ${t}`, (r) => adv(r) > 0.005 && r.tdUnderDef < t);
  for (const h of [0.3, 0.4, 0.5]) summary(`advantage > 0.005 and last batch's entropy > ${h}`, (r) => adv(r) > 0.005 && r.entropy > h);
  for (const p of [0.12, 0.15, 0.2]) summary(`advantage > 0.005 and pairs shown > ${p}`, (r) => adv(r) > 0.005 && r.pairFrac > p);
  const scored = rows.filter((r) => r.cv);
  if (scored.length === 0) return;
  console.log(`held-out (forward-chaining) gates, ${scored.length} runs scored: TD's held-out log-likelihood per action − the better of SPI / SVI, in standard errors of the paired difference`);
  const cvAdv = (r: Row): number => r.cv!.advantage, cvZ = (r: Row): number => r.cv!.advantage / Math.max(1e-12, r.cv!.se);
  for (const z of [0, 1, 2, 3]) summary(`held-out advantage > ${z} SE`, (r) => r.cv != null && cvZ(r) > z && cvAdv(r) > 0);
  for (const z of [0, 1, 2]) summary(`held-out > ${z} SE and pairs shown > 0.15`, (r) => r.cv != null && cvZ(r) > z && cvAdv(r) > 0 && r.pairFrac > 0.15);
  summary("the current gate and held-out > 0", (r) => adv(r) > 0.005 && r.pairFrac > 0.15 && r.cv != null && cvAdv(r) > 0);
  if (scored.every((r) => r.gated !== undefined)) summary("§12's gate (the recorded default)", (r) => r.gated !== r.def, (r) => r.gated!);
  summary("the current gate and held-out > 1 SE", (r) => adv(r) > 0.005 && r.pairFrac > 0.15 && r.cv != null && cvZ(r) > 1);
  console.log("held-out advantage (median [min, max]) per family × learner:");
  for (const f of TABULAR_BENCHMARK.families) for (const l of TABULAR_BENCHMARK.learners) {
    const a = scored.filter((r) => r.family === f && r.learner === l).map(cvZ).sort((x, y) => x - y);
    if (a.length > 0) console.log(`  ${f.padEnd(9)} ${l.padEnd(22)} z median ${a[a.length >> 1]!.toFixed(2)} [${a[0]!.toFixed(2)}, ${a[a.length - 1]!.toFixed(2)}], > 1 on ${a.filter((z) => z > 1).length}/${a.length}`);
  }
}

tuningMain(measure, analyse);
