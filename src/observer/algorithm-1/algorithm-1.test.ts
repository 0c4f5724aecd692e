/**
 * Algorithm 1 on a problem with a known answer: a linear-quadratic (LQR-like) MDP whose learner performs EXACT
 * soft policy improvements (α = α_model), so Theorem 2 holds and the recovered r_φ must equal the true reward up
 * to a shaping. Shaping-invariant check: the discounted returns of a family of policies under r_φ and under the
 * true reward, from common start states and noise, must be strongly correlated (a potential shaping only adds
 * f(s_0) − γ^T f(s_T), the same for all policies up to a vanishing term). Plus: the true rewards are never read,
 * terminal s′ carry no potential, and JSON round trips.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NumericalError } from "../../core/errors.ts";
import { Rng } from "../../core/rng.ts";
import type { HistoryColumns } from "../../data/history-columns.ts";
import { ALGORITHM1_PAPER, loadRewardModel, recoverReward, type Algorithm1Config } from "./algorithm-1.ts";
import { improvementWeights } from "./algorithm-1-config.ts";
import { pearson } from "../../core/correlation.ts";

// ── The LQR learner: s′ = A s + B a + w, r(s,a) = −sᵀs − R a², π_k(a|s) = N(−K_k s, σ_k²), exact soft PI ──
const A = [0.95, 0.1, 0, 0.95]; // 2×2 row-major
const B = [0, 0.4];
const R = 0.1, GAMMA = 0.9, ALPHA = 0.7, NOISE = 0.1;

interface LinearPolicy { K: [number, number]; sigma: number }

function trueReward(s0: number, s1: number, a: number): number {
  return -(s0 * s0 + s1 * s1) - R * a * a;
}

/** P with V^π(s) = −sᵀPs + c (soft value; Σ only shifts c): P = I + KᵀRK + γ FᵀPF, F = A − BK. */
function lyapunov(K: [number, number]): number[] {
  const F = [A[0]! - B[0]! * K[0], A[1]! - B[0]! * K[1], A[2]! - B[1]! * K[0], A[3]! - B[1]! * K[1]];
  let P = [1, 0, 0, 1];
  for (let it = 0; it < 2000; it++) {
    const FP = [F[0]! * P[0]! + F[2]! * P[2]!, F[0]! * P[1]! + F[2]! * P[3]!, F[1]! * P[0]! + F[3]! * P[2]!, F[1]! * P[1]! + F[3]! * P[3]!]; // Fᵀ P
    const FPF = [FP[0]! * F[0]! + FP[1]! * F[2]!, FP[0]! * F[1]! + FP[1]! * F[3]!, FP[2]! * F[0]! + FP[3]! * F[2]!, FP[2]! * F[1]! + FP[3]! * F[3]!];
    P = [1 + R * K[0] * K[0] + GAMMA * FPF[0]!, R * K[0] * K[1] + GAMMA * FPF[1]!, R * K[1] * K[0] + GAMMA * FPF[2]!, 1 + R * K[1] * K[1] + GAMMA * FPF[3]!];
  }
  return P;
}

/** Soft policy improvement: π′(a|s) ∝ exp(Q^π(s,a)/α) = N(−K′s, α / (2(R + γBᵀPB))). */
function improve(pi: LinearPolicy): LinearPolicy {
  const P = lyapunov(pi.K);
  const BP = [B[0]! * P[0]! + B[1]! * P[2]!, B[0]! * P[1]! + B[1]! * P[3]!]; // BᵀP
  const h = R + GAMMA * (BP[0]! * B[0]! + BP[1]! * B[1]!);
  const BPA = [BP[0]! * A[0]! + BP[1]! * A[2]!, BP[0]! * A[1]! + BP[1]! * A[3]!];
  return { K: [(GAMMA * BPA[0]!) / h, (GAMMA * BPA[1]!) / h], sigma: Math.sqrt(ALPHA / (2 * h)) };
}

function step(s: number[], a: number, rng: Rng): number[] {
  return [A[0]! * s[0]! + A[1]! * s[1]! + B[0]! * a + NOISE * rng.normal(), A[2]! * s[0]! + A[3]! * s[1]! + B[1]! * a + NOISE * rng.normal()];
}

