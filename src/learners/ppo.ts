/**
 * PPO (Schulman et al., 2017) for Box actions, with Stable-Baselines3's defaults, and its learning history
 * recorded update by update — the learner whose learning the LfL observer watches (paper §6.2).
 *
 * `numEnvs` envs are stepped in lockstep and ONE batched forward pass of each network acts for all of them.
 * Truncation (time limits) bootstraps from the value of the final observation; termination does not.
 * Optional observation normalisation uses running statistics FROZEN for the whole of each update (rollout and
 * optimisation), so policy π_k is exactly (parameters_k, statistics_k); the statistics of every update are
 * stored in the history (`meta.extra.obsNorm`). Training is a pure function of (hyperparameters, run, env factory).
 *
 * The LfL observer trains with the same code: the run's `init` starts from a given actor (its behavioural clone)
 * and its `reward` REPLACES the env reward in the rollouts (returns, GAE); the env reward is then only summed into
 * the episode statistics (`meanReturn`, scoring) and is never checked or learned from.
 * docs/ppo.md lists the defaults and every deviation from SB3.
 *
 * Reads top to bottom: config (./ppo-config.ts) → networks → `trainPpo` in labelled stages (envs, buffers, then
 * per update: 1 freeze statistics, 2 rollout, 3 record, 4 bootstrap + GAE, 5 optimise, 6 log).
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import type { BoxEnv } from "../envs/env.ts";
import type { Trajectory } from "../data/trajectory.ts";
import { LearningHistory, type PolicyUpdate } from "../data/learning-history.ts";
import { mseLoss, ppoClipLoss } from "../nn/losses.ts";
import { RunningMeanStd, type RunningMeanStdJson } from "../nn/running-mean-std.ts";
import { computeGae } from "./gae.ts";
import { restoreTrainingState, snapshotTrainingState, type PpoCheckpointing, type PpoLiveState, type PpoTrainingState } from "./ppo-checkpoint.ts";
import { resolvePpoRun, type PpoCallbacks, type PpoConfig, type PpoResolvedRun, type PpoResult, type PpoRun, type PpoUpdateStats } from "./ppo-config.ts";
import { makePpoNetworks, type PpoNetworks } from "./ppo-networks.ts";
import { assertFiniteAt, collectRollout, flushSegment, meanRecent, normalizeObs, rowViews, type RolloutState, type Segment } from "./ppo-rollout.ts";

// ── Config: typed, documented, SB3's defaults (./ppo-config.ts; re-exported so callers import from here) ──────
export { PPO_DEFAULTS, resolvePpoConfig, resolvePpoRun } from "./ppo-config.ts";
export type { PpoActorJson, PpoCallbacks, PpoConfig, PpoModelJson, PpoResolvedRun, PpoResult, PpoRun, PpoUpdateStats } from "./ppo-config.ts";
export type { PpoCheckpointing, PpoTrainingState } from "./ppo-checkpoint.ts";

// ── Train ────────────────────────────────────────────────────────────────────────────────────────────────
/**
 * Trains PPO on `numEnvs` envs made by `makeEnv(rank)` (each is closed at the end). Env `rank` is first reset
 * with seed `seed + rank` (as SB3). Throws NumericalError at the first NaN/Inf in observations, rewards,
 * losses, gradients or parameters, naming the update and stage.
 * `checkpointing` (optional, ./ppo-checkpoint.ts) saves the complete training state every `every` updates and/or
 * resumes from a saved state; a resumed run gives the same history and model as an uninterrupted one.
 */
