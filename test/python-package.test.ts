// The Python package (python/, docs/python.md) against the TypeScript side: its unit tests, histories it writes
// read by our reader (and `lfl infer`), and load_reward / load_policy equal to our own evaluation to 1e-10.
// Runs with the first Python that has NumPy: $LFL_PYTHON, /usr/bin/python3, `python3` on PATH (CI installs
// Debian's python3-numpy); without one every test is skipped, saying so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { lfl, ROOT } from "./lfl-cli.ts";
import { Rng } from "../src/core/rng.ts";
import { readHistoryColumns, readHistoryFile } from "../src/data/history-file.ts";
import { readNpz } from "../src/data/npz.ts";
import { numbersFromInt64 } from "../src/data/npy.ts";
import { MLP } from "../src/nn/mlp.ts";
import { DiagGaussian } from "../src/nn/gaussian.ts";
import { RunningMeanStd } from "../src/nn/running-mean-std.ts";
import { fixedObsNorm, GaussianLogDensityReward } from "../src/rewards/neural-reward.ts";
import { writeTabularRewardFile } from "../src/rewards/tabular-reward-file.ts";
import type { PpoActorJson } from "../src/learners/ppo.ts";

const PYTHON_DIR = join(ROOT, "python");
const candidates = [process.env.LFL_PYTHON, "/usr/bin/python3", "python3"].filter((p): p is string => !!p);
const PYTHON = candidates.find((p) => spawnSync(p, ["-c", "import numpy"], { stdio: "ignore" }).status === 0);
const skip = PYTHON === undefined ? `no Python with NumPy among ${candidates.join(", ")} (install python3-numpy)` : false;
const dir = mkdtempSync(join(tmpdir(), "lfl-python-"));

/** Runs a Python snippet with python/ and python/tests on the path; returns stdout (asserting exit 0). */
function py(code: string, ...args: string[]): string {
  const r = spawnSync(PYTHON!, ["-c", code, ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, PYTHONPATH: [PYTHON_DIR, join(PYTHON_DIR, "tests")].join(delimiter), PYTHONDONTWRITEBYTECODE: "1" },
  });
  assert.equal(r.status, 0, `python failed:\n${r.stderr}`);
  return r.stdout;
}

