import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { Box } from "../envs/spaces.ts";
import type { BoxEnv, StepResult } from "../envs/env.ts";
import { makeEnv } from "../envs/registry.ts";
import { uniformPolicyReturns } from "./uniform-policy-return.ts";

/** Records the actions it receives; reward = a[0]; ends after 5 steps. Bounds differ per dimension. */
class Recorder implements BoxEnv {
  readonly id = "Recorder-test";
  readonly observationSpace = Box.uniform(1, -1, 1);
  readonly actionSpace = new Box(Float64Array.of(-2, 10), Float64Array.of(-1, 30));
  readonly seen: number[][] = [];
  private t = 0;
  reset() {
    this.t = 0;
    return { observation: Float64Array.of(0), info: {} };
  }
  step(a: Float64Array): StepResult<Float64Array> {
    this.seen.push(Array.from(a));
    this.t++;
    return { observation: Float64Array.of(0), reward: a[0]!, terminated: false, truncated: this.t === 5, info: {} };
  }
  close() {}
}

test("uniformPolicyReturns: actions uniform within each dimension's bounds, one full episode per env", () => {
  const envs: Recorder[] = [];
  const r = uniformPolicyReturns(() => (envs.push(new Recorder()), envs[envs.length - 1]!), { episodes: 40, seed: 3 });
  assert.deepEqual(r.lengths, new Array(40).fill(5));
  const a = envs.flatMap((e) => e.seen);
  assert.ok(a.every(([x, y]) => x! >= -2 && x! <= -1 && y! >= 10 && y! <= 30), "every action inside [low, high]");
  // 200 draws of U[-2, -1]: mean -1.5, std of the mean 0.289/√200 ≈ 0.02 → within 5 std.
  const m0 = a.reduce((s, x) => s + x[0]!, 0) / a.length, m1 = a.reduce((s, x) => s + x[1]!, 0) / a.length;
  assert.ok(Math.abs(m0 + 1.5) < 0.1, `mean of dim 0 ${m0}`);
  assert.ok(Math.abs(m1 - 20) < 2, `mean of dim 1 ${m1}`);
  assert.ok(Math.abs(r.mean - 5 * m0) < 1e-9, "return = sum of a[0]");
});

test("uniformPolicyReturns: reproducible from its seed on a registered env; bad episode count rejected", () => {
  const pendulum = () => makeEnv("Pendulum-v1");
  const r = uniformPolicyReturns(pendulum, { episodes: 2, seed: 9 });
  assert.deepEqual(uniformPolicyReturns(pendulum, { episodes: 2, seed: 9 }), r);
  assert.notDeepEqual(uniformPolicyReturns(pendulum, { episodes: 2, seed: 10 }).returns, r.returns);
  assert.throws(() => uniformPolicyReturns(pendulum, { episodes: 0, seed: 9 }), InputError);
});
