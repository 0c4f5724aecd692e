/**
 * `lfl infer --history h.npz [--mdp m.json] --out reward.json`: recovers a state–action reward from a tabular
 * learning history (observer/tabular-lfl.ts) and prints the diagnostics: per-improvement residual of the fit
 * (which improvements the reward fails to explain) and the updates that look non-improving under it.
 * The MDP file, when given, is used only for its sizes and γ (the observer estimates the dynamics from the data).
 */
import { writeFileSync } from "node:fs";
import { InputError } from "../core/errors.ts";
import { columnsToHistory } from "../data/history-columns.ts";
import { readHistoryColumns } from "../data/history-file.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { inferTabularReward, TABULAR_LFL_DEFAULTS, type TabularSpec } from "../observer/tabular/tabular-lfl.ts";
import { formatNumber, markdownTable } from "../reports/markdown-table.ts";
import { writeTabularRewardFile } from "../rewards/tabular-reward-file.ts";
import type { Command } from "./command.ts";
import { numberFlag, parseCommandArgs } from "./command.ts";

const USAGE = `lfl infer --history h.npz --out reward.json [options]

  --history FILE      learning history (.npz) of a tabular learner (discrete states and actions)
  --out FILE          where to write the recovered reward r̄φ(s,a) (JSON)
  --mdp FILE          the MDP (docs/mdp-json.md): gives nS, nA and γ, and checks the history against it
  --gamma X           discount, when no --mdp (default: the history's envKwargs.gamma)
  --alpha-model X     entropy weight the observer assumes (default ${TABULAR_LFL_DEFAULTS.alphaModel})
  --lambda X          entropy bonus of the policy maximum likelihood (default ${TABULAR_LFL_DEFAULTS.lambda})
  --reward-form F     state-action (default: r(s,a), the general form) or state (r(s) only, the paper's §4.3
                      assumption; what Table 2's observer uses on the grid, whose reward depends on the state only)
  --learner-model M   spi | svi | td | auto (default ${TABULAR_LFL_DEFAULTS.learnerModel}: chosen by likelihood; docs/observer-tabular.md)
  --pessimism X       β of the planning penalty −β/√(n(s,a)+1) written into the reward (default ${TABULAR_LFL_DEFAULTS.pessimism}; 0 = none)
  --json FILE         also write the diagnostics as JSON

  Box observation and action spaces run Algorithm 1 instead (lfl infer --history h.npz --out reward.json);
  options --updates LIST, --gamma, --alpha-model, --lambda, --scale X, --seed N, --paper (see src/cli/infer-continuous.ts).`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError("E_USAGE", `infer: --${flag} must be one of ${allowed.join(", ")}, got '${value}'`);
  return value as T;
}

