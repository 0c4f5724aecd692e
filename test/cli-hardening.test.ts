// Issue 12 for the continuous-control and shared commands: every bad input is ONE coded line on stderr with
// exit code 2 and no stack trace, nothing is written (`--help` anywhere prints help and does nothing else),
// output paths are refused BEFORE any work with E_FILE and the previous file left byte-identical, `lfl … | head`
// ends quietly, and a bug is one E_INTERNAL line. The bad-input table runs in this process through `runCli` (the
// same code main.ts runs) to stay fast; the process-level behaviour (exit codes, EPIPE) is checked on real runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syntheticBoxHistory } from "../src/cli/bench-infer.ts";
import { describeFailure } from "../src/cli/run-cli.ts";
import { writeHistoryColumns } from "../src/data/history-file.ts";
import { lfl, lflInProcess, lflStdoutClosed } from "./lfl-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lfl-hardening-"));
const history = join(dir, "box.npz");
writeHistoryColumns(history, syntheticBoxHistory(3, 64, 3, 1, 1, 50));
const reward = join(dir, "reward.json");
writeFileSync(reward, "{}\n"); // any existing file: these cases must stop before it is read
const out = (name: string): string => join(dir, "out", name);
mkdirSync(join(dir, "out"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const run = lflInProcess;

/** Exit 2, exactly one line `lfl: error E_…: …` naming `expect`, no stack trace, nothing written into out/. */
async function refused(code: RegExp, expect: RegExp, ...argv: string[]): Promise<void> {
  const r = await run(...argv);
  const label = argv.join(" ");
  assert.equal(r.code, 2, `${label}: exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${label}: one line, got ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0]!, /^lfl: error E_[A-Z_]+: /, label);
  assert.match(lines[0]!, code, label);
  assert.match(lines[0]!, expect, label);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${label}: no stack trace`);
  assert.deepEqual(readdirSync(join(dir, "out")), [], `${label}: nothing written`);
}

const learn = ["learn", "--env", "Pendulum-v1", "--out", out("h.npz"), "--quiet"];
const infer = ["infer", "--history", history, "--out", out("r.json")];
const observe = ["observe", "--reward", reward];
const USAGE = /E_USAGE/;

test("learn --env: bad numbers, sizes, seeds, unknown and other-branch flags are one coded line, exit 2, nothing written", async () => {
  const cases: Array<[RegExp, RegExp, string[]]> = [
    [USAGE, /--steps needs a value/, ["--steps", ""]],
    [USAGE, /--steps needs a value/, ["--steps", "  "]],
    [USAGE, /--steps must be a decimal integer, got '0x100'/, ["--steps", "0x100"]],
    [USAGE, /--steps must be a decimal integer, got '1e3'/, ["--steps", "1e3"]],
    [USAGE, /--steps must be a decimal integer, got '1e300'/, ["--steps", "1e300"]],
    [USAGE, /--steps must be a decimal integer, got ' 256'/, ["--steps", " 256"]],
    [USAGE, /--steps must be in \[1, 1000000000\], got -5/, ["--steps=-5"]],
    [USAGE, /argument is ambiguous\. .* use '--steps=-XYZ'/, ["--steps", "-5"]],
    [USAGE, /--steps must be in \[1, 1000000000\], got 2000000000/, ["--steps", "2000000000"]],
    [USAGE, /--seed must be a decimal integer, got '1e20'/, ["--seed", "1e20"]],
    [USAGE, /--seed must be in \[0, 2147483647\]/, ["--seed", "99999999999"]],
    [USAGE, /--gamma needs a value/, ["--gamma", ""]],
    [USAGE, /--gamma must be in \[0, 1\], got 1.5/, ["--gamma", "1.5"]],
    [USAGE, /--lr must be > 0/, ["--lr", "0"]],
    [USAGE, /--lr must be a number, got '0x1'/, ["--lr", "0x1"]],
    [USAGE, /--num-envs must be in \[1, 1024\]/, ["--num-envs", "5000"]],
    [USAGE, /--n-steps × --num-envs = 20000000/, ["--n-steps", "20000", "--num-envs", "1000"]],
    [USAGE, /--record-envs 3 is more than --num-envs 2/, ["--num-envs", "2", "--record-envs", "3"]],
    [USAGE, /--batch-size 4096 is more than one rollout/, ["--n-steps", "64", "--batch-size", "4096"]],
    [USAGE, /--checkpoint-every must be a decimal integer/, ["--checkpoint-every", "1.5"]],
    [USAGE, /Unknown option '--frobnicate'/, ["--frobnicate"]],
    [USAGE, /--steps given twice/, ["--steps", "10", "--steps", "20"]],
    [USAGE, /--alpha does not apply to --env/, ["--alpha", "0.3"]],
    [USAGE, /--improvements, --pairs do not apply to --env/, ["--pairs", "1000", "--improvements", "3"]],
    [USAGE, /--env-kwargs\.g must be a finite number/, ["--env-kwargs", '{"g": 1e999}']],
    [/E_UNKNOWN_ID/, /unknown learner 'sac'/, ["--learner", "sac"]],
    [/E_FILE/, /--resume: no checkpoint/, ["--resume"]],
  ];
  for (const [code, expect, extra] of cases) await refused(code, expect, ...learn, ...extra);
  await refused(USAGE, /give only one of --env, --mdp/, "learn", "--env", "Pendulum-v1", "--mdp", "m.json", "--out", out("h.npz"));
  await refused(USAGE, /give one of --env, --mdp/, "learn", "--out", out("h.npz"));
  await refused(USAGE, /give --out FILE/, "learn", "--env", "Pendulum-v1");
});

test("infer (Box history) and observe (Box reward): bad flags, flags of the tabular branch, one coded line, nothing written", async () => {
  const inferCases: Array<[RegExp, RegExp, string[]]> = [
    [USAGE, /--updates must be a decimal integer, got '1e3'/, ["--updates", "1e3"]],
    [USAGE, /--updates has an empty item/, ["--updates=,2,3"]],
    [USAGE, /--updates range '5-2' runs backwards/, ["--updates", "5-2"]],
    [USAGE, /--updates expands to more than 10000 values/, ["--updates", "0-999999"]],
    [USAGE, /--scale must be in \(0, 1\]/, ["--scale", "0"]],
    [USAGE, /--scale needs a value/, ["--scale", ""]],
    [USAGE, /--gamma must be in \[0, 1\)/, ["--gamma", "1"]],
    [USAGE, /--seed must be in \[0, 2147483647\], got -1/, ["--seed=-1"]],
    [USAGE, /--seed must be a decimal integer, got '1e20'/, ["--seed", "1e20"]],
    [USAGE, /--alpha does not apply to a Box history/, ["--alpha", "0.5"]],
    [USAGE, /--reward-form, --pessimism do not apply to a Box history/, ["--pessimism", "0.1", "--reward-form", "state"]],
  ];
  for (const [code, expect, extra] of inferCases) await refused(code, expect, ...infer, ...extra);
  const observeCases: Array<[RegExp, RegExp, string[]]> = [
    [USAGE, /--updates must be in \[1, 100000\], got 0/, ["--updates", "0"]],
    [USAGE, /--episodes must be a decimal integer, got '1e3'/, ["--episodes", "1e3"]],
    [USAGE, /--n-steps needs a value/, ["--n-steps", ""]],
    [USAGE, /--n-steps × --num-envs/, ["--n-steps", "1000000", "--num-envs", "1000"]],
    [USAGE, /--alpha does not apply without --mdp/, ["--alpha", "0.3"]],
    [USAGE, /--history does not apply without --mdp/, ["--history", history]],
  ];
  for (const [code, expect, extra] of observeCases) await refused(code, expect, ...observe, ...extra);
  await refused(USAGE, /--json needs a value/, "demo", "--json", "");
  await refused(USAGE, /Unknown option '--fast'/, "demo", "--fast");
  await refused(USAGE, /bench: unknown target 'nope'/, "bench", "nope");
});

test("--help after a flag value prints help, exits 0 and writes nothing", async () => {
  for (const argv of [
    [...learn, "--steps", "10", "--help"], ["learn", "--env", "X", "--help"], [...infer, "--scale", "0.5", "--help"],
    [...observe, "--out", out("a.json"), "-h"], ["demo", "--json", out("d.json"), "--help"], ["bench", "ppo", "--steps", "10", "--help"],
  ]) {
    const r = await run(...argv);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`lfl ${argv[0]}`), argv.join(" "));
    assert.equal(r.stderr, "");
    assert.deepEqual(readdirSync(join(dir, "out")), []);
  }
  const r = await run("learn", "--help");
  assert.match(r.stdout, /--checkpoint-every N/, "the --env options");
  assert.match(r.stdout, /--mdp FILE/, "and the tabular branch's");
});

