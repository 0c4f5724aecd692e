import { test } from "node:test";
import assert from "node:assert/strict";
import { runTable1 } from "../experiments/table1.ts";
import { TabularMdp } from "../envs/tabular/tabular-mdp.ts";
import { fig3Spec, FIG3_TITLES } from "./fig3.ts";

test("Fig. 3 has three panels in the paper's order, the middle one with the 4 actions of all 25 states", () => {
  const spec = fig3Spec(runTable1()) as unknown as { hconcat: { title: { text: string }; data: { values: unknown[] } }[] };
  assert.deepEqual(spec.hconcat.map((p) => p.title.text), [...FIG3_TITLES]);
  assert.deepEqual(spec.hconcat.map((p) => p.data.values.length), [25, 100, 25]);
});

test("Fig. 3 refuses an MDP that is not a 5×5 grid", () => {
  const mdp = new TabularMdp({ nS: 2, nA: 2, P: [1, 0, 0, 1, 0, 1, 1, 0], r: [0, 0, 1, 1], start: [1, 0], gamma: 0.5 });
  assert.throws(() => fig3Spec(runTable1({ mdp, alpha: 0.5 })), /5×5 grid/);
});
