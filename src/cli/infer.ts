/**
 * `lfl infer --history h.npz [--mdp m.json] --out reward.json`: recovers a state–action reward from a tabular
 * learning history (observer/tabular-lfl.ts) and prints the diagnostics: per-improvement residual of the fit
 * (which improvements the reward fails to explain) and the updates that look non-improving under it.
 * The MDP file, when given, gives the sizes and γ, and its TRUE dynamics are those the state-form check
 * (form-check.ts) and the flags plan under, and the reward is recovered under them too (Theorem 2's setting; the
 * library's default `dynamics: "known"`); without it everything uses the dynamics P̂ estimated from the data.
 */
import { InputError } from "../core/errors.ts";
import { columnsToHistory } from "../data/history-columns.ts";
import { readHistoryColumns } from "../data/history-file.ts";
import { checkOutputPaths, writeFileAtomic } from "../core/atomic-file.ts";
import { stringifyFinite } from "../core/finite-json.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import type { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { observerFlags } from "../observer/tabular/observer-flags.ts";
import { inferTabularReward, TABULAR_LFL_DEFAULTS, type TabularSpec } from "../observer/tabular/tabular-lfl.ts";
import type { TdGateReport } from "../observer/tabular/td-gate.ts";
import { formatNumber, markdownTable } from "../reports/markdown-table.ts";
import { writeTabularRewardFile } from "../rewards/tabular-reward-file.ts";
import type { Command } from "./command.ts";
import { ALPHA_MAX, ALPHA_MIN, intFlag, numberFlag, parseCommandArgs } from "./command.ts";

