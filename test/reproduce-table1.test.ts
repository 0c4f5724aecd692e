// `lfl reproduce table1` end to end as a subprocess: the paper's Table 1 numbers, the results JSON, Fig. 3, and
// exit code 2 with one stderr line naming the field and index for every kind of malformed --mdp file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FIG3_TITLES } from "../src/reports/fig3.ts";

const ROOT = resolve(import.meta.dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "lfl-table1-"));

function lfl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8" }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

interface Row { id: string; agent: string; reward: string; policy: string; score: number; regret: number; paper: { score: number; regret: number } }

test("lfl reproduce table1 --json: the paper's numbers, the JSON fields and Fig. 3", async () => {
  const out = join(tmp, "out.json"), dir = join(tmp, "results");
  const { code, stdout, stderr } = await lfl("reproduce", "table1", "--json", out, "--out-dir", dir);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /5\.6838/);
  const result = JSON.parse(readFileSync(out, "utf8")) as { rows: Row[]; command: string; seeds: number[]; gitRevision: string | null; wallTimeSeconds: number };
  const row = (id: string): Row => result.rows.find((r) => r.id === id)!;
  assert.equal(row("optimal").score.toFixed(4), "5.6838");
  assert.equal(row("learner-pi2").score.toFixed(4), "0.7266");
  assert.equal(row("learner-pi1").score.toFixed(3), "-19.795");
  for (const id of ["observer-rbar12", "observer-rphi"]) assert.ok(Math.abs(row(id).regret) <= 1e-9, `${id} regret ${row(id).regret}`);
  for (const r of result.rows) {
    for (const k of ["agent", "reward", "policy", "score", "regret", "paper"]) assert.ok(k in r, `row ${r.id} lacks ${k}`);
    assert.ok(Math.abs(r.score - r.paper.score) < 0.1, `${r.id}: ours ${r.score} vs paper ${r.paper.score}`);
  }
  assert.equal(result.rows.length, 5);
  assert.ok(result.command.startsWith("lfl reproduce table1"));
  assert.deepEqual(result.seeds, []); // deterministic: no seed ran
  assert.ok(result.wallTimeSeconds > 0);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "table1.json"), "utf8")).rows, result.rows);
  const svg = readFileSync(join(dir, "fig3.svg"), "utf8");
  assert.ok(svg.startsWith("<svg"));
  for (const title of FIG3_TITLES) assert.ok(svg.includes(title.replace(/&/g, "&amp;")), `the SVG has a panel titled '${title}'`);
  assert.ok(readFileSync(join(dir, "table1.md"), "utf8").includes("| observer"));
});

const GOOD = { nS: 2, nA: 2, gamma: 0.5, start: 0, P: [[[1, 0], [0, 1]], [[0, 1], [1, 0]]], r: [[0, 0], [1, 1]] };
const BAD: { name: string; text: string; mentions: string[] }[] = [
  { name: "missing field", text: JSON.stringify({ ...GOOD, r: undefined }), mentions: ["missing field 'r'"] },
  { name: "wrong sizes", text: JSON.stringify({ ...GOOD, P: [[[1, 0], [0, 1]], [[0, 1]]] }), mentions: ["P[1] has 1 entries"] },
  { name: "row not summing to 1", text: JSON.stringify({ ...GOOD, P: [[[1, 0], [0, 1]], [[0, 0.5], [1, 0]]] }), mentions: ["P[1][0] sums to 0.5"] },
  { name: "negative probability", text: JSON.stringify({ ...GOOD, P: [[[1, 0], [1.2, -0.2]], [[0, 1], [1, 0]]] }), mentions: ["P[0][1][1] is negative"] },
  { name: "NaN", text: JSON.stringify(GOOD).replace("[[0,0],[1,1]]", "[[0,NaN],[1,1]]"), mentions: ["r[0][1]", "NaN"] },
  { name: "γ ∉ [0,1)", text: JSON.stringify({ ...GOOD, gamma: 1 }), mentions: ["gamma", "[0, 1)"] },
  { name: "not JSON", text: "{ \"nS\": 2,\n  \"nA\" 2 }", mentions: ["E_INVALID_JSON", "line 2"] },
];

test("a malformed --mdp file exits 2 with one stderr line naming the field and index", async () => {
  const runs = BAD.map(async (c, i) => {
    const file = join(tmp, `bad-${i}.json`);
    writeFileSync(file, c.text);
    return { c, ...(await lfl("reproduce", "table1", "--mdp", file, "--out-dir", join(tmp, "unused"))) };
  });
  for (const { c, code, stdout, stderr } of await Promise.all(runs)) {
    assert.equal(code, 2, `${c.name}: exit code (stderr: ${stderr})`);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${c.name}: one stderr line, got ${JSON.stringify(stderr)}`);
    assert.equal(stdout, "", c.name);
    for (const m of c.mentions) assert.ok(lines[0]!.includes(m), `${c.name}: '${lines[0]}' should mention '${m}'`);
  }
});

test("lfl reproduce table1 --mdp runs Table 1 on a user MDP", async () => {
  const { code, stdout, stderr } = await lfl("reproduce", "table1", "--mdp", "examples/two-state.json", "--alpha", "0.5", "--out-dir", tmp);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(readFileSync(join(tmp, "table1-two-state-alpha-0.5.json"), "utf8")) as { rows: Row[] };
  assert.ok(Math.abs(result.rows[0]!.score - Math.log(1 + Math.E)) < 1e-12); // J* of the hand-computed MDP
  assert.match(stdout, /not drawn/);
});

test("lfl demo (npm start) prints Table 1", async () => {
  const { code, stdout, stderr } = await lfl("demo");
  assert.equal(code, 0, stderr);
  assert.match(stdout, /Table 1/);
  assert.match(stdout, /\| observer \| r̄φ \(state-only\)/);
  assert.match(stdout, /5\.6838/);
});
