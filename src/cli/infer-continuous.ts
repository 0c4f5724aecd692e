/**
 * The continuous branch of `lfl infer` (Box observations and actions): Algorithm 1 (observer/algorithm-1.ts) with
 * a progress bar over its four stages on stderr; writes the reward JSON (rewards/neural-reward.ts, with the BC
 * policy π̂θK and the diagnostics in `info`) and prints the per-stage losses and times and the per-improvement
 * residuals.
 */
import { writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { InputError } from "../core/errors.ts";
import type { HistoryColumns } from "../data/history-columns.ts";
import { ALGORITHM1_DEFAULTS, ALGORITHM1_PAPER, ALGORITHM1_STAGES, recoverReward, type Algorithm1Config } from "../observer/algorithm-1/algorithm-1.ts";
import { markdownTable } from "../reports/markdown-table.ts";
import { intFlag, numberFlag } from "./command.ts";

export const INFER_CONTINUOUS_USAGE = `  Box spaces (Algorithm 1, paper §5; defaults = §6.3):
  --updates LIST      comma-separated update indices to use (default: all updates with transitions)
  --gamma X           discount (default ${ALGORITHM1_DEFAULTS.gamma})
  --alpha-model X     α of the soft-improvement learner model (default ${ALGORITHM1_DEFAULTS.alphaModel})
  --lambda X          entropy bonus of the policy regressions (default ${ALGORITHM1_DEFAULTS.lambda})
  --scale X           multiply every stage's step count by X in (0, 1] (quick looks; default 1)
  --seed N            seed of the network initialisations (default 0)
  --paper             the paper's Algorithm 1 exactly (§6.3: ML policy fits, regressed KL nets, ML reward init)
                      instead of our default (early-stopped clones, exact Gaussian KL; docs/algorithm-1.md)`;

export interface InferContinuousFlags {
  history: string;
  out: string;
  json?: string | undefined;
  seed?: string | undefined;
  updates?: string | undefined;
  gamma?: string | undefined;
  "alpha-model"?: string | undefined;
  lambda?: string | undefined;
  scale?: string | undefined;
  paper?: boolean | undefined;
}

export function runContinuousInfer(v: InferContinuousFlags, columns: HistoryColumns): number {
  const scale = numberFlag("scale", v.scale, 1);
  if (!(scale > 0 && scale <= 1)) throw new InputError("E_USAGE", `--scale must be in (0, 1], got '${v.scale}'`);
  const steps = (x: number): number => Math.max(1, Math.round(x * scale));
  let updates: number[] | null = null;
  if (v.updates !== undefined) {
    updates = v.updates.split(",").map((s) => Number(s.trim()));
    if (updates.some((u) => !Number.isInteger(u) || u < 0)) throw new InputError("E_USAGE", `--updates must be comma-separated non-negative integers, got '${v.updates}'`);
  }
  const base = v.paper === true ? ALGORITHM1_PAPER : ALGORITHM1_DEFAULTS;
  const config: Partial<Algorithm1Config> = {
    ...base,
    updates,
    gamma: numberFlag("gamma", v.gamma, base.gamma),
    alphaModel: numberFlag("alpha-model", v["alpha-model"], base.alphaModel),
    lambda: numberFlag("lambda", v.lambda, base.lambda),
    policySteps: steps(base.policySteps), klSteps: steps(base.klSteps),
    rewardInitSteps: steps(base.rewardInitSteps), consistencySteps: steps(base.consistencySteps),
  };
  const seed = intFlag("seed", v.seed, 0);
  const bar = new cliProgress.SingleBar(
    { format: "{stage} [{bar}] {value}/{total} loss {loss} | {duration_formatted}", stream: process.stderr, clearOnComplete: true, noTTYOutput: false },
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
        if (step % 10 === 0 || step === total) bar.update(step, { loss: loss.toPrecision(4) });
      },
    });
  } finally {
    bar.stop();
  }
  const d = res.diagnostics;
  const info = { history: v.history, learner: columns.meta.learner, envId: columns.meta.envId, seed, diagnostics: d, bcPolicy: res.bcPolicy };
  res.reward.info = { ...(res.reward.info as object), history: v.history, learner: columns.meta.learner, envId: columns.meta.envId, bcPolicy: res.bcPolicy };
  writeFileSync(v.out, `${JSON.stringify(res.reward.toJSON())}\n`);

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
  const worst = d.improvements.reduce((a, b) => (b.residualRms / b.targetStd > a.residualRms / a.targetStd ? b : a));
  console.log(`residual RMS = Eq. 5 residual of r_φ + shaping vs the targets r̄k; worst relative to its target std: ${worst.from}→${worst.to} (${(worst.residualRms / worst.targetStd).toFixed(2)}).`);
  console.log(`wrote ${v.out} (reward, its observation normalisation, the BC policy π̂ of update ${d.updates[d.updates.length - 1]} in the PPO actor's format under info.bcPolicy)`);
  if (v.json !== undefined) writeFileSync(v.json, `${JSON.stringify(info, null, 2)}\n`);
  return 0;
}
