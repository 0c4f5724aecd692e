import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl } from "./lfl-cli.ts";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