/** `pairs` transitions per policy, episodes of `T` steps (truncated), s_0 ~ N(0, I). */
function lqrHistory(policies: LinearPolicy[], pairs: number, T: number, seed: number): HistoryColumns {
  const rng = new Rng(seed);
  const n = policies.length * pairs;
  const obs = new Float64Array(2 * n), nextObs = new Float64Array(2 * n), actions = new Float64Array(n), rewards = new Float64Array(n);
  const truncated = new Uint8Array(n), update = new Float64Array(n), episode = new Float64Array(n);
  let ep = 0, row = 0;
  policies.forEach((pi, k) => {
    let s = [rng.normal(), rng.normal()], t = 0;
    for (let p = 0; p < pairs; p++, row++) {
      const a = -pi.K[0] * s[0]! - pi.K[1] * s[1]! + pi.sigma * rng.normal();
      const s2 = step(s, a, rng);
      obs.set(s, 2 * row);
      nextObs.set(s2, 2 * row);
      actions[row] = a;
      rewards[row] = trueReward(s[0]!, s[1]!, a);
      update[row] = k;
      episode[row] = ep;
      s = s2;
      if (++t === T || p === pairs - 1) {
        truncated[row] = t === T ? 1 : 0;
        ep++;
        s = [rng.normal(), rng.normal()];
        t = 0;
      }
    }
  });
  return {
    meta: { envId: "lqr-test", learner: "exact-soft-pi", observationSpace: { kind: "box", dim: 2 }, actionSpace: { kind: "box", dim: 1 } },
    updates: policies.map((_, k) => k), n, obs, nextObs, actions, rewards, terminated: new Uint8Array(n), truncated, update, episode,
  };
}

/** Discounted returns of π under the true reward and under `r`, from common starts and noise (`runs` × `T`). */
function returns(pi: LinearPolicy, r: (obs: Float64Array, act: Float64Array, n: number) => Float64Array, runs: number, T: number, seed: number): [number, number] {
  const rng = new Rng(seed);
  const obs = new Float64Array(2 * runs * T), act = new Float64Array(runs * T), disc = new Float64Array(runs * T);
  let jTrue = 0;
  for (let e = 0; e < runs; e++) {
    let s = [rng.normal(), rng.normal()];
    for (let t = 0; t < T; t++) {
      const a = -pi.K[0] * s[0]! - pi.K[1] * s[1]! + pi.sigma * rng.normal();
      const i = e * T + t;
      obs.set(s, 2 * i);
      act[i] = a;
      disc[i] = GAMMA ** t;
      jTrue += disc[i]! * trueReward(s[0]!, s[1]!, a);
      s = step(s, a, rng);
    }
  }
  const rv = r(obs, act, runs * T);
  let jR = 0;
  for (let i = 0; i < runs * T; i++) jR += disc[i]! * rv[i]!;
  return [jTrue / runs, jR / runs];
}

/** The reward's JSON without `info` (which holds wall times). */
function model(r: { toJSON(): object }): string {
  return JSON.stringify({ ...r.toJSON(), info: null });
}

const LEARNER: LinearPolicy[] = [{ K: [0, 0], sigma: 1 }];
for (let k = 1; k < 4; k++) LEARNER.push(improve(LEARNER[k - 1]!));

const SMALL: Partial<Algorithm1Config> = {
  gamma: GAMMA, alphaModel: ALPHA, policyHidden: [32], klHidden: 32, shapingHidden: 32, learningRate: 3e-3,
  policySteps: 300, klSteps: 200, rewardInitSteps: 300, consistencySteps: 600,
};

test("the LQR fixture: exact soft policy improvements converge and improve the true return", () => {
  // Soft return: the true return plus α Σ_t γ^t H(π(·|s_t)), H = ½ ln(2πe σ²) (soft PI improves this, not J alone).
  const soft = (pi: LinearPolicy): number => returns(pi, (_o, _a, n) => new Float64Array(n), 256, 60, 1)[0] + (ALPHA * 0.5 * Math.log(2 * Math.PI * Math.E * pi.sigma ** 2) * (1 - GAMMA ** 60)) / (1 - GAMMA);
  const J = LEARNER.map(soft);
  for (let k = 1; k < J.length; k++) assert.ok(J[k]! > J[k - 1]!, `J(π${k + 1}) = ${J[k]} ≤ J(π${k}) = ${J[k - 1]}`);
  const Kstar = improve(LEARNER[3]!).K;
  assert.ok(Math.abs(Kstar[0] - LEARNER[3]!.K[0]) + Math.abs(Kstar[1] - LEARNER[3]!.K[1]) < 1e-3, "policy iteration has converged by π4");
});

