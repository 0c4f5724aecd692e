import { test } from "node:test";
import assert from "node:assert/strict";
import type { PpoUpdateStats } from "./ppo-config.ts";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chainOnUpdate, ppoUpdateScalars, tensorBoardOnUpdate, tensorBoardRecorder } from "./tensorboard-recorder.ts";

const stats: PpoUpdateStats = {
  update: 3, steps: 8192, episodes: 8, meanReturn: -42.5, policyLoss: -0.01, valueLoss: 3.5, entropy: 2.8,
  approxKl: 0.004, clipFraction: 0.07, explainedVariance: 0.6, stepsPerSecond: 1500,
};

test("PPO update statistics become SB3-named scalars at step = env steps", () => {
  const got: Array<[string, number, number]> = [];
  const seen: number[] = [];
  const onUpdate = chainOnUpdate((s) => seen.push(s.update), undefined, tensorBoardOnUpdate({ scalar: (t, v, s) => got.push([t, v, s]) }, "observer/"));
  onUpdate(stats);
  assert.deepEqual(seen, [3]);
  assert.equal(got.length, Object.keys(ppoUpdateScalars(stats)).length);
  assert.ok(got.every(([, , step]) => step === 8192));
  const byTag = new Map(got.map(([t, v]) => [t, v]));
  assert.equal(byTag.get("observer/rollout/ep_rew_mean"), -42.5);
  assert.equal(byTag.get("observer/train/entropy_loss"), -2.8);
  assert.equal(byTag.get("observer/lfl/update"), 3);
});

test("tensorBoardRecorder: a no-op without a directory; an event file that grows on close with one", () => {
  const none = tensorBoardRecorder(undefined);
  assert.equal(none.onUpdate, undefined);
  none.close();
  const dir = mkdtempSync(join(tmpdir(), "lfl-tbr-"));
  try {
    const tb = tensorBoardRecorder(join(dir, "seed-0"), { now: () => 100, host: "h" });
    const header = statSync(tb.path!).size;
    tb.onUpdate!(stats);
    tb.close();
    const bytes = readFileSync(tb.path!);
    assert.ok(bytes.length > header);
    assert.ok(bytes.includes(Buffer.from("rollout/ep_rew_mean")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
