/**
 * `lfl observe --mdp m.json --reward reward.json`: the tabular observer. Plays the optimal soft policy of the
 * recovered reward under the MDP's TRUE dynamics (α = 0.3) and reports its score J under the TRUE reward, beside
 * the optimal score J* and the uniform policy's.
 */
import { checkOutputPaths, writeFileAtomic } from "../core/atomic-file.ts";
import { InputError, NumericalError } from "../core/errors.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { columnsToHistory } from "../data/history-columns.ts";
import { readHistoryColumns } from "../data/history-file.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { observerPolicy, TABULAR_LFL_DEFAULTS } from "../observer/tabular/tabular-lfl.ts";
import { estimatePolicy, tabularBatches, visitCounts } from "../observer/tabular/tabular-policy-estimation.ts";
import { readTabularRewardFile } from "../rewards/tabular-reward-file.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../solvers/soft-policy.ts";
import type { Command } from "./command.ts";
import { ALPHA_MAX, ALPHA_MIN, numberFlag, parseCommandArgs } from "./command.ts";

const USAGE = `lfl observe --mdp m.json --reward reward.json [--history h.npz] [--alpha X] [--json FILE]

  --mdp FILE          the MDP (docs/mdp-json.md): true dynamics for planning, true reward for scoring
  --reward FILE       a recovered reward written by 'lfl infer'
  --history FILE      the learning history the reward came from: prints the learner's last and best true J beside
                      the observer's (the learner's exact scores when 'lfl learn' recorded them, else those of the
                      policies estimated from each update's pairs)
  --alpha X           entropy weight of the observer's planning and of every score (default: the learner's α
                      recorded by 'lfl learn'/'lfl infer', else 0.3; a different value is said aloud)
  --json FILE         also write the scores and the observer's policy as JSON

lfl observe --reward reward.json [--env ID] [options]   (no --mdp: a Box reward written by 'lfl infer')
  Trains PPO on the recovered reward from the clone π̂ in the file's info.bcPolicy; scores on the TRUE reward.
  --env ID            env to train and score in (default: the history's, info.envId)
  --updates N         PPO updates on the recovered reward (default 30)
  --num-envs N        parallel envs per update (default 1); --n-steps N steps per env (default 2048)
  --episodes N        true-reward evaluation episodes (default 10)
  --out FILE          also write the final actor (PPO actor JSON); --seed N  PPO seed (default 0)`;

