/**
 * An experiment is a declaration (data + three pure steps): `plan` expands a request into cells, the engine runs
 * the cells (in-process, on the local pool or on a queue — the results are the same), `assemble` turns the
 * cells' results into the experiment's results body; its report (markdown, SVG, console text) is registered
 * in src/reports/report-registry.ts (reports come after experiments in the layer order).
 * Every paper table and figure is one `Experiment` in src/experiments/registry.ts; `lfl reproduce NAME` runs it.
 */
import type { OptionSpec } from "../../core/option-spec.ts";
import type { CellSpec } from "./cell.ts";
import { contentKey, settingsKey, type KeyParts } from "./content-key.ts";

/** A cell as planned: its spec plus what the engine needs for reuse and reporting. */
export interface PlannedCell extends CellSpec {
  /** Key over settings and inputs only (no code): finds stale cells for `--reuse-stale`. */
  readonly settingsKey: string;
  /** The resolved settings both keys hash (the stale lookup re-hashes them over the inputs it actually reuses). */
  readonly settings: unknown;
  readonly stage: string;
  readonly env?: string;
  readonly seed?: number;
}

/** A planned cell from its key parts (settings, input keys, code hash) and the rest of its description. */
export function planCell(parts: KeyParts, cell: Omit<PlannedCell, "key" | "settingsKey" | "settings" | "inputs">): PlannedCell {
  return { ...cell, key: contentKey(parts), settingsKey: settingsKey(parts), settings: parts.settings, inputs: [...parts.inputs] };
}

/** What the user asked for (after CLI parsing). `options` holds the experiment's own declared options. */
export interface ExperimentRequest {
  scale: string;
  /** The seeds to run; undefined = the scale's. */
  seeds?: readonly number[];
  envs?: readonly string[];
  options: Readonly<Record<string, unknown>>;
}

export interface Plan {
  cells: PlannedCell[];
  /** The seeds that run (recorded in the results exactly). */
  seeds: number[];
  /** Output file stem, e.g. "table3" or "table3-small-seeds-5"; canonical only for the canonical request. */
  stem: string;
  /** Anything assemble needs (resolved scale, windows, …); recorded in the results as `settings`. */
  settings: unknown;
}

export interface Experiment<Body extends object = object> {
  name: string;
  title: string;
  /** One line for `lfl reproduce --help`. */
  summary: string;
  /** Scale names; the first is the default, `quickScale` is what --quick selects (CI). */
  scales: readonly string[];
  quickScale: string;
  /** false for deterministic experiments (no seeds: --seed/--seeds exit 2). */
  seeded: boolean;
  /** Envs an experiment can be restricted to with --env (empty: not applicable). */
  envIds(scale: string): readonly string[];
  /** Its own options, declared (parsing and help come from them). */
  options: readonly OptionSpec[];
  plan(request: ExperimentRequest): Plan;
  /** `results` maps every finished cell key to its result; cells missing from it (finished-only) are absent. */
  assemble(results: ReadonlyMap<string, unknown>, plan: Plan, request: ExperimentRequest): Body;
}
