/**
 * The tabular benchmark (issue 15) as an experiment of the engine: one cell per (family, learner, generator seed),
 * with the CLI's default observer. Scales: `evaluation` (seeds 0–9, the reported numbers), `tuning` (seeds
 * 100–129, the only ones tuned on), `quick` (seed 0, the paper's grid and a Garnet; CI).
 *
 * Each run's generator seed also seeds its learner (`new Rng(seed)`, tabular-benchmark.ts), so that on the paper's
 * grid the run is exactly a Table 2 learner of the pre-engine code; cells of different families never share an
 * MDP, so no two cells draw the same stream on the same problem.
 */
import { fileURLToPath } from "node:url";
import { OBSERVER_FLAG_DEFAULTS } from "../observer/tabular/observer-flags.ts";
import { TABULAR_LFL_DEFAULTS } from "../observer/tabular/tabular-lfl.ts";
import { codeHash } from "./engine/content-key.ts";
import { planCell, type Experiment, type PlannedCell } from "./engine/experiment.ts";
import { summariseTabularBenchmark, TABULAR_BENCHMARK, type TabularBenchmarkRun, type TabularBenchmarkSummary, type TabularFamily } from "./tabular-benchmark.ts";
import type { TabularBenchmarkCellPayload } from "./tabular-benchmark-cell.ts";

const RUNNER = "src/experiments/tabular-benchmark-cell.ts";
const RUNNER_FILE = fileURLToPath(new URL("./tabular-benchmark-cell.ts", import.meta.url));

const SCALES: Record<string, { seeds: readonly number[]; families: readonly TabularFamily[] }> = {
  evaluation: { seeds: TABULAR_BENCHMARK.evaluationSeeds, families: TABULAR_BENCHMARK.families },
  tuning: { seeds: TABULAR_BENCHMARK.tuningSeeds, families: TABULAR_BENCHMARK.families },
  quick: { seeds: [0], families: ["grid5x5", "garnet"] },
};

export interface TabularBenchmarkBody {
  runs: TabularBenchmarkRun[];
  summary: TabularBenchmarkSummary;
}

export const tabularBenchmarkExperiment: Experiment<TabularBenchmarkBody> = {
  name: "tabular-benchmark",
  title: "The tabular observer on MDP families (Garnets, trap grids, chains, the paper's grid) × four learners",
  summary: "the tabular observer on generated MDP families × the four learners (evaluation: seeds 0–9, ≈ 20 min; --quick: CI)",
  scales: Object.keys(SCALES),
  quickScale: "quick",
  seeded: true,
  envIds: () => [],
  options: [],
  plan(req) {
    const scale = SCALES[req.scale]!;
    const seeds = [...(req.seeds ?? scale.seeds)];
    const code = codeHash([RUNNER_FILE]);
    const cells = scale.families.flatMap((family) => TABULAR_BENCHMARK.learners.flatMap((learner) => seeds.map((seed): PlannedCell => {
      const payload: TabularBenchmarkCellPayload = { family, learner, seed, observer: TABULAR_LFL_DEFAULTS, flags: OBSERVER_FLAG_DEFAULTS };
      const settings = { experiment: "tabular-benchmark", ...payload };
      return planCell({ settings, inputs: [], code }, { label: `tabular-benchmark/${family}/${learner}/seed-${seed}`, experiment: "tabular-benchmark", runner: RUNNER, payload, stage: `${family}/${learner}`, env: family, seed });
    })));
    const canonical = req.seeds === undefined || req.seeds.join() === scale.seeds.join();
    return { cells, seeds, stem: ["tabular-benchmark", req.scale === "evaluation" ? null : req.scale, canonical ? null : `seeds-${seeds.join("_")}`].filter((x) => x !== null).join("-"), settings: {} };
  },
  assemble(results, plan) {
    const runs = plan.cells.filter((c) => results.has(c.key)).map((c) => results.get(c.key) as TabularBenchmarkRun);
    return { runs, summary: summariseTabularBenchmark(runs) };
  },
};
