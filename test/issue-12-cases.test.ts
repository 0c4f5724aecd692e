// Issue 12's done-when line "the cases above re-run give 0 stack traces, 0 crashes or runaways, 0 data lost and
// 0 exit-0 wrong results": every case the issue text names, section by section, that no other test already runs
// (docs/hardening.md maps each case to its test). The CLI runs in this process through `runCli` (the code
// main.ts runs; as test/cli-hardening.test.ts does) to stay fast; the process-level behaviour (EPIPE) is checked
// on a real child process. Each refused case asserts: the exit code, exactly ONE stderr line
// `lfl: error E_…: …` with the expected code, no stack trace, and no file touched (every fixture byte-identical,
// nothing new in the directory).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants as zc, crc32, deflateRawSync } from "node:zlib";
import { runCli } from "../src/cli/run-cli.ts";
import { encodeNpy, npyHeaderBytes, type NpyArray } from "../src/data/npy.ts";
import { writeNpz } from "../src/data/npz.ts";
import { Rng } from "../src/core/rng.ts";
import { MLP } from "../src/nn/mlp.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "../src/rewards/neural-reward.ts";
import { lflInProcess, lflStdoutClosed, ROOT } from "./lfl-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lfl-issue12-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => join(dir, name);
const TWO_STATE = readFileSync(join(ROOT, "examples/two-state.json"), "utf8");
const two = JSON.parse(TWO_STATE) as Record<string, unknown>;

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────────────
writeFileSync(at("two.json"), TWO_STATE);
const mdpWith = (name: string, text: string): string => (writeFileSync(at(name), text), at(name));
for (const n of ["1e5", "1e9", "1e308"]) mdpWith(`nS-${n}.json`, `{"nS": ${n}, "nA": 2, "gamma": 0.5, "start": 0, "P": [], "r": []}`);
mdpWith("nA-1e9.json", `{"nS": 2, "nA": 1e9, "gamma": 0.5, "start": 0, "P": [], "r": []}`);
mdpWith("huge-r.json", JSON.stringify({ ...two, r: [[1e308, -1e308], [1e308, 1e308]] }));
mdpWith("deep.json", "[".repeat(100_000));
writeFileSync(at("binary.json"), Buffer.from('{"nS": 2,\u0000 "x\u001b[2J": \u0007\u00ff\u00fe}', "latin1"));
mdpWith("bom-inside.json", '{"nS": \ufeff2}');
mdpWith("bom-lead.json", `\ufeff${TWO_STATE}`);
writeFileSync(at("padded-200mb.json"), "");
truncateSync(at("padded-200mb.json"), 200 * 2 ** 20); // sparse: its size alone must refuse it
const i8 = (xs: number[]): NpyArray => ({ dtype: "i8", shape: [xs.length], data: BigInt64Array.from(xs, BigInt) });
const f8 = (xs: number[]): NpyArray => ({ dtype: "f8", shape: [xs.length], data: Float64Array.from(xs) });
const b1 = (xs: number[]): NpyArray => ({ dtype: "b1", shape: [xs.length], data: Uint8Array.from(xs) });
const tabularArrays = (): Record<string, NpyArray> => ({
  obs: i8([0, 1, 0, 1, 0]), next_obs: i8([1, 0, 1, 0, 1]), actions: i8([1, 1, 1, 1, 1]), rewards: f8([0, 0, 0, 0, 1]),
  terminated: b1([0, 0, 0, 0, 1]), truncated: b1([0, 0, 0, 0, 0]), update: i8([0, 0, 0, 0, 0]), episode: i8([0, 0, 0, 0, 0]),
});
const tabularMeta = (o: Record<string, unknown> = {}): Record<string, unknown> => ({
  format: "lfl-learning-history", formatVersion: 1, envId: "two-state", learner: "soft-policy-iteration",
  observationSpace: { kind: "discrete", dim: 1, n: 2 }, actionSpace: { kind: "discrete", dim: 1, n: 2 }, updates: [0], ...o,
});
writeNpz(at("n-1e9.npz"), tabularArrays(), { "meta.json": tabularMeta({ observationSpace: { kind: "discrete", dim: 1, n: 1e9 } }) });
writeNpz(at("bad-row.npz"), { ...tabularArrays(), actions: i8([1, 1, 5, 1, 1]) }, { "meta.json": tabularMeta() });
// Zip bomb 1: 'rewards' declares 4,000,000 rows (32 MB inflated, ~30 KB on disk), 'obs' 5: visible in the headers.
writeNpz(at("rows-bomb.npz"), { ...tabularArrays(), rewards: { dtype: "f8", shape: [4_000_000], data: new Float64Array(4_000_000) } }, { "meta.json": tabularMeta() }, { deflate: true });
writeFileSync(at("ratio-bomb.npz"), ratioBomb());
// Continuous reward file (as `lfl infer` writes it) whose mean network declares 1e9-wide layers.
const boxReward = new GaussianLogDensityReward(new MLP([3, 4, 1], { rng: new Rng(3) }), [0], fixedObsNorm(Float64Array.from({ length: 30 }, (_, i) => Math.sin(i)), 10, 3));
boxReward.info = { envId: "Pendulum-v1", bcPolicy: { logStd: [0] } };
const layers = JSON.parse(JSON.stringify(boxReward.toJSON())) as { mean: { sizes: number[] } };
layers.mean.sizes = [1e9, 1e9];
mdpWith("layers.json", JSON.stringify(layers));

