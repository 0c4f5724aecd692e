/**
 * `lfl learn --mdp m.json --learner L --out h.npz`: runs a tabular learner on a user MDP (docs/mdp-json.md) and
 * writes its learning history (.npz; discrete states/actions as int64), one 1000-pair stream per policy update.
 */
import { checkOutputPaths, writeFileAtomic } from "../core/atomic-file.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import { writeHistoryFile } from "../data/history-file.ts";
import { LearningHistory } from "../data/learning-history.ts";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { isTabularLearnerId, TABULAR_LEARNERS } from "../learners/tabular-learners.ts";
import { softReturn } from "../solvers/soft-policy.ts";
import { ALPHA_MAX, ALPHA_MIN, intFlag, numberFlag, parseCommandArgs } from "./command.ts";

/** Bounds of --improvements and of the history's rows ((K + 1) × pairs), so a typo is refused, not run for hours. */
const MAX_IMPROVEMENTS = 100_000;
const MAX_ROWS = 10_000_000;

export const LEARN_MDP_USAGE = `lfl learn --mdp m.json --learner L --out history.npz [options]

  --mdp FILE          tabular MDP as JSON (docs/mdp-json.md, e.g. examples/two-state.json)
  --learner L         required: ${Object.keys(TABULAR_LEARNERS).join(" | ")}
  --out FILE          learning-history file to write (.npz)
  --improvements N    policy updates K (default: the learner's, as in Table 2)
  --pairs N           state–action pairs sampled per update (default 1000)
  --alpha X           the learner's entropy weight, in [${ALPHA_MIN}, ${ALPHA_MAX}] (default 0.3)
  --seed N            random seed (default 0)
  --json FILE         also write the learner's per-update scores J(π_k) as JSON`;

export async function runLearnMdp(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("learn", argv, {
    mdp: { type: "string" }, learner: { type: "string" }, out: { type: "string" },
    improvements: { type: "string" }, pairs: { type: "string" }, alpha: { type: "string" },
  });
  if (v.mdp === undefined) throw new InputError("E_USAGE", "learn: --mdp FILE is required");
  if (v.out === undefined) throw new InputError("E_USAGE", "learn: --out FILE is required");
  if (v.learner === undefined) throw new InputError("E_USAGE", `learn: --learner L is required for a tabular MDP (one of ${Object.keys(TABULAR_LEARNERS).join(", ")})`);
  const id = v.learner;
  if (!isTabularLearnerId(id)) throw new InputError("E_UNKNOWN_ID", `learn: unknown tabular learner '${id}' (learners: ${Object.keys(TABULAR_LEARNERS).join(", ")})`);
  // Flags and output paths before any work (an output may not be the input MDP, nor two outputs one file).
  const seed = intFlag("seed", v.seed, 0);
  const alpha = numberFlag("alpha", v.alpha, 0.3, ALPHA_MIN, ALPHA_MAX);
  const pairs = intFlag("pairs", v.pairs, 1000, 1, MAX_ROWS);
  const config: Record<string, unknown> = { alpha, pairsPerUpdate: pairs };
  const kKey = id === "random-improvement" ? "observed" : "improvements";
  const defaultK = (TABULAR_LEARNERS[id].defaults as unknown as Record<string, unknown>)[kKey];
  const k = intFlag("improvements", v.improvements, typeof defaultK === "number" ? defaultK : 1, id === "random-improvement" ? 2 : 1, MAX_IMPROVEMENTS);
  if (v.improvements !== undefined) config[kKey] = k;
  if ((k + 1) * pairs > MAX_ROWS) throw new InputError("E_USAGE", `learn: ${k} improvements × --pairs ${pairs} is ${(k + 1) * pairs} history rows, more than ${MAX_ROWS} (see 'lfl learn --help')`);
  checkOutputPaths([v.out, v.json], [v.mdp]);
  const mdp = loadMdpJson(v.mdp);
  if (id === "random-improvement" && typeof config.observed === "number") config.points = Math.max(15, config.observed);

  const run = TABULAR_LEARNERS[id].train(mdp, config, new Rng(seed));
  const scores = run.policies.map((pi) => softReturn(mdp, pi, alpha));
  // The learner's true scores travel with the history (meta.extra.trueReturns), for `observe --history`.
  const meta = { ...run.history.meta, seed, envKwargs: { ...run.history.meta.envKwargs, gamma: mdp.gamma }, extra: { ...run.history.meta.extra, alpha, trueReturns: scores } };
  const history = new LearningHistory(meta, run.history.updates);
  writeHistoryFile(v.out, history);
  console.log(`${id} on ${mdp.name}: ${history.updates.length} policy updates × ${config.pairsPerUpdate} pairs → ${v.out} (α = ${alpha} and γ = ${mdp.gamma} recorded in the history for infer and observe)`);
  console.log(`learner true J(π_k) (soft return, α = ${alpha}, true reward): ${scores.map((j) => j.toFixed(3)).join(" ")}`);
  console.log(`learner true J: last ${scores[scores.length - 1]!.toFixed(4)}, best ${Math.max(...scores).toFixed(4)}`);
  if (v.json !== undefined) writeFileAtomic(v.json, stringifyFinite({ learner: id, mdp: mdp.name, seed, config, scores, out: v.out }, `the learner's scores ${v.json}`, 2));
  return 0;
}
