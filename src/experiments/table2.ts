/**
 * Table 2 of the paper (§6.1): learning from SAMPLED trajectories of four kinds of learner on the 5×5 grid.
 * Each policy update of the learner gives the observer one stream of 1000 state–action pairs; the observer
 * (observer/tabular-lfl.ts: P̂ and π̂_k from the data, Theorem-2 targets with α_model = 0.7, one consistent
 * reward by least squares) plays the optimal soft policy of the recovered reward (true dynamics, α = 0.3).
 *
 * Two observers per run, from ONE inference: the paper's (learner model = soft policy improvement, Theorem 2)
 * and the configured one (default "auto": the learner model chosen from the data, observer/tabular-lfl.ts).
 *
 * Scores are J(π) (Eq. 2: soft return under the true reward from the start state). The learner's score is that
 * of its LAST observed policy (what the observer has to beat; the best observed one is recorded too). Ten runs,
 * seeds 0–9; the paper's ± is the population std. Also the noise-free ceiling: the same fit from the learner's
 * EXACT policies and the true model, with α_model = 0.7 (≈ 4.917 for SPI) and with α_model = α.
 *
 * Usage: `const result = runTable2({ quick: true });`
 */
import { Rng } from "../core/rng.ts";
import { GRID_ALPHA, gridWorld } from "../envs/tabular/grid-world.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { TABULAR_LEARNERS, type TabularLearnerId } from "../learners/tabular-learners.ts";
import { inferTabularReward, observerPolicy, pessimisticReward, recoverFromPolicies, recoverWithLearnerModel, TABULAR_LFL_DEFAULTS, type TabularLflConfig } from "../observer/tabular/tabular-lfl.ts";
import { tabularBatches, visitCounts } from "../observer/tabular/tabular-policy-estimation.ts";
import { maxEntIrl } from "../observer/tabular/maxent-irl.ts";
import { tabularTrexReward } from "../observer/tabular/tabular-trex.ts";
import { logelReward } from "../observer/tabular/logel.ts";
import { epicDistanceTabular } from "../evaluation/epic-distance.ts";
import { pairedComparison, seedStats, type SeedStats } from "../evaluation/seed-stats.ts";
import { softReturn } from "../solvers/soft-policy.ts";
import { streamSeed } from "./engine/streams.ts";

export type Table2RowId = "spi" | "svi" | "q-learning" | "random";

/** A paper number: mean and the ± (null where the paper prints none). */
export interface PaperStat {
  mean: number;
  std: number | null;
}

export interface Table2RowSpec {
  id: Table2RowId;
  label: string;
  learner: TabularLearnerId;
  /** The paper's K: observed improvements (policies observed for the random learner). */
  K: number;
  paper: { learner: PaperStat; observer: PaperStat };
}

export const TABLE2 = {
  name: "table2",
  title: "Table 2: learning from 1000 sampled state–action pairs per policy update (5×5 grid, α = 0.3, α_model = 0.7)",
  alpha: GRID_ALPHA,
  alphaModel: 0.7,
  seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  quickSeeds: [0, 1, 2],
  rows: [
    { id: "spi", label: "SPI", learner: "soft-policy-iteration", K: 3, paper: { learner: { mean: 4.18, std: null }, observer: { mean: 4.68, std: 0.24 } } },
    { id: "svi", label: "SVI", learner: "soft-value-iteration", K: 20, paper: { learner: { mean: 3.59, std: null }, observer: { mean: 4.73, std: 0.61 } } },
    { id: "q-learning", label: "Q-learning", learner: "q-learning", K: 50, paper: { learner: { mean: 3.99, std: 0.88 }, observer: { mean: 3.65, std: 0.78 } } },
    { id: "random", label: "rand. impro.", learner: "random-improvement", K: 10, paper: { learner: { mean: 1.76, std: 2.64 }, observer: { mean: 3.95, std: 0.49 } } },
  ],
} as const satisfies { name: string; title: string; alpha: number; alphaModel: number; seeds: readonly number[]; quickSeeds: readonly number[]; rows: readonly Table2RowSpec[] };

