/**
 * The continuous branch of `lfl infer` (Box observations and actions): Algorithm 1 (observer/algorithm-1.ts; by
 * default ALGORITHM1_DEFAULTS, Table 3's; `--consistency-fit early-stopping` = ALGORITHM1_INFER, issue 19) with
 * a progress bar over its four stages on stderr; writes the reward JSON (rewards/neural-reward.ts, with the BC
 * policy π̂θK and the diagnostics in `info`) and prints the per-stage losses and times and the per-improvement
 * residuals.
 *
 * Its options are declared once (INFER_CONTINUOUS_OPTIONS, for infer.ts's parser and help). `runContinuousInfer`
 * takes the values as infer.ts parsed them — raw text or already converted — and checks every one against the
 * declaration; options of the tabular branch are refused. The output paths are checked before Algorithm 1
 * runs; the reward and the diagnostics are written as one atomic set, and only when every number is finite
 * (else E_NUMERICAL naming the stage and the field).
 */
import cliProgress from "cli-progress";
import { checkOutputPaths, writeFileSet } from "../core/atomic-file.ts";
import { InputError, NumericalError } from "../core/errors.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import type { OptionSpec } from "../core/option-spec.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { ALGORITHM1_DEFAULTS, ALGORITHM1_INFER, ALGORITHM1_PAPER, ALGORITHM1_STAGES, INFER_WINDOW, recoverReward, updatesWithTransitions, type Algorithm1Config } from "../observer/algorithm-1/algorithm-1.ts";
import { markdownTable } from "../reports/markdown-table.ts";
import { convertOption, helpText, refuseFlags } from "./options.ts";

const SEED_MAX = 2 ** 31 - 1;

/** The options of the Box branch (besides --history, --out, --json, which infer.ts declares for both branches). */
export const INFER_CONTINUOUS_OPTIONS: readonly OptionSpec[] = [
  { name: "updates", kind: "int-list", arg: "LIST", max: 1_000_000_000, defaultText: `the last ${INFER_WINDOW} updates with transitions (all when fewer; docs/performance.md)`, description: "update indices to use, e.g. 0-10 or 0,2,4" },
  { name: "gamma", kind: "number", arg: "X", min: 0, max: 1, defaultText: String(ALGORITHM1_DEFAULTS.gamma), description: "discount, in [0, 1)" },
  { name: "alpha-model", kind: "number", arg: "X", min: 0, max: 1e6, defaultText: String(ALGORITHM1_DEFAULTS.alphaModel), description: "α of the soft-improvement learner model (> 0)" },
  { name: "lambda", kind: "number", arg: "X", min: 0, max: 1e6, defaultText: String(ALGORITHM1_DEFAULTS.lambda), description: "entropy bonus of the policy regressions" },
  { name: "scale", kind: "number", arg: "X", min: 0, max: 1, defaultText: "1", description: "multiply every stage's step count by X in (0, 1] (quick looks)" },
  { name: "seed", kind: "int", arg: "N", max: SEED_MAX, defaultText: "0", description: "seed of the network initialisations" },
  { name: "paper", kind: "boolean", description: "the paper's Algorithm 1 exactly (§6.3: ML policy fits, regressed KL nets, ML reward init) instead of our default (early-stopped clones, exact Gaussian KL; docs/algorithm-1.md)" },
  { name: "consistency-steps", kind: "int", arg: "N", min: 1, max: 1_000_000, defaultText: String(ALGORITHM1_DEFAULTS.consistencySteps), description: "stage (iv) Adam steps (at most, with --consistency-fit early-stopping); --scale does not change an explicit count" },
  { name: "consistency-fit", kind: "enum", arg: "F", choices: ["fixed", "early-stopping"], defaultText: "fixed", description: "stage (iv): fixed = the full-batch fit of a fixed step count (ALGORITHM1_DEFAULTS, what Table 3 runs); early-stopping = ALGORITHM1_INFER: ≈ 1/5 of the time and a far lower held-out Eq. 5 loss, but its observer scored lower on HalfCheetah (docs/performance.md)" },
];

/** Options of the tabular branch, refused for a Box history. */
export const INFER_TABULAR_ONLY = ["mdp", "alpha", "reward-form", "learner-model", "pessimism"] as const;

