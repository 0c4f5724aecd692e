/**
 * Algorithm 1 of the paper (§5, Eq. 5): recovering a trajectory-consistent reward from the observed
 * trajectories D_1 … D_K of K successive policies of a learner, on continuous (Box) spaces.
 *
 *   (i)   policies  π̂θk         max_θk  Σ_{(s,a)∈Dk} ln π̂θk(a|s) + λ H(π̂θk(·|s))          (§5.2; + λH as the
 *                                authors' code: the paper's "− λH" contradicts "prevents … too deterministic")
 *   (ii)  divergences ρωk(s)     min_ωk  Σ_{(s,a)∈Dk} (ρωk(s) − [ln π̂k(a|s) − ln π̂k+1(a|s)])²   (k < K)
 *   (iii) reward init r_φ = ln π_φ   max_φ  Σ_{(s,a)} ln π_φ(a|s) over D_K (paper) or, by default, D_1 ∪ … ∪ D_K
 *   (iv)  consistency   min_{φ,ψ} Σ_k Σ_{(s,a,s′)∈Dk} (r_φ(s,a) + f_ψk(s) − γ f_ψk(s′) − r̄k(s,a,s′))²   (Eq. 5)
 *         with the targets r̄k = α_model (ln π̂k+1(a|s) + γ ρk(s′))  (Theorem 2 with SPI as the learner model).
 *
 * Episode boundaries (the authors' code paired each state with the NEXT SAVED state, across resets — bug 12):
 * every row uses its OWN `next_obs`; a TERMINAL s′ is absorbing, so both its potential f(s′) and its KL term
 * ρ(s′) are 0; a TRUNCATED s′ is an ordinary state and keeps f(s′) and ρ(s′).
 *
 * Networks (paper §6.3): π̂θk and π_φ are PPO actors (MLP 64-64 tanh mean, state-independent log-std), one
 * INDEPENDENT parameter vector per k (the authors' code aliased all k to one snapshot — bug 7); ρ and ψ are
 * each ONE net obs → 128 tanh → (K−1) heads, the hidden layer shared across k (the paper's "sharing across all
 * k the latent layer"; ρ and ψ are separate nets, as in the authors' code: ρ must stay fixed while ψ trains).
 * The head of row i is its improvement index, so one forward pass evaluates all K−1 networks of a stage.
 *
 * `ALGORITHM1_PAPER` is the paper's §6.3 configuration (full batches of each Dk, Adam 1e-3, 1000/100/3000/1000
 * steps, α_model 0.7, γ 0.99, λ 0.01, the four stages as written above). The DEFAULTS deviate where a measurement
 * showed the paper's procedure failing on PPO histories (docs/algorithm-1.md has the numbers):
 *   (i)   `policyFit: "early-stopping"`: the mean net is fitted on 80% of Dk with σ in closed form and the weights
 *         kept at the best held-out likelihood (1000 full-batch steps over-fit: the clone of the last update
 *         scored 0.23 ± 0.11 of the window's progress on Reacher; early-stopped 0.98 ± 0.04);
 *   (ii)  `kl: "exact"`: ρk(s′) is the closed-form KL of the two Gaussians π̂k, π̂k+1 at s′ (no regression);
 *   (iii) `rewardInit: "clone"`: r_φ starts as a copy of π̂θK (3000 more ML steps over-fit again);
 *   and `normaliseReward`: the recovered reward is standardised on D_K before PPO uses it.
 * Options not on by default: `rewardForm: "log-density+state"` (μ_φ frozen, r = ln π_φ + g_φ(s)) and the authors'
 * random 100-pair minibatches (`batchSize: 100`). `scaleTargets` (ours) makes the regressions scale-free.
 * Observations are normalised by FIXED statistics of the observed states (all updates), stored in the outputs.
 * The true rewards of the history are never read. docs/algorithm-1.md has the details.
 */
