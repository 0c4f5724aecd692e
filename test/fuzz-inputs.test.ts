// Property-based fuzzing of every input grammar a user can hand to lfl: MDP JSON, tabular reward JSON,
// continuous reward JSON and learning-history .npz. Each case mutates a valid file (truncation, byte flips,
// huge numbers, huge dimensions, wrong dtypes, nested junk, a BOM, NULs) and asserts that the reader either
// returns a valid object or throws an InputError whose message is one line (no newline, no control character,
// no stack), that heap growth stays modest, and that no other file is touched. Fixed seeds; numRuns sized so
// the whole file runs in well under 30 s on a loaded machine.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { InputError } from "../src/core/errors.ts";
import { Rng } from "../src/core/rng.ts";
import { readHistoryColumns, writeHistoryColumns } from "../src/data/history-file.ts";
import type { HistoryColumns } from "../src/data/history-columns.ts";
import { loadMdpJson, parseMdpJson } from "../src/envs/tabular/mdp-json.ts";
import { MLP } from "../src/nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "../src/rewards/neural-reward.ts";
import { parseRewardJson } from "../src/rewards/reward-json.ts";
import { parseTabularRewardJson } from "../src/rewards/tabular-reward-file.ts";

const dir = mkdtempSync(join(tmpdir(), "lfl-fuzz-"));
const sentinel = join(dir, "sentinel.txt");
writeFileSync(sentinel, "must not change");
after(() => rmSync(dir, { recursive: true, force: true }));

/** Heap + array buffers may grow at most this much over one case (the budgets cap any allocation far below). */
const MAX_GROWTH = 256 * 2 ** 20;

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs one case: a result or a clean InputError; bounded memory; nothing but `allowed` in the directory. */
function outcome(run: () => unknown, allowed: readonly string[], label: string): "ok" | string {
  const before = memory();
  let result: "ok" | string = "ok";
  try {
    run();
  } catch (e) {
    if (!(e instanceof InputError)) assert.fail(`${label}: expected InputError, got ${(e as Error)?.constructor?.name}: ${String((e as Error)?.message ?? e).slice(0, 300)}`);
    assert.ok(!/[\u0000-\u001f\u007f]/.test(e.message), `${label}: message has a newline or control character: ${JSON.stringify(e.message.slice(0, 300))}`);
    assert.ok(!/\bat .*\(.*:\d+:\d+\)/.test(e.message), `${label}: message carries a stack: ${e.message.slice(0, 300)}`);
    assert.ok(e.message.length < 2000, `${label}: message of ${e.message.length} characters`);
    result = e.code;
  }
  const growth = memory() - before;
  assert.ok(growth < MAX_GROWTH, `${label}: heap grew by ${(growth / 2 ** 20).toFixed(0)} MB`);
  assert.deepEqual(readdirSync(dir).sort(), [...allowed, "sentinel.txt"].sort(), `${label}: no other file appears`);
  assert.equal(readFileSync(sentinel, "utf8"), "must not change");
  return result;
}

// ── Text mutations (JSON grammars) ─────────────────────────────────────────────────────────────────────────
const JUNK = ["\u0000", "\ufeff", "\u001b[2J", "\ud800", "\uFFFD", "NaN", "-Infinity", "1e309", "-1e400", "1e308", "123456789012345678901234567890",
  "-0", "0.1e-400", "null", "true", '"x"', "{}", "[]", "[".repeat(3000) + "]".repeat(3000), "[".repeat(5000), "{\"a\":", ",", ":", "]", "}",
  "1e9", "4294967296", "9007199254740993", "2.5", "-1", "\"\\u0000\"", "\"\\ud800\""];

type TextMutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; at: number; code: number }
  | { kind: "insert"; at: number; junk: number }
  | { kind: "replaceNumber"; nth: number; junk: number }
  | { kind: "bom" }
  | { kind: "nul"; at: number };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), code: fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), junk: fc.nat() }),
  fc.record({ kind: fc.constant("replaceNumber" as const), nth: fc.nat(), junk: fc.nat() }),
  fc.record({ kind: fc.constant("bom" as const) }),
  fc.record({ kind: fc.constant("nul" as const), at: fc.nat() }),
);