const USAGE = `lfl infer --history h.npz --out reward.json [options]

  --history FILE      learning history (.npz) of a tabular learner (discrete states and actions)
  --out FILE          where to write the recovered reward r̄φ(s,a) (JSON)
  --mdp FILE          the MDP (docs/mdp-json.md): gives nS, nA and γ, and checks the history against it
  --gamma X           discount, when no --mdp (default: the history's envKwargs.gamma)
  --alpha X           entropy weight of the observer's planning (default: the learner's α recorded in the history,
                      else 0.3; a different value is said aloud); written into the reward file for 'lfl observe'
  --alpha-model X     entropy weight the observer assumes (default ${TABULAR_LFL_DEFAULTS.alphaModel})
  --lambda X          entropy bonus of the policy maximum likelihood (default ${TABULAR_LFL_DEFAULTS.lambda})
  --reward-form F     auto | state-action | state (default ${TABULAR_LFL_DEFAULTS.rewardForm}: chosen from the data by the held-out likelihood
                      of the next update's actions; state = r(s) only, the paper's §4.3 assumption)
  --learner-model M   spi | svi | td | auto (default ${TABULAR_LFL_DEFAULTS.learnerModel}: chosen with the reward form; docs/observer-tabular.md)
  --td-gate G         in-sample | held-out | both | off (default ${TABULAR_LFL_DEFAULTS.tdGateRule}): with --learner-model auto, plan on the TD model's
                      reward for a TD-like history whose last batch shows > ${100 * TABULAR_LFL_DEFAULTS.tdGateCoverage}% of the pairs; held-out compares the
                      models on the next update's actions, both asks for both tests (docs/observer-tabular.md §12–§14)
  --pessimism X       β of the planning penalty −β/√(n(s,a)+1) written into the reward (default ${TABULAR_LFL_DEFAULTS.pessimism}; 0 = none)
                      (the file holds ${TABULAR_LFL_DEFAULTS.planningScale}·(r̂ − β/√(n+1)): planning on it at α is planning on r̂ at
                      α/${TABULAR_LFL_DEFAULTS.planningScale}, docs/observer-tabular.md §10.1)
  --seed N            seed of the bootstrap that checks the planned policy (default ${TABULAR_LFL_DEFAULTS.bootstrapSeed})
  --json FILE         also write the diagnostics as JSON

  Box observation and action spaces run Algorithm 1 instead (lfl infer --history h.npz --out reward.json);
  options --updates LIST, --gamma, --alpha-model, --lambda, --scale X, --seed N, --paper, --consistency-fit F,
  --consistency-steps N (see src/cli/infer-continuous.ts).`;

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
      updates: { type: "string" }, scale: { type: "string" }, paper: { type: "boolean" }, "consistency-fit": { type: "string" }, "consistency-steps": { type: "string" },
      "reward-form": { type: "string" }, "learner-model": { type: "string" }, "td-gate": { type: "string" }, pessimism: { type: "string" }, alpha: { type: "string" },
    });
    if (v.history === undefined) throw new InputError("E_USAGE", "infer: --history FILE is required");
    if (v.out === undefined) throw new InputError("E_USAGE", "infer: --out FILE is required");
    checkOutputPaths([v.out, v.json], [v.history, v.mdp]); // before any work: an output may not destroy an input
    const columns = readHistoryColumns(v.history);
    const { observationSpace: os, actionSpace: as } = columns.meta;
    if (os.kind === "box" && as.kind === "box") return (await import("./infer-continuous.ts")).runContinuousInfer({ ...v, history: v.history, out: v.out }, columns);
    if (os.kind !== "discrete" || as.kind !== "discrete" || os.n === undefined || as.n === undefined) {
      throw new InputError("E_INVALID_HISTORY", `${v.history}: infer needs discrete observation and action spaces (got ${os.kind}, ${as.kind})`);
    }
    // Algorithm 1's flags do not apply to a tabular history (they would be ignored).
    const boxOnly = (["updates", "scale", "paper", "consistency-fit", "consistency-steps"] as const).filter((k) => v[k] !== undefined);
    if (boxOnly.length > 0) throw new InputError("E_USAGE", `infer: ${boxOnly.map((k) => `--${k}`).join(", ")} ${boxOnly.length === 1 ? "does" : "do"} not apply to a tabular history (see 'lfl infer --help')`);
    const storedGamma = columns.meta.envKwargs?.gamma;
    let spec: TabularSpec;
    let planMdp: TabularMdp | undefined;
    if (v.mdp !== undefined) {
      const mdp = loadMdpJson(v.mdp);
      const outside = (name: string, xs: Float64Array, n: number, what: string): void => {
        const i = xs.findIndex((x) => x >= n);
        if (i >= 0) throw new InputError("E_INVALID_HISTORY", `${v.history}: array '${name}' row ${i} is ${xs[i]}, not ${what} of ${v.mdp} (it has ${n})`);
      };
      outside("obs", columns.obs, mdp.nS, "a state");
      outside("next_obs", columns.nextObs, mdp.nS, "a state");
      outside("actions", columns.actions, mdp.nA, "an action");
      // The MDP itself as the spec: the form check then plans under its true dynamics (tabular-lfl.ts).
      spec = mdp;
      planMdp = mdp;
      if (typeof storedGamma === "number" && storedGamma !== mdp.gamma) console.log(`note: using γ = ${mdp.gamma} of ${v.mdp}; the history records γ = ${storedGamma}`);
    } else {
      const gamma = numberFlag("gamma", v.gamma, typeof storedGamma === "number" ? storedGamma : Number.NaN);
      if (!(gamma >= 0 && gamma < 1)) throw new InputError("E_USAGE", "infer: give --mdp FILE or --gamma X in [0, 1) (the history records no gamma)");
      if (typeof storedGamma === "number" && v.gamma !== undefined && gamma !== storedGamma) console.log(`note: using --gamma ${gamma}; the history records γ = ${storedGamma}`);
      spec = { nS: os.n, nA: as.n, gamma };
    }
    // α: the learner's (recorded by lfl learn in learnerConfig / extra), unless given.
    const lc = columns.meta.learnerConfig ?? {}, ex = columns.meta.extra ?? {};
    const storedAlpha = typeof lc.alpha === "number" ? lc.alpha : typeof ex.alpha === "number" ? ex.alpha : undefined;
    const alpha = numberFlag("alpha", v.alpha, storedAlpha ?? 0.3, ALPHA_MIN, ALPHA_MAX);
    if (!(alpha > 0)) throw new InputError("E_USAGE", `infer: --alpha must be > 0, got ${alpha}`);
    if (storedAlpha !== undefined && v.alpha !== undefined && alpha !== storedAlpha) console.log(`note: planning at --alpha ${alpha}; the history records the learner's α = ${storedAlpha}`);
    if (storedAlpha === undefined && v.alpha === undefined) console.log("note: the history records no learner α; planning at α = 0.3 (give --alpha to change)");
    const rewardForm = oneOf("reward-form", v["reward-form"], ["auto", "state-action", "state"] as const, TABULAR_LFL_DEFAULTS.rewardForm);
    const learnerModel = oneOf("learner-model", v["learner-model"], ["spi", "svi", "td", "auto"] as const, TABULAR_LFL_DEFAULTS.learnerModel);
    const tdGate = oneOf("td-gate", v["td-gate"], ["in-sample", "held-out", "both", "off"] as const, TABULAR_LFL_DEFAULTS.tdGate ? TABULAR_LFL_DEFAULTS.tdGateRule : "off");
    const config = {
      ...(tdGate === "off" ? { tdGate: false } : { tdGate: true, tdGateRule: tdGate }),
      alphaModel: numberFlag("alpha-model", v["alpha-model"], TABULAR_LFL_DEFAULTS.alphaModel, ALPHA_MIN, ALPHA_MAX), lambda: numberFlag("lambda", v.lambda, TABULAR_LFL_DEFAULTS.lambda, 0, 1e6),
      rewardForm, learnerModel, pessimism: numberFlag("pessimism", v.pessimism, TABULAR_LFL_DEFAULTS.pessimism, 0, 1e6),
      // --seed: the seed of the bootstrap that judges the planned policy (the fit itself draws nothing).
      ...(v.seed !== undefined ? { bootstrapSeed: intFlag("seed", v.seed, TABULAR_LFL_DEFAULTS.bootstrapSeed) } : {}),
    };
    const history = columnsToHistory(columns);
    const res = inferTabularReward(history, spec, config);
    const lm = res.learnerModel;
    // Flags under the true dynamics when --mdp is given, else under P̂.
    const flags = observerFlags(planMdp ?? res.model, res, alpha);
    const dynamics = planMdp ? "true (--mdp)" : "estimated P̂";
    const assumptions = { learnerModel: lm.chosen, rewardForm: lm.rewardForm, heldOutLogLikelihood: lm.logLikelihood, ...(lm.formCheck ? { formCheck: { ...lm.formCheck, dynamics } } : {}), ...(lm.selection ? { heldOutUpdates: lm.selection.heldOutUpdates, rule: lm.selection.rule, scores: lm.selection.scores } : {}), ...(lm.ensemble ? { ensembleWorstAdvantage: lm.ensemble } : {}), ...(lm.tdGate ? { tdGate: lm.tdGate } : {}) };
    const info = {
      history: v.history, learner: history.meta.learner, envId: history.meta.envId, alpha, gamma: spec.gamma,
      observer: { ...TABULAR_LFL_DEFAULTS, ...config }, dynamics: res.dynamics === "known" ? dynamics : "estimated P̂", assumptions,
      flags: { flags: flags.flags, offSupportMass: flags.offSupportMass, winFraction: flags.winFraction, dynamics },
      recoveredReturn: flags.recoveredReturn, diagnostics: res.diagnostics,
    };
    writeTabularRewardFile(v.out, { ...spec, reward: res.reward, info });

    console.log(`inferred r̄φ(${lm.rewardForm === "state" ? "s" : "s,a"}) from ${history.updates.length} policy updates (${res.diagnostics.length} improvements) of ${history.meta.learner} on ${history.meta.envId}; γ = ${spec.gamma}, planning α = ${alpha}, penalty β = ${config.pessimism}; recovered under ${res.dynamics === "known" ? "the MDP's true dynamics (--mdp)" : "the dynamics P̂ estimated from the history (give --mdp to use the true ones)"}`);
    console.log(`assumptions: learner model ${lm.chosen}, reward form ${lm.rewardForm}${learnerModel === "auto" || rewardForm === "auto" ? " (chosen from the data)" : " (as given)"}`);
    if (lm.selection && lm.selection.scores.length > 0) {
      console.log(`evidence: held-out log-likelihood of the next update's actions (updates ${lm.selection.heldOutUpdates.join(", ")}; ${lm.selection.heldOutActions} actions), nats per action:`);
      console.log(markdownTable([
        { header: "candidate", value: (c) => c.name },
        { header: "held-out ll", value: (c) => c.heldOut, digits: 4 },
        { header: "− best", value: (c) => c.diffToBest, digits: 4 },
        { header: "SE", value: (c) => c.diffSe, digits: 4 },
        { header: "worst advantage over π̂_K", value: (c) => lm.ensemble?.[c.name] ?? null, digits: 3 },
      ], lm.selection.scores));
      console.log(`rule: ${lm.selection.rule}.`);
    }
    if (lm.tdGate) console.log(tdGateLine(lm.tdGate));
    if (lm.formCheck) console.log(`state-form check (${planMdp ? "true dynamics" : "estimated dynamics"}): the state-only plan loses ${formatNumber(lm.formCheck.disagreement, 3)} of (optimal − uniform) under the paper's state–action r̄φ (threshold ${lm.formCheck.threshold})${lm.formCheck.shift ? `; the r̄φ plan's state occupancy is ${formatNumber(lm.formCheck.shift.paper, 3)} from π̂_K's (total variation), the state plan's ${formatNumber(lm.formCheck.shift.state, 3)} (switch only within ${lm.formCheck.shift.ratio}×)` : ""}${lm.formCheck.switched ? " → planned on r̄φ instead" : " → state-only reward kept"}.`);
    console.log(markdownTable([
      { header: "improvement", value: (d) => `${d.from}→${d.to}` },
      { header: "residual RMS", value: (d) => d.residualRms, digits: 3 },
      { header: "RMS on visited", value: (d) => d.residualRmsVisited, digits: 3 },
      { header: "J_r̂(π̂_from)", value: (d) => d.returnFrom, digits: 3 },
      { header: "J_r̂(π̂_to)", value: (d) => d.returnTo, digits: 3 },
      { header: "drops in bootstrap", value: (d) => d.dropFraction, digits: 2 },
      { header: "flag", value: (d) => (d.nonImproving ? "NON-IMPROVING" : "") },
    ], res.diagnostics));
    const flagged = res.diagnostics.filter((d) => d.nonImproving);
    console.log(`J_r̂: soft return (α_model = ${config.alphaModel}) under the RECOVERED reward and ${res.dynamics === "known" ? "the true dynamics" : "P̂"} — not a true score. ${flagged.length} of ${res.diagnostics.length} updates look non-improving (a drop under r̂ that every bootstrap replicate repeats); worst residual RMS ${formatNumber(Math.max(...res.diagnostics.map((d) => d.residualRms)), 3)}.`);
    console.log(`planned policy: J under the recovered reward ${formatNumber(flags.recoveredReturn, 4)} (not a true score; 'lfl observe' gives the true J); off-support mass ${formatNumber(flags.offSupportMass, 3)}; beats π̂_K in ${Number.isNaN(flags.winFraction) ? "—" : `${formatNumber(100 * flags.winFraction, 0)}%`} of bootstrap replicates (${planMdp ? "true dynamics" : "estimated dynamics"}).`);
    console.log(flags.flags.length > 0 ? `FLAGGED: ${flags.flags.join(", ")} — do not trust this reward's policy without checking (docs/observer-tabular.md).` : "flags: none");
    console.log(`wrote ${v.out}`);
    if (v.json !== undefined) writeFileAtomic(v.json, stringifyFinite(info, `the diagnostics ${v.json}`, 2));
    return 0;
  },
};

