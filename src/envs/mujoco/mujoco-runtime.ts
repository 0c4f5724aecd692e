/**
 * The MuJoCo runtime: one instance of the `mujoco` npm package's WASM module (MuJoCo 3.5.1, pinned at npm
 * 3.1.16), loaded by `loadMujoco()` and passed explicitly to every MuJoCo env built on it. Load ONE runtime per
 * thread (a load costs ~0.2 s and ~20 MB) and share it between that thread's envs; this module keeps no cache.
 *
 * `MujocoSim` is one compiled model with its data (MjModel + MjData). It owns both WASM objects: call
 * `dispose()` (or declare it with `using`) exactly once; further use throws. Array views into WASM memory
 * (`qpos`, `qvel`, `ctrl`, `xpos`, ...) are cached and re-fetched when WASM memory growth has detached them
 * (a detached view has byteLength 0). Measured: mujoco 3.1.16 runs on a shared WASM memory
 * (SharedArrayBuffer), whose growth leaves old views attached and valid; a non-shared build (mujoco-js 0.0.7)
 * detaches them. Callers should still re-read `sim.view(...)` after anything that allocates (creating another
 * sim, loading a model) rather than hold views across such calls.
 *
 * MJCF errors become `InputError("E_ENV")` carrying MuJoCo's own message (element and line).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MainModule, MjData, MjModel } from "mujoco";
import { InputError, LflError } from "../../core/errors.ts";

/** MjData arrays the envs read (all float64, row-major). */
export type DataField = "qpos" | "qvel" | "ctrl" | "act" | "qacc" | "xpos" | "xquat" | "cfrc_ext" | "cvel" | "subtree_com" | "site_xpos" | "geom_xpos" | "sensordata" | "qfrc_actuator";

/** Scalar options of the compiled model (`mjOption`), as in the gym-traces `model.opt`. */
export interface ModelOptions {
  timestep: number;
  integrator: number;
  gravity: [number, number, number];
  cone: number;
  solver: number;
  iterations: number;
  tolerance: number;
  jacobian: number;
}

/** Sizes of the compiled model. */
export interface ModelSizes {
  nq: number;
  nv: number;
  nu: number;
  na: number;
  nbody: number;
  njnt: number;
  ngeom: number;
}

type ObjKind = "body" | "joint" | "geom" | "site" | "actuator";

function errorText(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return raw.replace(/^MuJoCo Error:\s*/, "").replace(/\s+$/, "").replace(/\n+/g, "; ");
}

/** The folder holding this package's package.json (so assets resolve the same from src/ and dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "assets"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new LflError("E_FILE", `cannot find the package root (package.json + assets/) above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Reads `assets/mujoco/<file>` of this package. */
export function readMujocoAsset(file: string): string {
  const path = join(packageRoot(), "assets", "mujoco", file);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new LflError("E_FILE", `cannot read MJCF asset ${path}: ${errorText(e)}`, { cause: e });
  }
}

export class MujocoRuntime {
  private loaded = 0;
  private disposed = false;

  private constructor(readonly module: MainModule) {
    module.FS.mkdir("/lfl");
  }

  /** Instantiates a fresh WASM module (no caching: call once per thread). */
  static async load(): Promise<MujocoRuntime> {
    const { default: factory } = await import("mujoco");
    return new MujocoRuntime(await factory());
  }

  /** MuJoCo's version string ("3.5.1"). */
  get version(): string {
    return this.module.mj_versionString();
  }

  /** Compiles MJCF text into a new `MujocoSim`; `name` labels errors. */
  compile(name: string, xml: string): MujocoSim {
    if (this.disposed) throw new LflError("E_ENV", `MuJoCo runtime used after dispose (compiling ${name})`);
    const path = `/lfl/model-${this.loaded++}.xml`;
    this.module.FS.writeFile(path, xml);
    let model: MjModel;
    try {
      model = this.module.MjModel.mj_loadXML(path);
    } catch (e) {
      throw new InputError("E_ENV", `MJCF ${name} does not compile: ${errorText(e)}`, { cause: e });
    } finally {
      this.module.FS.unlink(path);
    }
    let data: MjData;
    try {
      data = new this.module.MjData(model);
    } catch (e) {
      model.delete();
      throw new LflError("E_ENV", `MuJoCo cannot allocate data for ${name}: ${errorText(e)}`, { cause: e });
    }
    return new MujocoSim(this.module, name, model, data);
  }

  /** Compiles `assets/mujoco/<file>`. */
  compileAsset(file: string): MujocoSim {
    return this.compile(file, readMujocoAsset(file));
  }

