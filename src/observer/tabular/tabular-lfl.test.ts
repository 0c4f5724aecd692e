import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.ts";
import { LearningHistory } from "../../data/learning-history.ts";
import { Trajectory } from "../../data/trajectory.ts";
import { gridWorld } from "../../envs/tabular/grid-world.ts";
import { TABULAR_LEARNERS } from "../../learners/tabular-learners.ts";
import { softReturn } from "../../solvers/soft-policy.ts";
import { inferTabularReward, observerPolicy, recoverFromPolicies, TABULAR_LFL_DEFAULTS } from "./tabular-lfl.ts";

const mdp = gridWorld();

/** The same history with every reward replaced by garbage. */
function poisoned(history: LearningHistory, rng: Rng): LearningHistory {
  return new LearningHistory(history.meta, history.updates.map((u) => ({
    index: u.index,
    trajectories: u.trajectories.map((tr) => new Trajectory({
      observations: tr.observations, actions: tr.actions, rewards: Float64Array.from(tr.rewards, () => 1e6 * rng.normal()),
      obsDim: 1, actDim: 1, truncated: tr.truncated, episode: tr.episode,
    })),
  })));
}

test("the observer never reads the trajectories' rewards: garbage rewards give the identical result", () => {
  const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(2));
  const a = inferTabularReward(run.history, mdp);
  const b = inferTabularReward(poisoned(run.history, new Rng(9)), mdp);
  assert.deepEqual(b.reward, a.reward);
  assert.deepEqual(b.diagnostics, a.diagnostics);
});

test("noise-free ceiling on the grid: exact SPI policies give 4.917 with α_model = 0.7 and J* with α_model = α", () => {
  const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(0));
  const score = (alphaModel: number) => softReturn(mdp, observerPolicy(mdp, recoverFromPolicies(mdp, run.policies, alphaModel).reward), 0.3);
  assert.ok(Math.abs(score(0.7) - 4.917) < 1e-3, `${score(0.7)}`);
  assert.ok(Math.abs(score(0.3) - 5.683784080) < 1e-6, `${score(0.3)}`);
});

test("from sampled SPI trajectories the observer beats the learner's 4.18 on most seeds (7 of seeds 0–9)", () => {
  let wins = 0;
  for (let seed = 0; seed < 10; seed++) {
    const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, {}, new Rng(seed));
    const res = inferTabularReward(run.history, mdp);
    if (softReturn(mdp, observerPolicy(mdp, res.reward), 0.3) > 4.179321) wins++;
  }
  // Under H0 "no better than a coin", P(≥ 7 of 10) = 0.17; we require it as a regression guard (measured: 9/10).
  assert.ok(wins >= 7, `${wins} of 10`);
});

test("diagnostics: one entry per improvement; a history played backwards is flagged non-improving", () => {
  const run = TABULAR_LEARNERS["soft-policy-iteration"].train(mdp, { improvements: 4 }, new Rng(5));
  const res = inferTabularReward(run.history, mdp);
  assert.equal(res.diagnostics.length, 4);
  for (const d of res.diagnostics) assert.ok(d.residualRms >= 0 && Number.isFinite(d.residualRmsVisited));
  // Reverse the order of the updates: the observer now explains π4 → π0 with one reward; under it the reversed
  // "improvements" from good to uniform cannot all look improving.
  const reversed = new LearningHistory(run.history.meta, [...run.history.updates].reverse().map((u, k) => ({ index: k, trajectories: u.trajectories })));
  const back = inferTabularReward(reversed, mdp);
  assert.ok(back.diagnostics.some((d) => d.nonImproving), JSON.stringify(back.diagnostics.map((d) => [d.returnFrom, d.returnTo])));
});

test("state-form check (form-check.ts): a Garnet's action-dependent reward read as state-only is caught and replaced by the paper's r̄φ; an explicit --reward-form state is kept", async () => {
  const { garnet } = await import("../../envs/tabular/garnet.ts");
  const { pessimisticReward } = await import("./tabular-lfl.ts");
  // Tuning seed 105 (docs/observer-tabular.md §9): the data choose the state form for this Q-learning history.
  // Under the dynamics P̂ estimated from the data (§9's setting; the default recovers under the MDP's own P, below).
  const g = garnet({ seed: 105 });
  const run = TABULAR_LEARNERS["q-learning"].train(g, {}, new Rng(105));
  const est = { bootstrap: 0, dynamics: "estimated", formCheck: 0.25 } as const; // §9's threshold under P̂
  const off = inferTabularReward(run.history, g, { ...est, formCheck: 0 });
  assert.equal(off.learnerModel.rewardForm, "state");
  assert.equal(off.learnerModel.formCheck, undefined);
  const on = inferTabularReward(run.history, g, est);
  const check = on.learnerModel.formCheck!;
  assert.ok(check.switched && check.disagreement > check.threshold, JSON.stringify(check));
  assert.equal(on.learnerModel.rewardForm, "state-action");
  assert.deepEqual(on.reward, pessimisticReward(on.paperReward, on.visits, 0.5).map((r) => r * TABULAR_LFL_DEFAULTS.planningScale));
  // The true J: the switch is what turns the observer's catastrophe (−0.27 of J* − J(U) on tuning) into a tie.
  const J = (r: Float64Array): number => softReturn(g, observerPolicy(g, r), 0.3);
  assert.ok(J(on.reward) > J(off.reward), `${J(on.reward)} vs ${J(off.reward)}`);
  // The user's explicit assumption is never overridden.
  const forced = inferTabularReward(run.history, g, { ...est, rewardForm: "state" });
  assert.equal(forced.learnerModel.rewardForm, "state");
  assert.equal(forced.learnerModel.formCheck, undefined);
  // The default (dynamics "known", §11): recovered under the Garnet's own P, the state-only reward is not wrong
  // any more — the check sees no disagreement (0.004 < 0.25), keeps it, and its plan beats the learner's last policy
  // (measured 14.020 vs 13.962; under P̂ without the check: 11.517). The catastrophe came from P̂.
  const known = inferTabularReward(run.history, g, { bootstrap: 0 });
  assert.equal(known.dynamics, "known");
  assert.equal(known.learnerModel.formCheck?.switched, false);
  assert.ok(J(known.reward) > softReturn(g, run.policies[run.policies.length - 1]!, 0.3), `${J(known.reward)}`);
});
