import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InputError } from "../../core/errors.ts";
import { loadMdpJson, parseMdpJson } from "./mdp-json.ts";

const EXAMPLE = fileURLToPath(new URL("../../../examples/two-state.json", import.meta.url));
const base = () => ({ nS: 2, nA: 2, gamma: 0.5, start: 0, P: [[[1, 0], [0, 1]], [[0, 1], [1, 0]]], r: [[0, 0], [1, 1]] });

/** Asserts that parsing `text` throws InputError `code` with a one-line message containing every `parts`. */
function rejects(text: string, code: string, ...parts: string[]): void {
  assert.throws(() => parseMdpJson(text, "m.json"), (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(!e.message.includes("\n"), `message is one line: ${e.message}`);
    assert.ok(e.message.startsWith("m.json: "), e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `'${e.message}' should mention '${p}'`);
    return true;
  });
}
const edit = (f: (m: Record<string, unknown>) => void): string => { const m: Record<string, unknown> = base(); f(m); return JSON.stringify(m); };

test("the example file loads with row-major arrays and names", () => {
  const mdp = loadMdpJson(EXAMPLE);
  assert.equal(mdp.nS, 2);
  assert.equal(mdp.nA, 2);
  assert.equal(mdp.gamma, 0.5);
  assert.deepEqual([...mdp.P], [1, 0, 0, 1, 0, 1, 1, 0]);
  assert.deepEqual([...mdp.r], [0, 0, 1, 1]);
  assert.deepEqual([...mdp.start], [1, 0]);
  assert.deepEqual(mdp.actionNames, ["stay", "switch"]);
  assert.equal(mdp.name, "two-state");
});

test("start may be a distribution", () => {
  const mdp = parseMdpJson(edit((m) => { m.start = [0.25, 0.75]; }));
  assert.deepEqual([...mdp.start], [0.25, 0.75]);
});

test("malformed MDPs are rejected with one line naming the field and index", () => {
  rejects("{\"nS\": 2,\n \"nA\": }", "E_INVALID_JSON", "line 2");
  rejects("[1, 2]", "E_INVALID_MDP", "top level");
  rejects(edit((m) => { delete m.P; }), "E_INVALID_MDP", "missing field 'P'");
  rejects(edit((m) => { m.gama = 0.9; }), "E_INVALID_MDP", "unknown field 'gama'");
  rejects(edit((m) => { m.nS = 2.5; }), "E_INVALID_MDP", "nS", "positive integer");
  rejects(edit((m) => { m.P = [[[1, 0], [0, 1]]]; }), "E_INVALID_MDP", "P has 1 entries", "nS = 2");
  rejects(edit((m) => { m.P = [[[1, 0], [0, 1]], [[0, 1]]]; }), "E_INVALID_MDP", "P[1] has 1 entries", "nA = 2");
  rejects(edit((m) => { m.P = [[[1, 0], [0, 1]], [[0, 1], [1, 0, 0]]]; }), "E_INVALID_MDP", "P[1][1] has 3 entries");
  rejects(edit((m) => { m.r = [[0, 0], [1]]; }), "E_INVALID_MDP", "r[1] has 1 entries");
  rejects(edit((m) => { m.P = [[[1, 0], [0.5, 0.4]], [[0, 1], [1, 0]]]; }), "E_INVALID_MDP", "P[0][1] sums to 0.9");
  rejects(edit((m) => { m.P = [[[1, 0], [0, 1]], [[1.5, -0.5], [1, 0]]]; }), "E_INVALID_MDP", "P[1][0][1] is negative");
  rejects(edit((m) => { m.r = [[0, 0], [null, 1]]; }), "E_INVALID_MDP", "r[1][0]", "null");
  rejects(edit((m) => { m.r = [[0, "1"], [1, 1]]; }), "E_INVALID_MDP", "r[0][1]", "finite number");
  rejects(JSON.stringify(base()).replace("[[0,0],[1,1]]", "[[0,0],[NaN,1]]"), "E_INVALID_MDP", "r[1][0]", "NaN");
  rejects(JSON.stringify(base()).replace("[[1,0],[0,1]]", "[[1,0],[0,Infinity]]"), "E_INVALID_MDP", "P[0][1][1]", "Infinity");
  rejects(edit((m) => { m.gamma = 1; }), "E_INVALID_MDP", "gamma", "[0, 1)");
  rejects(edit((m) => { m.gamma = -0.1; }), "E_INVALID_MDP", "gamma");
  rejects(edit((m) => { m.start = 2; }), "E_INVALID_MDP", "start", "[0, 2)");
  rejects(edit((m) => { m.start = [0.5, 0.6]; }), "E_INVALID_MDP", "start sums to");
  rejects(edit((m) => { m.actionNames = ["stay"]; }), "E_INVALID_MDP", "actionNames has 1 entries");
});

test("a NaN-looking string inside a name is left alone", () => {
  const mdp = parseMdpJson(edit((m) => { m.name = "NaN Infinity"; }));
  assert.equal(mdp.name, "NaN Infinity");
});

test("a missing file is an E_FILE input error", () => {
  assert.throws(() => loadMdpJson("/nonexistent/mdp.json"), (e: unknown) => e instanceof InputError && e.code === "E_FILE");
});