test("recovered reward ranks policies like the true reward (LQR, exact soft improvements, 3 seeds)", () => {
  const piStar = LEARNER[3]!;
  const family: LinearPolicy[] = [...LEARNER];
  const prng = new Rng(99);
  for (let j = 0; j < 12; j++) family.push({ K: [piStar.K[0] + 0.8 * prng.normal(), piStar.K[1] + 0.8 * prng.normal()], sigma: piStar.sigma });
  const corr: number[] = [];
  for (const seed of [1, 2, 3]) {
    const columns = lqrHistory(LEARNER, 512, 64, seed);
    const res = recoverReward(columns, SMALL, seed);
    const reward = res.reward;
    const evalR = (obs: Float64Array, act: Float64Array, n: number): Float64Array =>
      reward.evaluate({ n, obs, actions: act, nextObs: obs, terminated: new Uint8Array(n) });
    const pts = family.map((pi) => returns(pi, evalR, 64, 60, 1000 + seed));
    corr.push(pearson(pts.map((p) => p[0]), pts.map((p) => p[1])));
  }
  const mean = corr.reduce((s, c) => s + c, 0) / corr.length;
  console.log(`LQR: Pearson correlation of J_true vs J_recovered over ${LEARNER.length + 12} policies, seeds 1–3: ${corr.map((c) => c.toFixed(3)).join(", ")}`);
  assert.ok(mean > 0.8, `mean correlation ${mean}`);
  assert.ok(Math.min(...corr) > 0.5, `worst correlation ${Math.min(...corr)}`);
});

test("observer beats the learner where behaviour cloning cannot (LQR, one bad policy and its soft improvement, 3 seeds)", () => {
  // π1 is a poor gain; π2 = SPI(π1) is still far from optimal (tr P 9.59 vs 6.20 for K*). Theorem 2: r̄1→2 = r +
  // shaping, so the best gain under r_φ should beat π2 under the TRUE reward; under the behaviour-cloning reward
  // ln π̂2 (stage iii alone — what the authors' aliasing bug reduced LfL to) the best gain is ≈ π2 itself.
  const pi1: LinearPolicy = { K: [0.5, -0.15], sigma: 1 };
  const pi2 = improve(pi1);
  const grid: LinearPolicy[] = [];
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) grid.push({ K: [-1.2 + (2.6 * i) / 7, 0.4 + (2.8 * j) / 7], sigma: pi2.sigma });
  const jTrue = (pi: LinearPolicy): number => returns(pi, (_o, _a, n) => new Float64Array(n), 256, 60, 4242)[0];
  const learner = jTrue(pi2), optimum = jTrue({ K: improve(improve(improve(pi2))).K, sigma: pi2.sigma });
  const gains: number[] = [], bcGains: number[] = [];
  for (const seed of [1, 2, 3]) {
    const columns = lqrHistory([pi1, pi2], 1024, 64, seed);
    const best = (cfg: Partial<Algorithm1Config>): number => {
      const reward = recoverReward(columns, cfg, seed).reward;
      const evalR = (obs: Float64Array, act: Float64Array, n: number): Float64Array => reward.evaluate({ n, obs, actions: act, nextObs: obs, terminated: new Uint8Array(n) });
      let arg = grid[0]!, top = -Infinity;
      for (const pi of grid) {
        const j = returns(pi, evalR, 32, 60, 7 + seed)[1];
        if (j > top) [top, arg] = [j, pi];
      }
      return jTrue(arg);
    };
    gains.push((best(SMALL) - learner) / (optimum - learner));
    bcGains.push((best({ ...SMALL, consistencySteps: 0, rewardInit: "ml-last" }) - learner) / (optimum - learner));
  }
  console.log(`LQR observer: J_true(π2) = ${learner.toFixed(2)}, J_true(K*) = ${optimum.toFixed(2)}; normalised gain of argmax_K J_φ (0 = π2, 1 = K*): LfL ${gains.map((g) => g.toFixed(2)).join(", ")}; BC reward ln π̂2 ${bcGains.map((g) => g.toFixed(2)).join(", ")}`);
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(mean(gains) > 0.5, `mean normalised gain ${mean(gains)}`);
  assert.ok(Math.min(...gains) > 0.3, `worst normalised gain ${Math.min(...gains)}`);
  assert.ok(mean(gains) > mean(bcGains) + 0.5, `LfL ${mean(gains)} vs BC ${mean(bcGains)}`);
});