import { InputError, NumericalError } from "../../core/errors.ts";
import { Rng } from "../../core/rng.ts";
import type { HistoryColumns } from "../../data/history-columns.ts";
import { Adam } from "../../nn/adam.ts";
import { MLP } from "../../nn/mlp.ts";
import { DiagGaussian } from "../../nn/gaussian.ts";
import { fitGaussian, fitGaussianEarlyStop, gaussianKl, rowChunks } from "./algorithm-1-fit.ts";
import { splitByUpdate, stackImprovements } from "./algorithm-1-data.ts";
import type { PpoActorJson } from "../../learners/ppo.ts";
import {
  batchWeights, consistencyLoss, gaussianLogProb, gaussianMlLoss, gaussianNet, headRegressionLoss, headValues, meanStd, pick, pickInt,
  sampleRows, shapingPairs, type GaussianNet,
} from "./algorithm-1-losses.ts";
import { GaussianLogDensityReward } from "../../rewards/neural-reward.ts";

export { ALGORITHM1_DEFAULTS, ALGORITHM1_INFER, ALGORITHM1_PAPER, INFER_WINDOW, resolveAlgorithm1Config, type Algorithm1Config } from "./algorithm-1-config.ts";
export { updatesWithTransitions } from "./algorithm-1-data.ts";
import { CONSISTENCY_EARLY_STOP_DEFAULTS, improvementWeights, resolveAlgorithm1Config, type Algorithm1Config } from "./algorithm-1-config.ts";
import { fitConsistencyEarlyStop, heldOutConsistencyLoss } from "./algorithm-1-consistency.ts";
export { loadRewardModel } from "../../rewards/reward-json.ts"; // validating reader: sizes bounded before allocation, errors name the file

export type Algorithm1Stage = "policies" | "kl" | "reward-init" | "consistency";
export const ALGORITHM1_STAGES: readonly Algorithm1Stage[] = ["policies", "kl", "reward-init", "consistency"];

export interface Algorithm1Hooks {
  /** Called after every gradient step of every stage (`step` 1-based out of `total` for the stage). */
  onStage?(stage: Algorithm1Stage, step: number, total: number, loss: number): void;
  /**
   * Called at every held-out score of an early-stopped fit: stage (i) with `policyFit: "early-stopping"` (`index` =
   * the update's position k, score = Σ_j ½ ln mean_val (a_j − μ_j)²) and stage (iv) with `consistencyFit:
   * "early-stopping"` (`index` 0, score = the held-out Eq. 5 loss); `step` 0 scores the initial weights.
   */
  onValidate?(stage: Algorithm1Stage, index: number, step: number, score: number): void;
}

/** The BC policy π̂θK as a PPO actor (the start actor `init` of a PPO run), always with its fixed observation normalisation. */
export type BcPolicyJson = PpoActorJson & { obsNorm: NonNullable<PpoActorJson["obsNorm"]> };

export interface ImprovementDiagnostics {
  from: number;
  to: number;
  pairs: number;
  /** Mean of ρk over Dk's states: the estimated KL(π̂k‖π̂k+1). */
  meanKl: number;
  /** Std of the targets r̄k over Dk. */
  targetStd: number;
  /** RMS of the Eq. 5 residual r_φ + f_k(s) − γ f_k(s′) − r̄k over Dk. */
  residualRms: number;
  /** Mean of that residual: a constant offset that a potential f can only absorb as (1 − γ)·f (see docs). */
  residualMean: number;
}

export interface Algorithm1Diagnostics {
  updates: number[];
  /** Final loss of each stage: (i) mean over k of −(mean ln π̂ + λH); (ii) Σk MSE; (iii) −mean ln π_φ; (iv) Σk MSE. */
  finalLoss: Record<Algorithm1Stage, number>;
  /** Final policy loss of each update k (early stopping: the held-out NLL per pair). */
  policyLoss: number[];
  /** Early stopping: the step whose weights were kept for each update k (empty with `policyFit: "paper"`). */
  policyBestStep: number[];
  improvements: ImprovementDiagnostics[];
  /** Wall time of each stage (ms). */
  timeMs: Record<Algorithm1Stage, number>;
  /** CPU time (user + system) of each stage (ms): on a shared machine wall time overstates the cost. */
  cpuMs: Record<Algorithm1Stage, number>;
  /**
   * Stage (iv) with `consistencyFit: "early-stopping"` only: the Eq. 5 loss on the held-out pairs at the kept
   * weights (Σ_k mean over Dk's held-out pairs), the step kept and the steps taken.
   */
  consistencyStop?: { heldOutLoss: number; bestStep: number; steps: number };
  /**
   * The Eq. 5 loss at the final (φ, ψ) on the pairs that stage (iv) early stopping holds out (the same rows whatever
   * `consistencyFit`; a fixed-step fit has trained on them, so its figure is in-sample): the yardstick for comparing
   * the two fits. Computed after stage (iv)'s timer stops.
   */
  heldOutConsistencyLoss: number;
}