/**
 * A Box history of 1600 rows whose obs and next_obs are 1600 × 64000 float64 zeros (819 MB each), honestly
 * declared (sizes, CRCs), deflated in 1 MiB blocks: about 1.6 MB on disk inflating ~1000× — the issue's
 * "0.8 MB file inflated to 820 MB and passed". Only the archive's inflate budget can refuse it.
 */
function ratioBomb(): Buffer {
  const N = 1600, D = 64_000;
  const MiB = new Uint8Array(2 ** 20);
  const block = deflateRawSync(MiB, { finishFlush: zc.Z_SYNC_FLUSH, level: 9 });
  const big = (name: string): { name: string; body: Buffer; crc: number; usize: number; method: number } => {
    const header = Buffer.from(npyHeaderBytes("f8", [N, D]));
    const zeros = N * D * 8;
    const body: Buffer[] = [deflateRawSync(header, { finishFlush: zc.Z_SYNC_FLUSH })];
    let crc = crc32(header);
    for (let left = zeros; left > 0; left -= MiB.length) {
      const n = Math.min(left, MiB.length);
      body.push(n === MiB.length ? block : deflateRawSync(MiB.subarray(0, n), { finishFlush: zc.Z_SYNC_FLUSH }));
      crc = crc32(MiB.subarray(0, n), crc);
    }
    body.push(deflateRawSync(new Uint8Array(0)));
    return { name, body: Buffer.concat(body), crc, usize: header.length + zeros, method: 8 };
  };
  const small = (name: string, a: NpyArray) => {
    const bytes = Buffer.from(encodeNpy(a));
    return { name, body: bytes, crc: crc32(bytes), usize: bytes.length, method: 0 };
  };
  const zeros = (dtype: "f8" | "i8" | "b1", shape: number[]): NpyArray =>
    ({ dtype, shape, data: dtype === "f8" ? new Float64Array(shape.reduce((a, b) => a * b)) : dtype === "i8" ? new BigInt64Array(N) : new Uint8Array(N) }) as NpyArray;
  const meta = Buffer.from(JSON.stringify({ format: "lfl-learning-history", formatVersion: 1, envId: "Pendulum-v1", learner: "ppo", observationSpace: { kind: "box", dim: D }, actionSpace: { kind: "box", dim: 1 }, updates: [0] }));
  return rawZip([
    big("obs.npy"), big("next_obs.npy"), small("actions.npy", zeros("f8", [N, 1])), small("rewards.npy", zeros("f8", [N])),
    small("terminated.npy", zeros("b1", [N])), small("truncated.npy", zeros("b1", [N])), small("update.npy", zeros("i8", [N])),
    small("episode.npy", zeros("i8", [N])), { name: "meta.json", body: meta, crc: crc32(meta), usize: meta.length, method: 0 },
  ]);
}