test("the history's true rewards are never read (NaN-poisoned rewards give the same output)", () => {
  const columns = lqrHistory(LEARNER.slice(0, 3), 64, 16, 5);
  const cfg = { ...SMALL, policySteps: 20, klSteps: 10, rewardInitSteps: 20, consistencySteps: 20 };
  const a = recoverReward(columns, cfg, 7);
  const b = recoverReward({ ...columns, rewards: new Float64Array(columns.n).fill(NaN) }, cfg, 7);
  assert.equal(model(b.reward), model(a.reward));
  assert.deepEqual(b.bcPolicy, a.bcPolicy);
});

test("terminal next states carry no potential and no KL: changing their observation changes nothing", () => {
  const columns = lqrHistory(LEARNER.slice(0, 3), 64, 16, 6);
  const terminated = new Uint8Array(columns.n);
  const nextObs = columns.nextObs.slice();
  const truncated = columns.truncated.slice();
  for (let i = 0; i < columns.n; i++) {
    if (truncated[i]) {
      terminated[i] = 1;
      truncated[i] = 0;
    }
  }
  assert.ok(terminated.some((t) => t === 1));
  const cfg = { ...SMALL, policySteps: 20, klSteps: 10, rewardInitSteps: 20, consistencySteps: 30 };
  const base = { ...columns, terminated, truncated, nextObs };
  const moved = base.nextObs.slice();
  for (let i = 0; i < columns.n; i++) if (terminated[i]) moved.set([37, -12], 2 * i);
  const a = recoverReward(base, cfg, 3);
  const b = recoverReward({ ...base, nextObs: moved }, cfg, 3);
  assert.equal(model(b.reward), model(a.reward));
  // …whereas a truncated s′ is an ordinary state: moving it changes the result.
  const c = recoverReward({ ...columns, nextObs: columns.nextObs.map((x, j) => (columns.truncated[Math.floor(j / 2)] ? x + 5 : x)) }, cfg, 3);
  const d = recoverReward(columns, cfg, 3);
  assert.notEqual(model(c.reward), model(d.reward));
});

test("reward JSON round trip evaluates identically; bad JSON is refused naming the field", () => {
  const columns = lqrHistory(LEARNER.slice(0, 2), 64, 16, 8);
  const res = recoverReward(columns, { ...SMALL, policySteps: 5, klSteps: 5, rewardInitSteps: 5, consistencySteps: 5 }, 1);
  const json = JSON.parse(JSON.stringify(res.reward.toJSON())) as unknown;
  const back = loadRewardModel(json);
  const batch = { n: columns.n, obs: columns.obs, actions: columns.actions, nextObs: columns.nextObs, terminated: columns.terminated };
  assert.deepEqual(back.evaluate(batch), res.reward.evaluate(batch));
  assert.throws(() => loadRewardModel({ ...(json as object), logStd: [Number.NaN] }), /logStd\[0\]/);
  assert.throws(() => loadRewardModel({ ...(json as object), kind: "x" }), /kind/);
  assert.equal(res.bcPolicy.obsNorm.mean.length, 2);
  assert.deepEqual(res.diagnostics.updates, [0, 1]);
});

