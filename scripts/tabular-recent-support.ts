/**
 * Issue 15, tuning seeds only: would an OFF-SUPPORT test on the learner's RECENT batches catch the catastrophes the
 * flags miss? Per benchmark run (the default observer): its flags, its loss against the learner's last policy (units
 * of J* − J(U)), and the planned policy's discounted occupancy on pairs observed fewer than `v` times in the last
 * `w` batches, for a few (w, v), and on pairs the learner took ≥ 5 times before its last half and never after
 * ("abandoned"). `--analyse` prints, per test and threshold, flagged runs, catastrophes caught that no flag catches,
 * and runs flagged in all (docs/observer-tabular.md §13).
 *
 *   node --import tsx scripts/tabular-recent-support.ts 100-129 garnet,chain > a.jsonl    # and trap-grid,grid5x5 > b.jsonl
 *   node --import tsx scripts/tabular-recent-support.ts --analyse a.jsonl b.jsonl
 */
import { tuningMain } from "./tabular-tuning-main.ts";
import { Rng } from "../src/core/rng.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS } from "../src/learners/tabular-learners.ts";
import { discountedOccupancy, observerFlags } from "../src/observer/tabular/observer-flags.ts";
import { inferTabularReward, observerPolicy } from "../src/observer/tabular/tabular-lfl.ts";
import { tabularBatches, visitCounts } from "../src/observer/tabular/tabular-policy-estimation.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

const TESTS = [[1, 1], [1, 5], [2, 5], [3, 5]] as const; // (last w batches, fewer than v visits)
interface Row { family: string; learner: string; seed: number; loss: number; improvable: boolean; flags: string[]; recent: number[]; abandoned: number }

function measure(family: TabularFamily, learner: keyof typeof TABULAR_LEARNERS, seed: number): Row {
  const alpha = TABULAR_BENCHMARK.alpha;
  const { mdp } = benchmarkMdp(family, seed);
  const { nS, nA } = mdp;
  const run = TABULAR_LEARNERS[learner].train(mdp, {}, new Rng(seed));
  const res = inferTabularReward(run.history, mdp, {});
  const pi = observerPolicy(mdp, res.reward, alpha);
  const occ = discountedOccupancy(mdp, pi);
  const counts = tabularBatches(run.history, nS, nA).map((b) => visitCounts(b, nS, nA));
  const K = counts.length;
  const sumOf = (from: number, to: number): Float64Array => { const n = new Float64Array(nS * nA); for (let k = from; k < to; k++) counts[k]!.forEach((v, i) => { n[i] = n[i]! + v; }); return n; };
  const recent = TESTS.map(([w, v]) => { const n = sumOf(Math.max(0, K - w), K); let m = 0; occ.forEach((o, i) => { if (n[i]! < v) m += o; }); return m; });
  const early = sumOf(0, Math.floor(K / 2)), late = sumOf(Math.floor(K / 2), K);
  let abandoned = 0;
  occ.forEach((o, i) => { if (early[i]! >= 5 && late[i] === 0) abandoned += o; });
  const J = (p: Float64Array): number => softReturn(mdp, p, alpha);
  const opt = J(softValueIteration(mdp, alpha).pi), uni = J(uniformPolicy(nS, nA)), last = J(run.policies[run.policies.length - 1]!);
  return { family, learner, seed, loss: (J(pi) - last) / (opt - uni), improvable: (opt - last) / (opt - uni) > 0.01, flags: observerFlags(mdp, res, alpha).flags, recent, abandoned };
}

function analyse(rows: Row[]): void {
  const cat = rows.filter((r) => r.loss < -0.1), missed = cat.filter((r) => r.flags.length === 0);
  const flagged0 = rows.filter((r) => r.flags.length > 0).length;
  console.log(`${rows.length} runs: ${cat.length} catastrophes, ${missed.length} unflagged; flagged now ${flagged0} (${(100 * flagged0 / rows.length).toFixed(1)}%)`);
  const report = (label: string, hit: (r: Row) => boolean): void => {
    const fires = rows.filter(hit), caught = missed.filter(hit).length, all = rows.filter((r) => r.flags.length > 0 || hit(r)).length;
    console.log(`  ${label.padEnd(40)} fires on ${String(fires.length).padStart(3)} (catastrophes ${fires.filter((r) => r.loss < -0.1).length}), catches ${caught}/${missed.length} unflagged, flagged in all ${all} (${(100 * all / rows.length).toFixed(1)}%)`);
  };
  TESTS.forEach(([w, v], j) => { for (const t of [0.05, 0.1, 0.2, 0.3]) report(`last ${w} batch(es) < ${v} visits, mass > ${t}`, (r) => r.recent[j]! > t); });
  for (const t of [0.01, 0.05, 0.1]) report(`abandoned mass > ${t}`, (r) => r.abandoned > t);
  console.log("unflagged catastrophes: " + missed.map((r) => `${r.family}/${r.learner}/${r.seed} ${r.loss.toFixed(2)} [${r.recent.map((x) => x.toFixed(2)).join(" ")}; ${r.abandoned.toFixed(2)}]`).join("\n  "));
}

tuningMain(measure, analyse);