/** A zip (local headers, central directory, end record) of members given as stored bytes, without checks. */
function rawZip(members: ReadonlyArray<{ name: string; body: Buffer; crc: number; usize: number; method: number }>): Buffer {
  const parts: Buffer[] = [], central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30), cd = Buffer.alloc(46);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(m.method, 8);
    local.writeUInt32LE(m.crc >>> 0, 14); local.writeUInt32LE(m.body.length, 18); local.writeUInt32LE(m.usize, 22); local.writeUInt16LE(name.length, 26);
    cd.writeUInt32LE(0x02014b50, 0); cd.writeUInt16LE(20, 4); cd.writeUInt16LE(20, 6); cd.writeUInt16LE(m.method, 10);
    cd.writeUInt32LE(m.crc >>> 0, 16); cd.writeUInt32LE(m.body.length, 20); cd.writeUInt32LE(m.usize, 24); cd.writeUInt16LE(name.length, 28); cd.writeUInt32LE(offset, 42);
    parts.push(local, name, m.body);
    central.push(cd, name);
    offset += 30 + name.length + m.body.length;
  }
  const cdBytes = Buffer.concat(central), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(members.length, 8); end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdBytes.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}

// A real tabular history, reward and Box history, made by the CLI itself (the pipeline's own files).
const H = at("h.npz"), R = at("r.json");
let made: Promise<void> | undefined;
const setup = (): Promise<void> => (made ??= (async () => {
  assert.equal(await runCli(["learn", "--mdp", at("two.json"), "--learner", "soft-policy-iteration", "--pairs", "200", "--out", H]), 0);
  assert.equal(await runCli(["infer", "--history", H, "--mdp", at("two.json"), "--out", R]), 0);
  const reward = JSON.parse(readFileSync(R, "utf8")) as Record<string, unknown>;
  mdpWith("r-1e308.json", JSON.stringify({ ...reward, reward: [[1e308, -1e308], [1e308, -1e308]] }));
  mdpWith("r-nS-1e9.json", JSON.stringify({ ...reward, nS: 1e9 }));
})());

// ── Running and checking ────────────────────────────────────────────────────────────────────────────────────
const run = lflInProcess;

/** Every file under `dir`: its bytes' hash (its size and mtime when over 1 MB, such as the sparse 200 MB file). */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.set(p, st.size > 2 ** 20 ? `${st.size}@${st.mtimeMs}` : createHash("sha1").update(readFileSync(p)).digest("hex"));
      }
    }
  };
  walk(dir);
  return out;
}

/** Heap + array buffers may grow at most this much over one refused case (the budgets refuse far below). */
const MAX_GROWTH = 256 * 2 ** 20;
type Case = [code: string, expect: RegExp, argv: string[]];

/**
 * Runs `argv` and asserts the refusal: exit 2 for an input error (1 for E_NUMERICAL), exactly one line
 * `lfl: error <code>: …` matching `expect`, no stack trace, no raw control character, every file byte-identical
 * and nothing new, bounded memory.
 */
async function refused([code, expect, argv]: Case): Promise<void> {
  const label = argv.join(" ").slice(0, 200);
  const before = snapshot();
  const m0 = process.memoryUsage();
  const r = await run(...argv);
  const m1 = process.memoryUsage();
  assert.equal(r.code, code === "E_NUMERICAL" ? 1 : 2, `${label}: exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${label}: one line, got ${JSON.stringify(r.stderr)}`);
  assert.ok(lines[0]!.startsWith(`lfl: error ${code}: `), `${label}: ${lines[0]}`);
  assert.match(lines[0]!, expect, label);
  assert.doesNotMatch(r.stderr, /\n\s+at |RangeError|TypeError|SyntaxError/, `${label}: no stack, no raw JS error`);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(r.stderr), `${label}: control characters escaped`);
  assert.deepEqual(snapshot(), before, `${label}: no file touched`);
  assert.ok(m1.heapUsed + m1.arrayBuffers - m0.heapUsed - m0.arrayBuffers < MAX_GROWTH, `${label}: bounded memory`);
}

