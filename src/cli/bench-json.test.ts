import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMdpJson } from "../envs/tabular/mdp-json.ts";
import { interleavedPairs, randomMdpJsonText } from "./bench-json.ts";

test("interleavedPairs alternates the order (A B, B A, …) and gives each pair's ratio B / A", () => {
  const order: string[] = [];
  const r = interleavedPairs(4, () => order.push("A"), () => order.push("B"));
  assert.deepEqual(order, ["A", "B", "B", "A", "A", "B", "B", "A"]);
  assert.equal(r.aMs.length, 4);
  r.ratios.forEach((q, i) => assert.equal(q, r.bMs[i]! / r.aMs[i]!));
});

test("the bench's random MDP is valid JSON the loader accepts: every P row sums to 1", () => {
  const text = randomMdpJsonText(12, 3, 5);
  const doc = JSON.parse(text) as { P: number[][][] };
  for (const rows of doc.P) for (const row of rows) assert.equal(row.reduce((a, b) => a + b, 0), 1);
  const mdp = parseMdpJson(text, "bench.json");
  assert.equal(mdp.nS, 12);
  assert.equal(mdp.P[3 * 12 + 7], doc.P[1]![0]![7]); // P[s=1][a=0][s′=7] row-major
});
