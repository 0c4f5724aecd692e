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
import { Trajectory } from "../data/trajectory.ts";
import { LearningHistory, type PolicyUpdate } from "../data/learning-history.ts";
import { mseLoss, ppoClipLoss } from "../nn/losses.ts";
import { RunningMeanStd, type RunningMeanStdJson } from "../nn/running-mean-std.ts";
import { computeGae } from "./gae.ts";
import { restoreTrainingState, snapshotTrainingState, type PpoCheckpointing, type PpoLiveState, type PpoTrainingState } from "./ppo-checkpoint.ts";
import { resolvePpoRun, type PpoCallbacks, type PpoConfig, type PpoResult, type PpoRun, type PpoUpdateStats } from "./ppo-config.ts";
import { makePpoNetworks } from "./ppo-networks.ts";

// ── Config: typed, documented, SB3's defaults (./ppo-config.ts; re-exported so callers import from here) ──────
export { PPO_DEFAULTS, resolvePpoConfig, resolvePpoRun } from "./ppo-config.ts";
export type { PpoActorJson, PpoCallbacks, PpoConfig, PpoModelJson, PpoResolvedRun, PpoResult, PpoRun, PpoUpdateStats } from "./ppo-config.ts";
export type { PpoCheckpointing, PpoTrainingState } from "./ppo-checkpoint.ts";

