/**
 * Shared helpers for the Gymnasium-v5 parity tests (generic over env id): loading the reference traces of
 * test/fixtures/gym-traces (made with Python Gymnasium 1.3.0 + MuJoCo 3.14.0), comparing a compiled model with
 * the trace's model facts, and measuring single-step and multi-step errors of one of our MuJoCo envs.
 *
 * Error measure, per field and step: the normwise relative error max_i |ours_i − ref_i| / max(max_i |ref_i|, 1e-300),
 * i.e. relative to the field's scale at that step (a scalar field is its own scale). The largest over all steps
 * of all rollouts is reported (`ErrorTable`), separately for two classes of steps:
 *
 * - "free": no constraint (contact, joint limit) was active in any physics substep of the step — MuJoCo's
 *   iterative constraint solver had nothing to do, so both builds compute the same closed-form step and only
 *   round-off separates them: `FREE_STEP_TOL` = 1e-12.
 * - "constrained": the solver ran. It stops when its scaled cost improvement or gradient falls below
 *   `opt.tolerance` (1e-8 in every v5 model), and Gymnasium's MuJoCo 3.14 sometimes stops one Newton iteration
 *   earlier than our 3.5.1 (measured: Ant-v5 seed 3 step 98 is reproduced to 8e-17, from 1.7e-7, by stopping our
 *   solver one iteration earlier in that step's third substep; on such steps our own result does not move when
 *   our tolerance is tightened to 1e-14, see early-stop.test.ts). The error such a stop leaves scales with
 *   opt.tolerance: measured ≤ 17 × opt.tolerance (Ant qvel 1.7e-7), so `constrainedStepTol` allows
 *   `EARLY_STOP_FACTOR` = 100 × opt.tolerance on those steps (fields that are solver outputs or finite
 *   differences of its results may get a further stated factor in the env's test).
 * Which class a step is in is read from our own replay of it (`ConstraintWatch`), never from a fixture index.
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

/** Whether the constraint solver ran during a step (see the file comment). */
export type StepClass = "free" | "constrained";

/** Relative tolerance on free steps: round-off only. */
export const FREE_STEP_TOL = 1e-12;
/** On constrained steps the allowed error is this multiple of the solver's termination tolerance `opt.tolerance`. */
export const EARLY_STOP_FACTOR = 100;

/** The tolerance on constrained steps of a model whose solver stops at `opt.tolerance`, times `fieldFactor`. */
export function constrainedStepTol(opt: { tolerance: number }, fieldFactor = 1): number {
  return EARLY_STOP_FACTOR * opt.tolerance * fieldFactor;
}

/** Tolerance by field and step class: `FREE_STEP_TOL`, or `constrainedStepTol` with optional per-field factors. */
export function parityTolerance(opt: { tolerance: number }, fieldFactors: Readonly<Record<string, number>> = {}): (field: string, cls: StepClass) => number {
  return (field, cls) => (cls === "free" ? FREE_STEP_TOL : constrainedStepTol(opt, fieldFactors[field] ?? 1));
}

/** Largest relative error per field and step class, with where it occurred. */
export class ErrorTable {
  readonly worst = new Map<string, { err: number; where: string; cls: StepClass }>();
  readonly steps: Record<StepClass, number> = { free: 0, constrained: 0 };
  private static key(field: string, cls: StepClass): string {
    return `${field}|${cls}`;
  }
  /** Counts one compared step of class `cls` (call once per step). */
  countStep(cls: StepClass): void {
    this.steps[cls]++;
  }
  record(field: string, ours: ArrayLike<number> | number, ref: ArrayLike<number> | number, where: string, cls: StepClass = "free"): void {
    const err = relError(ours, ref);
    const k = ErrorTable.key(field, cls);
    const cur = this.worst.get(k);
    if (cur === undefined || err > cur.err) this.worst.set(k, { err, where, cls });
  }
  /** Worst error of `field` over the given class, or over both. */
  max(field: string, cls?: StepClass): number {
    const classes: StepClass[] = cls === undefined ? ["free", "constrained"] : [cls];
    return Math.max(0, ...classes.map((c) => this.worst.get(ErrorTable.key(field, c))?.err ?? 0));
  }
  /** Whether `field` was compared on some step. */
  has(field: string): boolean {
    return this.worst.has(ErrorTable.key(field, "free")) || this.worst.has(ErrorTable.key(field, "constrained"));
  }
  /** Fields whose worst error in a class exceeds `tol(field, class)`, as readable lines. */
  failures(tol: (field: string, cls: StepClass) => number): string[] {
    return [...this.worst].filter(([k, w]) => !(w.err <= tol(k.split("|")[0]!, w.cls))).map(([k, w]) => `${k.split("|")[0]} (${w.cls} step): ${w.err.toExponential(2)} at ${w.where} (tolerance ${tol(k.split("|")[0]!, w.cls)})`);
  }
  toString(): string {
    if (this.steps.free + this.steps.constrained === 0) return [...this.worst].map(([k, w]) => `${k.split("|")[0]} ${w.err.toExponential(2)}`).join(", ");
    return (["free", "constrained"] as const).map((c) => `${c} steps (${this.steps[c]}): ` + [...this.worst].filter(([, w]) => w.cls === c).map(([k, w]) => `${k.split("|")[0]} ${w.err.toExponential(2)}`).join(", ")).join("; ");
  }
}

/**
 * Watches the constraint solver of `env` while it steps: wraps `env.sim.step` so that every physics substep runs
 * on its own and its number of active constraint rows (`nefc`) is read. `active` says whether any substep since
 * the last `clear()` had one. (The count is read from MuJoCo's data through a test-only cast: `MujocoSim` does not
 * expose it.) `stop()` restores the original method.
 */