export interface Table2Config {
  /** CI scale: seeds 0–2 instead of 0–9 (same pipeline). */
  quick?: boolean;
  /** Override the seeds. */
  seeds?: readonly number[];
  /** Only these rows (default all four). */
  rows?: readonly Table2RowId[];
  /** Observer settings (default TABULAR_LFL_DEFAULTS: α_model 0.7, λ 0.3). */
  observer?: Partial<TabularLflConfig>;
  /** The MDP (default the paper's grid). */
  mdp?: TabularMdp;
  /** Called after each run (for progress bars). */
  onRun?: (row: Table2RowId, seed: number) => void;
}

/** One learner run and what the observer made of it. */
export interface Table2Run {
  seed: number;
  /** J of the learner's last observed policy. */
  learner: number;
  /** J of the learner's best observed policy. */
  learnerBest: number;
  /** J of the observer's policy (recovered reward under the configured learner model, true dynamics, α). */
  observer: number;
  /** J of the paper's observer (SPI learner model, Theorem 2). */
  observerPaper: number;
  /** The learner model the observer used (e.g. "svi"), and every candidate's log-likelihood per action. */
  learnerModel: string;
  modelLogLikelihood: Record<string, number>;
  /** Paper's observer from the EXACT policies and true model, α_model = 0.7 and α_model = α. */
  ceiling: number;
  ceilingAlphaTrue: number;
  /** The chosen learner model refitted to the exact policies (expected counts N_k(s)·π_k(a|s)) and the true model (same reward form and planning penalty, with the observed visit counts). */
  ceilingModel: number;

  /** Baseline (issue 17): J of the policy planned on the MaxEnt IRL reward (observer/tabular/maxent-irl.ts, r(s), α) of the LAST update's pairs. */
  maxentIrl: number;
  /** Baseline (issue 17): J of the policy planned on the tabular T-REX reward (rankings from time; observer/tabular/tabular-trex.ts). */
  trex: number;
  /** Baseline (issue 17): J of the policy planned on the LOGEL reward (gradient-based learner model; observer/tabular/logel.ts). */
  logel: number;
  /**
   * Reward quality (issue 17): the EPIC distance (Gleave et al. 2021; evaluation/epic-distance.ts, exact, uniform
   * coverage, the MDP's γ) between the TRUE reward r(s, a) and the reward each method plans on (the observer's r̂
   * with its pessimism and scale; state rewards r(s) taken as r(s, a) = r(s)). 0 = the same up to shaping and scale.
   */
  epic: Record<"observer" | Table2Baseline, number>;
  /** Improvements flagged non-improving under the recovered reward, of `improvements`. */
  nonImproving: number;
  improvements: number;
  /** Largest per-improvement residual RMS of the fit. */
  maxResidualRms: number;
}

export interface Table2RowResult {
  id: Table2RowId;
  label: string;
  learner: TabularLearnerId;
  K: number;
  paper: { learner: PaperStat; observer: PaperStat };
  runs: Table2Run[];
  stats: { learner: SeedStats; learnerBest: SeedStats; observer: SeedStats; observerPaper: SeedStats; ceiling: SeedStats; ceilingAlphaTrue: SeedStats; ceilingModel: SeedStats; maxentIrl: SeedStats; trex: SeedStats; logel: SeedStats };
  /** How often each learner model was chosen over the seeds. */
  learnerModels: Record<string, number>;
  /** Observer − learner over seeds: mean, 95% bootstrap CI, one-sided sign-flip p-value. */
  observerMinusLearner: { meanDiff: number; ci95: [number, number]; pValue: number };
  /** The same for the paper's (SPI-model) observer. */
  paperMinusLearner: { meanDiff: number; ci95: [number, number]; pValue: number };
  /**
   * Observer (model from data) − each baseline over seeds (issue 17): mean, 95% bootstrap CI, one-sided sign-flip
   * p of "observer > baseline", and `pBaselineBetter`, the same test the other way round.
   */
  observerMinusBaseline: Record<Table2Baseline, BaselineComparison>;
  /** Reward quality: EPIC to the true reward per method, and baseline − observer paired over seeds (> 0: the observer's reward is closer). */
  epic: Record<"observer" | Table2Baseline, SeedStats>;
  epicBaselineMinusObserver: Record<Table2Baseline, { meanDiff: number; ci95: [number, number]; pValue: number }>;
  /** Observer wins on the seed mean (the done-when test) and significantly (p < 0.05). */
  observerBeatsLearner: boolean;
  observerBeatsLearnerSignificant: boolean;
}

/** The baseline columns of issue 17 (fields of Table2Run). */
export const TABLE2_BASELINES = ["maxentIrl", "trex", "logel"] as const;
export type Table2Baseline = (typeof TABLE2_BASELINES)[number];