/** Growable record of one env's current trajectory segment (raw observations). */
interface Segment {
  obs: number[];
  actions: number[];
  rewards: number[];
  episode: number;
}

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
    const mbObs = new Float64Array(B * D), mbAct = new Float64Array(B * A), mbOldLogp = new Float64Array(B);
    const mbAdv = new Float64Array(B), mbRet = new Float64Array(B), mbLogp = new Float64Array(B), dMean = new Float64Array(B * A);
    const pgGrad = new Float64Array(B), vGrad = new Float64Array(B);

    // ── History recording ──
    const recordEnvs = cfg.recordHistory ? (cfg.recordEnvs ?? E) : 0;
    const updates: PolicyUpdate[] = [];
    const obsNormLog: Array<{ update: number } & RunningMeanStdJson> = [];
    let nextEpisode = 0;
    const segments: Segment[] = [];
    const episodeReturn = new Float64Array(E);
    const recentReturns: number[] = [];
    let episodes = 0;
    const meanRecent = (): number => (recentReturns.length ? recentReturns.reduce((s, r) => s + r, 0) / recentReturns.length : NaN);
    const pushRow = (xs: number[], row: ArrayLike<number>): void => {
      for (let i = 0; i < row.length; i++) xs.push(row[i]!);
    };

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
    const snapshot = (nextUpdate: number): PpoTrainingState => snapshotTrainingState(live, { nextUpdate, steps, episodes, nextEpisode, actRng, shuffleRng });

    for (let k = firstUpdate; k < nUpdates && !stopped; k++) {
      // ── Stage 1: freeze the normalisation statistics of π_k ──
      const frozen = running ? running.clone() : null;
      if (frozen) obsNormLog.push({ update: k, ...frozen.toJSON() });
      callbacks.onPolicy?.(k, () => ({
        policy: policy.toJSON(), logStd: Array.from(gaussian.logStd), obsNorm: frozen ? frozen.toJSON() : null, clipObs: cfg.clipObs,
      }));
      const normalize = (src: Float64Array, dst: Float64Array, n: number): void => {
        if (frozen) frozen.normalize(src, dst, n, cfg.clipObs);
        else dst.set(src.subarray(0, n * D));
      };
      const trajectories: Trajectory[] = [];
      const flush = (e: number, terminated: boolean, truncated: boolean): void => {
        const s = segments[e]!;
        if (e < recordEnvs && s.rewards.length > 0) {
          trajectories.push(new Trajectory({
            observations: Float64Array.from(s.obs), actions: Float64Array.from(s.actions), rewards: Float64Array.from(s.rewards),
            obsDim: D, actDim: A, terminated, truncated, episode: s.episode,
          }));
        }
      };

      // ── Stage 2: collect the rollout with one batched forward pass per lockstep step ──
      let t = 0;
      for (; t < T; t++) {
        const row = t * E;
        if (running) running.update(rawObs, E);
        const obsT = obsBuf.subarray(row * D, (row + E) * D);
        normalize(rawObs, obsT, E);
        const mean = policy.forward(obsT, E);
        const actT = actBuf.subarray(row * A, (row + E) * A);
        gaussian.sample(mean, E, actRng, actT);
        gaussian.logProb(mean, actT, E, logpBuf.subarray(row, row + E));
        valBuf.set(value.forward(obsT, E), row);
        let anyTruncated = false;
        if (rewardFn) prevObs.set(rawObs);
        for (let e = 0; e < E; e++) {
          const i = row + e;
          for (let j = 0; j < A; j++) {
            const a = actT[e * A + j]!;
            envAction[j] = a < low[j]! ? low[j]! : a > high[j]! ? high[j]! : a;
          }
          if (envActions) for (let j = 0; j < A; j++) envActions[e]!.push(envAction[j]!);
          const res = envs[e]!.step(envAction);
          // (no closure per step for the messages: they are built only when a check fails)
          if (!allFinite(res.observation)) assertFiniteAt(res.observation, `update ${k}, stage rollout: env ${e} step ${t} observation`);
          if (!rewardFn && !Number.isFinite(res.reward)) throw new NumericalError(`non-finite reward ${res.reward} at update ${k}, stage rollout: env ${e} step ${t}`);
          const terminated = res.terminated;
          const truncated = res.truncated && !terminated;
          rewBuf[i] = res.reward;
          if (rewardFn) {
            nextObs.set(res.observation, e * D);
            stepTerm[e] = terminated ? 1 : 0;
          }
          termBuf[i] = terminated ? 1 : 0;
          truncBuf[i] = truncated ? 1 : 0;
          episodeReturn[e] += res.reward;
          const seg = segments[e]!;
          if (e < recordEnvs) {
            for (let j = 0; j < A; j++) seg.actions.push(actT[e * A + j]!);
            seg.rewards.push(res.reward);
            pushRow(seg.obs, res.observation);
          }
          if (terminated || truncated) {
            if (truncated) {
              // V(final observation) is evaluated below in one batch; park the raw observation in normObs.
              normObs.set(res.observation, e * D);
              anyTruncated = true;
            }
            flush(e, terminated, truncated);
            episodes++;
            recentReturns.push(episodeReturn[e]!);
            if (recentReturns.length > 100) recentReturns.shift();
            episodeReturn[e] = 0;
            const { observation } = envs[e]!.reset();
            assertFiniteAt(observation, `update ${k}, stage reset: env ${e} observation`);
            rawObs.set(observation, e * D);
            segments[e] = { obs: e < recordEnvs ? Array.from(observation) : [], actions: [], rewards: [], episode: nextEpisode++ };
          } else {
            rawObs.set(res.observation, e * D);
          }
        }
        if (rewardFn) {
          const r = rewardFn.evaluate({ n: E, obs: prevObs, actions: actT, nextObs, terminated: stepTerm });
          if (!allFinite(r)) assertFiniteAt(r, `update ${k}, stage rollout: step ${t} reward of '${rewardFn.name}'`);
          rewBuf.set(r, row);
        }
        if (anyTruncated) {
          normalize(normObs, normObs, E);
          const v = value.forward(normObs, E);
          for (let e = 0; e < E; e++) if (truncBuf[row + e]) truncValBuf[row + e] = v[e]!;
        }
        steps += E;
        if (callbacks.onStep?.({ update: k, steps, episodes, meanReturn: meanRecent() }) === false) {
          stopped = true;
          t++;
          break;
        }
      }

      // ── Stage 3: close the update's record (episodes in progress are cut, both flags false) ──
      for (let e = 0; e < recordEnvs; e++) {
        flush(e, false, false);
        const s = segments[e]!;
        segments[e] = { obs: s.obs.slice(s.obs.length - D), actions: [], rewards: [], episode: s.episode };
      }
      if (cfg.recordHistory) updates.push({ index: k, trajectories });
      if (stopped) break;

      // ── Stage 4: bootstrap and GAE ──
      normalize(rawObs, normObs, E);
      lastValues.set(value.forward(normObs, E));
      computeGae({ rewards: rewBuf, values: valBuf, terminated: termBuf, truncated: truncBuf, truncationValues: truncValBuf, lastValues, T, E, gamma: cfg.gamma, lambda: cfg.gaeLambda }, advBuf, retBuf);
      assertFiniteAt(advBuf, `update ${k}, stage gae: advantages`);

      // ── Stage 5: minibatch epochs of the clipped surrogate + value loss ──
      let pgSum = 0, vSum = 0, kl = 0, clipSum = 0, nMb = 0;
      for (let epoch = 0; epoch < cfg.nEpochs; epoch++) {
        const perm = shuffleRng.permutation(N);
        for (let start = 0; start < N; start += B) {
          const b = Math.min(B, N - start);
          for (let r = 0; r < b; r++) {
            const i = perm[start + r]!;
            // element loops, not .set(subarray): no typed-array view allocated per row
            for (let j = 0, src = i * D, dst = r * D; j < D; j++) mbObs[dst + j] = obsBuf[src + j]!;
            for (let j = 0, src = i * A, dst = r * A; j < A; j++) mbAct[dst + j] = actBuf[src + j]!;
            mbOldLogp[r] = logpBuf[i]!;
            mbAdv[r] = advBuf[i]!;
            mbRet[r] = retBuf[i]!;
          }
          if (cfg.normalizeAdvantage && b > 1) normalizeInPlace(mbAdv, b);
          adam.zeroGrad();
          const mean = policy.forward(mbObs, b);
          gaussian.logProb(mean, mbAct, b, mbLogp);
          const pg = ppoClipLoss(mbLogp, mbOldLogp, mbAdv, b, cfg.clipRange, pgGrad);
          gaussian.backward(mean, mbAct, pg.grad, b, dMean, -cfg.entCoef);
          policy.backward(dMean);
          const vl = mseLoss(value.forward(mbObs, b), mbRet, b, cfg.vfCoef, vGrad);
          value.backward(vl.grad);
          if (!Number.isFinite(pg.loss) || !Number.isFinite(vl.loss)) {
            throw new NumericalError(`non-finite loss (policy ${pg.loss}, value ${vl.loss}) at update ${k}, stage optimise: epoch ${epoch} minibatch ${start / B}`);
          }
          adam.step(() => `update ${k}, stage optimise: epoch ${epoch} minibatch ${start / B}`);
          pgSum += pg.loss;
          vSum += vl.loss / cfg.vfCoef;
          kl += pg.approxKl;
          clipSum += pg.clipFraction;
          nMb++;
        }
      }
      for (const [name, p] of [["policy", policy.params], ["log-std", gaussian.logStd], ["value", value.params]] as const) {
        assertFiniteAt(p, `update ${k}, stage optimise: ${name} parameters`);
      }

      // ── Stage 6: log ──
      const s: PpoUpdateStats = {
        update: k, steps, episodes, meanReturn: meanRecent(),
        policyLoss: pgSum / nMb, valueLoss: vSum / nMb, entropy: gaussian.entropy(), approxKl: kl / nMb, clipFraction: clipSum / nMb,
        explainedVariance: explainedVariance(valBuf, retBuf, N),
        stepsPerSecond: steps / ((performance.now() - t0) / 1000),
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
      config: cfg, policy, gaussian, value, obsNorm: finalNorm, history, updates: stats, steps, stopped,
      model: () => ({
        kind: "ppo", policy: policy.toJSON(), logStd: Array.from(gaussian.logStd), value: value.toJSON(),
        obsNorm: finalNorm ? finalNorm.toJSON() : null, clipObs: cfg.clipObs, actionLow: Array.from(low), actionHigh: Array.from(high),
      }),
    };
  } finally {
    for (const env of envs) env.close();
  }
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────
/** True when every entry of `xs` is finite (the per-step check; the message is built only when it fails). */
function allFinite(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
  return true;
}

/** Throws NumericalError at the first NaN/Inf of `xs`; `where` is built only then (it runs every env step). */
function assertFiniteAt(xs: ArrayLike<number>, where: string | (() => string)): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) throw new NumericalError(`non-finite value ${xs[i]} at ${typeof where === "string" ? where : where()}[${i}]`);
  }
}

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