export function trainPpo(
  hp: Partial<PpoConfig>,
  makeEnv: (rank: number) => BoxEnv,
  run: PpoRun,
  callbacks: PpoCallbacks = {},
  checkpointing?: PpoCheckpointing,
): PpoResult {
  const cfg = resolvePpoRun(hp, run);
  const envKwargs = run.envKwargs ?? {};
  const { numEnvs: E, nSteps: T, batchSize: B } = cfg;
  const N = T * E;
  const rng = new Rng(cfg.seed);
  const initRng = rng.split();
  let actRng = rng.split();
  let shuffleRng = rng.split();

  // ── Envs ──
  const envs = Array.from({ length: E }, (_, e) => makeEnv(e));
  const obsSpace = envs[0]!.observationSpace, actSpace = envs[0]!.actionSpace;
  const D = obsSpace.shape, A = actSpace.shape;
  for (const env of envs) {
    if (env.observationSpace.shape !== D || env.actionSpace.shape !== A) throw new InputError("E_ENV", "ppo: all envs must have the same spaces");
  }
  const low = actSpace.low, high = actSpace.high;

  try {
    // ── Networks, optimiser, observation statistics, reward ──
    const { policy, value, gaussian, adam } = makePpoNetworks(cfg, D, A, initRng);
    const init = cfg.initialActor;
    const running = cfg.normalizeObservations ? (init?.obsNorm ? RunningMeanStd.fromJSON(init.obsNorm) : new RunningMeanStd(D)) : null;
    const rewardFn = cfg.rewardFn;
    if (rewardFn && (rewardFn.obsDim !== D || rewardFn.actDim !== A)) {
      throw new InputError("E_INVALID_CONFIG", `ppo: rewardFn '${rewardFn.name}' is for obsDim ${rewardFn.obsDim}, actDim ${rewardFn.actDim}; the env has ${D}, ${A}`);
    }
    const prevObs = new Float64Array(E * D), nextObs = new Float64Array(E * D), stepTerm = new Uint8Array(E);

    // ── Buffers: rollout [T, E] and minibatch [B] ──
    const obsBuf = new Float64Array(N * D), actBuf = new Float64Array(N * A);
    const logpBuf = new Float64Array(N), valBuf = new Float64Array(N), rewBuf = new Float64Array(N);
    const termBuf = new Uint8Array(N), truncBuf = new Uint8Array(N), truncValBuf = new Float64Array(N);
    const advBuf = new Float64Array(N), retBuf = new Float64Array(N), lastValues = new Float64Array(E);
    const rawObs = new Float64Array(E * D), normObs = new Float64Array(E * D), envAction = new Float64Array(A);
    const mb = makeMinibatch(B, D, A);

    // ── History recording ──
    const recordEnvs = cfg.recordHistory ? (cfg.recordEnvs ?? E) : 0;
    const updates: PolicyUpdate[] = [];
    const obsNormLog: Array<{ update: number } & RunningMeanStdJson> = [];
    let nextEpisode = 0; // initial values: the counters move into `ro` below
    const segments: Segment[] = [];
    const episodeReturn = new Float64Array(E);
    const recentReturns: number[] = [];
    let episodes = 0;

    for (let e = 0; e < E; e++) {
      const { observation } = envs[e]!.reset({ seed: cfg.seed + e });
      assertFiniteAt(observation, `update 0, stage reset: env ${e} observation`);
      rawObs.set(observation, e * D);
      segments.push({ obs: Array.from(observation), actions: [], rewards: [], episode: nextEpisode++ });
    }

    const nUpdates = Math.ceil(cfg.totalSteps / N);
    const stats: PpoUpdateStats[] = [];
    let steps = 0;
    let stopped = false;
    const t0 = performance.now();

    // ── Checkpoint / resume (./ppo-checkpoint.ts): every action each env receives is kept to replay envs ──
    const envActions = checkpointing ? Array.from({ length: E }, () => [] as number[]) : null;
    const live: PpoLiveState = {
      cfg, envs, D, A, nUpdates, recordEnvs, policy, value, gaussian, adam, running, rawObs, episodeReturn, recentReturns,
      segments, updates, obsNormLog, stats, envActions: envActions ?? [],
    };
    let firstUpdate = 0;
    if (checkpointing?.resume) ({ actRng, shuffleRng, steps, episodes, nextEpisode, firstUpdate } = restoreTrainingState(checkpointing.resume, live));
    // From here on the counters and the acting stream live in `ro` alone (the rollout advances them).
    const ro: RolloutState = {
      envs, E, T, D, A, low, high, policy, value, gaussian, running, rewardFn, clipObs: cfg.clipObs,
      obsRows: rowViews(obsBuf, T, E * D), actRows: rowViews(actBuf, T, E * A), logpRows: rowViews(logpBuf, T, E),
      valBuf, rewBuf, termBuf, truncBuf, truncValBuf, rawObs, normObs, envAction, prevObs, nextObs, stepTerm,
      envActions, segments, recordEnvs, episodeReturn, recentReturns, steps, episodes, nextEpisode, actRng,
    };
    const snapshot = (nextUpdate: number): PpoTrainingState => snapshotTrainingState(live, { nextUpdate, steps: ro.steps, episodes: ro.episodes, nextEpisode: ro.nextEpisode, actRng: ro.actRng, shuffleRng });

    for (let k = firstUpdate; k < nUpdates && !stopped; k++) {
      // ── Stage 1: freeze the normalisation statistics of π_k ──
      const frozen = running ? running.clone() : null;
      if (frozen) obsNormLog.push({ update: k, ...frozen.toJSON() });
      callbacks.onPolicy?.(k, () => ({
        policy: policy.toJSON(), logStd: Array.from(gaussian.logStd), obsNorm: frozen ? frozen.toJSON() : null, clipObs: cfg.clipObs,
      }));
      const trajectories: Trajectory[] = [];

      // ── Stage 2: collect the rollout with one batched forward pass per lockstep step (./ppo-rollout.ts) ──
      stopped = collectRollout(ro, k, frozen, trajectories, callbacks.onStep).stopped;

      // ── Stage 3: close the update's record (episodes in progress are cut, both flags false) ──
      for (let e = 0; e < recordEnvs; e++) {
        flushSegment(ro, e, false, false, trajectories);
        const s = segments[e]!;
        segments[e] = { obs: s.obs.slice(s.obs.length - D), actions: [], rewards: [], episode: s.episode };
      }
      if (cfg.recordHistory) updates.push({ index: k, trajectories });
      if (stopped) break;

      // ── Stage 4: bootstrap and GAE ──
      normalizeObs(frozen, cfg.clipObs, rawObs, normObs, E, D);
      lastValues.set(value.forward(normObs, E));
      computeGae({ rewards: rewBuf, values: valBuf, terminated: termBuf, truncated: truncBuf, truncationValues: truncValBuf, lastValues, T, E, gamma: cfg.gamma, lambda: cfg.gaeLambda }, advBuf, retBuf);
      assertFiniteAt(advBuf, `update ${k}, stage gae: advantages`);

      // ── Stage 5: minibatch epochs of the clipped surrogate + value loss ──
      const { pgSum, vSum, kl, clipSum, nMb } = optimise(cfg, k, { policy, value, gaussian, adam }, shuffleRng, mb, N, { obsBuf, actBuf, logpBuf, advBuf, retBuf });
      for (const [name, p] of [["policy", policy.params], ["log-std", gaussian.logStd], ["value", value.params]] as const) {
        assertFiniteAt(p, `update ${k}, stage optimise: ${name} parameters`);
      }

      // ── Stage 6: log ──
      const s: PpoUpdateStats = {
        update: k, steps: ro.steps, episodes: ro.episodes, meanReturn: meanRecent(recentReturns),
        policyLoss: pgSum / nMb, valueLoss: vSum / nMb, entropy: gaussian.entropy(), approxKl: kl / nMb, clipFraction: clipSum / nMb,
        explainedVariance: explainedVariance(valBuf, retBuf, N),
        stepsPerSecond: ro.steps / ((performance.now() - t0) / 1000),
      };
      stats.push(s);
      callbacks.onUpdate?.(s);
      if (checkpointing?.save && (k + 1) % checkpointing.every === 0 && k + 1 < nUpdates) checkpointing.save(snapshot(k + 1));
    }

    const history = cfg.recordHistory
      ? new LearningHistory({
          envId: envs[0]!.id,
          envKwargs,
          learner: "ppo",
          learnerConfig: { ...cfg, rewardFn: cfg.rewardFn?.name, initialActor: cfg.initialActor ? "given" : undefined },
          seed: cfg.seed,
          observationSpace: { kind: "box", dim: D },
          actionSpace: { kind: "box", dim: A },
          extra: {
            actions: "unclipped Gaussian samples a ~ π_k (the env receives clip(a, low, high))",
            observations: "raw (unnormalised)",
            recordedEnvs: recordEnvs,
            numEnvs: E,
            ...(running ? { obsNorm: obsNormLog, obsNormClip: cfg.clipObs, obsNormEps: 1e-8 } : {}),
          },
        }, updates)
      : null;
    const finalNorm = running ? running.clone() : null;
    return {
      config: cfg, policy, gaussian, value, obsNorm: finalNorm, history, updates: stats, steps: ro.steps, stopped,
      model: () => ({
        kind: "ppo", policy: policy.toJSON(), logStd: Array.from(gaussian.logStd), value: value.toJSON(),
        obsNorm: finalNorm ? finalNorm.toJSON() : null, clipObs: cfg.clipObs, actionLow: Array.from(low), actionHigh: Array.from(high),
      }),
    };
  } finally {
    for (const env of envs) env.close();
  }
}

