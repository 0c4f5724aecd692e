import { test } from "node:test";
import assert from "node:assert/strict";
import { TabularMdp } from "../../envs/tabular/tabular-mdp.ts";
import { checkStateForm, stateFormDisagreement } from "./form-check.ts";

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
