import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, NumericalError } from "../core/errors.ts";
import { parseTabularRewardJson, readTabularRewardFile, writeTabularRewardFile, type TabularRewardFile } from "./tabular-reward-file.ts";

const file = (): TabularRewardFile => ({ nS: 2, nA: 3, gamma: 0.9, reward: Float64Array.of(0, 1.5, -2, 1e-300, 3, 4), info: { method: "lfl", alpha: 1 } });

function refuses(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError || e instanceof NumericalError, `expected a coded error, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!/[\u0000-\u001f]/.test(e.message), `one line: ${JSON.stringify(e.message)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `'${e.message}' should mention '${p}'`);
    return true;
  });
}

test("round trip; the writer refuses ±1e308-overflowed or NaN entries and non-finite info, leaving the old file", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-tab-reward-"));
  const p = join(dir, "r.json");
  writeTabularRewardFile(p, file());
  const back = readTabularRewardFile(p);
  assert.deepEqual([...back.reward], [...file().reward]);
  assert.deepEqual(back.info, file().info);
  const old = readFileSync(p);
  const nan = file();
  nan.reward[4] = 1e308 * 10;
  refuses(() => writeTabularRewardFile(p, nan), "E_NUMERICAL", p, "reward[1][1] is Infinity");
  refuses(() => writeTabularRewardFile(p, { ...file(), info: { stats: { J: NaN } } }), "E_NUMERICAL", "info.stats.J is NaN");
  assert.deepEqual(readFileSync(p), old);
  assert.deepEqual(readdirSync(dir), ["r.json"]);
  rmSync(dir, { recursive: true });
});

test("the reader names the file and field, bounds nS and nA before allocating, and refuses NaN tokens", () => {
  const text = JSON.stringify({ format: "lfl-tabular-reward", formatVersion: 1, nS: 2, nA: 3, gamma: 0.9, reward: [[0, 1, 2], [3, 4, 5]], info: {} });
  assert.equal(parseTabularRewardJson(text, "r.json").nA, 3);
  refuses(() => parseTabularRewardJson(text.replace('"nS":2', '"nS":1e9'), "r.json"), "E_TOO_LARGE", "r.json: nS is 1000000000");
  refuses(() => parseTabularRewardJson(text.replace('"nS":2', '"nS":1000000').replace('"nA":3', '"nA":1000000'), "r.json"), "E_TOO_LARGE", "nS·nA");
  refuses(() => parseTabularRewardJson(text.replace('"nS":2', '"nS":1000'), "r.json"), "E_INVALID_REWARD", "reward must be an array of nS = 1000 rows");
  refuses(() => parseTabularRewardJson(text.replace("[3,4,5]", "[3,NaN,5]"), "r.json"), "E_INVALID_REWARD", "reward[1][1] is not a finite number (NaN)");
  refuses(() => parseTabularRewardJson(text.replace("[3,4,5]", "[3,1e400,5]"), "r.json"), "E_INVALID_REWARD", "reward[1][1] is not a finite number (Infinity)");
  refuses(() => parseTabularRewardJson(text.replace('"info":{}', '"info":{"x":[Infinity]}'), "r.json"), "E_INVALID_REWARD", "info.x[0] is Infinity");
  refuses(() => parseTabularRewardJson(text.replace('"gamma":0.9', '"gamma":1'), "r.json"), "E_INVALID_REWARD", "gamma must be in [0, 1)");
  refuses(() => parseTabularRewardJson("\u0000\u0001binary", "r.json"), "E_INVALID_JSON", "r.json: not valid JSON (line 1, column 1", "U+0000");
  const dir = mkdtempSync(join(tmpdir(), "lfl-tab-reward-"));
  refuses(() => readTabularRewardFile(join(dir, "missing.json")), "E_FILE", "missing.json", "no such file");
  writeFileSync(join(dir, "r.json"), text);
  refuses(() => readTabularRewardFile(join(dir, "r.json"), { limits: { maxJsonBytes: 10 } }), "E_TOO_LARGE", "--max-input-bytes");
  rmSync(dir, { recursive: true });
});