const TOO_LARGE = "E_TOO_LARGE", USAGE = "E_USAGE", FILE = "E_FILE";
const learnMdp = (mdp: string, ...extra: string[]): string[] => ["learn", "--mdp", mdp, "--learner", "soft-policy-iteration", "--out", at("out-h.npz"), ...extra];
const inferTab = (...extra: string[]): string[] => ["infer", "--history", H, "--out", at("out-r.json"), ...extra];
const observeTab = (...extra: string[]): string[] => ["observe", "--mdp", at("two.json"), "--reward", R, ...extra];

// ── 1. Writers that destroy the old file ──────────────────────────────────────────────────────────────────
test("1. writers: every output of learn/infer/observe/reproduce replaces the old file by rename (a new inode), leaving no temp", async () => {
  await setup();
  const d = join(dir, "w1");
  mkdirSync(d);
  const f = (n: string): string => join(d, n);
  // Each output exists beforehand; an in-place write would keep its inode, the atomic writer's rename gives a new one.
  const runs: Array<[string[], string[]]> = [
    [["learn", "--mdp", at("two.json"), "--learner", "q-learning", "--improvements", "2", "--pairs", "100", "--out", f("h.npz"), "--json", f("learn.json")], ["h.npz", "learn.json"]],
    [["infer", "--history", H, "--out", f("r.json"), "--json", f("infer.json")], ["r.json", "infer.json"]],
    [["observe", "--mdp", at("two.json"), "--reward", R, "--json", f("observe.json")], ["observe.json"]],
    [["learn", "--env", "Pendulum-v1", "--steps", "64", "--n-steps", "64", "--batch-size", "64", "--epochs", "1", "--out", f("box.npz"), "--model", f("model.json"), "--json", f("stats.json"), "--quiet"], ["box.npz", "model.json", "stats.json"]],
    [["reproduce", "table1", "--out-dir", d, "--store", join(dir, "store1"), "--json", f("t1-copy.json")], ["table1.json", "table1.md", "fig3.svg", "t1-copy.json"]],
  ];
  for (const [argv, outs] of runs) {
    for (const o of outs) writeFileSync(f(o), "previous\n");
    const inodes = outs.map((o) => statSync(f(o)).ino);
    const r = await run(...argv);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
    outs.forEach((o, k) => {
      assert.notEqual(readFileSync(f(o), "utf8"), "previous\n", `${o} rewritten`);
      assert.notEqual(statSync(f(o)).ino, inodes[k], `${o}: replaced by rename, not written in place`);
    });
    assert.deepEqual(readdirSync(d).filter((n) => /tmp/i.test(n)), [], `${argv[0]}: no temp left`);
  }
  for (const o of ["learn.json", "infer.json", "observe.json", "stats.json", "table1.json"]) assert.doesNotMatch(readFileSync(f(o), "utf8"), /\bnull\b|NaN|Infinity/, `${o}: finite`);
});

