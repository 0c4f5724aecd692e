import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../core/errors.ts";
import { loadMdpJson, parseMdpJson } from "./mdp-json.ts";

const EXAMPLE = fileURLToPath(new URL("../../../examples/two-state.json", import.meta.url));
const base = () => ({ nS: 2, nA: 2, gamma: 0.5, start: 0, P: [[[1, 0], [0, 1]], [[0, 1], [1, 0]]], r: [[0, 0], [1, 1]] });

/** Asserts that parsing `text` throws InputError `code` with a one-line message containing every `parts`. */
function rejects(text: string, code: string, ...parts: string[]): void {
  assert.throws(() => parseMdpJson(text, "m.json"), (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!/[\u0000-\u001f\u007f]/.test(e.message), `no control characters: ${JSON.stringify(e.message)}`);
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

test("the fast path (P scanned into a Float64Array) and the slow path build the same MDP", () => {
  const m = { nS: 3, nA: 2, gamma: 0.9, start: [0.5, 0.25, 0.25], P: [[[0.1, 0.2, 0.7], [1, 0, 0]], [[0, 0, 1], [1e-3, 0.999, 0]], [[1 / 3, 1 / 3, 1 / 3], [0, 1, 0]]], r: [[1, -2], [0.5, 3e-7], [0, 1e10]] };
  const fast = parseMdpJson(JSON.stringify(m, null, 1));
  // Key order with P first (nS unknown when P is scanned) and a slow-path variant (P has a NaN token elsewhere: r).
  const { P, ...others } = m;
  const pFirst = parseMdpJson(JSON.stringify({ P, ...others }));
  assert.deepEqual([...pFirst.P], [...fast.P]);
  assert.deepEqual([...fast.P], m.P.flat(2));
  assert.deepEqual([...fast.r], m.r.flat());
  assert.deepEqual([...fast.start], m.start);
  rejects(JSON.stringify(m).replace('"r":[[1,-2]', '"r":[[NaN,-2]'), "E_INVALID_MDP", "r[0][0]", "NaN");
  rejects(JSON.stringify({ ...m, P: [m.P[0], m.P[1], [[1, 0, 0], [0, 1]]] }), "E_INVALID_MDP", "P[2][1] has 2 entries");
  rejects(JSON.stringify(m).replace('"P":[[[0.1', '"P":[[["0.1"'), "E_INVALID_MDP", "P[0][0][0] must be a finite number", '"0.1"');
  rejects(JSON.stringify({ ...m, extra: 1 }), "E_INVALID_MDP", "unknown field 'extra'");
  rejects(JSON.stringify(m).replace(/}$/, ',"P":[]}'), "E_INVALID_MDP", "P has 0 entries");
});

test("huge nS / nA are refused before anything is allocated", () => {
  for (const nS of [1e5, 1e9, 1e308]) {
    rejects(edit((m) => { m.nS = nS; }), "E_TOO_LARGE", "nS", "more than the limit");
  }
  rejects(edit((m) => { m.nA = 1e12; }), "E_TOO_LARGE", "nA is 1000000000000, more than the limit");
  assert.throws(() => parseMdpJson(edit((m) => { m.nS = 2000; m.nA = 1000; }), "m.json"), (e: unknown) => e instanceof InputError && e.code === "E_TOO_LARGE" && /nS·nA·nS/.test(e.message));
});

test("an input over the size budget is refused from its size alone; a directory or FIFO is not read", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-mdp-"));
  const big = join(dir, "big.json");
  writeFileSync(big, "");
  truncateSync(big, 200 * 2 ** 20); // sparse: 200 MB of size, no data written
  assert.throws(() => loadMdpJson(big), (e: unknown) => e instanceof InputError && e.code === "E_TOO_LARGE" && e.message.includes(big) && /--max-input-bytes/.test(e.message));
  assert.throws(() => loadMdpJson(EXAMPLE, { limits: { maxJsonBytes: 10 } }), (e: unknown) => e instanceof InputError && e.code === "E_TOO_LARGE");
  assert.throws(() => loadMdpJson(dir), (e: unknown) => e instanceof InputError && e.code === "E_FILE" && /not a regular file|is a directory/.test(e.message));
  rmSync(dir, { recursive: true });
});

test("syntax errors: line and column on deep nesting, BOM accepted, binary and NULs named not echoed", () => {
  rejects("{\"nS\": " + "[".repeat(50_000) + "}", "E_INVALID_JSON", "line 1, column 50008");
  assert.equal(parseMdpJson("\ufeff" + JSON.stringify(base())).nS, 2);
  rejects(JSON.stringify(base()) + "\u0000\u0000", "E_INVALID_JSON", "U+0000 (NUL)");
  rejects("\u0000\u0001PK\u0003\u0004", "E_INVALID_JSON", "line 1, column 1", "U+0000");
  rejects(edit((m) => { m["bad\u001b[31mkey"] = 1; }), "E_INVALID_MDP", "unknown field 'bad\\u{001B}[31mkey'");
});