/** One line: the TD gate's evidence under its rule, and what it decided. */
function tdGateLine(g: TdGateReport): string {
  const d = TABULAR_LFL_DEFAULTS, signed = (x: number): string => `${x >= 0 ? "+" : ""}${formatNumber(x, 4)}`;
  const coverage = `the last batch shows ${(100 * g.coverage).toFixed(1)}% of the pairs (gate > ${100 * d.tdGateCoverage}%)`;
  const inSample = `the TD model's in-sample log-likelihood minus the better of SPI's and SVI's ${signed(g.advantage)} nats per action (gate > ${d.tdGateMargin})`;
  const heldOut = g.heldOut === undefined
    ? "the held-out comparison was not run (an earlier test failed)"
    : `the TD model's held-out log-likelihood of the next update's actions minus the better of SPI's and SVI's ${signed(g.heldOut.advantage)} ± ${formatNumber(g.heldOut.se, 4)} (SE) nats per action (${g.rule === "in-sample" ? "hotter plan" : "gate"} > ${d.tdGateZ} SE)`;
  const evidence = g.rule === "in-sample" ? `${inSample}; ${coverage}${g.heldOut ? `; ${heldOut}` : ""}` : g.rule === "held-out" ? `${coverage}; ${heldOut}` : `${coverage}; ${inSample}; ${heldOut}`;
  // §15: a TD-like history (held-out test passed, last batch ≤ tdPlanningCoverage of the pairs) is planned hotter.
  const scale = g.planningScale === undefined ? "" : ` at α / ${g.planningScale} (${g.planningScale === d.planningScale ? "the ordinary plan" : `hotter: the held-out test passed and the last batch shows ≤ ${100 * d.tdPlanningCoverage}% of the pairs`})`;
  return `TD gate: ${evidence} → ${g.used ? `planned on the TD model's reward${scale}` : "not used"}.`;
}
