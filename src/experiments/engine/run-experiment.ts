/**
 * One runner for every experiment: plan → run the cells (store, reuse, executor) → assemble → a ResultsDoc.
 * Writing the files is the caller's (the CLI writes the JSON, markdown and figures as one set).
 *
 * Usage: `const doc = await runExperiment(EXPERIMENTS.table2, { scale: "quick", options: {} }, { storeDir: "runs/store", command });`
 */
import { join } from "node:path";
import { KERNEL_BACKEND } from "../../nn/kernels.ts";
import { CellStore } from "./cell-store.ts";
import type { Experiment, ExperimentRequest } from "./experiment.ts";
import { gitState, revisionLabel, RESULTS_SCHEMA, type ResultsDoc } from "./results-doc.ts";
import type { SweepEvent } from "../sweep/sweep-types.ts";
import type { Plan } from "./experiment.ts";
import { runCells } from "./run-cells.ts";

export interface EngineOptions {
  /** The checkpoint store (content-addressed); work directories go under <storeDir>/work. */
  storeDir: string;
  /** The command line recorded in the results. */
  command: string;
  reuseStale?: boolean;
  finishedOnly?: boolean;
  /** Local pool worker processes (0 = this process). */
  jobs?: number;
  /** redis://HOST:PORT: run the cells on BullMQ workers. */
  queue?: string;
  /** Called with the plan before any cell runs (e.g. to validate output paths first). */
  onPlan?: (plan: Plan) => void;
  onEvent?: (e: SweepEvent) => void;
}

export async function runExperiment<Body extends object>(exp: Experiment<Body>, request: ExperimentRequest, opts: EngineOptions): Promise<{ doc: ResultsDoc<Body>; stem: string }> {
  const startedAt = new Date(), t0 = performance.now();
  const plan = exp.plan(request);
  opts.onPlan?.(plan);
  const git = gitState();
  const store = new CellStore(opts.storeDir);
  const run = await runCells(plan.cells, {
    store, workRoot: join(opts.storeDir, "work"), revision: revisionLabel(git),
    ...(opts.reuseStale ? { reuseStale: true } : {}), ...(opts.finishedOnly ? { finishedOnly: true } : {}),
    ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), ...(opts.queue !== undefined ? { queue: opts.queue } : {}), ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  const body = exp.assemble(run.results, plan, request);
  const doc = {
    schema: RESULTS_SCHEMA, experiment: exp.name, title: exp.title, command: opts.command, scale: request.scale, seeds: plan.seeds,
    gitRevision: git.gitRevision, codeDirty: git.codeDirty, node: process.version, kernelBackend: KERNEL_BACKEND,
    startedAt: startedAt.toISOString(), wallTimeSeconds: (performance.now() - t0) / 1000,
    cells: run.refs, missing: run.missing.map((m) => `${m.cell.label} (${m.why})`),
    ...body,
  } as ResultsDoc<Body>;
  return { doc, stem: plan.stem };
}