function mutateText(text: string, muts: readonly TextMutation[]): string {
  let t = text;
  for (const m of muts) {
    const at = (x: number): number => (t.length === 0 ? 0 : x % (t.length + 1));
    switch (m.kind) {
      case "truncate": t = t.slice(0, at(m.at)); break;
      case "flip": { const i = at(m.at); t = t.slice(0, i) + String.fromCharCode(m.code) + t.slice(i + 1); break; }
      case "insert": { const i = at(m.at); t = t.slice(0, i) + JUNK[m.junk % JUNK.length] + t.slice(i); break; }
      case "replaceNumber": {
        const nums = [...t.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
        if (nums.length === 0) break;
        const n = nums[m.nth % nums.length]!;
        t = t.slice(0, n.index) + JUNK[m.junk % JUNK.length] + t.slice(n.index! + n[0].length);
        break;
      }
      case "bom": t = "\ufeff" + t; break;
      case "nul": { const i = at(m.at); t = t.slice(0, i) + "\u0000" + t.slice(i); break; }
    }
  }
  return t;
}

function fuzzText(name: string, valid: string, parse: (text: string) => unknown, numRuns: number, seed: number): void {
  const codes = new Map<string, number>();
  assert.equal(outcome(() => parse(valid), [], `${name} (unmodified)`), "ok");
  fc.assert(fc.property(fc.array(textMutation, { minLength: 1, maxLength: 3 }), (muts) => {
    const text = mutateText(valid, muts);
    const r = outcome(() => parse(text), [], `${name} ${JSON.stringify(muts)}`);
    codes.set(r, (codes.get(r) ?? 0) + 1);
  }), { numRuns, seed });
  assert.ok(codes.size >= 2, `${name}: mutations should reach several outcomes, got ${[...codes.keys()].join(", ")}`);
}

const mdpText = JSON.stringify({ nS: 3, nA: 2, gamma: 0.9, start: [0.5, 0.5, 0], P: [[[0.5, 0.5, 0], [0, 0, 1]], [[1, 0, 0], [0.25, 0.25, 0.5]], [[0, 1, 0], [0, 0, 1]]], r: [[0, 1], [2.5, -1], [0, 0]], name: "fuzz", actionNames: ["a", "b"] }, null, 1);

test("fuzz: MDP JSON", () => {
  fuzzText("MDP JSON", mdpText, (t) => parseMdpJson(t, "m.json"), 400, 1201);
  // The file path too (size check, BOM, binary bytes as read from disk).
  const p = join(dir, "m.json");
  fc.assert(fc.property(fc.array(textMutation, { minLength: 1, maxLength: 2 }), fc.uint8Array({ maxLength: 16 }), (muts, bytes) => {
    writeFileSync(p, Buffer.concat([Buffer.from(mutateText(mdpText, muts), "utf8"), bytes]));
    outcome(() => loadMdpJson(p), ["m.json"], `MDP file ${JSON.stringify(muts)} + ${Buffer.from(bytes).toString("hex")}`);
  }), { numRuns: 60, seed: 1202 });
  rmSync(p);
});

test("fuzz: tabular reward JSON", () => {
  const text = JSON.stringify({ format: "lfl-tabular-reward", formatVersion: 1, nS: 3, nA: 2, gamma: 0.9, reward: [[0, 1], [2.5, -1], [0, 1e-3]], info: { method: "lfl", stats: { J: 1.5 } } }, null, 1);
  fuzzText("tabular reward", text, (t) => parseTabularRewardJson(t, "r.json"), 300, 1203);
});

test("fuzz: continuous reward JSON", () => {
  const rng = new Rng(5);
  const data = Float64Array.from({ length: 20 * 2 }, () => rng.normal());
  const reward = new GaussianLogDensityReward(new MLP([2, 3, 1], { rng }), [0.1], fixedObsNorm(data, 20, 2), { state: new MLP([2, 2, 1], { rng }), shift: 0.5, scale: 2 });
  reward.info = { envId: "Pendulum-v1", bcPolicy: { logStd: [0] } };
  fuzzText("continuous reward", JSON.stringify(reward.toJSON()), (t) => parseRewardJson(t, "r.json"), 300, 1204);
});

// ── Byte mutations (.npz) ──────────────────────────────────────────────────────────────────────────────────
type ByteMutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; at: number; byte: number }
  | { kind: "text"; nth: number; to: number };

