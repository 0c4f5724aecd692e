import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { MLP } from "../nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "./neural-reward.ts";
import { loadRewardModel, parseRewardJson, readRewardJson, writeRewardJson } from "./reward-json.ts";

function makeReward(seed: number): GaussianLogDensityReward {
  const rng = new Rng(seed);
  const data = Float64Array.from({ length: 40 * 3 }, () => rng.normal());
  const r = new GaussianLogDensityReward(new MLP([3, 8, 2], { rng }), [-0.5, 0.25], fixedObsNorm(data, 40, 3), { state: new MLP([3, 4, 1], { rng }), shift: 0.5, scale: 2 });
  r.info = { envId: "Pendulum-v1", diagnostics: { loss: 0.125 } };
  return r;
}

function refuses(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError || e instanceof NumericalError, `expected a coded error, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!/[\u0000-\u001f]/.test(e.message), `one line, no control characters: ${JSON.stringify(e.message)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `'${e.message}' should mention '${p}'`);
    return true;
  });
}

test("a reward round-trips through the atomic writer and the validating reader (same rewards)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-reward-json-"));
  const p = join(dir, "r.json");
  const r = makeReward(1);
  writeRewardJson(p, r, { space: 1 });
  const { reward, json } = readRewardJson(p);
  assert.deepEqual(json["info"], r.info);
  const batch = { n: 2, obs: Float64Array.of(0.1, -1, 2, 3, 0, -0.5), actions: Float64Array.of(0.3, -0.2, 1, 0), nextObs: new Float64Array(6), terminated: new Uint8Array(2) };
  assert.deepEqual([...reward.evaluate(batch)], [...r.evaluate(batch)]);
  assert.deepEqual(readdirSync(dir), ["r.json"]);
  rmSync(dir, { recursive: true });
});

test("layer sizes are bounded before any network is allocated; params must match and be finite", () => {
  const good = makeReward(2).toJSON() as unknown as Record<string, unknown>;
  const withMean = (mean: unknown) => ({ ...good, mean });
  const mean = good["mean"] as Record<string, unknown>;
  refuses(() => loadRewardModel(withMean({ ...mean, sizes: [1e9, 1e9] }), "r.json"), "E_TOO_LARGE", "r.json", "mean.sizes[0] is 1000000000");
  refuses(() => loadRewardModel(withMean({ ...mean, sizes: [60000, 60000, 60000] }), "r.json"), "E_TOO_LARGE", "need 7200120000 parameters");
  refuses(() => loadRewardModel(withMean({ ...mean, sizes: [3, 1.5, 2] }), "r.json"), "E_INVALID_REWARD", "mean.sizes[1] must be a positive integer");
  refuses(() => loadRewardModel(withMean({ ...mean, params: [1, 2] }), "r.json"), "E_INVALID_REWARD", "mean.params has 2 values");
  refuses(() => loadRewardModel({ ...good, state: { ...(good["state"] as object), params: Array(21).fill(null) } }, "r.json"), "E_INVALID_REWARD", "state.params[0] is not a finite number (null)");
  refuses(() => loadRewardModel({ ...good, logStd: [0, "x"] }, "r.json"), "E_INVALID_REWARD", "r.json", "logStd[1]");
  refuses(() => loadRewardModel({ ...good, kind: "other" }, "r.json"), "E_INVALID_REWARD", "kind must be");
  refuses(() => loadRewardModel(null), "E_INVALID_REWARD", "reward JSON: not a JSON object");
});

test("text: NaN tokens are named with their field, syntax errors give line and column, the size budget holds", () => {
  const text = JSON.stringify(makeReward(3).toJSON(), null, 1);
  refuses(() => parseRewardJson(text.replace('"loss": 0.125', '"loss": NaN'), "r.json"), "E_INVALID_REWARD", "r.json: info.diagnostics.loss is NaN");
  refuses(() => parseRewardJson(text.replace(/"shift": [^,]*,/, '"shift": -Infinity,'), "r.json"), "E_INVALID_REWARD", "shift is -Infinity");
  refuses(() => parseRewardJson(text.slice(0, 200), "r.json"), "E_INVALID_JSON", "r.json: not valid JSON (line");
  const dir = mkdtempSync(join(tmpdir(), "lfl-reward-json-"));
  const p = join(dir, "r.json");
  writeFileSync(p, text);
  refuses(() => readRewardJson(p, { limits: { maxJsonBytes: 100 } }), "E_TOO_LARGE", p, "--max-input-bytes");
  rmSync(dir, { recursive: true });
});

test("the writer refuses non-finite numbers anywhere (naming the field) and leaves the old file", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-reward-json-"));
  const p = join(dir, "r.json");
  writeFileSync(p, "old");
  const r = makeReward(4);
  r.info = { diagnostics: { var: [0, Infinity] } };
  refuses(() => writeRewardJson(p, r), "E_NUMERICAL", "info.diagnostics.var[1] is Infinity");
  const json = makeReward(4).toJSON() as unknown as Record<string, unknown>;
  (json["obsNorm"] as { var: number[] }).var[2] = NaN;
  refuses(() => writeRewardJson(p, json), "E_NUMERICAL", "obsNorm.var[2] is NaN");
  assert.equal(readFileSync(p, "utf8"), "old");
  assert.deepEqual(readdirSync(dir), ["r.json"]);
  rmSync(dir, { recursive: true });
});