export class ConstraintWatch {
  private maxRows = 0;
  private readonly original: MujocoSim["step"];
  constructor(private readonly env: MujocoEnv) {
    const sim = env.sim;
    this.original = sim.step;
    const data = (sim as unknown as { d: { nefc: number } }).d;
    sim.step = (n: number, rnePostConstraint = false): void => {
      for (let i = 0; i < n; i++) {
        this.original.call(sim, 1, false);
        this.maxRows = Math.max(this.maxRows, data.nefc);
      }
      if (rnePostConstraint) this.original.call(sim, 0, true);
    };
  }
  clear(): void {
    this.maxRows = 0;
  }
  get active(): boolean {
    return this.maxRows > 0;
  }
  get stepClass(): StepClass {
    return this.active ? "constrained" : "free";
  }
  stop(): void {
    delete (this.env.sim as unknown as { step?: unknown }).step; // back to MujocoSim.prototype.step
  }
  [Symbol.dispose](): void {
    this.stop();
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
 * recorded action, and compare qpos, qvel, observation, reward, each info term and `terminated`, recording each
 * step under its class (free / constrained, from our own replay of it). (`truncated` comes from the registry's
 * TimeLimit, checked separately.) `only` limits the rollouts/steps compared.
 */
export function singleStepErrors(env: MujocoEnv, trace: GymTrace, only?: { rollouts?: number; steps?: number }): ErrorTable {
  const table = new ErrorTable();
  const rollouts = trace.rollouts.slice(0, only?.rollouts ?? trace.rollouts.length);
  env.reset({ seed: 0 });
  using watch = new ConstraintWatch(env);
  for (const r of rollouts) {
    const steps = r.steps.slice(0, only?.steps ?? r.steps.length);
    steps.forEach((s, t) => {
      const where = `seed ${r.seed} step ${t}`;
      env.setState({ qpos: s.qpos_before, qvel: s.qvel_before });
      watch.clear();
      const res = env.step(Float64Array.from(s.action));
      const cls = watch.stepClass;
      table.countStep(cls);
      const st = env.getState();
      table.record("qpos", st.qpos, s.qpos, where, cls);
      table.record("qvel", st.qvel, s.qvel, where, cls);
      table.record("obs", res.observation, s.obs, where, cls);
      table.record("reward", res.reward, s.reward, where, cls);
      for (const [k, v] of Object.entries(s.info)) {
        const ours = res.info[k];
        table.record(`info.${k}`, typeof ours === "number" ? ours : NaN, v, where, cls);
      }
      table.record("terminated", res.terminated ? 1 : 0, s.terminated ? 1 : 0, where, cls);
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

/** The twin of `replayHorizons` starts this many times the rollout's largest single-step state error away. */
export const TWIN_PERTURBATION_FACTOR = 10;

/**
 * Steps for which our env, fed `r`'s actions from its reset state with every qvel entry moved by `eps` × the
 * largest |qvel| of the recorded rollout (alternating signs), stays within `tol` of the unmoved run. The scale is
 * the rollout's, not the reset state's, so that the move is at least as large in absolute terms as a single-step
 * difference of relative size `eps` anywhere in the rollout.
 */
function twinHorizon(env: MujocoEnv, r: TraceRollout, eps: number, tol: number): number {
  const scale = Math.max(1e-3, ...r.steps.flatMap((s) => s.qvel.map(Math.abs)));
  const run = (pert: number): Float64Array[][] => {
    const qvel = Float64Array.from(r.reset.qvel);
    for (let j = 0; j < qvel.length; j++) qvel[j]! += pert * scale * (j % 2 === 0 ? -1 : 1);
    env.setState({ qpos: r.reset.qpos, qvel });
    return r.steps.map((s) => {
      const res = env.step(Float64Array.from(s.action));
      const st = env.getState();
      return [st.qpos, st.qvel, res.observation];
    });
  };
  const a = run(0), b = run(eps);
  let h = 0;
  for (let t = 0; t < a.length; t++) {
    if (![0, 1, 2].every((k) => relError(b[t]![k]!, a[t]![k]!) <= tol)) break;
    h++;
    if (r.steps[t]!.terminated) break;
  }
  return h;
}

/**
 * Open-loop replay judged against our model's own sensitivity, the same on any seed. Per rollout: `close`, the
 * steps the replay of the recorded actions stays within `tol` of the recording (`multiStepErrors`), and `twin`,
 * the steps two runs of our own model stay within `tol` of each other when one starts
 * `TWIN_PERTURBATION_FACTOR` × (the rollout's largest single-step qpos/qvel error, at least 1e-13) away. A
 * faithful env has close ≥ twin: the replay drifts from the recording no faster than the single-step differences
 * (round-off, or the solver's early stop) are amplified by the dynamics themselves — chaotic contact sequences
 * (a tumbling HalfCheetah) give short horizons, smooth ones (Reacher, Hopper to its fall) the whole episode.
 */
export function replayHorizons(env: MujocoEnv, trace: GymTrace, tol: number): { table: ErrorTable; close: number[]; twin: number[]; eps: number[] } {
  const { table, closeSteps } = multiStepErrors(env, trace, tol);
  const eps = trace.rollouts.map((r) => {
    const one = singleStepErrors(env, { ...trace, rollouts: [r] });
    return TWIN_PERTURBATION_FACTOR * Math.max(one.max("qpos"), one.max("qvel"), 1e-13);
  });
  const twin = trace.rollouts.map((r, i) => twinHorizon(env, r, eps[i]!, tol));
  return { table, close: closeSteps, twin, eps };
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
