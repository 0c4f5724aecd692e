// `lfl learn --mdp / infer / observe` on a user MDP JSON, end to end through the real CLI, and bad histories:
// every one must exit 2 with a message naming the array and the row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl, ROOT } from "./lfl-cli.ts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNpz, writeNpz } from "../src/data/npz.ts";
import type { NpyArray } from "../src/data/npy.ts";

const MDP = join(ROOT, "examples/two-state.json");
const dir = mkdtempSync(join(tmpdir(), "lfl-cli-tabular-"));

const history = join(dir, "h.npz");

test("learn → infer → observe on a user MDP JSON (two-state example)", () => {
  const learn = lfl("learn", "--mdp", MDP, "--learner", "q-learning", "--improvements", "4", "--pairs", "300", "--out", history, "--seed", "3");
  assert.equal(learn.code, 0, learn.stderr);
  assert.match(learn.stdout, /5 policy updates × 300 pairs/);
  const reward = join(dir, "reward.json");
  const infer = lfl("infer", "--history", history, "--mdp", MDP, "--out", reward);
  assert.equal(infer.code, 0, infer.stderr);
  assert.match(infer.stdout, /residual RMS/);
  assert.match(infer.stdout, /4 improvements/);
  const file = JSON.parse(readFileSync(reward, "utf8")) as { nS: number; nA: number; reward: number[][] };
  assert.equal(file.nS, 2);
  assert.equal(file.reward.length, 2);
  assert.equal(file.reward[0]!.length, 2);
  const json = join(dir, "observe.json");
  const observe = lfl("observe", "--mdp", MDP, "--reward", reward, "--json", json);
  assert.equal(observe.code, 0, observe.stderr);
  const o = JSON.parse(readFileSync(json, "utf8")) as { observer: number; optimal: number; uniform: number };
  // On the two-state MDP "stay in B" is obviously best: the observer must be far better than uniform, near optimal.
  assert.ok(o.observer > o.uniform + 0.5 * (o.optimal - o.uniform), `observer ${o.observer}, uniform ${o.uniform}, optimal ${o.optimal}`);
  // Without --mdp, γ comes from the history's meta.
  const infer2 = lfl("infer", "--history", history, "--out", join(dir, "reward2.json"));
  assert.equal(infer2.code, 0, infer2.stderr);
  // The state-only form (paper §4.3) writes one reward per state, the same for every action.
  const stateOnly = join(dir, "reward-state.json");
  const infer3 = lfl("infer", "--history", history, "--mdp", MDP, "--out", stateOnly, "--reward-form", "state", "--pessimism", "0");
  assert.equal(infer3.code, 0, infer3.stderr);
  assert.match(infer3.stdout, /r̄φ\(s\)/);
  for (const row of (JSON.parse(readFileSync(stateOnly, "utf8")) as { reward: number[][] }).reward) assert.ok(Math.abs(row[0]! - row[1]!) < 1e-12, `state-only row ${row}`);
  const bad = lfl("infer", "--history", history, "--out", join(dir, "r4.json"), "--reward-form", "action");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /E_USAGE.*--reward-form must be one of auto, state-action, state/);
});

/** Rewrites the history with `edit` applied to its arrays, then runs infer on it. */
function inferEdited(name: string, edit: (arrays: Record<string, NpyArray>) => void): { code: number; stderr: string } {
  const npz = readNpz(history);
  const arrays = Object.fromEntries(npz.arrays) as Record<string, NpyArray>;
  edit(arrays);
  const path = join(dir, `${name}.npz`);
  writeNpz(path, arrays, { "meta.json": npz.json.get("meta.json") });
  const r = lfl("infer", "--history", path, "--mdp", MDP, "--out", join(dir, `${name}.json`));
  return { code: r.code, stderr: r.stderr };
}

