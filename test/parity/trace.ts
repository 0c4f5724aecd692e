/**
 * Shared helpers for the Gymnasium-v5 parity tests (generic over env id): loading the reference traces of
 * test/fixtures/gym-traces (made with Python Gymnasium 1.3.0 + MuJoCo 3.14.0), comparing a compiled model with
 * the trace's model facts, and measuring single-step and multi-step errors of one of our MuJoCo envs.
 *
 * Error measure, per field and step: the normwise relative error max_i |ours_i − ref_i| / max(max_i |ref_i|, 1e-300),
 * i.e. relative to the field's scale at that step (a scalar field is its own scale). The largest over all steps
 * of all rollouts is reported (`ErrorTable`).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { packageRoot, type MujocoSim } from "../../src/envs/mujoco/mujoco-runtime.ts";
import type { MujocoEnv } from "../../src/envs/mujoco/mujoco-env.ts";

export interface TraceStep {
  qpos_before: number[];
  qvel_before: number[];
  action: number[];
  qpos: number[];
  qvel: number[];
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, number>;
}

export interface TraceRollout {
  seed: number;
  action_scale: number;
  reset: { qpos: number[]; qvel: number[]; obs: number[]; info: Record<string, number> };
  steps: TraceStep[];
}

export type FactValue = number | boolean | null;
export type FactArray = FactValue[] | FactValue[][];

export interface ModelFacts {
  nq: number;
  nv: number;
  nu: number;
  nbody: number;
  njnt: number;
  ngeom: number;
  frame_skip: number;
  dt: number;
  opt: { timestep: number; integrator: number; gravity: number[]; cone: number; solver: number; iterations: number; tolerance: number; jacobian: number };
  names: Record<"body" | "joint" | "geom" | "actuator", (string | null)[]>;
  [field: string]: unknown;
}

export interface GymTrace {
  env_id: string;
  max_episode_steps: number;
  kwargs: Record<string, unknown>;
  observation_shape: number[];
  action_low: number[];
  action_high: number[];
  model: ModelFacts;
  rollouts: TraceRollout[];
}

/** Loads `<id>.json` from $LFL_GYM_TRACES, else `<id>.json.gz` from test/fixtures/gym-traces. */
export function loadTrace(envId: string): GymTrace {
  const dir = process.env["LFL_GYM_TRACES"];
  const text = dir !== undefined && dir !== ""
    ? readFileSync(join(dir, `${envId}.json`), "utf8")
    : gunzipSync(readFileSync(join(packageRoot(), "test", "fixtures", "gym-traces", `${envId}.json.gz`))).toString("utf8");
  return JSON.parse(text) as GymTrace;
}

/** Normwise relative error of `ours` against `ref` (see the file comment). */
export function relError(ours: ArrayLike<number> | number, ref: ArrayLike<number> | number): number {
  const a = typeof ours === "number" ? [ours] : ours;
  const b = typeof ref === "number" ? [ref] : ref;
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  if (Number.isNaN(diff)) return Infinity;
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-300);
}

/** Largest relative error per field, with where it occurred. */
export class ErrorTable {
  readonly worst = new Map<string, { err: number; where: string }>();
  record(field: string, ours: ArrayLike<number> | number, ref: ArrayLike<number> | number, where: string): void {
    const err = relError(ours, ref);
    const cur = this.worst.get(field);
    if (cur === undefined || err > cur.err) this.worst.set(field, { err, where });
  }
  max(field: string): number {
    return this.worst.get(field)?.err ?? 0;
  }
  /** Fields whose worst error exceeds `tol(field)`, as readable lines. */
  failures(tol: (field: string) => number): string[] {
    return [...this.worst].filter(([f, w]) => !(w.err <= tol(f))).map(([f, w]) => `${f}: ${w.err.toExponential(2)} at ${w.where} (tolerance ${tol(f)})`);
  }
  toString(): string {
    return [...this.worst].map(([f, w]) => `${f} ${w.err.toExponential(2)}`).join(", ");
  }
}

function flat(x: unknown): number[] {
  if (Array.isArray(x)) return x.flatMap(flat);
  if (typeof x === "boolean") return [x ? 1 : 0];
  if (typeof x === "number") return [x];
  throw new TypeError(`not a numeric fact: ${JSON.stringify(x)}`);
}

const NON_ARRAY_FACTS = new Set(["nq", "nv", "nu", "nbody", "njnt", "ngeom", "frame_skip", "dt", "opt", "names"]);

/**
 * Differences between the compiled model of `env` and the trace's facts, one line per mismatching item
 * (sizes, frame skip, dt, options, names, then every per-element array), with `tol` relative error allowed on
 * real-valued arrays (inertias and quaternions are computed by the compiler and may differ in the last bits).
 */