test("output paths are refused before any work with E_FILE; the previous file stays byte-identical", async () => {
  const keep = join(dir, "keep.json");
  writeFileSync(keep, "previous contents\n");
  // A path under a file can never be created, as root too; a read-only directory only stops non-root users.
  const unwritable = process.getuid?.() === 0 ? "/dev/null/sub" : join(dir, "ro");
  if (unwritable === join(dir, "ro")) {
    mkdirSync(unwritable);
    chmodSync(unwritable, 0o500);
  }
  const cases: Array<[RegExp, string[]]> = [
    [/output .*box\.npz is the input/, ["infer", "--history", history, "--out", history]],
    [/no such file or directory/, ["infer", "--history", history, "--out", keep, "--json", join(dir, "missing", "d.json")]],
    [/cannot write/, ["infer", "--history", history, "--out", join(unwritable, "r.json")]],
    [/no such file or directory/, ["learn", "--env", "Pendulum-v1", "--out", keep, "--model", join(dir, "missing", "m.json"), "--quiet"]],
    [/cannot write/, ["learn", "--env", "Pendulum-v1", "--out", join(unwritable, "h.npz"), "--quiet"]],
    [/output .*keep\.json is given twice/, ["learn", "--env", "Pendulum-v1", "--out", keep, "--model", keep, "--quiet"]],
    [/is the input/, ["observe", "--reward", reward, "--out", reward]],
    [/no such file or directory/, ["observe", "--reward", reward, "--json", join(dir, "missing", "o.json")]],
    [/no such file or directory/, ["demo", "--json", join(dir, "missing", "demo.json")]],
  ];
  const before = readFileSync(history);
  for (const [expect, argv] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), /^lfl: error E_FILE: [^\n]*$/, argv.join(" "));
    assert.match(r.stderr, expect, argv.join(" "));
    assert.equal(r.stdout, "", `${argv.join(" ")}: refused before any work`);
    assert.equal(readFileSync(keep, "utf8"), "previous contents\n");
    assert.ok(readFileSync(history).equals(before), "the input is untouched");
    assert.equal(readFileSync(reward, "utf8"), "{}\n");
  }
  assert.ok(!existsSync(join(dir, "missing")));
});

