/**
 * `lfl observe --mdp m.json --reward reward.json`: the tabular observer. Plays the optimal soft policy of the
 * recovered reward under the MDP's TRUE dynamics (α = 0.3) and reports its score J under the TRUE reward, beside
 * the optimal score J* and the uniform policy's.
 */
import { writeFileSync } from "node:fs";
import { InputError } from "../core/errors.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { observerPolicy } from "../observer/tabular/tabular-lfl.ts";
import { readTabularRewardFile } from "../rewards/tabular-reward-file.ts";
import { softReturn, softValueIteration, uniformPolicy } from "../solvers/soft-policy.ts";
import type { Command } from "./command.ts";
import { numberFlag, parseCommandArgs } from "./command.ts";

const USAGE = `lfl observe --mdp m.json --reward reward.json [--alpha X] [--json FILE]

  --mdp FILE          the MDP (docs/mdp-json.md): true dynamics for planning, true reward for scoring
  --reward FILE       a recovered reward written by 'lfl infer'
  --alpha X           entropy weight of the observer's planning and of the score (default 0.3)
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
      mdp: { type: "string" }, reward: { type: "string" }, alpha: { type: "string" },
      env: { type: "string" }, updates: { type: "string" }, "num-envs": { type: "string" }, "n-steps": { type: "string" }, episodes: { type: "string" }, out: { type: "string" },
    });
    if (v.reward === undefined) throw new InputError("E_USAGE", "observe: --reward FILE is required");
    if (v.mdp === undefined) return (await import("./observe-continuous.ts")).runContinuousObserve({ ...v, reward: v.reward });
    const mdp = loadMdpJson(v.mdp);
    const file = readTabularRewardFile(v.reward);
    if (file.nS !== mdp.nS || file.nA !== mdp.nA) throw new InputError("E_INVALID_REWARD", `${v.reward}: reward is ${file.nS}×${file.nA}, but ${v.mdp} has ${mdp.nS} states and ${mdp.nA} actions`);
    const alpha = numberFlag("alpha", v.alpha, 0.3);
    if (!(alpha > 0)) throw new InputError("E_USAGE", `--alpha must be > 0, got ${alpha}`);
    const pi = observerPolicy(mdp, file.reward, alpha);
    const observer = softReturn(mdp, pi, alpha);
    const optimal = softReturn(mdp, softValueIteration(mdp, alpha).pi, alpha);
    const uniform = softReturn(mdp, uniformPolicy(mdp.nS, mdp.nA), alpha);
    console.log(`observer J = ${observer.toFixed(4)}   (optimal J* = ${optimal.toFixed(4)}, regret ${(optimal - observer).toExponential(2)}; uniform ${uniform.toFixed(4)})`);
    console.log(`J: soft return (α = ${alpha}) under the true reward of ${mdp.name} from its start distribution.`);
    if (v.json !== undefined) {
      const policy = Array.from({ length: mdp.nS }, (_, s) => Array.from(pi.subarray(s * mdp.nA, (s + 1) * mdp.nA)));
      writeFileSync(v.json, `${JSON.stringify({ mdp: mdp.name, reward: v.reward, alpha, observer, optimal, uniform, policy }, null, 2)}\n`);
    }
    return 0;
  },
};