test("python/tests: the package's own unit tests (python3 -m unittest discover python/tests)", { skip }, () => {
  const r = spawnSync(PYTHON!, ["-m", "unittest", "discover", "python/tests"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Ran (\d+) tests[\s\S]*\nOK/);
  assert.ok(Number(/Ran (\d+) tests/.exec(r.stderr)![1]) >= 20, r.stderr);
});

test("a history recorded by the SB3 callback (VecNormalize, 3 envs, 4 rollouts) is read by our reader", { skip }, () => {
  const path = join(dir, "sb3.npz");
  const truth = JSON.parse(py(`
import sys, json
import numpy as np
from lfl.sb3 import LearningHistoryCallback
from sb3_fakes import FakePPO, FakeVecEnv, FakeVecNormalize
env = FakeVecEnv(3, seed=11, dtype=np.float64)
FakePPO(FakeVecNormalize(env), n_steps=8).learn(3 * 8 * 4, callback=LearningHistoryCallback(sys.argv[1], "Fake-v0", seed=5))
print(json.dumps({"n": len(env.truth), "completed": len(env.completed), "rewardSum": sum(t["reward"] for t in env.truth)}))
`, path)) as { n: number; completed: number; rewardSum: number };
  const c = readHistoryColumns(path);
  assert.equal(c.n, truth.n);
  assert.deepEqual(c.updates, [0, 1, 2, 3]);
  assert.equal(c.meta.envId, "Fake-v0");
  assert.equal(c.meta.seed, 5);
  assert.deepEqual([c.meta.observationSpace, c.meta.actionSpace], [{ kind: "box", dim: 3 }, { kind: "box", dim: 2 }]);
  assert.ok(Math.abs(c.rewards.reduce((s, r) => s + r, 0) - truth.rewardSum) < 1e-9, "raw rewards, not VecNormalize's");
  // Trajectories: every episode end is a trajectory end; an episode cut by a rollout is two trajectories.
  const h = readHistoryFile(path);
  const trajectories = h.updates.flatMap((u) => u.trajectories.map((tr) => ({ u: u.index, tr })));
  assert.equal(trajectories.reduce((s, { tr }) => s + tr.length, 0), truth.n);
  assert.equal(trajectories.filter(({ tr }) => tr.terminated || tr.truncated).length, truth.completed);
  const spans = new Map<number, number[]>();
  for (const { u, tr } of trajectories) spans.set(tr.episode, [...(spans.get(tr.episode) ?? []), u]);
  assert.ok([...spans.values()].some((us) => us.length === 2 && us[1] === us[0]! + 1), "an episode continues into the next update");
  assert.ok([...spans.values()].every((us) => us.every((u, k) => k === 0 || u === us[k - 1]! + 1)), "one trajectory per update per episode");
  // The learner's returns: each is the sum of its episode's rewards, in the update where the episode ended.
  const npz = readNpz(path);
  const ret = npz.arrays.get("learner_returns")!, retU = npz.arrays.get("learner_returns_update")!, retE = npz.arrays.get("learner_returns_episode")!;
  assert.deepEqual([ret.dtype, retU.dtype, retE.dtype], ["f8", "i8", "i8"]);
  const returns = ret.data as Float64Array, updates = numbersFromInt64(retU.data as BigInt64Array, "u"), episodes = numbersFromInt64(retE.data as BigInt64Array, "e");
  assert.equal(returns.length, truth.completed);
  for (let m = 0; m < returns.length; m++) {
    let sum = 0, last = -1;
    for (let i = 0; i < c.n; i++) if (c.episode[i] === episodes[m]) { sum += c.rewards[i]!; last = i; }
    assert.ok(Math.abs(sum - returns[m]!) < 1e-9, `episode ${episodes[m]}: return ${returns[m]} vs rows ${sum}`);
    assert.equal(c.update[last], updates[m]);
    assert.ok(c.terminated[last] || c.truncated[last]);
  }
});

test("a tabular history recorded with HistoryRecorder goes through lfl infer; load_reward reads the result", { skip }, () => {
  const path = join(dir, "two-state.npz"), reward = join(dir, "two-state-reward.json");
  // Two-state MDP (examples/two-state.json): a learner whose softmax policy sharpens on Q* update by update.
  py(`
import sys
import numpy as np
from lfl import HistoryRecorder
P = np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]]]); Q = np.array([[0.5, 1.0], [2.0, 1.5]])
rec = HistoryRecorder(sys.argv[1], env_id="two-state", learner="softmax-on-q", env_kwargs={"gamma": 0.5},
                      observation_space={"kind": "discrete", "n": 2}, action_space={"kind": "discrete", "n": 2})
rng = np.random.default_rng(0)
for k in range(5):
    s = 0
    for t in range(300):
        p = np.exp(k * Q[s]); p /= p.sum()
        a = rng.choice(2, p=p); s2 = rng.choice(2, p=P[s, a])
        rec.record(s, a, float(s == 1), s2, False, t == 299)
        s = s2
    rec.end_update()
rec.save()
`, path);
  const h = readHistoryFile(path);
  assert.deepEqual(h.updates.map((u) => u.trajectories.length), [1, 1, 1, 1, 1]);
  const r = lfl("infer", "--history", path, "--mdp", join(ROOT, "examples/two-state.json"), "--out", reward);
  assert.equal(r.code, 0, r.stderr);
  const table = (JSON.parse(readFileSync(reward, "utf8")) as { reward: number[][] }).reward;
  const got = JSON.parse(py(`
import sys, json
from lfl import load_reward
r = load_reward(sys.argv[1])
print(json.dumps(r([0, 0, 1, 1], [0, 1, 0, 1], None, None).tolist()))
`, reward)) as number[];
  assert.deepEqual(got, [table[0]![0], table[0]![1], table[1]![0], table[1]![1]]);
});

/** Writes `value` as JSON and returns the path. */
function json(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

function randomMlp(sizes: number[], rng: Rng): MLP {
  const m = new MLP(sizes, { rng, hiddenGain: 1.5, outputGain: 1 });
  for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.3 * rng.normal(); // non-zero biases too
  return m;
}

function randomRows(n: number, d: number, scale: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n * d }, () => scale * rng.normal());
}

const rows = (x: Float64Array, d: number): number[][] => Array.from({ length: x.length / d }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));

function assertClose(got: number[], want: Float64Array | number[], what: string): void {
  assert.equal(got.length, want.length, what);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  assert.ok(worst <= 1e-10, `${what}: max |python − typescript| = ${worst}`);
}

/** Evaluates reward and policy files in Python, all in one process: jobs [{kind, file, batch}] → one result each. */
const EVAL_PY = `
import sys, json
import numpy as np
from lfl import load_policy, load_reward
out = []
for job in json.load(open(sys.argv[1])):
    b = job["batch"]
    obs, actions = np.array(b["obs"]), np.array(b["actions"])
    if job["kind"] == "reward":
        r = load_reward(job["file"])
        out.append(r(obs, actions, np.array(b["nextObs"]), np.array(b["terminated"], bool)).tolist())
    else:
        pi = load_policy(job["file"])
        m = pi.mean_action(obs)
        a = pi.sample(obs, np.random.default_rng(0))
        gap = np.abs(pi.log_prob(obs, a) - pi.log_prob(obs, m) + 0.5 * np.sum(((a - m) / pi.std) ** 2, axis=1))
        out.append({"mean": m.ravel().tolist(), "logp": pi.log_prob(obs, actions).tolist(), "sampleLogpGap": float(gap.max())})
print(json.dumps(out))
`;

