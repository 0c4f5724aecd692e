/**
 * Adam over a set of parameter groups (flat Float64Arrays with matching gradient arrays), with optional
 * clipping of the GLOBAL gradient norm over all groups (PyTorch's `clip_grad_norm_`, as SB3 applies it to
 * the whole policy). The update itself is `adamStep` in kernels.ts.
 */
import { InputError, NumericalError } from "../core/errors.ts";
import { adamStep, scaleInPlace, sumSquares } from "./kernels.ts";

export interface ParamGroup {
  params: Float64Array;
  grads: Float64Array;
}

export interface AdamConfig {
  /** Learning rate (default 3e-4). */
  lr?: number;
  beta1?: number;
  beta2?: number;
  /** Added to √v̂ (default 1e-8; SB3 uses 1e-5 for PPO). */
  eps?: number;
  /** Clip the global gradient norm to this value before the step (default: no clipping). */
  maxGradNorm?: number;
}

export interface AdamState {
  t: number;
  m: number[][];
  v: number[][];
}

export class Adam {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly maxGradNorm: number;
  private readonly groups: readonly ParamGroup[];
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  /** Number of steps taken. */
  t = 0;

  constructor(groups: readonly ParamGroup[], config: AdamConfig = {}) {
    this.lr = config.lr ?? 3e-4;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.eps = config.eps ?? 1e-8;
    this.maxGradNorm = config.maxGradNorm ?? Infinity;
    for (const [name, x] of [["lr", this.lr], ["eps", this.eps], ["maxGradNorm", this.maxGradNorm]] as const) {
      if (!(x > 0)) throw new InputError("E_INVALID_CONFIG", `Adam: ${name} must be > 0, got ${x}`);
    }
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new InputError("E_INVALID_CONFIG", `Adam: betas must be in [0, 1), got ${this.beta1}, ${this.beta2}`);
    }
    groups.forEach((g, i) => {
      if (g.params.length !== g.grads.length) throw new InputError("E_INVALID_ARGUMENT", `Adam: group ${i} has ${g.params.length} params but ${g.grads.length} grads`);
    });
    this.groups = groups;
    this.m = groups.map((g) => new Float64Array(g.params.length));
    this.v = groups.map((g) => new Float64Array(g.params.length));
  }

  /** √Σ g² over all groups. */
  gradNorm(): number {
    let s = 0;
    for (const g of this.groups) s += sumSquares(g.grads);
    return Math.sqrt(s);
  }

  /**
   * Clips the gradients (if configured) and takes one step. Returns the gradient norm before clipping.
   * Throws NumericalError (naming `where`, a string or a function building it only then) if the gradient norm
   * is not finite: parameters stay untouched.
   */
  step(where: string | (() => string) = "Adam.step"): number {
    const norm = this.gradNorm();
    if (!Number.isFinite(norm)) throw new NumericalError(`non-finite gradient norm ${norm} at ${typeof where === "string" ? where : where()}`);
    if (norm > this.maxGradNorm) {
      const c = this.maxGradNorm / (norm + 1e-6); // PyTorch's clip_grad_norm_ coefficient
      for (const g of this.groups) scaleInPlace(g.grads, c);
    }
    this.t++;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i]!;
      adamStep(g.params, g.grads, this.m[i]!, this.v[i]!, this.lr, this.beta1, this.beta2, this.eps, this.t);
    }
    return norm;
  }

  zeroGrad(): void {
    for (const g of this.groups) g.grads.fill(0);
  }

  /** The moment estimates and step count (JSON-serialisable), to resume training. */
  state(): AdamState {
    return { t: this.t, m: this.m.map((a) => Array.from(a)), v: this.v.map((a) => Array.from(a)) };
  }

  loadState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.m.some((a, i) => a.length !== this.m[i]!.length)) {
      throw new InputError("E_INVALID_ARGUMENT", "Adam.loadState: state does not match the parameter groups");
    }
    this.t = s.t;
    s.m.forEach((a, i) => this.m[i]!.set(a));
    s.v.forEach((a, i) => this.v[i]!.set(a));
  }
}