test("reward JSON round trip with the state term and normalisation; the state term is fitted with μ_φ frozen", () => {
  const columns = lqrHistory(LEARNER.slice(0, 3), 64, 16, 8);
  const cfg: Partial<Algorithm1Config> = { ...SMALL, rewardForm: "log-density+state", policySteps: 20, consistencySteps: 20 };
  const res = recoverReward(columns, cfg, 1);
  const json = JSON.parse(JSON.stringify(res.reward.toJSON())) as Record<string, unknown>;
  assert.equal(json["version"], 2);
  assert.ok(json["state"] !== undefined && typeof json["shift"] === "number" && typeof json["scale"] === "number");
  const back = loadRewardModel(json);
  const batch = { n: columns.n, obs: columns.obs, actions: columns.actions, nextObs: columns.nextObs, terminated: columns.terminated };
  assert.deepEqual(back.evaluate(batch), res.reward.evaluate(batch));
  // Normalised on D_K: mean 0 and std 1 over the last update's pairs.
  const lastRows = Array.from(columns.update, (u, i) => (u === 2 ? i : -1)).filter((i) => i >= 0);
  const values = back.evaluate(batch).filter((_, i) => lastRows.includes(i));
  const m = values.reduce((s, x) => s + x, 0) / values.length;
  assert.ok(Math.abs(m) < 1e-9 && Math.abs(values.reduce((s, x) => s + (x - m) ** 2, 0) / values.length - 1) < 1e-9);
  // μ_φ frozen: the reward's mean net is the clone's (the BC policy's) bit for bit.
  assert.deepEqual((json["mean"] as { params: number[] }).params, res.bcPolicy.policy.params);
  assert.throws(() => loadRewardModel({ ...json, version: 1 }), /state needs version 2/);
  assert.throws(() => loadRewardModel({ ...json, scale: 0 }), /scale/);
  assert.throws(() => loadRewardModel({ ...json, state: { ...(json["state"] as object), sizes: [2, 3, 2] } }), /state|sizes|params/);
  // The paper's form still writes version 1 (readable by older code).
  const paper = recoverReward(columns, { ...ALGORITHM1_PAPER, ...SMALL, policySteps: 5, klSteps: 5, rewardInitSteps: 5, consistencySteps: 5 }, 1);
  assert.equal(paper.reward.toJSON().version, 1);
});

test("minibatch mode (the authors' 100-pair batches) runs every stage, is deterministic and differs from full batches", () => {
  const columns = lqrHistory(LEARNER.slice(0, 3), 128, 16, 9);
  const cfg = { ...SMALL, batchSize: 20, policySteps: 10, klSteps: 10, rewardInitSteps: 10, consistencySteps: 10 };
  const a = recoverReward(columns, cfg, 4), b = recoverReward(columns, cfg, 4);
  assert.equal(model(a.reward), model(b.reward));
  assert.notEqual(model(recoverReward(columns, { ...cfg, batchSize: null }, 4).reward), model(a.reward));
  for (const s of ["policies", "kl", "reward-init", "consistency"] as const) assert.ok(Number.isFinite(a.diagnostics.finalLoss[s]), s);
});

test("policyInit previous: each clone starts from the previous update's fit; deterministic, \"fresh\" is the default bit for bit, and it changes the last clone", () => {
  const columns = lqrHistory(LEARNER.slice(0, 3), 128, 16, 9);
  const cfg = { ...SMALL, policySteps: 40, patience: 20, validateEvery: 5, klSteps: 5, rewardInitSteps: 5, consistencySteps: 5 };
  const fresh = recoverReward(columns, cfg, 4), explicit = recoverReward(columns, { ...cfg, policyInit: "fresh" }, 4);
  assert.deepEqual(explicit.bcPolicy, fresh.bcPolicy);
  const warm = recoverReward(columns, { ...cfg, policyInit: "previous" }, 4);
  assert.deepEqual(recoverReward(columns, { ...cfg, policyInit: "previous" }, 4).bcPolicy, warm.bcPolicy);
  assert.notDeepEqual(warm.bcPolicy.policy, fresh.bcPolicy.policy);
  assert.throws(() => recoverReward(columns, { policyInit: "last" as "fresh" }, 0), /policyInit must be "fresh" or "previous"/);
});

