// `--tensorboard DIR` on learn: one TFRecord event file with SB3's scalar names, one record per update and tag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lfl } from "./lfl-cli.ts";

test("lfl learn --tensorboard DIR writes an event file of the training curves", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-tb-"));
  try {
    const r = lfl("learn", "--env", "Pendulum-v1", "--learner", "ppo", "--steps", "1024", "--n-steps", "256", "--out", join(dir, "h.npz"), "--tensorboard", join(dir, "tb"));
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(join(dir, "tb"));
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^events\.out\.tfevents\./);
    const bytes = readFileSync(join(dir, "tb", files[0]!));
    // TFRecord framing: [len u64][masked crc u32][data][masked crc u32]; count the records and find the tags.
    let records = 0;
    for (let off = 0; off < bytes.length; records++) off += 8 + 4 + Number(bytes.readBigUInt64LE(off)) + 4;
    const text = bytes.toString("latin1");
    assert.ok(text.includes("brain.Event:2"));
    assert.equal(text.split("rollout/ep_rew_mean").length - 1, 4, "one scalar per PPO update (1024 / 256)");
    assert.ok(records >= 1 + 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
