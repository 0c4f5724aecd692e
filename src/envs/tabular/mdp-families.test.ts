// The benchmark's MDP generators: valid MDPs, a pure function of the seed, and the structure each one promises.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chain } from "./chain.ts";
import { garnet } from "./garnet.ts";
import { trapGrid } from "./trap-grid.ts";

test("garnet: same seed → same MDP, other seed → other MDP; branching next states; rewards depend on the action", () => {
  const a = garnet({ seed: 3 }), b = garnet({ seed: 3 }), c = garnet({ seed: 4 });
  assert.deepEqual(a.P, b.P);
  assert.deepEqual(a.r, b.r);
  assert.notDeepEqual(a.r, c.r);
  for (let sa = 0; sa < a.nS * a.nA; sa++) assert.equal(Array.from(a.P.subarray(sa * a.nS, (sa + 1) * a.nS)).filter((p) => p > 0).length, 3);
  let actionDependent = 0;
  for (let s = 0; s < a.nS; s++) if (a.r[s * a.nA] !== a.r[s * a.nA + 1]) actionDependent++;
  assert.equal(actionDependent, a.nS);
});

test("trap grid: traps absorb and keep paying their reward; the goal resets to the start", () => {
  const { mdp, traps, layout } = trapGrid({ seed: 7 });
  assert.equal(layout.rows * layout.cols, mdp.nS);
  assert.equal(traps.length, 3);
  for (const t of traps) for (let a = 0; a < mdp.nA; a++) { assert.equal(mdp.p(t, a, t), 1); assert.equal(mdp.r[t * mdp.nA + a], -2); }
  for (let a = 0; a < mdp.nA; a++) assert.equal(mdp.p(mdp.nS - 1, a, 0), 1);
  assert.ok(!traps.includes(0) && !traps.includes(1) && !traps.includes(layout.cols));
});

test("chain: both ends reset to the start; the far end pays more than the near end (a local optimum near the start)", () => {
  const m = chain({ seed: 5 });
  const startState = m.start.indexOf(1);
  for (let a = 0; a < 2; a++) { assert.equal(m.p(0, a, startState), 1); assert.equal(m.p(m.nS - 1, a, startState), 1); }
  assert.ok(m.r[(m.nS - 1) * 2]! > 10 * m.r[0]! / 2);
  assert.ok(m.nS >= 12 && m.nS <= 18);
});
