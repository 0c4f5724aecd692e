import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { lfl, ROOT } from "./lfl-cli.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readHistoryFile } from "../src/data/history-file.ts";
import { MLP } from "../src/nn/mlp.ts";

test("lfl learn --env Pendulum-v1 --learner ppo writes a history our reader validates, and a model", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-learn-"));
  try {
    const out = join(dir, "h.npz"), model = join(dir, "m.json"), stats = join(dir, "s.json");
    const r = lfl("learn", "--env", "Pendulum-v1", "--learner", "ppo", "--steps", "1024", "--n-steps", "512", "--num-envs", "2",
      "--normalize-obs", "--seed", "4", "--out", out, "--model", model, "--json", stats, "--quiet");
    assert.equal(r.code, 0, r.stderr);
    const h = readHistoryFile(out);
    assert.equal(h.meta.learner, "ppo");
    assert.equal(h.meta.envId, "Pendulum-v1");
    assert.equal(h.meta.seed, 4);
    assert.deepEqual(h.updates.map((u) => u.index), [0]);
    assert.equal(h.transitions(0), 1024);
    assert.equal((h.meta.extra!["obsNorm"] as unknown[]).length, 1);
    const m = JSON.parse(readFileSync(model, "utf8"));
    assert.equal(MLP.fromJSON(m.policy).outDim, 1);
    assert.equal(JSON.parse(readFileSync(stats, "utf8")).steps, 1024);
    // Every number written is finite; nothing is written as null.
    assert.doesNotMatch(readFileSync(stats, "utf8"), /null|NaN|Infinity/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lfl learn --env: unknown learner, unknown env and missing --out exit 2 with the reason", () => {
  const a = lfl("learn", "--env", "Pendulum-v1", "--learner", "sac", "--out", "x.npz");
  assert.equal(a.code, 2);
  assert.match(a.stderr, /unknown learner 'sac'/);
  const b = lfl("learn", "--env", "Nope-v0", "--out", "x.npz");
  assert.equal(b.code, 2);
  assert.match(b.stderr, /unknown env id "Nope-v0"/);
  const c = lfl("learn", "--env", "Pendulum-v1");
  assert.equal(c.code, 2);
  assert.match(c.stderr, /--out FILE/);
});

test("lfl learn --checkpoint-every/--resume: killed with SIGKILL after a checkpoint, the resumed run writes the same history and model bytes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-learn-resume-"));
  try {
    const args = ["learn", "--env", "Pendulum-v1", "--steps", "6144", "--n-steps", "256", "--num-envs", "2", "--batch-size", "128", "--epochs", "2",
      "--normalize-obs", "--seed", "7", "--quiet", "--checkpoint-every", "2"];
    const plain = lfl(...args, "--out", join(dir, "a.npz"), "--model", join(dir, "a.json"));
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!existsSync(join(dir, "a.npz.ckpt")), "a finished run removes its checkpoint");
    // Second run: kill -9 as soon as its first checkpoint is on disk, then resume.
    const b = ["--out", join(dir, "b.npz"), "--model", join(dir, "b.json")];
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args, ...b], { cwd: ROOT, stdio: "ignore" });
    const ckpt = join(dir, "b.npz.ckpt");
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_c, sig) => resolve(sig)));
    while (!existsSync(ckpt) && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    const signal = await closed;
    assert.equal(signal, "SIGKILL", "the run was killed before it finished");
    assert.ok(!existsSync(join(dir, "b.npz")), "nothing but the checkpoint was written");
    const resumed = lfl(...args, ...b, "--resume");
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resumed at update \d+/);
    assert.ok(readFileSync(join(dir, "b.npz")).equals(readFileSync(join(dir, "a.npz"))), "history bytes");
    assert.ok(readFileSync(join(dir, "b.json")).equals(readFileSync(join(dir, "a.json"))), "model bytes");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