  /** Marks the runtime unusable; the WASM memory is freed when the runtime is garbage-collected. */
  dispose(): void {
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Loads a MuJoCo runtime for this thread (see `MujocoRuntime`). */
export function loadMujoco(): Promise<MujocoRuntime> {
  return MujocoRuntime.load();
}

/** One compiled model and its simulation state. */
export class MujocoSim {
  private views = new Map<DataField, Float64Array>();
  private alive = true;
  readonly sizes: Readonly<ModelSizes>;
  readonly options: Readonly<ModelOptions>;

  constructor(
    private readonly mj: MainModule,
    readonly name: string,
    private readonly m: MjModel,
    private readonly d: MjData,
  ) {
    this.sizes = { nq: m.nq, nv: m.nv, nu: m.nu, na: m.na, nbody: m.nbody, njnt: m.njnt, ngeom: m.ngeom };
    const o = m.opt;
    try {
      const g = Float64Array.from(o.gravity as ArrayLike<number>);
      this.options = {
        timestep: o.timestep, integrator: o.integrator, gravity: [g[0]!, g[1]!, g[2]!], cone: o.cone,
        solver: o.solver, iterations: o.iterations, tolerance: o.tolerance, jacobian: o.jacobian,
      };
    } finally {
      o.delete();
    }
  }

  private live(): void {
    if (!this.alive) throw new LflError("E_ENV", `MuJoCo model ${this.name} used after dispose`);
  }

  /** A float64 view of an MjData array, re-fetched if WASM memory growth detached the cached one. */
  view(field: DataField): Float64Array {
    const cached = this.views.get(field);
    if (cached !== undefined && cached.buffer.byteLength !== 0) return cached; // WASM memory is never 0 bytes unless detached
    this.live();
    const v: unknown = this.d[field];
    if (!(v instanceof Float64Array)) throw new LflError("E_ENV", `MjData.${field} of ${this.name} is not a Float64Array`);
    this.views.set(field, v);
    return v;
  }

  /** A copy of an MjModel array (e.g. "body_mass", "jnt_range"), for inspection and tests. */
  modelArray(field: string): Float64Array {
    this.live();
    const v: unknown = (this.m as unknown as Record<string, unknown>)[field];
    if (!ArrayBuffer.isView(v) || v instanceof DataView) throw new LflError("E_ENV", `MjModel.${field} of ${this.name} is not a numeric array`);
    return Float64Array.from(v as unknown as ArrayLike<number>);
  }

  /** Index of a named element; throws E_ENV if the model has no such element. */
  id(kind: ObjKind, name: string): number {
    this.live();
    const obj = this.mj.mjtObj;
    const code = { body: obj.mjOBJ_BODY, joint: obj.mjOBJ_JOINT, geom: obj.mjOBJ_GEOM, site: obj.mjOBJ_SITE, actuator: obj.mjOBJ_ACTUATOR }[kind].value;
    const i = this.mj.mj_name2id(this.m, code, name);
    if (i < 0) throw new LflError("E_ENV", `MuJoCo model ${this.name} has no ${kind} named "${name}"`);
    return i;
  }

  /** Name of element `i` of `kind` ("" if unnamed). */
  nameOf(kind: ObjKind, i: number): string {
    this.live();
    const obj = this.mj.mjtObj;
    const code = { body: obj.mjOBJ_BODY, joint: obj.mjOBJ_JOINT, geom: obj.mjOBJ_GEOM, site: obj.mjOBJ_SITE, actuator: obj.mjOBJ_ACTUATOR }[kind].value;
    return this.mj.mj_id2name(this.m, code, i) ?? "";
  }

  /** `mj_resetData`: qpos = qpos0, qvel = 0, time = 0, ctrl = 0. */
  resetData(): void {
    this.live();
    this.mj.mj_resetData(this.m, this.d);
  }

  /** `mj_forward`: recomputes positions, velocities and forces from the current state. */
  forward(): void {
    this.live();
    this.mj.mj_forward(this.m, this.d);
  }

  /** `n` × `mj_step`; with `rnePostConstraint`, also computes cacc/cfrc_int/cfrc_ext as Gymnasium does. */
  step(n: number, rnePostConstraint = false): void {
    this.live();
    for (let i = 0; i < n; i++) this.mj.mj_step(this.m, this.d);
    if (rnePostConstraint) this.mj.mj_rnePostConstraint(this.m, this.d);
  }

  get time(): number {
    return this.d.time;
  }

  /** Frees the MjData and MjModel. Safe to call twice. */
  dispose(): void {
    if (!this.alive) return;
    this.alive = false;
    this.views.clear();
    this.d.delete();
    this.m.delete();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