// ── Stage 5: the minibatch epochs (functions of their own: V8 optimises the hot loops without all of trainPpo) ──
/** The minibatch [B] gathered from the rollout, and its scratch. */
type Minibatch = ReturnType<typeof makeMinibatch>;

function makeMinibatch(B: number, D: number, A: number) {
  return {
    obs: new Float64Array(B * D), act: new Float64Array(B * A), oldLogp: new Float64Array(B), adv: new Float64Array(B), ret: new Float64Array(B),
    logp: new Float64Array(B), dMean: new Float64Array(B * A), pgGrad: new Float64Array(B), vGrad: new Float64Array(B),
  };
}

interface RolloutBuffers { obsBuf: Float64Array; actBuf: Float64Array; logpBuf: Float64Array; advBuf: Float64Array; retBuf: Float64Array }
interface OptimiseSums { pgSum: number; vSum: number; kl: number; clipSum: number; nMb: number }

/** `nEpochs` passes over the N rollout rows in minibatches of B (a fresh permutation per epoch); returns the loss sums. */
function optimise(cfg: PpoResolvedRun, k: number, nets: PpoNetworks, shuffleRng: Rng, mb: Minibatch, N: number, buf: RolloutBuffers): OptimiseSums {
  const sums: OptimiseSums = { pgSum: 0, vSum: 0, kl: 0, clipSum: 0, nMb: 0 };
  const B = cfg.batchSize;
  for (let epoch = 0; epoch < cfg.nEpochs; epoch++) {
    const perm = shuffleRng.permutation(N);
    for (let start = 0; start < N; start += B) {
      const b = Math.min(B, N - start);
      gatherMinibatch(perm, start, b, nets.policy.inDim, nets.policy.outDim, buf, mb);
      minibatchStep(cfg, k, epoch, start / B, nets, mb, b, sums);
    }
  }
  return sums;
}

