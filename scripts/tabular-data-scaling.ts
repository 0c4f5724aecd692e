/**
 * Issue 15, tuning seeds only: is "observer ≥ the learner's last policy" limited by the data the observer sees?
 * For the learners whose policies do not depend on their samples (exact soft policy iteration, random points on the
 * temperature path), only the observer's view changes with `pairsPerUpdate`: the same learner, observed through
 * 1000 (the benchmark's), 4000 or 16000 pairs per update. Per family × learner × size: runs ≥ last of the improvable
 * ones, catastrophes, mean (observer − last) in units of J* − J(U) (docs/observer-tabular.md §13).
 *
 *   node --import tsx scripts/tabular-data-scaling.ts 100-119 > s.jsonl
 *   node --import tsx scripts/tabular-data-scaling.ts --analyse s.jsonl
 */
import { tuningMain } from "./tabular-tuning-main.ts";
import { Rng } from "../src/core/rng.ts";
import { benchmarkMdp, TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import { TABULAR_LEARNERS, type TabularLearnerId } from "../src/learners/tabular-learners.ts";
import { observerFlags } from "../src/observer/tabular/observer-flags.ts";
import { inferTabularReward, observerPolicy } from "../src/observer/tabular/tabular-lfl.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../src/solvers/soft-policy.ts";

const SIZES = [1000, 4000, 16000];
const SAMPLE_FREE: readonly TabularLearnerId[] = ["soft-policy-iteration", "random-improvement"];
interface Row { family: string; learner: string; seed: number; sizes: { pairs: number; units: number; gap: number; flagged: boolean }[] }

function measure(family: TabularFamily, learner: TabularLearnerId, seed: number): Row | null {
  if (!SAMPLE_FREE.includes(learner)) return null;
  const alpha = TABULAR_BENCHMARK.alpha;
  const { mdp } = benchmarkMdp(family, seed);
  const J = (p: Float64Array): number => softReturn(mdp, p, alpha);
  const opt = J(softValueIteration(mdp, alpha).pi), uni = J(uniformPolicy(mdp.nS, mdp.nA));
  const sizes = SIZES.map((pairs) => {
    const run = TABULAR_LEARNERS[learner].train(mdp, { pairsPerUpdate: pairs }, new Rng(seed));
    const last = J(run.policies[run.policies.length - 1]!);
    const res = inferTabularReward(run.history, mdp, {});
    return { pairs, units: (J(observerPolicy(mdp, res.reward, alpha)) - last) / (opt - uni), gap: (opt - last) / (opt - uni), flagged: observerFlags(mdp, res, alpha).flags.length > 0 };
  });
  return { family, learner, seed, sizes };
}

function analyse(rows: (Row | null)[]): void {
  const rs = rows.filter((r): r is Row => r !== null);
  console.log(`${rs.length} histories; per size: ≥ last of the improvable (gap > 1%), catastrophes (unflagged), mean (observer − last) in units of J* − J(U)`);
  const line = (label: string, xs: Row[]): void => {
    const cells = SIZES.map((_, j) => {
      const imp = xs.filter((r) => r.sizes[j]!.gap > 0.01), u = xs.map((r) => r.sizes[j]!.units);
      const cat = xs.filter((r) => r.sizes[j]!.units < -0.1);
      return `${imp.filter((r) => r.sizes[j]!.units >= 0).length}/${imp.length}, ${cat.length} (${cat.filter((r) => !r.sizes[j]!.flagged).length}), ${(u.reduce((a, b) => a + b, 0) / Math.max(1, u.length)).toFixed(3)}`;
    });
    console.log(`  ${label.padEnd(34)} ${cells.map((c, j) => `${SIZES[j]}: ${c}`).join("  |  ")}`);
  };
  for (const f of TABULAR_BENCHMARK.families) for (const l of SAMPLE_FREE) line(`${f} ${l}`, rs.filter((r) => r.family === f && r.learner === l));
  line("all", rs);
}

tuningMain(measure, analyse);