/** Replacements for header text inside the archive: shapes, dtypes, JSON fields. */
const SWAPS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/'<f8'/g, ["'<f4'", "'<i8'", "'|b1'", "'>f8'", "'|O'"]],
  [/'<i8'/g, ["'<f8'", "'<i4'", "'|u1'"]],
  [/'\|b1'/g, ["'<i8'", "'<f8'"]],
  [/\((\d+),/g, ["(99999999,", "(1000000000000,", "(0,", "(4,", "(-1,"]],
  [/\"dim\": \d+/g, ["\"dim\": 1000000000", "\"dim\": 0", "\"dim\": 1e400"]],
  [/\"n\": \d+/g, ["\"n\": 1000000000", "\"n\": 1e308", "\"n\": -3"]],
  [/'fortran_order': False/g, ["'fortran_order': True"]],
];

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("text" as const), nth: fc.nat(), to: fc.nat() }),
);

function mutateBytes(bytes: Buffer, muts: readonly ByteMutation[]): Buffer {
  let b = Buffer.from(bytes);
  for (const m of muts) {
    if (m.kind === "truncate") b = b.subarray(0, m.at % (b.length + 1));
    else if (m.kind === "flip") { if (b.length) b[m.at % b.length] = m.byte; }
    else {
      // Same-length or not: a header edit shifts bytes, which the zip layer must catch (sizes, CRC, offsets).
      const [re, tos] = SWAPS[m.nth % SWAPS.length]!;
      const s = b.toString("latin1");
      const hits = [...s.matchAll(re)];
      if (hits.length === 0) continue;
      const h = hits[m.to % hits.length]!;
      const to = tos[(m.to >> 3) % tos.length]!;
      b = Buffer.from(s.slice(0, h.index) + to + s.slice(h.index! + h[0].length), "latin1");
    }
  }
  return b;
}

function sampleColumns(): HistoryColumns {
  const rng = new Rng(9);
  const n = 12;
  return {
    meta: { envId: "Pendulum-v1", learner: "ppo", observationSpace: { kind: "box", dim: 3 }, actionSpace: { kind: "box", dim: 1 }, seed: 1 },
    updates: [0, 1], n,
    obs: Float64Array.from({ length: n * 3 }, () => rng.normal()), nextObs: Float64Array.from({ length: n * 3 }, () => rng.normal()),
    actions: Float64Array.from({ length: n }, () => rng.normal()), rewards: Float64Array.from({ length: n }, () => rng.normal()),
    terminated: new Uint8Array(n), truncated: Uint8Array.from({ length: n }, (_, i) => (i === 5 || i === 11 ? 1 : 0)),
    update: Float64Array.from({ length: n }, (_, i) => (i < 6 ? 0 : 1)), episode: Float64Array.from({ length: n }, (_, i) => (i < 6 ? 0 : 1)),
  };
}

test("fuzz: learning-history .npz (STORE and DEFLATE)", () => {
  const p = join(dir, "h.npz");
  for (const deflate of [false, true]) {
    writeHistoryColumns(p, sampleColumns(), { deflate });
    const valid = readFileSync(p);
    assert.equal(outcome(() => readHistoryColumns(p), ["h.npz"], "history (unmodified)"), "ok");
    const codes = new Map<string, number>();
    fc.assert(fc.property(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), (muts) => {
      writeFileSync(p, mutateBytes(valid, muts));
      const mtime = statSync(p).mtimeMs;
      const r = outcome(() => readHistoryColumns(p), ["h.npz"], `history deflate=${deflate} ${JSON.stringify(muts)}`);
      assert.equal(statSync(p).mtimeMs, mtime, "the reader does not write its input");
      codes.set(r, (codes.get(r) ?? 0) + 1);
    }), { numRuns: 250, seed: deflate ? 1206 : 1205 });
    assert.ok(codes.size >= 2, `outcomes: ${[...codes.keys()].join(", ")}`);
  }
  rmSync(p);
});