export const INFER_CONTINUOUS_USAGE = helpText("lfl infer --history h.npz --out reward.json [options]", "Box spaces: Algorithm 1 (paper §5) with ALGORITHM1_DEFAULTS, Table 3's settings (--paper for §6.3; --consistency-fit early-stopping for the faster ALGORITHM1_INFER, docs/performance.md).", [{ title: "options for a Box history", options: INFER_CONTINUOUS_OPTIONS }]);

/** The stage (iv) early-stopping fields of a config. */
function earlyStopping(c: Algorithm1Config): Partial<Algorithm1Config> {
  const keys = ["consistencyFit", "consistencyBatch", "consistencyEvery", "consistencyPatience", "consistencyShift"] as const;
  return Object.fromEntries(keys.filter((k) => c[k] !== undefined).map((k) => [k, c[k]])) as Partial<Algorithm1Config>;
}

/** The flags as infer.ts passes them: raw text (parseArgs) or values already converted (parseOptions). */
export interface InferContinuousFlags {
  history: string;
  out: string;
  json?: string | undefined;
  [flag: string]: unknown;
}

/** A flag's value checked against its declaration, whether it arrives as text or already converted. */
function declared(spec: OptionSpec, x: unknown): unknown {
  if (x === undefined || spec.kind === "boolean") return x;
  const text = typeof x === "string" ? x : Array.isArray(x) ? x.join(",") : typeof x === "number" && Number.isFinite(x) ? String(x) : "";
  return convertOption("infer", spec, text);
}