test("1. writers: no command writes a file except through core/atomic-file.ts (temp, fsync, rename, fsync of the directory)", () => {
  // bench-json.ts is left out: it writes its scratch inputs (a generated MDP, a sparse 200 MB file) into a temp directory.
  const cli = join(ROOT, "src/cli");
  const direct = readdirSync(cli).filter((f) => f.endsWith(".ts") && f !== "bench-json.ts" && !f.endsWith(".test.ts"))
    .filter((f) => /\b(writeFileSync|appendFileSync|renameSync|createWriteStream)\s*\(/.test(readFileSync(join(cli, f), "utf8").replace(/^\s*(\*|\/\/).*$/gm, "")));
  assert.deepEqual(direct, [], "src/cli files writing outside the atomic writer");
});

// ── 2. Output paths checked only after the work ───────────────────────────────────────────────────────────
test("2. output paths: missing directory, output = input, two outputs one file — E_FILE before any work, inputs byte-identical", async () => {
  await setup();
  const missing = join(dir, "missing-dir");
  const cases: Case[] = [
    [FILE, /output .*h\.npz is the input/, ["infer", "--history", H, "--out", H]],
    [FILE, /missing-dir: no such file or directory/, inferTab("--json", join(missing, "d.json")).map((a) => (a === at("out-r.json") ? join(missing, "r.json") : a))],
    [FILE, /missing-dir: no such file or directory/, ["infer", "--history", H, "--mdp", at("two.json"), "--out", join(missing, "r.json")]],
    [FILE, /output .*two\.json is the input/, ["learn", "--mdp", at("two.json"), "--learner", "q-learning", "--out", at("two.json")]],
    [FILE, /output .*two\.json is the input/, learnMdp(at("two.json"), "--json", at("two.json"))],
    [FILE, /missing-dir: no such file or directory/, learnMdp(at("two.json"), "--json", join(missing, "l.json"))],
    [FILE, /given twice/, ["learn", "--mdp", at("two.json"), "--learner", "q-learning", "--out", at("out.json"), "--json", at("out.json")]],
    [FILE, /output .*r\.json is the input/, observeTab("--json", R)],
    [FILE, /output .*two\.json is the input/, observeTab("--json", at("two.json"))],
    [FILE, /missing-dir: no such file or directory/, observeTab("--json", join(missing, "o.json"))],
    [FILE, /output .*h\.npz is the input/, observeTab("--history", H, "--json", H)],
    [FILE, /missing-dir: no such file or directory/, ["reproduce", "table1", "--out-dir", join(dir, "t1-out"), "--store", join(dir, "store2"), "--json", join(missing, "t.json")]],
  ];
  for (const c of cases) await refused(c);
  rmSync(join(dir, "t1-out"), { recursive: true, force: true }); // reproduce creates its --out-dir (its own) before checking
  rmSync(join(dir, "store2"), { recursive: true, force: true });
});

// ── 3. Unbounded sizes ────────────────────────────────────────────────────────────────────────────────────
test("3. sizes: nS/nA up to 1e308, a 200 MB MDP, n = 1e9, 1e9-wide layers, zip bombs, --pairs/--improvements/--steps runaways — refused at once", async () => {
  await setup();
  const cases: Case[] = [
    [TOO_LARGE, /nS·nA·nS \(the entries of P\) is 20000000000, more than the limit/, learnMdp(at("nS-1e5.json"))],
    [TOO_LARGE, /nS is 1000000000, more than the limit/, learnMdp(at("nS-1e9.json"))],
    [TOO_LARGE, /nS is 1e\+308, more than the limit/, learnMdp(at("nS-1e308.json"))],
    [TOO_LARGE, /nA is 1000000000, more than the limit/, learnMdp(at("nA-1e9.json"))],
    [TOO_LARGE, /nS is 1e\+308/, ["observe", "--mdp", at("nS-1e308.json"), "--reward", R]],
    [TOO_LARGE, /nS is 1000000000/, ["reproduce", "table1", "--mdp", at("nS-1e9.json"), "--out-dir", join(dir, "t1-big"), "--store", join(dir, "store3")]],
    [TOO_LARGE, /padded-200mb\.json: the MDP file's size in bytes is 209715200, more than the limit of \d+ \(raise it with --max-input-bytes\)/, learnMdp(at("padded-200mb.json"))],
    [TOO_LARGE, /padded-200mb\.json: the MDP file's size/, ["infer", "--history", H, "--mdp", at("padded-200mb.json"), "--out", at("out-r.json")]],
    [TOO_LARGE, /n-1e9\.npz: meta\.json 'observationSpace\.n' is 1000000000, more than the limit/, ["infer", "--history", at("n-1e9.npz"), "--out", at("out-r.json")]],
    [TOO_LARGE, /layers\.json: mean\.sizes\[0\] is 1000000000, more than the limit/, ["observe", "--reward", at("layers.json"), "--updates", "1"]],
    [TOO_LARGE, /r-nS-1e9\.json: nS is 1000000000, more than the limit/, ["observe", "--mdp", at("two.json"), "--reward", at("r-nS-1e9.json")]],
    ["E_INVALID_HISTORY", /rows-bomb\.npz: array 'rewards' has 4000000 rows but 'obs' has 5/, ["infer", "--history", at("rows-bomb.npz"), "--out", at("out-r.json")]],
    [TOO_LARGE, /ratio-bomb\.npz: .*would inflate to \d+ bytes, more than this archive's budget/, ["infer", "--history", at("ratio-bomb.npz"), "--out", at("out-r.json")]],
    [USAGE, /--pairs must be a decimal integer, got '1e9'/, learnMdp(at("two.json"), "--pairs", "1e9")],
    [USAGE, /--pairs must be in \[1, 10000000\], got 1000000000/, learnMdp(at("two.json"), "--pairs", "1000000000")],
    [USAGE, /--improvements must be in \[1, 100000\], got 100000000/, learnMdp(at("two.json"), "--improvements", "100000000")],
    [USAGE, /50001000 history rows, more than 10000000/, learnMdp(at("two.json"), "--improvements", "50000")],
    [USAGE, /51000000 history rows/, ["learn", "--mdp", at("two.json"), "--learner", "q-learning", "--pairs", "1000000", "--out", at("out-h.npz")]],
    [USAGE, /--steps must be a decimal integer, got '1e300'/, ["learn", "--env", "Pendulum-v1", "--steps", "1e300", "--out", at("out-h.npz")]],
  ];
  for (const c of cases) await refused(c);
  assert.equal(statSync(at("ratio-bomb.npz")).size < 2 * 2 ** 20, true, "the ratio bomb is under 2 MB on disk");
});

// ── 4. Flags ──────────────────────────────────────────────────────────────────────────────────────────────
test("4. flags: empty/blank numbers, non-decimal integers, unsafe seeds, ignored and repeated flags — one E_USAGE line, nothing run", async () => {
  await setup();
  const cases: Case[] = [
    [USAGE, /--seed needs a value/, learnMdp(at("two.json"), "--seed", "")],
    [USAGE, /--seed needs a value/, inferTab("--seed", " ")],
    [USAGE, /--gamma needs a value/, inferTab("--gamma", "")],
    [USAGE, /--pessimism needs a value/, inferTab("--pessimism", " ")],
    [USAGE, /--alpha needs a value/, observeTab("--alpha", "")],
    [USAGE, /--pairs must be a decimal integer, got '0x100'/, learnMdp(at("two.json"), "--pairs", "0x100")],
    [USAGE, /--improvements must be a decimal integer, got '1e3'/, learnMdp(at("two.json"), "--improvements", "1e3")],
    [USAGE, /--pairs must be a decimal integer, got ' 256'/, learnMdp(at("two.json"), "--pairs", " 256")],
    [USAGE, /--seed must be a decimal integer, got '1e20'/, learnMdp(at("two.json"), "--seed", "1e20")],
    [USAGE, /--seed must be in \[0, 2147483647\], got 99999999999/, learnMdp(at("two.json"), "--seed", "99999999999")],
    [USAGE, /--lambda must be a number, got '0x1'/, inferTab("--lambda", "0x1")],
    [USAGE, /--updates does not apply to a tabular history/, inferTab("--updates=,2,3")],
    [USAGE, /--updates does not apply to a tabular history/, inferTab("--updates", "1,2")],
    [USAGE, /--scale, --paper do not apply to a tabular history/, inferTab("--scale", "0.5", "--paper")],
    [USAGE, /--updates, --seed do not apply with --mdp/, observeTab("--updates", "3", "--seed", "2")],
    [USAGE, /--out does not apply with --mdp/, observeTab("--out", at("out-a.json"))],
    [USAGE, /Unknown option '--steps'/, learnMdp(at("two.json"), "--steps", "10")],
    [USAGE, /--pairs given twice/, learnMdp(at("two.json"), "--pairs", "5", "--pairs", "6")],
    [USAGE, /argument is ambiguous.* use '--improvements=-XYZ'/, learnMdp(at("two.json"), "--improvements", "-5")],
    [USAGE, /--improvements must be in \[1, 100000\], got -5/, learnMdp(at("two.json"), "--improvements=-5")],
    [USAGE, /--seed does not apply to table1: it is deterministic/, ["reproduce", "table1", "--seed", "5", "--out-dir", join(dir, "t1-seed"), "--store", join(dir, "store4")]],
  ];
  for (const c of cases) await refused(c);
  // --help after a flag value, on the tabular branches and reproduce: help on stdout, exit 0, nothing written.
  for (const argv of [learnMdp(at("two.json"), "--pairs", "10", "--help"), inferTab("--pessimism", "0.1", "--help"), observeTab("--json", at("out-o.json"), "-h"), ["reproduce", "table1", "--out-dir", join(dir, "t1-help"), "--help"]]) {
    const before = snapshot();
    const r = await run(...argv);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, /lfl (learn|infer|observe|reproduce)/);
    assert.equal(r.stderr, "");
    assert.deepEqual(snapshot(), before, `${argv.join(" ")}: nothing written`);
  }
});

// ── 5. Non-finite results with exit 0 ─────────────────────────────────────────────────────────────────────
test("5. non-finite results: ±1e308 rewards, extreme α and huge MDP rewards stop with a coded line; nothing written as null", async () => {
  await setup();
  const cases: Case[] = [
    ["E_NUMERICAL", /observe: .* is NaN \(stage: planning on the recovered reward of .*r-1e308\.json/, ["observe", "--mdp", at("two.json"), "--reward", at("r-1e308.json"), "--json", at("out-o.json")]],
    [USAGE, /--alpha must be in \[0\.000001, 1000000\], got 1e-300/, observeTab("--alpha", "1e-300")],
    [USAGE, /--alpha must be in \[0\.000001, 1000000\], got 1e\+300/, observeTab("--alpha", "1e300")],
    [USAGE, /--alpha must be in \[0\.000001, 1000000\], got 1e-300/, learnMdp(at("two.json"), "--alpha", "1e-300")],
    [USAGE, /--alpha must be in \[0\.000001, 1000000\], got 1000000000000000/, learnMdp(at("two.json"), "--alpha", "1e15")],
    [USAGE, /--alpha must be in \[0\.000001, 1000000\]/, inferTab("--alpha", "1e-300")],
    [USAGE, /--alpha-model must be in \[0\.000001, 1000000\]/, inferTab("--alpha-model", "1e300")],
    [USAGE, /reproduce table1: --alpha must be in \[0\.000001, 1000000\], got 1e-300/, ["reproduce", "table1", "--alpha", "1e-300", "--out-dir", join(dir, "t1-a"), "--store", join(dir, "store5")]],
  ];
  for (const learner of ["soft-policy-iteration", "soft-value-iteration", "q-learning", "random-improvement"]) {
    cases.push(["E_NUMERICAL", /sampling the learner's policy: π\(a = \d \| s = \d\) is NaN, not a probability/, ["learn", "--mdp", at("huge-r.json"), "--learner", learner, "--out", at("out-h.npz"), "--json", at("out-l.json")]]);
  }
  for (const c of cases) await refused(c);
  // Table 1 at the edge of the α range (its soft policies underflow to 0) or on huge rewards: the cell fails,
  // and the previous result set stays whole (nothing is written from a run with no finished cell).
  const out = join(dir, "t1-keep");
  mkdirSync(out, { recursive: true });
  for (const [argv, stem] of [[["--alpha", "1e-6"], "table1-alpha-0.000001"], [["--mdp", at("huge-r.json")], "table1-mdp-huge-r"]] as const) {
    const json = join(out, `${stem}.json`);
    writeFileSync(json, "previous result\n");
    const r = await run("reproduce", "table1", ...argv, "--out-dir", out, "--store", join(dir, "store6"));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^lfl: error E_FILE: reproduce table1: no cell is finished; nothing to report, nothing written \(1 requested: table1\/[\w-]+ \(failed: E_INVALID_ARGUMENT: invertSoftImprovement: pi2\[0\]\[\d\] = (0|NaN) must be > 0/);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1);
    assert.equal(readFileSync(json, "utf8"), "previous result\n", `${stem}: the old result is kept`);
    assert.deepEqual(readdirSync(out).sort(), [`${stem}.json`, ...(stem === "table1-mdp-huge-r" ? ["table1-alpha-0.000001.json"] : [])].sort());
  }
});

// ── 6. Messages ───────────────────────────────────────────────────────────────────────────────────────────
test("6. messages: deep nesting, binary bytes, BOMs, history arrays name the file; a torn store cell is recomputed; `infer | head` ends quietly", async () => {
  await setup();
  const JSON_ERR = "E_INVALID_JSON";
  const cases: Case[] = [
    [JSON_ERR, /deep\.json: not valid JSON \(line 1, column 100001: unexpected end of input, expected a value\)/, learnMdp(at("deep.json"))],
    [JSON_ERR, /deep\.json: not valid JSON \(line 1, column 100001/, ["observe", "--reward", at("deep.json")]],
    [JSON_ERR, /deep\.json: not valid JSON \(line 1, column 100001/, ["observe", "--mdp", at("two.json"), "--reward", at("deep.json")]],
    [JSON_ERR, /binary\.json: not valid JSON \(line 1, column 10: unexpected U\+0000 \(NUL\), expected a string key\)/, learnMdp(at("binary.json"))],
    [JSON_ERR, /binary\.json: not valid JSON \(line 1, column 10: unexpected U\+0000 \(NUL\)/, ["observe", "--mdp", at("two.json"), "--reward", at("binary.json")]],
    ["E_INVALID_HISTORY", /binary\.json: not a zip archive/, ["infer", "--history", at("binary.json"), "--out", at("out-r.json")]],
    [JSON_ERR, /bom-inside\.json: not valid JSON \(line 1, column 8: unexpected U\+FEFF \(a byte-order mark\), expected a value\)/, learnMdp(at("bom-inside.json"))],
    ["E_INVALID_HISTORY", /bad-row\.npz: array 'actions' row 2 is 5, outside the discrete space/, ["infer", "--history", at("bad-row.npz"), "--out", at("out-r.json")]],
    ["E_INVALID_HISTORY", /bad-row\.npz: array 'actions' row 2 is 5/, observeTab("--history", at("bad-row.npz"))],
  ];
  for (const c of cases) await refused(c);
  // A leading BOM is allowed (RFC 8259 §8.1): the MDP loads.
  const bom = await run(...learnMdp(at("bom-lead.json"), "--pairs", "50"));
  assert.equal(bom.code, 0, bom.stderr);
  rmSync(at("out-h.npz"));
  // A torn cell record in the store (ppo-curves' and every experiment's store): recomputed, same numbers.
  const store = join(dir, "store-torn"), out = join(dir, "t1-torn");
  assert.equal((await run("reproduce", "table1", "--out-dir", out, "--store", store)).code, 0);
  const first = JSON.parse(readFileSync(join(out, "table1.json"), "utf8")) as Record<string, unknown>;
  const cells: string[] = [];
  const walk = (d: string): void => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : cells.push(join(d, e.name)); };
  walk(store);
  assert.equal(cells.length, 1);
  const text = readFileSync(cells[0]!, "utf8");
  writeFileSync(cells[0]!, text.slice(0, text.length >> 1)); // torn mid-record
  const again = await run("reproduce", "table1", "--out-dir", out, "--store", store);
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(readFileSync(join(out, "table1.json"), "utf8")) as Record<string, unknown>;
  for (const k of ["rows", "rewards", "stateOnly"]) assert.deepEqual(second[k], first[k], k);
  const cellResult = (t: string): unknown => (JSON.parse(t) as { result: unknown }).result;
  assert.ok(JSON.stringify(cellResult(readFileSync(cells[0]!, "utf8"))) === JSON.stringify(cellResult(text)), "the torn record is rewritten whole, same result");
  // `lfl infer … | head`: the reader is gone before the first line; the run ends quietly, exit 0, reward written whole.
  const rOut = join(dir, "epipe-r.json");
  const { code, stderr } = await lflStdoutClosed("infer", "--history", H, "--out", rOut);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.equal((JSON.parse(readFileSync(rOut, "utf8")) as { format: string }).format, "lfl-tabular-reward");
});