export function modelFactMismatches(env: MujocoEnv, facts: ModelFacts, tol = 1e-12): string[] {
  const sim: MujocoSim = env.sim;
  const out: string[] = [];
  const sizes = sim.sizes as unknown as Record<string, number>;
  for (const k of ["nq", "nv", "nu", "nbody", "njnt", "ngeom"] as const) {
    if (sizes[k] !== facts[k]) out.push(`${k}: ours ${sizes[k]}, gym ${facts[k]}`);
  }
  if (env.frameSkip !== facts.frame_skip) out.push(`frame_skip: ours ${env.frameSkip}, gym ${facts.frame_skip}`);
  if (relError(env.dt, facts.dt) > tol) out.push(`dt: ours ${env.dt}, gym ${facts.dt}`);
  const o = sim.options as unknown as Record<string, number | number[]>;
  for (const [k, v] of Object.entries(facts.opt)) {
    if (relError(flat(o[k]), flat(v)) > tol) out.push(`opt.${k}: ours ${JSON.stringify(o[k])}, gym ${JSON.stringify(v)}`);
  }
  const kinds = { body: facts.nbody, joint: facts.njnt, geom: facts.ngeom, actuator: facts.nu } as const;
  for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
    const theirs = facts.names[kind].map((n) => n ?? "");
    const ours = theirs.map((_, i) => sim.nameOf(kind, i));
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) out.push(`names.${kind}: ours ${JSON.stringify(ours)}, gym ${JSON.stringify(theirs)}`);
  }
  for (const [field, value] of Object.entries(facts)) {
    if (NON_ARRAY_FACTS.has(field)) continue;
    const theirs = flat(value);
    let ours: number[];
    try {
      ours = Array.from(sim.modelArray(field));
    } catch (e) {
      out.push(`${field}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (ours.length !== theirs.length) out.push(`${field}: ours has ${ours.length} values, gym ${theirs.length}`);
    else {
      for (let i = 0; i < ours.length; i++) {
        const err = Math.abs(ours[i]! - theirs[i]!) / Math.max(Math.abs(theirs[i]!), 1);
        if (!(err <= tol)) {
          out.push(`${field}[${i}]: ours ${ours[i]}, gym ${theirs[i]}`);
          break;
        }
      }
    }
  }
  return out;
}

/**
 * Single-step parity: for every recorded step, set (qpos, qvel) to the recorded state before it, apply the
 * recorded action, and compare qpos, qvel, observation, reward, each info term and `terminated`. (`truncated`
 * comes from the registry's TimeLimit, checked separately.) `only` limits the rollouts/steps compared.
 */
export function singleStepErrors(env: MujocoEnv, trace: GymTrace, only?: { rollouts?: number; steps?: number }): ErrorTable {
  const table = new ErrorTable();
  const rollouts = trace.rollouts.slice(0, only?.rollouts ?? trace.rollouts.length);
  env.reset({ seed: 0 });
  for (const r of rollouts) {
    const steps = r.steps.slice(0, only?.steps ?? r.steps.length);
    steps.forEach((s, t) => {
      const where = `seed ${r.seed} step ${t}`;
      env.setState({ qpos: s.qpos_before, qvel: s.qvel_before });
      const res = env.step(Float64Array.from(s.action));
      const st = env.getState();
      table.record("qpos", st.qpos, s.qpos, where);
      table.record("qvel", st.qvel, s.qvel, where);
      table.record("obs", res.observation, s.obs, where);
      table.record("reward", res.reward, s.reward, where);
      for (const [k, v] of Object.entries(s.info)) {
        const ours = res.info[k];
        table.record(`info.${k}`, typeof ours === "number" ? ours : NaN, v, where);
      }
      table.record("terminated", res.terminated ? 1 : 0, s.terminated ? 1 : 0, where);
    });
  }
  return table;
}

/**
 * Multi-step parity: start from the recorded reset state of each rollout and feed the recorded actions, never
 * resynchronising; returns, per rollout, the number of steps whose qpos, qvel and observation stay within
 * `tol` (relative) of the recording, and the error table over those steps plus the first diverging one.
 */
export function multiStepErrors(env: MujocoEnv, trace: GymTrace, tol: number): { table: ErrorTable; closeSteps: number[] } {
  const table = new ErrorTable();
  const closeSteps: number[] = [];
  env.reset({ seed: 0 });
  for (const r of trace.rollouts) {
    env.setState({ qpos: r.reset.qpos, qvel: r.reset.qvel });
    let close = 0;
    for (let t = 0; t < r.steps.length; t++) {
      const s = r.steps[t]!;
      const res = env.step(Float64Array.from(s.action));
      const st = env.getState();
      const errs = [relError(st.qpos, s.qpos), relError(st.qvel, s.qvel), relError(res.observation, s.obs)];
      const where = `seed ${r.seed} step ${t}`;
      table.record("qpos", st.qpos, s.qpos, where);
      table.record("qvel", st.qvel, s.qvel, where);
      table.record("obs", res.observation, s.obs, where);
      table.record("reward", res.reward, s.reward, where);
      if (!errs.every((e) => e <= tol)) break;
      close++;
      if (s.terminated) break;
    }
    closeSteps.push(close);
  }
  return { table, closeSteps };
}

/**
 * Flag parity through the registry's wrappers: for each rollout, reset `make()`'s env, then feed the recorded
 * actions and compare `truncated` (and `terminated` while the state has not diverged is covered by
 * `singleStepErrors`). Returns one line per mismatching step.
 */
export function truncationMismatches(make: () => { reset(o: { seed: number }): unknown; step(a: Float64Array): { truncated: boolean; terminated: boolean }; close(): void }, trace: GymTrace): string[] {
  const out: string[] = [];
  for (const r of trace.rollouts) {
    const env = make();
    try {
      env.reset({ seed: r.seed });
      for (let t = 0; t < r.steps.length; t++) {
        const s = r.steps[t]!;
        const res = env.step(Float64Array.from(s.action));
        if (res.truncated !== s.truncated) out.push(`seed ${r.seed} step ${t}: truncated ours ${res.truncated}, gym ${s.truncated}`);
        if (res.terminated || res.truncated || s.terminated) break;
      }
    } finally {
      env.close();
    }
  }
  return out;
}