export interface BaselineComparison {
  meanDiff: number;
  ci95: [number, number];
  pValue: number;
  pBaselineBetter: number;
}

export interface Table2Result {
  name: "table2";
  scale: "full" | "quick";
  mdp: { name: string; nS: number; nA: number; gamma: number };
  alpha: number;
  observer: TabularLflConfig;
  seeds: number[];
  rows: Table2RowResult[];
}

/** One run of one row: learner (seeded), observer, ceilings. */
export function runTable2Case(mdp: TabularMdp, spec: Table2RowSpec, seed: number, observer: TabularLflConfig, alpha: number = TABLE2.alpha): Table2Run {
  // The learner's own stream (experiment, row, seed, stage): no two cells share one.
  const run = TABULAR_LEARNERS[spec.learner].train(mdp, {}, new Rng(streamSeed("table2", spec.id, seed, "learner")));
  const J = run.policies.map((pi) => softReturn(mdp, pi, alpha));
  const res = inferTabularReward(run.history, mdp, observer);
  const play = (reward: Float64Array): number => softReturn(mdp, observerPolicy(mdp, reward, alpha), alpha);
  const ceilingSpi = recoverFromPolicies(mdp, run.policies, observer.alphaModel).reward;
  // Ceiling of the configured observer: exact policies, their expected counts N_k(s)·π_k(a|s), the true model.
  const batches = tabularBatches(run.history, mdp.nS, mdp.nA);
  const expected = batches.map((b, k) => {
    const n = visitCounts(b, mdp.nS, mdp.nA), pi = run.policies[k]!;
    return n.map((_, i) => { const o = i - (i % mdp.nA); let N = 0; for (let a = 0; a < mdp.nA; a++) N += n[o + a]!; return N * pi[i]!; });
  });
  const rewards: Record<Table2Baseline, Float64Array> = {
    // Baseline (issue 17): MaxEnt IRL on the last update's state–action pairs, planned on like the observer's reward.
    maxentIrl: maxEntIrl(mdp, visitCounts(batches[batches.length - 1]!, mdp.nS, mdp.nA), { alpha }).reward,
    // Baselines (issue 17): tabular T-REX (rankings from time, its own stream) and LOGEL, on the whole observed history.
    trex: tabularTrexReward(mdp, run.history, { alpha }, new Rng(streamSeed("table2", spec.id, seed, "trex"))).planningReward,
    logel: logelReward(mdp, run.history, { alpha }).planningReward,
  };
  const chosen = res.learnerModel;
  const ceilingModel = recoverWithLearnerModel(mdp, batches, expected, run.policies, ceilingSpi, { ...observer, learnerModel: chosen.kind, ...(chosen.eta !== undefined ? { tdSteps: [chosen.eta] } : {}) });
  return {
    seed,
    learner: J[J.length - 1]!,
    learnerBest: Math.max(...J),
    observer: play(res.reward),
    observerPaper: play(res.paperReward),
    learnerModel: res.learnerModel.chosen,
    modelLogLikelihood: res.learnerModel.logLikelihood,
    ceiling: play(ceilingSpi),
    ceilingAlphaTrue: play(recoverFromPolicies(mdp, run.policies, alpha).reward),
    ceilingModel: play(pessimisticReward(ceilingModel.reward, res.visits, observer.pessimism).map((r) => r * observer.planningScale)),
    maxentIrl: play(rewards.maxentIrl),
    trex: play(rewards.trex),
    logel: play(rewards.logel),
    epic: {
      observer: epicToTrue(mdp, res.reward),
      maxentIrl: epicToTrue(mdp, rewards.maxentIrl),
      trex: epicToTrue(mdp, rewards.trex),
      logel: epicToTrue(mdp, rewards.logel),
    },

    nonImproving: res.diagnostics.filter((d) => d.nonImproving).length,
    improvements: res.diagnostics.length,
    maxResidualRms: Math.max(...res.diagnostics.map((d) => d.residualRms)),
  };
}

/** EPIC distance between the true reward r(s, a) and `reward` (r(s, a), or r(s) broadcast over actions). */
function epicToTrue(mdp: TabularMdp, reward: Float64Array): number {
  const { nS, nA } = mdp;
  const sa = reward.length === nS * nA ? reward : Float64Array.from({ length: nS * nA }, (_, i) => reward[Math.floor(i / nA)]!);
  return epicDistanceTabular(sa, mdp.r, { nS, nA, gamma: mdp.gamma }).distance;
}