export function runContinuousInfer(v: InferContinuousFlags, columns: HistoryColumns): number {
  refuseFlags("infer", v as Record<string, unknown>, INFER_TABULAR_ONLY, "to a Box history (Algorithm 1): they are options of the tabular branch");
  const o = Object.fromEntries(INFER_CONTINUOUS_OPTIONS.map((s) => [s.name, declared(s, v[s.name])])) as Record<string, unknown>;
  const scale = (o.scale as number | undefined) ?? 1;
  if (!(scale > 0)) throw new InputError("E_USAGE", `infer: --scale must be in (0, 1], got ${scale}`);
  // The default stays ALGORITHM1_DEFAULTS (Table 3's); --consistency-fit early-stopping runs ALGORITHM1_INFER
  // (docs/performance.md: 0.18× the time, lower held-out Eq. 5 loss, but a lower observer return in a 6-seed check).
  const fit = o["consistency-fit"] as "early-stopping" | "fixed" | undefined;
  const paper = o.paper === true;
  const base: Algorithm1Config = paper
    ? (fit === "early-stopping" ? { ...ALGORITHM1_PAPER, ...earlyStopping(ALGORITHM1_INFER) } : ALGORITHM1_PAPER)
    : fit === "early-stopping" ? ALGORITHM1_INFER : ALGORITHM1_DEFAULTS;
  const gamma = (o.gamma as number | undefined) ?? base.gamma;
  if (!(gamma < 1)) throw new InputError("E_USAGE", `infer: --gamma must be in [0, 1), got ${gamma}`);
  const alphaModel = (o["alpha-model"] as number | undefined) ?? base.alphaModel;
  if (!(alphaModel > 0)) throw new InputError("E_USAGE", `infer: --alpha-model must be > 0, got ${alphaModel}`);
  // Every output is checked before Algorithm 1 runs (an output equal to the history is refused).
  checkOutputPaths([v.out, v.json], [v.history]);
  const steps = (x: number): number => Math.max(1, Math.round(x * scale));
  // The default window: the last INFER_WINDOW updates (a better observer than all of a long history's, measured).
  const observed = updatesWithTransitions(columns);
  const updates = (o.updates as number[] | undefined) ?? (observed.length > INFER_WINDOW ? observed.slice(-INFER_WINDOW) : null);
  if (o.updates === undefined && updates !== null) console.log(`observing the last ${INFER_WINDOW} of the history's ${observed.length} updates (${updates[0]}…${updates[updates.length - 1]}), the paper's window; --updates chooses others`);
  const config: Partial<Algorithm1Config> = {
    ...base,
    updates,
    gamma, alphaModel,
    lambda: (o.lambda as number | undefined) ?? base.lambda,
    policySteps: steps(base.policySteps), klSteps: steps(base.klSteps),
    rewardInitSteps: steps(base.rewardInitSteps), consistencySteps: (o["consistency-steps"] as number | undefined) ?? steps(base.consistencySteps),
  };
  const seed = (o.seed as number | undefined) ?? 0;
  const bar = new cliProgress.SingleBar(
    { format: "{stage} [{bar}] {value}/{total} loss {loss} | {duration_formatted}", stream: process.stderr, clearOnComplete: true, noTTYOutput: true, notTTYSchedule: 10_000 },
    cliProgress.Presets.shades_classic,
  );
  let current = "";
  let res;
  try {
    res = recoverReward(columns, config, seed, {
      onStage(stage, step, total, loss) {
        if (stage !== current) {
          if (current) bar.stop();
          current = stage;
          bar.start(total, 0, { stage: `${ALGORITHM1_STAGES.indexOf(stage) + 1}/4 ${stage.padEnd(11)}`, loss: "" });
        }
        if (step % 10 === 0 || step === total) bar.update(step, { loss: Number.isFinite(loss) ? loss.toPrecision(4) : String(loss) });
      },
    });
  } finally {
    bar.stop();
  }
  const d = res.diagnostics;
  const info = { history: v.history, learner: columns.meta.learner, envId: columns.meta.envId, seed, diagnostics: d, bcPolicy: res.bcPolicy };
  res.reward.info = { ...(res.reward.info as object), history: v.history, learner: columns.meta.learner, envId: columns.meta.envId, bcPolicy: res.bcPolicy };
  // Serialised (and checked finite) before anything is written or printed.
  const finite = (value: unknown, what: string, space?: number): string => {
    try {
      return stringifyFinite(value, what, space);
    } catch (e) {
      if (e instanceof NumericalError) throw new NumericalError(`infer: Algorithm 1 produced a non-finite result (stage: writing ${what}): ${e.message}`);
      throw e;
    }
  };
  const rewardText = finite(res.reward.toJSON(), `the reward ${v.out}`);
  const infoText = finite(info, "the diagnostics", 2);
  writeFileSet([{ path: v.out, data: rewardText }, ...(v.json !== undefined ? [{ path: v.json, data: infoText }] : [])]);

  console.log(`Algorithm 1: inferred r_φ(s,a) = ln π_φ(a|s) from ${d.updates.length} updates (${d.updates[0]}…${d.updates[d.updates.length - 1]}) of ${columns.meta.learner} on ${columns.meta.envId}`);
  console.log(markdownTable([
    { header: "stage", value: (s: (typeof ALGORITHM1_STAGES)[number]) => s },
    { header: "final loss", value: (s) => d.finalLoss[s], digits: 4 },
    { header: "seconds", value: (s) => d.timeMs[s] / 1000, digits: 1 },
  ], [...ALGORITHM1_STAGES]));
  console.log(markdownTable([
    { header: "improvement", value: (m: (typeof d.improvements)[number]) => `${m.from}→${m.to}` },
    { header: "pairs", value: (m) => String(m.pairs) },
    { header: "mean KL (ρ)", value: (m) => m.meanKl, digits: 4 },
    { header: "target std", value: (m) => m.targetStd, digits: 3 },
    { header: "residual RMS", value: (m) => m.residualRms, digits: 3 },
    { header: "residual mean", value: (m) => m.residualMean, digits: 3 },
  ], d.improvements));
  const relative = (m: (typeof d.improvements)[number]): number => (m.targetStd > 0 ? m.residualRms / m.targetStd : 0);
  const worst = d.improvements.reduce((a, b) => (relative(b) > relative(a) ? b : a));
  console.log(`residual RMS = Eq. 5 residual of r_φ + shaping vs the targets r̄k; worst relative to its target std: ${worst.from}→${worst.to} (${worst.targetStd > 0 ? relative(worst).toFixed(2) : "— (constant targets)"}).`);
  console.log(`wrote ${v.out} (reward, its observation normalisation, the BC policy π̂ of update ${d.updates[d.updates.length - 1]} in the PPO actor's format under info.bcPolicy)${v.json !== undefined ? ` and ${v.json}` : ""}`);
  return 0;
}
