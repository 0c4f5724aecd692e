/**
 * The cause of the only single-step differences above round-off between our MuJoCo envs and Gymnasium's
 * (trace.ts, docs/environments.md): MuJoCo's constraint solver stopping at its tolerance (opt.tolerance = 1e-8)
 * one Newton iteration earlier in Gymnasium's MuJoCo 3.14 than in our 3.5.1. Checked here on every recorded step
 * of the four v5 traces, with conditions that hold on any seed:
 * - every step that differs by more than FREE_STEP_TOL is a constrained step (the solver ran);
 * - on those steps our own result is converged: tightening our tolerance from 1e-8 to 1e-14 moves qpos/qvel by
 *   ≤ 1e-14 relative, so the difference is on Gymnasium's side of the stop;
 * - emulating the early stop in our model — one substep's Newton solve capped at one iteration fewer than ours
 *   took — is reported per such step (diagnostic): where it reproduces Gymnasium's recorded state to round-off,
 *   the cause is shown directly (Ant-v5 seed 3 step 98: 1.7e-7 → 8e-17).
 * MuJoCo's options and per-substep solver statistics are reached through a test-only cast (`MujocoSim` keeps
 * its MjModel/MjData private).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMujoco } from "../../src/envs/mujoco/mujoco-runtime.ts";
import type { MujocoEnv } from "../../src/envs/mujoco/mujoco-env.ts";
import { Ant } from "../../src/envs/mujoco/ant.ts";
import { HalfCheetah } from "../../src/envs/mujoco/half-cheetah.ts";
import { Hopper } from "../../src/envs/mujoco/hopper.ts";
import { Reacher } from "../../src/envs/mujoco/reacher.ts";
import { ConstraintWatch, FREE_STEP_TOL, loadTrace, relError, type TraceStep } from "./trace.ts";

const mujoco = await loadMujoco();

interface Raw {
  m: { opt: { tolerance: number; iterations: number; delete?: () => void } };
  d: { solver_niter: Int32Array };
}
const raw = (env: MujocoEnv): Raw => env.sim as unknown as Raw;

function setOption(env: MujocoEnv, key: "tolerance" | "iterations", value: number): void {
  const o = raw(env).m.opt;
  o[key] = value;
  o.delete?.();
}

/** One step from the recorded state, substep by substep, with Newton iterations capped per substep; returns each substep's iteration count. */
function stepWithCaps(env: MujocoEnv, s: TraceStep, caps?: number[]): { qpos: Float64Array; qvel: Float64Array; niter: number[] } {
  env.setState({ qpos: s.qpos_before, qvel: s.qvel_before });
  env.sim.view("ctrl").set(s.action);
  const niter: number[] = [];
  const defaultIterations = env.sim.options.iterations;
  try {
    for (let k = 0; k < env.frameSkip; k++) {
      if (caps !== undefined) setOption(env, "iterations", caps[k]!);
      env.sim.step(1);
      niter.push(raw(env).d.solver_niter[0]!);
    }
  } finally {
    setOption(env, "iterations", defaultIterations);
  }
  return { ...env.getState(), niter };
}

const stateError = (a: { qpos: ArrayLike<number>; qvel: ArrayLike<number> }, b: { qpos: ArrayLike<number>; qvel: ArrayLike<number> }): number =>
  Math.max(relError(a.qpos, b.qpos), relError(a.qvel, b.qvel));

const ENVS = [["Reacher-v5", Reacher], ["Hopper-v5", Hopper], ["HalfCheetah-v5", HalfCheetah], ["Ant-v5", Ant]] as const;

for (const [id, Env] of ENVS) {
  test(`${id}: single-step differences above round-off occur only on constrained steps, where our solver is converged`, (t) => {
    using env = new Env(mujoco);
    const trace = loadTrace(id);
    env.reset({ seed: 0 });
    const lines: string[] = [];
    let checked = 0;
    for (const r of trace.rollouts) {
      r.steps.forEach((s, k) => {
        const watch = new ConstraintWatch(env);
        let ours;
        try {
          ours = stepWithCaps(env, s);
        } finally {
          watch.stop();
        }
        const err = stateError(ours, s);
        if (err <= FREE_STEP_TOL) return;
        checked++;
        const where = `seed ${r.seed} step ${k}`;
        assert.ok(watch.active, `${where}: differs by ${err.toExponential(2)} although no constraint was active`);
        setOption(env, "tolerance", 1e-14);
        let tight;
        try {
          tight = stepWithCaps(env, s);
        } finally {
          setOption(env, "tolerance", trace.model.opt.tolerance);
        }
        assert.ok(stateError(tight, ours) <= 1e-14, `${where}: our result moves by ${stateError(tight, ours).toExponential(2)} at tolerance 1e-14`);
        // Emulated early stop: one substep at a time, one Newton iteration fewer than ours.
        let best = Infinity, at = -1;
        ours.niter.forEach((n, j) => {
          if (n === 0) return;
          const e = stateError(stepWithCaps(env, s, ours.niter.map((m, i) => (i === j ? n - 1 : 100))), s);
          if (e < best) (best = e, at = j);
        });
        lines.push(`${where}: ${err.toExponential(2)}; Newton iterations per substep ${ours.niter.join(",")}; one fewer in substep ${at + 1} → ${best.toExponential(2)}`);
      });
    }
    t.diagnostic(`${checked} steps above ${FREE_STEP_TOL}${lines.length > 0 ? ": " + lines.join("; ") : ""}`);
  });
}
