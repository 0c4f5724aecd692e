/**
 * PPO learning curves as experiments of the engine: `ppo-curves` (scale = the curve: pendulum, pendulum-quick,
 * halfcheetah, hopper, reacher, ant; one cell per (setting, seed)) and `ppo-summary` (the four MuJoCo curves
 * beside the uniform random policy on the same evaluation episodes; the same cells, so a finished curve is
 * never trained again — `--finished-only` assembles what is stored).
 */
import { fileURLToPath } from "node:url";
import { codeHash } from "./engine/content-key.ts";
import { planCell, type Experiment, type PlannedCell } from "./engine/experiment.ts";
import { PPO_CURVES, summarisePpoCurves, type PpoCurveRun, type PpoCurvesResult, type PpoCurvesSpec } from "./ppo-curves.ts";
import type { PpoCurvesCellPayload } from "./ppo-curves-cell.ts";

const RUNNER = "src/experiments/ppo-curves-cell.ts";
const RUNNER_FILE = fileURLToPath(new URL("./ppo-curves-cell.ts", import.meta.url));

function curveCells(curve: string, spec: PpoCurvesSpec, seeds: readonly number[]): PlannedCell[] {
  const code = codeHash([RUNNER_FILE]);
  const cell = (setting: string, seed: number): PlannedCell => {
    const payload: PpoCurvesCellPayload = { spec: { ...spec, seeds: [] }, setting, seed };
    const settings = { experiment: "ppo-curves", ...payload };
    return planCell({ settings, inputs: [], code }, { label: `ppo-curves/${curve}/${setting}/seed-${seed}`, experiment: "ppo-curves", runner: RUNNER, payload, stage: setting, env: spec.envId, seed });
  };
  return Object.keys(spec.settings).flatMap((setting) => seeds.map((seed) => cell(setting, seed)));
}

export type PpoCurvesBody = PpoCurvesResult & { curve: string; envId: string };

export const ppoCurvesExperiment: Experiment<PpoCurvesBody> = {
  name: "ppo-curves",
  title: "PPO learning curves (SB3 defaults; rl-zoo settings on Pendulum)",
  summary: "PPO learning curves, 3 seeds (scale = curve: pendulum ≈ 3 min, reacher|hopper|halfcheetah|ant ≈ 1 h each)",
  scales: Object.keys(PPO_CURVES),
  quickScale: "pendulum-quick",
  seeded: true,
  envIds: () => [],
  options: [],
  plan(req) {
    const spec = PPO_CURVES[req.scale]!;
    const seeds = [...(req.seeds ?? spec.seeds)];
    const canonical = req.seeds === undefined || req.seeds.join() === spec.seeds.join();
    return { cells: curveCells(req.scale, spec, seeds), seeds, stem: `ppo-${req.scale}${canonical ? "" : `-seeds-${seeds.join("_")}`}`, settings: { curve: req.scale } };
  },
  assemble(results, plan, req) {
    const spec = PPO_CURVES[req.scale]!;
    const runs = plan.cells.filter((c) => results.has(c.key)).map((c) => results.get(c.key) as PpoCurveRun);
    return { curve: req.scale, envId: spec.envId, ...summarisePpoCurves({ ...spec, seeds: plan.seeds }, runs, plan.seeds) };
  },
};

const SUMMARY_CURVES = ["reacher", "hopper", "halfcheetah", "ant"] as const;

export interface PpoSummaryBody {
  envs: Array<{ curve: string; envId: string; uniformRandom: { mean: number; std: number; episodes: number } | null; summary: PpoCurvesResult["summary"]; incomplete: string[] }>;
}

export const ppoSummaryExperiment: Experiment<PpoSummaryBody> = {
  name: "ppo-summary",
  title: "PPO on the four MuJoCo envs beside the uniform random policy",
  summary: "the four MuJoCo PPO curves beside the uniform random policy (uses the ppo-curves cells; --finished-only to assemble)",
  scales: ["full"],
  quickScale: "full",
  seeded: true,
  envIds: () => [],
  options: [],
  plan(req) {
    const code = codeHash([RUNNER_FILE]);
    const cells: PlannedCell[] = [];
    const seeds = [...(req.seeds ?? PPO_CURVES.reacher!.seeds)];
    for (const curve of SUMMARY_CURVES) {
      const spec = PPO_CURVES[curve]!;
      cells.push(...curveCells(curve, spec, seeds));
      const payload: PpoCurvesCellPayload = { spec: { ...spec, seeds: [] }, setting: "uniform", seed: 0 };
      const settings = { experiment: "ppo-curves", ...payload };
      cells.push(planCell({ settings, inputs: [], code }, { label: `ppo-curves/${curve}/uniform`, experiment: "ppo-curves", runner: RUNNER, payload, stage: "uniform", env: spec.envId }));
    }
    const canonical = req.seeds === undefined || req.seeds.join() === PPO_CURVES.reacher!.seeds.join();
    return { cells, seeds, stem: canonical ? "ppo-summary" : `ppo-summary-seeds-${seeds.join("_")}`, settings: {} };
  },
  assemble(results, plan) {
    return {
      envs: SUMMARY_CURVES.map((curve) => {
        const spec = PPO_CURVES[curve]!;
        const mine = plan.cells.filter((c) => c.env === spec.envId);
        const runs = mine.filter((c) => c.stage !== "uniform" && results.has(c.key)).map((c) => results.get(c.key) as PpoCurveRun);
        const u = mine.find((c) => c.stage === "uniform")!;
        const ur = results.get(u.key) as { mean: number; returns: number[] } | undefined;
        const std = ur ? Math.sqrt(ur.returns.reduce((s, x) => s + (x - ur.mean) ** 2, 0) / ur.returns.length) : 0;
        const res = summarisePpoCurves(spec, runs, plan.seeds);
        return { curve, envId: spec.envId, uniformRandom: ur ? { mean: ur.mean, std, episodes: ur.returns.length } : null, summary: res.summary, incomplete: res.incomplete };
      }),
    };
  },
};