test("bad histories exit 2 naming the array and row", () => {
  const cases: [string, (a: Record<string, NpyArray>) => void, RegExp][] = [
    ["wrong-dtype", (a) => { const x = a.actions!; a.actions = { dtype: "f8", shape: [x.shape[0]!, 1], data: Float64Array.from(x.data as BigInt64Array, Number) }; }, /'actions'.*dtype float64, expected int64/],
    ["sizes-disagree", (a) => { const r = a.rewards!; a.rewards = { dtype: "f8", shape: [r.shape[0]! - 1], data: (r.data as Float64Array).slice(1) }; }, /'rewards' has \d+ rows but 'obs' has \d+/],
    ["nan", (a) => { const r = (a.rewards!.data as Float64Array).slice(); r[7] = Number.NaN; a.rewards = { dtype: "f8", shape: [r.length], data: r }; }, /'rewards' row 7/],
    ["action-outside", (a) => { const x = (a.actions!.data as BigInt64Array).slice(); x[11] = 5n; a.actions = { dtype: "i8", shape: [x.length], data: x }; }, /'actions' row 11/],
  ];
  for (const [name, edit, message] of cases) {
    const r = inferEdited(name, edit);
    assert.equal(r.code, 2, `${name}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, message, name);
  }
});

test("an action valid for the file's space but outside the MDP is rejected with its row", () => {
  // Declare 3 actions in meta.json and use action 2, which the two-state MDP (2 actions) does not have.
  const npz = readNpz(history);
  const meta = structuredClone(npz.json.get("meta.json")) as { actionSpace: { n: number } };
  meta.actionSpace.n = 3;
  const arrays = Object.fromEntries(npz.arrays) as Record<string, NpyArray>;
  const x = (arrays.actions!.data as BigInt64Array).slice();
  x[4] = 2n;
  arrays.actions = { dtype: "i8", shape: [x.length], data: x };
  const path = join(dir, "outside-mdp.npz");
  writeNpz(path, arrays, { "meta.json": meta });
  const r = lfl("infer", "--history", path, "--mdp", MDP, "--out", join(dir, "o.json"));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /'actions' row 4 is 2, not an action/);
});

test("issue 15 CLI: learn needs --learner; infer's default is the library's {} and names its assumptions; observe --history scores the learner beside the observer at the recorded α", async () => {
  const none = lfl("learn", "--mdp", MDP, "--out", join(dir, "x.npz"));
  assert.equal(none.code, 2);
  assert.match(none.stderr, /E_USAGE.*--learner L is required/);
  const h = join(dir, "h15.npz");
  const learn = lfl("learn", "--mdp", MDP, "--learner", "soft-value-iteration", "--improvements", "4", "--pairs", "300", "--alpha", "0.5", "--out", h, "--seed", "2");
  assert.equal(learn.code, 0, learn.stderr);
  const reward = join(dir, "r15.json");
  const infer = lfl("infer", "--history", h, "--mdp", MDP, "--out", reward);
  assert.equal(infer.code, 0, infer.stderr);
  assert.match(infer.stdout, /assumptions: learner model (spi|svi), reward form (state|state-action) \(chosen from the data\)/);
  assert.match(infer.stdout, /held-out log-likelihood of the next update's actions/);
  const file = JSON.parse(readFileSync(reward, "utf8")) as { reward: number[][]; info: { alpha: number; observer: { planningScale: number }; assumptions: { heldOutLogLikelihood: Record<string, number> } } };
  assert.equal(file.info.alpha, 0.5);
  // The reward file says how it was scaled for planning (docs/observer-tabular.md §10.1).
  assert.equal(file.info.observer.planningScale, 0.8);
  assert.equal(Object.keys(file.info.assumptions.heldOutLogLikelihood).length, 4);
  // The CLI's default is inferTabularReward(h, spec, {}).
  const { columnsToHistory } = await import("../src/data/history-columns.ts");
  const { readHistoryColumns } = await import("../src/data/history-file.ts");
  const { inferTabularReward } = await import("../src/observer/tabular/tabular-lfl.ts");
  const { loadMdpJson } = await import("../src/envs/tabular/mdp-json.ts");
  const lib = inferTabularReward(columnsToHistory(readHistoryColumns(h)), loadMdpJson(MDP), {});
  assert.deepEqual(file.reward.flat(), Array.from(lib.reward));
  const observe = lfl("observe", "--mdp", MDP, "--reward", reward, "--history", h);
  assert.equal(observe.code, 0, observe.stderr);
  assert.match(observe.stdout, /observer \(true J\)/);
  assert.match(observe.stdout, /learner's last policy \(true J\)\s+-?\d/);
  assert.match(observe.stdout, /learner's best policy \(true J\)/);
  assert.match(observe.stdout, /α = 0\.5/);
  const other = lfl("observe", "--mdp", MDP, "--reward", reward, "--alpha", "0.3");
  assert.match(other.stdout, /not the learner's α = 0\.5/);
});

test("issue 15 CLI: --td-gate chooses the TD gate's rule (held-out prints its evidence) or turns it off; a bad value is one E_USAGE line", () => {
  const h = join(dir, "hq.npz");
  const learn = lfl("learn", "--mdp", MDP, "--learner", "q-learning", "--improvements", "5", "--pairs", "300", "--out", h, "--seed", "3");
  assert.equal(learn.code, 0, learn.stderr);
  const held = lfl("infer", "--history", h, "--mdp", MDP, "--out", join(dir, "rq.json"), "--td-gate", "held-out");
  assert.equal(held.code, 0, held.stderr);
  assert.match(held.stdout, /TD gate: the last batch shows \d+\.\d% of the pairs \(gate > 15%\); (the held-out comparison was not run|the TD model's held-out log-likelihood of the next update's actions minus the better of SPI's and SVI's [+−-]\d)/);
  const file = JSON.parse(readFileSync(join(dir, "rq.json"), "utf8")) as { info: { assumptions: { tdGate: { rule: string } } } };
  assert.equal(file.info.assumptions.tdGate.rule, "held-out");
  const off = lfl("infer", "--history", h, "--mdp", MDP, "--out", join(dir, "ro.json"), "--td-gate", "off");
  assert.equal(off.code, 0, off.stderr);
  assert.doesNotMatch(off.stdout, /TD gate:/);
  const bad = lfl("infer", "--history", h, "--mdp", MDP, "--out", join(dir, "rb.json"), "--td-gate", "sometimes");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /E_USAGE.*--td-gate must be one of in-sample, held-out, both, off/);
});
