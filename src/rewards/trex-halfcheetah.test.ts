import assert from "node:assert/strict";
import { test } from "node:test";
import { pearson } from "../core/correlation.ts";
import { Rng } from "../core/rng.ts";
import { HalfCheetah } from "../envs/mujoco/half-cheetah.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { trainTrex, type RankedTrajectory, type TrexReward } from "./trex-reward.ts";

/**
 * T-REX's own setting (Brown et al. 2019: trajectories ranked by their ground-truth return) on HalfCheetah-v5, the
 * known answer issue 17 item 7 names: a reward learned from the rankings alone must give returns that correlate
 * ≥ 0.9 with the true ones on held-out episodes of OTHER policies.
 *
 * Policies of varied quality: open-loop gaits a_j(t) = A sin(2π f t·dt + φ_j) with a random amplitude
 * A ~ U[0.2, 1], frequency f ~ U[1, 4] Hz and one phase per joint φ_j ~ U[0, 2π) — some run forward, some
 * backward, some flail (true 200-step returns about −440 … +220). T-REX sees observations only (its state-only
 * r_θ(s), the Table 3 defaults, TREX_DEFAULTS); the true reward also charges 0.1‖a‖², which the states show only
 * through the joint velocities.
 */
const T = 200, DT = 0.05, OBS = 17, ACT = 6;

function gaitEpisode(env: HalfCheetah, seed: number): { traj: RankedTrajectory; ret: number } {
  const rng = new Rng(seed);
  const amp = rng.uniformIn(0.2, 1), freq = rng.uniformIn(1, 4);
  const phase = Array.from({ length: ACT }, () => rng.uniformIn(0, 2 * Math.PI));
  let o = env.reset({ seed }).observation;
  const obs = new Float64Array(T * OBS), actions = new Float64Array(T * ACT);
  let ret = 0;
  for (let t = 0; t < T; t++) {
    obs.set(o, t * OBS);
    const a = Float64Array.from(phase, (ph) => amp * Math.sin(2 * Math.PI * freq * t * DT + ph));
    actions.set(a, t * ACT);
    const s = env.step(a);
    ret += s.reward;
    o = s.observation;
  }
  return { traj: { rank: ret, length: T, obs, actions }, ret };
}

const learnedReturn = (r: TrexReward, t: RankedTrajectory): number =>
  r.evaluate({ n: t.length, obs: t.obs, actions: t.actions, nextObs: t.obs, terminated: new Uint8Array(t.length) }).reduce((a, b) => a + b, 0);

test("competence (issue 17 item 7): T-REX given true-return rankings of HalfCheetah-v5 episodes learns a reward whose returns correlate ≥ 0.9 with the true returns on held-out policies", async () => {
  const env = new HalfCheetah(await loadMujoco());
  try {
    const train = Array.from({ length: 40 }, (_, i) => gaitEpisode(env, 1000 + i).traj);
    const held = Array.from({ length: 30 }, (_, i) => gaitEpisode(env, 5000 + i));
    const truth = held.map((h) => h.ret);
    assert.ok(Math.max(...truth) - Math.min(...truth) > 100, `the held-out policies vary in quality: ${Math.min(...truth).toFixed(0)} … ${Math.max(...truth).toFixed(0)}`);
    const r = trainTrex(train, OBS, ACT, { seed: 7 });
    const rho = pearson(held.map((h) => learnedReturn(r, h.traj)), truth);
    const r1 = trainTrex(train, OBS, ACT, { seed: 7, config: { steps: 1 } });
    const rho1 = pearson(held.map((h) => learnedReturn(r1, h.traj)), truth);
    console.log(`HalfCheetah T-REX: Pearson(learned, true) on 30 held-out episodes ${rho.toFixed(3)} (after 1 step: ${rho1.toFixed(3)})`);
    assert.ok(rho >= 0.9, `Pearson(learned, true) on held-out episodes = ${rho.toFixed(3)}`);
    // The score comes from the training: the same network after one step is far from it.
    assert.ok(rho1 < rho - 0.2, `after 1 step: ${rho1.toFixed(3)}`);
  } finally {
    env.close();
  }
});