export const command: Command = {
  name: "observe",
  summary: "play the optimal soft policy of a recovered reward; score it under the true reward",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const { values: v } = parseCommandArgs("observe", argv, {
      mdp: { type: "string" }, reward: { type: "string" }, alpha: { type: "string" }, history: { type: "string" },
      env: { type: "string" }, updates: { type: "string" }, "num-envs": { type: "string" }, "n-steps": { type: "string" }, episodes: { type: "string" }, out: { type: "string" },
    });
    if (v.reward === undefined) throw new InputError("E_USAGE", "observe: --reward FILE is required");
    if (v.mdp === undefined) return (await import("./observe-continuous.ts")).runContinuousObserve({ ...v, reward: v.reward });
    // The Box branch's flags do not apply here; outputs are checked before any work.
    const boxOnly = (["env", "updates", "num-envs", "n-steps", "episodes", "out", "seed"] as const).filter((k) => v[k] !== undefined);
    if (boxOnly.length > 0) throw new InputError("E_USAGE", `observe: ${boxOnly.map((k) => `--${k}`).join(", ")} ${boxOnly.length === 1 ? "does" : "do"} not apply with --mdp (a tabular reward) (see 'lfl observe --help')`);
    checkOutputPaths([v.json], [v.mdp, v.reward, v.history]);
    const mdp = loadMdpJson(v.mdp);
    const file = readTabularRewardFile(v.reward);
    if (file.nS !== mdp.nS || file.nA !== mdp.nA) throw new InputError("E_INVALID_REWARD", `${v.reward}: reward is ${file.nS}×${file.nA}, but ${v.mdp} has ${mdp.nS} states and ${mdp.nA} actions`);
    // α: the learner's, as recorded in the reward file (from the history's meta), unless given.
    const recorded = typeof file.info.alpha === "number" ? file.info.alpha : undefined;
    const alpha = numberFlag("alpha", v.alpha, recorded ?? 0.3, ALPHA_MIN, ALPHA_MAX);
    if (!(alpha > 0)) throw new InputError("E_USAGE", `--alpha must be > 0, got ${alpha}`);
    if (recorded !== undefined && v.alpha !== undefined && alpha !== recorded) console.log(`note: scoring at --alpha ${alpha}, not the learner's α = ${recorded} recorded in ${v.reward}`);
    if (recorded === undefined && v.alpha === undefined) console.log(`note: ${v.reward} records no learner α; scoring at α = 0.3 (give --alpha to change)`);
    if (Math.abs(file.gamma - mdp.gamma) > 1e-12) console.log(`note: ${v.reward} was inferred with γ = ${file.gamma}; ${v.mdp} has γ = ${mdp.gamma} (planning and scores use the MDP's)`);
    const pi = observerPolicy(mdp, file.reward, alpha);
    const observer = softReturn(mdp, pi, alpha);
    const optimal = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha);
    const uniform = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
    const recovered = softReturn(mdp.withReward(file.reward), pi, alpha);
    let learner: { last: number; best: number; source: string } | undefined;
    if (v.history !== undefined) learner = learnerScores(v.history, mdp, alpha);
    const rows: [string, number][] = [["observer (true J)", observer]];
    if (learner) rows.push([`learner's last policy (true J${learner.source})`, learner.last], [`learner's best policy (true J${learner.source})`, learner.best]);
    rows.push(["optimal J*", optimal], ["uniform policy J(U)", uniform], ["observer under the recovered reward (not a true score)", recovered]);
    // Every number printed or written is finite, or nothing is (a reward of ±1e308 overflows the planning).
    const bad = rows.find(([, j]) => !Number.isFinite(j)) ?? (pi.every(Number.isFinite) ? undefined : (["the observer's policy", Number.NaN] as [string, number]));
    if (bad) throw new NumericalError(`observe: ${bad[0]} is ${bad[1]} (stage: planning on the recovered reward of ${v.reward} under ${v.mdp} at α = ${alpha}; its rewards are too large for soft planning); nothing was written`);
    for (const [name, j] of rows) console.log(`${name.padEnd(60)} ${j.toFixed(4)}`);
    if (learner) {
      const scale = optimal - uniform;
      console.log(`observer − learner's last = ${(observer - learner.last).toFixed(4)} (${(((observer - learner.last) / scale) * 100).toFixed(1)}% of J* − J(U)); gap to J* closed: ${optimal - learner.last > 1e-9 ? `${(((observer - learner.last) / (optimal - learner.last)) * 100).toFixed(1)}%` : "— (the learner's last policy is optimal)"}`);
    }
    console.log(`true J: soft return (α = ${alpha}) under the true reward of ${mdp.name} from its start distribution.`);
    if (v.json !== undefined) {
      const policy = Array.from({ length: mdp.nS }, (_, s) => Array.from(pi.subarray(s * mdp.nA, (s + 1) * mdp.nA)));
      writeFileAtomic(v.json, stringifyFinite({ mdp: mdp.name, reward: v.reward, alpha, observer, optimal, uniform, recoveredReturn: recovered, ...(learner ? { learnerLast: learner.last, learnerBest: learner.best, learnerScoreSource: learner.source.trim() || "exact" } : {}), policy }, `the scores ${v.json}`, 2));
    }
    return 0;
  },
};

/** The learner's last and best true J: exact when `lfl learn` recorded them (meta.extra.trueReturns at the same α), else from π̂_k. */
function learnerScores(path: string, mdp: TabularMdp, alpha: number): { last: number; best: number; source: string } {
  const history = columnsToHistory(readHistoryColumns(path));
  const extra = history.meta.extra ?? {};
  const stored = extra.trueReturns;
  if (Array.isArray(stored) && stored.length > 0 && extra.alpha === alpha && stored.every((x) => typeof x === "number")) {
    const js = stored as number[];
    return { last: js[js.length - 1]!, best: Math.max(...js), source: "" };
  }
  const batches = tabularBatches(history, mdp.nS, mdp.nA);
  const js = batches.map((b) => softReturn(mdp, estimatePolicy(visitCounts(b, mdp.nS, mdp.nA), mdp.nS, mdp.nA, TABULAR_LFL_DEFAULTS.lambda), alpha));
  return { last: js[js.length - 1]!, best: Math.max(...js), source: " of π̂_k estimated from each update's pairs" };
}
