// learn → infer → observe on Pendulum-v1 through the real CLI: `lfl observe --reward` (no --mdp) trains PPO on the
// recovered reward from the clone stored by `lfl infer`, scores both on the true reward, and refuses bad files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lfl, ROOT } from "./lfl-cli.ts";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "lfl-cli-observe-box-"));

test("lfl learn → infer → observe (Box): the observer trains on the recovered reward and is scored on the true one", () => {
  const history = join(dir, "h.npz"), reward = join(dir, "reward.json"), json = join(dir, "observe.json"), actor = join(dir, "actor.json");
  const learn = lfl("learn", "--env", "Pendulum-v1", "--learner", "ppo", "--steps", "1536", "--n-steps", "512", "--normalize-obs", "--out", history, "--quiet");
  assert.equal(learn.code, 0, learn.stderr);
  const infer = lfl("infer", "--history", history, "--out", reward, "--scale", "0.02");
  assert.equal(infer.code, 0, infer.stderr);
  const r = lfl("observe", "--reward", reward, "--updates", "2", "--n-steps", "256", "--episodes", "2", "--out", actor, "--json", json);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Pendulum-v1: 2 PPO updates × 256 steps on the recovered reward/);
  const o = JSON.parse(readFileSync(json, "utf8")) as { envId: string; steps: number; scores: Record<"clone" | "observer", Record<"stochastic" | "meanAction", number>> };
  assert.equal(o.envId, "Pendulum-v1");
  assert.equal(o.steps, 512);
  for (const who of ["clone", "observer"] as const) for (const mode of ["stochastic", "meanAction"] as const) assert.ok(Number.isFinite(o.scores[who][mode]) && o.scores[who][mode] < 0);
  assert.doesNotMatch(readFileSync(json, "utf8"), /null|NaN|Infinity/, "every number written is finite; nothing is null");
  const a = JSON.parse(readFileSync(actor, "utf8")) as { policy: { sizes: number[] }; logStd: number[] };
  assert.deepEqual(a.policy.sizes, [3, 64, 64, 1]);
  // A reward file without the clone, and one for another env's dimensions, are refused with exit code 2.
  const file = JSON.parse(readFileSync(reward, "utf8")) as { info: Record<string, unknown> };
  writeFileSync(join(dir, "no-clone.json"), JSON.stringify({ ...file, info: { envId: "Pendulum-v1" } }));
  const noClone = lfl("observe", "--reward", join(dir, "no-clone.json"));
  assert.equal(noClone.code, 2);
  assert.match(noClone.stderr, /info\.bcPolicy/);
  const wrongEnv = lfl("observe", "--reward", reward, "--env", "Reacher-v5");
  assert.equal(wrongEnv.code, 2);
  assert.match(wrongEnv.stderr, /Reacher-v5 has 10, 2/);
  rmSync(dir, { recursive: true, force: true });
});