/** The observer settings Table 2 uses: the library defaults with the paper's α_model. */
export function table2Observer(overrides: Partial<TabularLflConfig> = {}): TabularLflConfig {
  return { ...TABULAR_LFL_DEFAULTS, alphaModel: TABLE2.alphaModel, ...overrides };
}

/** Runs Table 2 in this process (library convenience; `lfl reproduce table2` runs the same cells through the engine). */
export function runTable2(config: Table2Config = {}): Table2Result {
  const mdp = config.mdp ?? gridWorld();
  const observer = table2Observer(config.observer);
  const seeds = [...(config.seeds ?? (config.quick ? TABLE2.quickSeeds : TABLE2.seeds))];
  const specs = TABLE2.rows.filter((r) => config.rows === undefined || config.rows.includes(r.id));
  const rows = specs.map((spec) => table2Row(spec, seeds.map((seed) => {
    const r = runTable2Case(mdp, spec, seed, observer);
    config.onRun?.(spec.id, seed);
    return r;
  })));
  return { name: "table2", scale: config.quick ? "quick" : "full", mdp: { name: mdp.name, nS: mdp.nS, nA: mdp.nA, gamma: mdp.gamma }, alpha: TABLE2.alpha, observer, seeds, rows };
}

/** One row's statistics over its runs (paired observer − learner comparisons, model tallies). */
export function table2Row(spec: Table2RowSpec, runs: Table2Run[]): Table2RowResult {
  {
    const statsRng = new Rng(20190610); // bootstrap stream, fixed so reports are reproducible
    const col = (f: (r: Table2Run) => number): number[] => runs.map(f);
    const cmp = pairedComparison(col((r) => r.observer), col((r) => r.learner), statsRng);
    const cmpPaper = pairedComparison(col((r) => r.observerPaper), col((r) => r.learner), statsRng);
    const tally = (xs: string[]): Record<string, number> => xs.reduce((acc: Record<string, number>, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});
    return {
      id: spec.id, label: spec.label, learner: spec.learner, K: spec.K, paper: spec.paper, runs,
      stats: {
        learner: seedStats(col((r) => r.learner), statsRng),
        learnerBest: seedStats(col((r) => r.learnerBest), statsRng),
        observer: seedStats(col((r) => r.observer), statsRng),
        observerPaper: seedStats(col((r) => r.observerPaper), statsRng),
        ceiling: seedStats(col((r) => r.ceiling), statsRng),
        ceilingAlphaTrue: seedStats(col((r) => r.ceilingAlphaTrue), statsRng),
        ceilingModel: seedStats(col((r) => r.ceilingModel), statsRng),
        maxentIrl: seedStats(col((r) => r.maxentIrl), statsRng), // baselines (issue 17), drawn after the others
        trex: seedStats(col((r) => r.trex), statsRng),
        logel: seedStats(col((r) => r.logel), statsRng),
      },
      learnerModels: tally(runs.map((r) => r.learnerModel)),

      observerMinusLearner: cmp,
      paperMinusLearner: cmpPaper,
      observerMinusBaseline: Object.fromEntries(TABLE2_BASELINES.map((b) => {
        const c = pairedComparison(col((r) => r.observer), col((r) => r[b]), statsRng);
        return [b, { ...c, pBaselineBetter: pairedComparison(col((r) => r[b]), col((r) => r.observer), statsRng).pValue }];
      })) as Record<Table2Baseline, BaselineComparison>,
      // Reward quality (drawn after everything above, so the earlier statistics keep their bootstrap draws).
      epic: Object.fromEntries((["observer", ...TABLE2_BASELINES] as const).map((m) => [m, seedStats(col((r) => r.epic[m]), statsRng)])) as Record<"observer" | Table2Baseline, SeedStats>,
      epicBaselineMinusObserver: Object.fromEntries(TABLE2_BASELINES.map((b) => [b, pairedComparison(col((r) => r.epic[b]), col((r) => r.epic.observer), statsRng)])) as Table2RowResult["epicBaselineMinusObserver"],
      observerBeatsLearner: cmp.meanDiff > 0,
      observerBeatsLearnerSignificant: cmp.meanDiff > 0 && cmp.pValue < 0.05,
    };
  }
}