test("learn before any episode ends: the undefined mean return is left out of --json and printed as n/a, never null or NaN", async () => {
  const d = mkdtempSync(join(tmpdir(), "lfl-hardening-nan-"));
  try {
    const r = await run("learn", "--env", "Pendulum-v1", "--steps", "64", "--n-steps", "64", "--batch-size", "64", "--epochs", "1", "--model", join(d, "m.json"), "--json", join(d, "s.json"), "--quiet");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /mean return of the last 100 episodes n\/a \(no episode finished\)/);
    const text = readFileSync(join(d, "s.json"), "utf8");
    assert.doesNotMatch(text, /null|NaN|Infinity/);
    const s = JSON.parse(text) as { updates: Array<Record<string, unknown>>; meanReturn?: number };
    assert.equal(s.meanReturn, undefined);
    assert.equal(s.updates.length, 1);
    assert.ok(!("meanReturn" in s.updates[0]!) && typeof s.updates[0]!.policyLoss === "number");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("a bug is one E_INTERNAL line without a stack (LFL_DEBUG=1 adds it); an escaped OS error is one E_FILE line", () => {
  const bug = describeFailure(new TypeError("x is not a function\n    at somewhere"), false);
  assert.equal(bug.code, 1);
  assert.match(bug.line, /^lfl: error E_INTERNAL: TypeError: x is not a function/);
  assert.ok(!bug.line.includes("\n") && bug.stack === undefined);
  assert.match(describeFailure(new TypeError("boom"), true).stack ?? "", /TypeError: boom\n\s+at /);
  const os = describeFailure(Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT", syscall: "open", path: "/x/\u0007y" }), false);
  assert.equal(os.line, "lfl: error E_FILE: /x/\\u{0007}y: no such file or directory (ENOENT)");
});

test("the real process: a bad flag exits 2 with one line; `lfl demo | (reader gone)` ends quietly with exit 0 at its first output", async () => {
  const r = lfl("learn", "--env", "Pendulum-v1", "--out", out("h.npz"), "--steps", "1e3");
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "lfl: error E_USAGE: learn: --steps must be a decimal integer, got '1e3' (see 'lfl learn --help')\n");
  // The reader closes the pipe at once: the demo's first table meets EPIPE and the run ends there, exit 0, no
  // stack — it does not go on computing (so its --json, written at the end, never appears).
  const json = join(dir, "demo-epipe.json");
  const { code, stderr } = await lflStdoutClosed("demo", "--json", json);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.ok(!existsSync(json));
});
