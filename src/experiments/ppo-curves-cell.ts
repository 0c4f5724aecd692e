/** Cell runner of the PPO curves: one (setting, seed) training run, or the uniform random policy's returns. */
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { envSpec, makeEnv } from "../envs/registry.ts";
import type { CellRunner } from "./engine/cell.ts";
import { runPpoCurve, uniformBaseline, type PpoCurvesSpec } from "./ppo-curves.ts";

export interface PpoCurvesCellPayload {
  spec: PpoCurvesSpec;
  /** A setting's training run, or "uniform" for the random-policy baseline (no seed). */
  setting: string;
  seed: number;
}

export const runCell: CellRunner = async (cell) => {
  const p = cell.payload as PpoCurvesCellPayload;
  const deps = envSpec(p.spec.envId).needsMujoco ? { mujoco: await loadMujoco() } : {};
  const envFn = () => makeEnv(p.spec.envId, {}, deps);
  if (p.setting === "uniform") {
    const u = uniformBaseline(p.spec, envFn);
    return { mean: u.mean, returns: u.returns };
  }
  return runPpoCurve(p.spec, p.setting, p.seed, envFn);
};