test("improvementHalfLife: recency weights of Eq. 5 (mean 1, the last improvement heaviest, halved every h back); deterministic, absent is the default bit for bit, and it changes the reward", () => {
  assert.deepEqual(Array.from(improvementWeights(3, undefined)), [1, 1, 1]);
  const w = improvementWeights(3, 1); // 1/4, 1/2, 1 rescaled to mean 1
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 3) < 1e-12);
  assert.ok(Math.abs(w[2]! / w[1]! - 2) < 1e-12 && Math.abs(w[1]! / w[0]! - 2) < 1e-12);
  assert.ok(Math.abs(improvementWeights(5, 2)[2]! / improvementWeights(5, 2)[4]! - 0.5) < 1e-12, "two improvements back weighs half");
  const columns = lqrHistory(LEARNER.slice(0, 4), 128, 16, 9);
  const cfg = { ...SMALL, policySteps: 20, klSteps: 5, rewardInitSteps: 5, consistencySteps: 10 };
  const plain = recoverReward(columns, cfg, 4), recent = recoverReward(columns, { ...cfg, improvementHalfLife: 1 }, 4);
  assert.equal(model(recoverReward(columns, { ...cfg, improvementHalfLife: 1 }, 4).reward), model(recent.reward));
  assert.deepEqual(recent.bcPolicy, plain.bcPolicy, "the clones (stage i) do not depend on it");
  assert.notEqual(model(recent.reward), model(plain.reward));
  const mini = { ...cfg, batchSize: 20 };
  assert.notEqual(model(recoverReward(columns, { ...mini, improvementHalfLife: 1 }, 4).reward), model(recoverReward(columns, mini, 4).reward));
  assert.throws(() => recoverReward(columns, { improvementHalfLife: 0 }, 0), /improvementHalfLife must be a positive number/);
  assert.throws(() => recoverReward(columns, { improvementHalfLife: 2, consistencyFit: "early-stopping" }, 0), /improvementHalfLife needs consistencyFit "fixed"/);
});

test("bad configs and histories are refused naming the field", () => {
  const columns = lqrHistory(LEARNER.slice(0, 2), 32, 16, 10);
  assert.throws(() => recoverReward(columns, { gamma: 1 }, 0), /gamma/);
  assert.throws(() => recoverReward(columns, { batchSize: 0 }, 0), /batchSize/);
  assert.throws(() => recoverReward(columns, { kl: "sampled" as "exact" }, 0), /kl must be "exact" or "regressed"/);
  assert.throws(() => recoverReward(columns, { rewardInit: "all" as "clone" }, 0), /rewardInit/);
  assert.throws(() => recoverReward(columns, { holdout: 1 }, 0), /holdout/);
  assert.throws(() => recoverReward(columns, { patience: 0 }, 0), /patience/);
  assert.throws(() => recoverReward(columns, { updates: [0] }, 0), /≥ 2 observed updates/);
  assert.throws(() => recoverReward(columns, { updates: [0, 5] }, 0), /update 5 has no transitions/);
  const discrete = { ...columns, meta: { ...columns.meta, actionSpace: { kind: "discrete" as const, dim: 1, n: 3 } } };
  assert.throws(() => recoverReward(discrete, {}, 0), /Box/);
});

test("numerical faults raise NumericalError naming the stage, update and step", () => {
  const columns = lqrHistory(LEARNER.slice(0, 2), 32, 16, 11);
  const huge = { ...columns, actions: columns.actions.map((a) => a * 1e200) };
  assert.throws(() => recoverReward(huge, { ...SMALL, policySteps: 3 }, 0), (e: unknown) =>
    e instanceof NumericalError && /stage \(i\) policies: update 0 step 1/.test(e.message));
});

test("heldOutConsistencyLoss: early stopping's held-out score at the kept weights; a fixed fit is scored on the same pairs", () => {
  const columns = lqrHistory(LEARNER.slice(0, 3), 128, 16, 9);
  const cfg = { ...SMALL, policySteps: 20, klSteps: 10, rewardInitSteps: 10, consistencySteps: 60 };
  const early = recoverReward(columns, { ...cfg, consistencyFit: "early-stopping", consistencyBatch: 16, consistencyEvery: 5, consistencyPatience: 20 }, 4).diagnostics;
  assert.equal(early.heldOutConsistencyLoss, early.consistencyStop!.heldOutLoss);
  const fixed = recoverReward(columns, cfg, 4).diagnostics;
  assert.equal(fixed.consistencyStop, undefined);
  assert.ok(Number.isFinite(fixed.heldOutConsistencyLoss) && fixed.heldOutConsistencyLoss !== early.heldOutConsistencyLoss);
});