export interface Algorithm1Result {
  reward: GaussianLogDensityReward;
  bcPolicy: BcPolicyJson;
  diagnostics: Algorithm1Diagnostics;
}

// ── Algorithm 1 ──────────────────────────────────────────────────────────────────────────────────────────
/**
 * Recovers r_φ from the observed transitions (obs, actions, next_obs, terminated; grouped by `update`).
 * A pure function of (columns minus rewards, config, seed). Throws NumericalError naming stage and step.
 */
export function recoverReward(columns: HistoryColumns, config: Partial<Algorithm1Config>, seed: number, hooks: Algorithm1Hooks = {}): Algorithm1Result {
  const cfg = resolveAlgorithm1Config(config);
  const { data, norm } = splitByUpdate(columns, cfg);
  const D = columns.meta.observationSpace.dim, A = columns.meta.actionSpace.dim;
  const K = data.updates.length;
  const rng = new Rng(seed);
  const on = (stage: Algorithm1Stage, total: number) => (step: number, loss: number): void => hooks.onStage?.(stage, step, total, loss);
  const timeMs = { policies: 0, kl: 0, "reward-init": 0, consistency: 0 };
  const cpuMs = { policies: 0, kl: 0, "reward-init": 0, consistency: 0 };
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const stageDone = (stage: Algorithm1Stage): void => {
    timeMs[stage] = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs[stage] = (c.user + c.system) / 1000;
    t0 = performance.now();
    c0 = process.cpuUsage();
  };
  const finalLoss = { policies: NaN, kl: NaN, "reward-init": NaN, consistency: NaN };

  // Rows of D_1 … D_{K−1} stacked (stages ii and iv), with the improvement index k (`head`) of each row.
  const stacked = stackImprovements(data);
  const { M, head, weight, sS, sNext, aS, notTerm } = stacked;

  // ── Stage (i): policies π̂θk, one network per update (Alg. 1 lines 1–3), fresh or from π̂θk−1 (`policyInit`) ──
  t0 = performance.now();
  c0 = process.cpuUsage();
  const policies: GaussianNet[] = [];
  const policyLoss: number[] = [];
  const policyBestStep: number[] = [];
  const polTotal = K * cfg.policySteps;
  for (let k = 0; k < K; k++) {
    const g = gaussianNet(D, A, cfg.policyHidden, rng.split());
    if (cfg.policyInit === "previous" && k > 0) g.net.load(policies[k - 1]!.net.snapshot());
    const fitRng = rng.split();
    const where = (t: number): string => `algorithm 1 stage (i) policies: update ${data.updates[k]} step ${t}`;
    const onStep = (t: number, l: number): void => on("policies", polTotal)(k * cfg.policySteps + t, l);
    if (cfg.policyFit === "paper") {
      policyLoss.push(fitGaussian(g, data.obs[k]!, data.actions[k]!, data.sizes[k]!, cfg.policySteps, cfg.lambda, cfg.learningRate, cfg.batchSize, fitRng, where, onStep));
    } else {
      const fit = fitGaussianEarlyStop(g, data.obs[k]!, data.actions[k]!, data.sizes[k]!,
        { holdout: cfg.holdout, every: cfg.validateEvery, patience: cfg.patience, maxSteps: cfg.policySteps, lr: cfg.learningRate, onValidate: (t, sc) => hooks.onValidate?.("policies", k, t, sc) }, fitRng, where, onStep);
      policyLoss.push(fit.loss);
      policyBestStep.push(fit.bestStep);
    }
    policies.push(g);
  }
  finalLoss.policies = policyLoss.reduce((s, l) => s + l, 0) / K;
  // ln π̂k(a|s) − ln π̂k+1(a|s) (the KL-net targets) and ln π̂k+1(a|s) (in r̄k), on each row of Dk, k < K.
  const klTarget = new Float64Array(M), logNext = new Float64Array(M);
  for (let k = 0, off = 0; k < K - 1; off += data.sizes[k]!, k++) {
    const n = data.sizes[k]!;
    const lk = gaussianLogProb(policies[k]!, data.obs[k]!, data.actions[k]!, n);
    const lk1 = gaussianLogProb(policies[k + 1]!, data.obs[k]!, data.actions[k]!, n);
    for (let i = 0; i < n; i++) {
      klTarget[off + i] = lk[i]! - lk1[i]!;
      logNext[off + i] = lk1[i]!;
    }
  }
  stageDone("policies");

  // ── Stage (ii): divergences ρk(s) = KL(π̂k‖π̂k+1)(s) (lines 4–6): exact, or regressed by one net with K−1 heads ──
  let rhoAt: (x: Float64Array, notTerminal?: Float64Array) => Float64Array;
  if (cfg.kl === "exact") {
    rhoAt = (x, notTerminal) => {
      const out = new Float64Array(M);
      for (let k = 0, off = 0; k < K - 1; off += data.sizes[k]!, k++) {
        const n = data.sizes[k]!;
        out.set(gaussianKl(policies[k]!, policies[k + 1]!, x.subarray(off * D, (off + n) * D), n, notTerminal?.subarray(off, off + n)), off);
      }
      return out;
    };
    finalLoss.kl = 0;
  } else {
    const [klShift, klScale] = cfg.scaleTargets ? meanStd(klTarget) : [0, 1];
    const rho = new MLP([D, cfg.klHidden, K - 1], { rng: rng.split(), hiddenGain: 5 / 3, outputGain: 1 });
    const adam = new Adam([rho], { lr: cfg.learningRate });
    const scaled = klTarget.map((x) => (x - klShift) / klScale);
    const batchRng = rng.split();
    for (let t = 1; t <= cfg.klSteps; t++) {
      const where = `algorithm 1 stage (ii) kl: step ${t}`;
      adam.zeroGrad();
      const idx = sampleRows(data.sizes.slice(0, K - 1), cfg.batchSize, batchRng);
      const loss = klScale * klScale * (idx
        ? headRegressionLoss(rho, pick(sS, D, idx), pickInt(head, idx), batchWeights(idx, head, data.sizes, cfg.batchSize), pick(scaled, 1, idx), idx.length)
        : rowChunks(M).reduce((sum, [from, to]) => sum + headRegressionLoss(rho, sS.subarray(from * D, to * D), head.subarray(from, to), weight.subarray(from, to), scaled.subarray(from, to), to - from), 0));
      if (!Number.isFinite(loss)) throw new NumericalError(`non-finite loss ${loss} at ${where}`);
      adam.step(where);
      finalLoss.kl = loss;
      on("kl", cfg.klSteps)(t, loss);
    }
    rhoAt = (x, notTerminal) => headValues(rho, x, head, M).map((y, i) => (notTerminal ? notTerminal[i]! : 1) * (klShift + klScale * y));
  }
  // Targets r̄k(s,a,s′) = α (ln π̂k+1(a|s) + γ ρk(s′)), with ρ(s′) = 0 at a terminal s′.
  const rhoNext = rhoAt(sNext, notTerm);
  const target = new Float64Array(M);
  for (let i = 0; i < M; i++) target[i] = cfg.alphaModel * (logNext[i]! + cfg.gamma * rhoNext[i]!);
  const rhoHere = rhoAt(sS);
  stageDone("kl");

  // ── Stage (iii): reward initialisation r_φ = ln π_φ (lines 7–9): a copy of π̂θK, or ML on D_K (paper) or on all Dk ──
  let r: GaussianNet;
  if (cfg.rewardInit === "clone") {
    const last = policies[K - 1]!;
    r = { net: last.net.clone(), dist: new DiagGaussian(A) };
    r.dist.logStd.set(last.dist.logStd);
    finalLoss["reward-init"] = policyLoss[K - 1]!;
  } else {
    r = gaussianNet(D, A, cfg.policyHidden, rng.split());
    const initK = cfg.rewardInit === "ml-all" ? data.obs.map((_, k) => k) : [K - 1];
    const concat = (xs: Float64Array[]): Float64Array => {
      const out = new Float64Array(xs.reduce((n, x) => n + x.length, 0));
      xs.reduce((off, x) => (out.set(x, off), off + x.length), 0);
      return out;
    };
    finalLoss["reward-init"] = fitGaussian(
      r, concat(initK.map((k) => data.obs[k]!)), concat(initK.map((k) => data.actions[k]!)), initK.reduce((n, k) => n + data.sizes[k]!, 0), cfg.rewardInitSteps, 0, cfg.learningRate,
      cfg.batchSize ?? (initK.length > 1 ? data.sizes[K - 1]! : null), rng.split(),
      (t) => `algorithm 1 stage (iii) reward-init: step ${t}`, on("reward-init", cfg.rewardInitSteps),
    );
  }
  stageDone("reward-init");

  // ── Stage (iv): joint fit of r_φ and the shapings f_ψk (Eq. 5, lines 10–13) ──
  const psi = new MLP([D, cfg.shapingHidden, K - 1], { rng: rng.split(), hiddenGain: 5 / 3, outputGain: 1 });
  const withState = cfg.rewardForm === "log-density+state";
  const state = withState ? new MLP([D, ...cfg.policyHidden, 1], { rng: rng.split(), hiddenGain: Math.SQRT2, outputGain: 0.01 }) : null;
  const terms = { state, freezeMean: withState };
  const residual = new Float64Array(M);
  let consistencyStop: Algorithm1Diagnostics["consistencyStop"];
  const psiScale = cfg.scaleTargets ? meanStd(target)[1] : 1;
  // Eq. 5's row weights w (rows' heads h), times each improvement's recency factor when `improvementHalfLife` is set.
  const recency = improvementWeights(K - 1, cfg.improvementHalfLife);
  const withRecency = (w: Float64Array, h: Int32Array): Float64Array => (cfg.improvementHalfLife === undefined ? w : w.map((x, i) => x * recency[h[i]!]!));
  const eq5Weight = withRecency(weight, head);
  const batchRng = rng.split();
  const splitRng = Rng.fromState(batchRng.getState()); // the early-stopping split's stream, for heldOutConsistencyLoss
  {
    // Full batches are evaluated in row chunks whose gradients add up (MLP.backward accumulates): the same
    // full-batch gradient, but each chunk's activations stay in cache (measured: 2.3× less CPU per step than one 20k-row pass at K = 11).
    const chunks = cfg.consistencyFit === "early-stopping" ? [] : rowChunks(M).map(([from, to]) => ({
      from, to, pairs: shapingPairs(sS.subarray(from * D, to * D), sNext.subarray(from * D, to * D), head.subarray(from, to), notTerm.subarray(from, to), cfg.gamma, to - from, D),
    }));
    const logStd = { params: r.dist.logStd, grads: r.dist.logStdGrad };
    const adam = new Adam(state ? [logStd, psi, state] : [r.net, logStd, psi], { lr: cfg.learningRate });
    if (cfg.consistencyFit === "early-stopping") {
      const maxSteps = cfg.consistencySteps;
      const fit = fitConsistencyEarlyStop(r, psi, terms, stacked, target, data.sizes.slice(0, K - 1), {
        holdout: cfg.holdout, batch: cfg.consistencyBatch ?? CONSISTENCY_EARLY_STOP_DEFAULTS.consistencyBatch,
        every: cfg.consistencyEvery ?? CONSISTENCY_EARLY_STOP_DEFAULTS.consistencyEvery, patience: cfg.consistencyPatience ?? CONSISTENCY_EARLY_STOP_DEFAULTS.consistencyPatience,
        maxSteps, lr: cfg.learningRate, gamma: cfg.gamma, psiScale, ...(cfg.consistencyShift ? { shift: cfg.consistencyShift } : {}), onValidate: (t, sc) => hooks.onValidate?.("consistency", 0, t, sc),
      }, batchRng, residual, (t) => `algorithm 1 stage (iv) consistency: step ${t}`, on("consistency", maxSteps));
      finalLoss.consistency = fit.loss;
      consistencyStop = { heldOutLoss: fit.heldOutLoss, bestStep: fit.bestStep, steps: fit.steps };
    }
    for (let t = 1; !consistencyStop && t <= cfg.consistencySteps + 1; t++) {
      const where = `algorithm 1 stage (iv) consistency: step ${t}`;
      adam.zeroGrad();
      const last = t > cfg.consistencySteps; // the extra pass only measures the loss and residuals at the final φ, ψ
      const idx = last ? null : sampleRows(data.sizes.slice(0, K - 1), cfg.batchSize, batchRng);
      let loss: number;
      if (idx) {
        const h = pickInt(head, idx), b = idx.length, sb = pick(sS, D, idx);
        const p = shapingPairs(sb, pick(sNext, D, idx), h, pick(notTerm, 1, idx), cfg.gamma, b, D);
        loss = consistencyLoss(r, psi, sb, pick(aS, A, idx), p, withRecency(batchWeights(idx, head, data.sizes, cfg.batchSize), h), pick(target, 1, idx), b, undefined, psiScale, terms);
      } else {
        loss = 0;
        for (const { from, to, pairs } of chunks) {
          loss += consistencyLoss(r, psi, sS.subarray(from * D, to * D), aS.subarray(from * A, to * A), pairs,
            eq5Weight.subarray(from, to), target.subarray(from, to), to - from, residual.subarray(from, to), psiScale, terms);
        }
      }
      if (!Number.isFinite(loss)) throw new NumericalError(`non-finite loss ${loss} at ${where}`);
      finalLoss.consistency = loss;
      if (last) break;
      adam.step(where);
      on("consistency", cfg.consistencySteps)(t, loss);
    }
  }
  stageDone("consistency");
  const heldOutConsistency = heldOutConsistencyLoss(r, psi, terms, stacked, target, data.sizes.slice(0, K - 1), cfg.holdout, cfg.gamma, psiScale, splitRng);

  // ── Outputs ──
  const improvements: ImprovementDiagnostics[] = [];
  for (let k = 0, off = 0; k < K - 1; off += data.sizes[k]!, k++) {
    const n = data.sizes[k]!;
    let kl = 0, tm = 0, tv = 0, rr = 0, rm = 0;
    for (let i = off; i < off + n; i++) {
      kl += rhoHere[i]!;
      tm += target[i]!;
      rr += residual[i]! ** 2;
      rm += residual[i]!;
    }
    tm /= n;
    for (let i = off; i < off + n; i++) tv += (target[i]! - tm) ** 2;
    improvements.push({ from: data.updates[k]!, to: data.updates[k + 1]!, pairs: n, meanKl: kl / n, targetStd: Math.sqrt(tv / n), residualRms: Math.sqrt(rr / n), residualMean: rm / n });
  }
  let reward = new GaussianLogDensityReward(r.net, r.dist.logStd, norm, { state });
  if (cfg.normaliseReward) {
    // Standardise on D_K's pairs (raw observations: the reward normalises them itself).
    const rows = Array.from(columns.update, (u, i) => (u === data.updates[K - 1] ? i : -1)).filter((i) => i >= 0);
    const obsK = pick(columns.obs, D, Int32Array.from(rows));
    const values = reward.evaluate({ n: rows.length, obs: obsK, actions: data.actions[K - 1]!, nextObs: pick(columns.nextObs, D, Int32Array.from(rows)), terminated: new Uint8Array(rows.length) });
    const [shift, sd] = meanStd(values);
    reward = new GaussianLogDensityReward(r.net, r.dist.logStd, norm, { state, shift, scale: 1 / sd });
  }
  const last = policies[K - 1]!;
  const bcPolicy: BcPolicyJson = { policy: last.net.toJSON(), logStd: Array.from(last.dist.logStd), obsNorm: norm.stats.toJSON(), clipObs: norm.clip };
  const diagnostics: Algorithm1Diagnostics = { updates: data.updates, finalLoss, policyLoss, policyBestStep, improvements, timeMs, cpuMs, ...(consistencyStop ? { consistencyStop } : {}), heldOutConsistencyLoss: heldOutConsistency };
  reward.info = { algorithm: "lfl-algorithm-1", config: cfg, seed, diagnostics };
  return { reward, bcPolicy, diagnostics };
}