interface Job { kind: "reward" | "policy"; file: string; batch: Record<string, unknown> }
function evalInPython<T>(jobs: Job[]): T[] {
  return JSON.parse(py(EVAL_PY, json("jobs.json", jobs))) as T[];
}

test("load_reward equals GaussianLogDensityReward.evaluate (plain, with state term and normalisation) and the tabular file", { skip }, () => {
  const rng = new Rng(42);
  const D = 5, A = 3, n = 200;
  const data = randomRows(500, D, 2, rng);
  for (let i = 0; i < 500; i++) data[i * D] = data[i * D]! * 30 + 4; // one wide column: the clip at ±3 is reached
  const norm = fixedObsNorm(data, 500, D, 3);
  const variants: Array<[string, GaussianLogDensityReward]> = [
    ["plain (version 1)", new GaussianLogDensityReward(randomMlp([D, 16, 16, A], rng), [-0.3, 0.1, 0.5], norm)],
    ["state term + shift/scale (version 2)", new GaussianLogDensityReward(randomMlp([D, 8, A], rng), [0.2, -0.7, 0], norm,
      { state: randomMlp([D, 6, 6, 1], rng), shift: 1.25, scale: 0.4 })],
  ];
  const jobs: Job[] = [], wants: Array<[string, Float64Array | number[]]> = [];
  for (const [name, reward] of variants) {
    const file = json(`reward-${reward.toJSON().version}.json`, reward.toJSON());
    const obs = randomRows(n, D, 4, rng), actions = randomRows(n, A, 1.5, rng), nextObs = randomRows(n, D, 4, rng);
    const terminated = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
    wants.push([name, reward.evaluate({ n, obs, actions, nextObs, terminated })]);
    jobs.push({ kind: "reward", file, batch: { obs: rows(obs, D), actions: rows(actions, A), nextObs: rows(nextObs, D), terminated: Array.from(terminated) } });
  }
  // Tabular: the written table, looked up by (s, a).
  const nS = 4, nA = 3;
  const table = Float64Array.from({ length: nS * nA }, () => rng.normal());
  const file = join(dir, "tabular.json");
  writeTabularRewardFile(file, { nS, nA, gamma: 0.9, reward: table, info: {} });
  const s = Array.from({ length: 50 }, (_, i) => i % nS), a = Array.from({ length: 50 }, (_, i) => (i * 7) % nA);
  wants.push(["tabular", s.map((si, i) => table[si * nA + a[i]!]!)]);
  jobs.push({ kind: "reward", file, batch: { obs: s, actions: a, nextObs: s, terminated: s.map(() => 0) } });
  evalInPython<number[]>(jobs).forEach((got, k) => assertClose(got, wants[k]![1], wants[k]![0]));
});

test("load_policy: mean_action and log_prob equal our PPO actor's forward pass and DiagGaussian.logProb", { skip }, () => {
  const rng = new Rng(7);
  const D = 4, A = 2, n = 150;
  const jobs: Job[] = [], wants: Array<{ what: string; mean: Float64Array; logp: Float64Array }> = [];
  for (const normalised of [true, false]) {
    const net = randomMlp([D, 32, 32, A], rng);
    const logStd = [-0.4, 0.3];
    let stats: RunningMeanStd | null = null;
    if (normalised) {
      stats = new RunningMeanStd(D);
      stats.update(randomRows(300, D, 3, rng), 300);
    }
    const actor: PpoActorJson = { policy: net.toJSON(), logStd, obsNorm: stats ? stats.toJSON() : null, clipObs: 5 };
    const file = json(`actor-${normalised}.json`, actor);
    const obs = randomRows(n, D, 6, rng), actions = randomRows(n, A, 1, rng);
    const x = new Float64Array(n * D);
    if (stats) stats.normalize(obs, x, n, 5, 1e-8);
    else x.set(obs);
    const mean = net.forward(x, n).slice();
    const gaussian = new DiagGaussian(A);
    gaussian.logStd.set(logStd);
    const logp = new Float64Array(n);
    gaussian.logProb(mean, actions, n, logp);
    wants.push({ what: normalised ? "normalised" : "raw", mean, logp });
    jobs.push({ kind: "policy", file, batch: { obs: rows(obs, D), actions: rows(actions, A) } });
  }
  evalInPython<{ mean: number[]; logp: number[]; sampleLogpGap: number }>(jobs).forEach((got, k) => {
    const { what, mean, logp } = wants[k]!;
    assertClose(got.mean, mean, `mean action (${what} observations)`);
    assertClose(got.logp, logp, `log-prob (${what} observations)`);
    assert.ok(got.sampleLogpGap < 1e-10, `sample's log-density is the Gaussian's: ${got.sampleLogpGap}`);
  });
});