export const command: Command = {
  name: "infer",
  summary: "recover a reward from a learning history (tabular: Theorem 2; Box: Algorithm 1); writes reward JSON, prints diagnostics",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const { values: v } = parseCommandArgs("infer", argv, {
      history: { type: "string" }, out: { type: "string" }, mdp: { type: "string" },
      gamma: { type: "string" }, "alpha-model": { type: "string" }, lambda: { type: "string" },
      updates: { type: "string" }, scale: { type: "string" }, paper: { type: "boolean" },
      "reward-form": { type: "string" }, "learner-model": { type: "string" }, pessimism: { type: "string" },
    });
    if (v.history === undefined) throw new InputError("E_USAGE", "infer: --history FILE is required");
    if (v.out === undefined) throw new InputError("E_USAGE", "infer: --out FILE is required");
    const columns = readHistoryColumns(v.history);
    const { observationSpace: os, actionSpace: as } = columns.meta;
    if (os.kind === "box" && as.kind === "box") return (await import("./infer-continuous.ts")).runContinuousInfer({ ...v, history: v.history, out: v.out }, columns);
    if (os.kind !== "discrete" || as.kind !== "discrete" || os.n === undefined || as.n === undefined) {
      throw new InputError("E_INVALID_HISTORY", `${v.history}: infer needs discrete observation and action spaces (got ${os.kind}, ${as.kind})`);
    }
    let spec: TabularSpec;
    if (v.mdp !== undefined) {
      const mdp = loadMdpJson(v.mdp);
      const outside = (name: string, xs: Float64Array, n: number, what: string): void => {
        const i = xs.findIndex((x) => x >= n);
        if (i >= 0) throw new InputError("E_INVALID_HISTORY", `${v.history}: array '${name}' row ${i} is ${xs[i]}, not ${what} of ${v.mdp} (it has ${n})`);
      };
      outside("obs", columns.obs, mdp.nS, "a state");
      outside("next_obs", columns.nextObs, mdp.nS, "a state");
      outside("actions", columns.actions, mdp.nA, "an action");
      spec = { nS: mdp.nS, nA: mdp.nA, gamma: mdp.gamma };
    } else {
      const stored = columns.meta.envKwargs?.gamma;
      const gamma = numberFlag("gamma", v.gamma, typeof stored === "number" ? stored : Number.NaN);
      if (!(gamma >= 0 && gamma < 1)) throw new InputError("E_USAGE", "infer: give --mdp FILE or --gamma X in [0, 1) (the history records no gamma)");
      spec = { nS: os.n, nA: as.n, gamma };
    }
    const rewardForm = oneOf("reward-form", v["reward-form"], ["state-action", "state"] as const, "state-action");
    const learnerModel = oneOf("learner-model", v["learner-model"], ["spi", "svi", "td", "auto"] as const, TABULAR_LFL_DEFAULTS.learnerModel);
    const config = {
      alphaModel: numberFlag("alpha-model", v["alpha-model"], TABULAR_LFL_DEFAULTS.alphaModel), lambda: numberFlag("lambda", v.lambda, TABULAR_LFL_DEFAULTS.lambda),
      rewardForm, learnerModel, pessimism: numberFlag("pessimism", v.pessimism, TABULAR_LFL_DEFAULTS.pessimism),
    };
    const history = columnsToHistory(columns);
    const res = inferTabularReward(history, spec, config);
    const info = { history: v.history, learner: history.meta.learner, envId: history.meta.envId, observer: { ...TABULAR_LFL_DEFAULTS, ...config }, diagnostics: res.diagnostics };
    writeTabularRewardFile(v.out, { ...spec, reward: res.reward, info });

    console.log(`inferred r̄φ(${rewardForm === "state" ? "s" : "s,a"}) from ${history.updates.length} policy updates (${res.diagnostics.length} improvements) of ${history.meta.learner} on ${history.meta.envId}; learner model ${learnerModel}, planning penalty β = ${config.pessimism}`);
    console.log(markdownTable([
      { header: "improvement", value: (d) => `${d.from}→${d.to}` },
      { header: "residual RMS", value: (d) => d.residualRms, digits: 3 },
      { header: "RMS on visited", value: (d) => d.residualRmsVisited, digits: 3 },
      { header: "J(π̂_from)", value: (d) => d.returnFrom, digits: 3 },
      { header: "J(π̂_to)", value: (d) => d.returnTo, digits: 3 },
      { header: "flag", value: (d) => (d.nonImproving ? "NON-IMPROVING" : "") },
    ], res.diagnostics));
    const flagged = res.diagnostics.filter((d) => d.nonImproving);
    console.log(`J: soft return (α_model = ${config.alphaModel}) under r̄φ and the estimated model. ${flagged.length} of ${res.diagnostics.length} updates look non-improving under r̄φ; worst residual RMS ${formatNumber(Math.max(...res.diagnostics.map((d) => d.residualRms)), 3)}.`);
    console.log(`wrote ${v.out}`);
    if (v.json !== undefined) writeFileSync(v.json, `${JSON.stringify(info, null, 2)}\n`);
    return 0;
  },
};