/** Copies rows perm[start .. start+b) of the rollout into the minibatch. */
function gatherMinibatch(perm: Int32Array, start: number, b: number, D: number, A: number, buf: RolloutBuffers, mb: Minibatch): void {
  const { obsBuf, actBuf, logpBuf, advBuf, retBuf } = buf;
  const { obs, act, oldLogp, adv, ret } = mb;
  for (let r = 0; r < b; r++) {
    const i = perm[start + r]!;
    // element loops, not .set(subarray): no typed-array view allocated per row
    for (let j = 0, src = i * D, dst = r * D; j < D; j++) obs[dst + j] = obsBuf[src + j]!;
    for (let j = 0, src = i * A, dst = r * A; j < A; j++) act[dst + j] = actBuf[src + j]!;
    oldLogp[r] = logpBuf[i]!;
    adv[r] = advBuf[i]!;
    ret[r] = retBuf[i]!;
  }
}

/** One gradient step of the clipped surrogate + value loss on the b gathered rows; adds to the loss sums. */
function minibatchStep(cfg: PpoResolvedRun, k: number, epoch: number, index: number, nets: PpoNetworks, mb: Minibatch, b: number, sums: OptimiseSums): void {
  const { policy, value, gaussian, adam } = nets;
  if (cfg.normalizeAdvantage && b > 1) normalizeInPlace(mb.adv, b);
  adam.zeroGrad();
  const mean = policy.forward(mb.obs, b);
  gaussian.logProb(mean, mb.act, b, mb.logp);
  const pg = ppoClipLoss(mb.logp, mb.oldLogp, mb.adv, b, cfg.clipRange, mb.pgGrad);
  gaussian.backward(mean, mb.act, pg.grad, b, mb.dMean, -cfg.entCoef);
  policy.backward(mb.dMean);
  const vl = mseLoss(value.forward(mb.obs, b), mb.ret, b, cfg.vfCoef, mb.vGrad);
  value.backward(vl.grad);
  if (!Number.isFinite(pg.loss) || !Number.isFinite(vl.loss)) {
    throw new NumericalError(`non-finite loss (policy ${pg.loss}, value ${vl.loss}) at update ${k}, stage optimise: epoch ${epoch} minibatch ${index}`);
  }
  adam.step(() => `update ${k}, stage optimise: epoch ${epoch} minibatch ${index}`);
  sums.pgSum += pg.loss;
  sums.vSum += vl.loss / cfg.vfCoef;
  sums.kl += pg.approxKl;
  sums.clipSum += pg.clipFraction;
  sums.nMb++;
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────
/** (x − mean)/(std + 1e-8) over x[0..n), std unbiased (torch's default, as SB3). */
function normalizeInPlace(x: Float64Array, n: number): void {
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - m) ** 2;
  const sd = Math.sqrt(v / (n - 1));
  for (let i = 0; i < n; i++) x[i] = (x[i]! - m) / (sd + 1e-8);
}

/** 1 − Var(y − ŷ)/Var(y) (NaN if Var(y) = 0). */
function explainedVariance(pred: Float64Array, y: Float64Array, n: number): number {
  let my = 0, md = 0;
  for (let i = 0; i < n; i++) {
    my += y[i]!;
    md += y[i]! - pred[i]!;
  }
  my /= n;
  md /= n;
  let vy = 0, vd = 0;
  for (let i = 0; i < n; i++) {
    vy += (y[i]! - my) ** 2;
    vd += (y[i]! - pred[i]! - md) ** 2;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
}
