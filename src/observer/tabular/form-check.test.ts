import { test } from "node:test";
import assert from "node:assert/strict";
import { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { checkStateForm, occupancyShift, stateFormDisagreement } from "./form-check.ts";

// Two states, deterministic: action 0 stays, action 1 moves to the other state; start in state 0.
const P = new Float64Array([1, 0, 0, 1, /* s=1 */ 0, 1, 1, 0]);
const mdp = new TabularMdp({ nS: 2, nA: 2, P, r: new Float64Array(4), start: new Float64Array([1, 0]), gamma: 0.9 });

test("a state-only reward that IS the state–action reward: no disagreement, no switch", () => {
  const r = new Float64Array([1, 1, 0, 0]);
  assert.ok(Math.abs(stateFormDisagreement(mdp, r, r)) < 1e-9);
  assert.equal(checkStateForm(mdp, r, r, 0.25).switched, false);
});

test("a state-only reward that misreads an action-dependent reward: the state plan loses most of the range, the check switches", () => {
  // True (state–action): staying in 0 pays 1, everything else 0. State-only misfit: state 1 looks good.
  const rSA = new Float64Array([1, 0, 0, 0]);
  const rState = new Float64Array([0, 0, 1, 1]);
  const d = stateFormDisagreement(mdp, rSA, rState);
  // π_ρ heads to state 1 and stays there, where rSA pays nothing: worse than the uniform policy (which still
  // collects the stay-in-0 reward part of the time), i.e. d > 1.
  assert.ok(d > 1, `${d}`);
  const c = checkStateForm(mdp, rSA, rState, 0.25);
  assert.equal(c.switched, true);
  assert.equal(c.threshold, 0.25);
  assert.equal(checkStateForm(mdp, rSA, rState, d + 1e-6).switched, false);
});

test("occupancyShift: 0 for the same policy, γ between a policy that leaves the start at once and one that stays", () => {
  const stay = new Float64Array([1, 0, 1, 0]), leave = new Float64Array([0, 1, 1, 0]);
  assert.equal(occupancyShift(mdp, stay, stay), 0);
  // stay: all mass on state 0; leave: (1 − γ) on state 0 at t = 0, γ on state 1 afterwards → TV = γ.
  assert.ok(Math.abs(occupancyShift(mdp, leave, stay) - 0.9) < 1e-9);
  assert.ok(Math.abs(occupancyShift(mdp, stay, leave) - occupancyShift(mdp, leave, stay)) < 1e-12);
});

test("the shift condition keeps the state form when the r̄φ plan leaves where the learner goes and the state plan does not", () => {
  const rSA = new Float64Array([1, 0, 0, 0]); // plans to stay in 0
  const rState = new Float64Array([0, 0, 1, 1]); // plans to go to 1
  const d = stateFormDisagreement(mdp, rSA, rState);
  const toOne = new Float64Array([0.05, 0.95, 0.95, 0.05]); // π̂_K heads to state 1 and stays
  const kept = checkStateForm(mdp, rSA, rState, 0.25, undefined, { piK: toOne, ratio: 2, planningScale: 1 });
  assert.equal(kept.switched, false);
  assert.ok(kept.shift !== undefined && kept.shift.paper > 2 * kept.shift.state, JSON.stringify(kept.shift));
  assert.equal(kept.disagreement, d);
  const inZero = new Float64Array([0.95, 0.05, 0.05, 0.95]); // π̂_K stays in 0: the r̄φ plan is the one near it
  assert.equal(checkStateForm(mdp, rSA, rState, 0.25, undefined, { piK: inZero, ratio: 2, planningScale: 1 }).switched, true);
  // ratio 0 = no condition; below the threshold the condition is not computed.
  assert.equal(checkStateForm(mdp, rSA, rState, 0.25, undefined, { piK: toOne, ratio: 0, planningScale: 1 }).switched, true);
  assert.equal(checkStateForm(mdp, rSA, rState, d + 1, undefined, { piK: inZero, ratio: 2, planningScale: 1 }).shift, undefined);
});
