/**
 * A multilayer perceptron: Linear layers with tanh between them and a linear output, on batch-major
 * Float64Arrays. All parameters live in ONE flat vector `params` (layer by layer: W then b) with a matching
 * `grads` vector, so cloning, snapshots, optimisers, gradient clipping and JSON files handle one array.
 *
 * `forward` caches what `backward` needs; `backward` ACCUMULATES into `grads` (call `zeroGrad()` first).
 * Outputs returned by `forward`/`backward` are views into internal buffers, valid until the next call.
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { orthogonalInit } from "./init.ts";
import { Linear } from "./linear.ts";

export interface MlpInit {
  rng: Rng;
  /** Orthogonal gain of the hidden layers (default √2, as SB3 / the authors' code). */
  hiddenGain?: number;
  /** Orthogonal gain of the output layer (default 1). Biases start at 0. */
  outputGain?: number;
}

/** The JSON form of an MLP (`MLP.toJSON` / `MLP.fromJSON`). */
export interface MlpJson {
  kind: "mlp";
  activation: "tanh";
  sizes: number[];
  params: number[];
}

export class MLP {
  /** Layer widths [in, hidden..., out]. */
  readonly sizes: readonly number[];
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly layers: readonly Linear[];
  private capacity = 0;
  /** acts[0] is a copy of the input; acts[l] the output of layer l (after tanh for hidden layers). */
  private acts: Float64Array[] = [];
  /** deltas[l]: dL/d(acts[l]). */
  private deltas: Float64Array[] = [];
  private batch = 0;
  /** The last views returned by `forward` / `backward` (reused while the batch and buffers are the same: no allocation per call). */
  private outView: Float64Array = new Float64Array(0);
  private inGradView: Float64Array = new Float64Array(0);

  /** Builds the network; with `init` weights are orthogonal (biases 0), without it all parameters are 0. */
  constructor(sizes: readonly number[], init?: MlpInit) {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new InputError("E_INVALID_ARGUMENT", `MLP sizes must be ≥ 2 positive integers, got [${sizes.join(", ")}]`);
    }
    this.sizes = Object.freeze([...sizes]);
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += Linear.parameterCount(sizes[l]!, sizes[l + 1]!);
    this.params = new Float64Array(n);
    this.grads = new Float64Array(n);
    const layers: Linear[] = [];
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const layer = new Linear(sizes[l]!, sizes[l + 1]!, this.params, this.grads, off);
      layers.push(layer);
      off += layer.size;
    }
    this.layers = layers;
    if (init) {
      const hiddenGain = init.hiddenGain ?? Math.SQRT2;
      const outputGain = init.outputGain ?? 1;
      layers.forEach((layer, l) => {
        orthogonalInit(layer.weight, layer.outDim, layer.inDim, l === layers.length - 1 ? outputGain : hiddenGain, init.rng);
      });
    }
  }

  get inDim(): number {
    return this.sizes[0]!;
  }
  get outDim(): number {
    return this.sizes[this.sizes.length - 1]!;
  }

  private ensure(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, 2 * this.capacity);
    this.acts = this.sizes.map((s) => new Float64Array(cap * s));
    this.deltas = this.sizes.map((s) => new Float64Array(cap * s));
    this.capacity = cap;
  }

  /** y[batch, out] for x[batch, in] (a view valid until the next forward). */
  forward(x: Float64Array, batch: number): Float64Array {
    const inDim = this.inDim;
    if (x.length < batch * inDim) throw new RangeError(`MLP.forward: input has ${x.length} values, need ${batch}×${inDim}`);
    this.ensure(batch);
    this.batch = batch;
    this.acts[0]!.set(x.length === batch * inDim ? x : x.subarray(0, batch * inDim));
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const layer = this.layers[l]!;
      const out = this.acts[l + 1]!;
      layer.forward(this.acts[l]!, out, batch, l < L - 1); // tanh after every hidden layer
    }
    const out = this.acts[L]!;
    if (this.outView.buffer !== out.buffer || this.outView.length !== batch * this.outDim) this.outView = out.subarray(0, batch * this.outDim);
    return this.outView;
  }

  /**
   * Back-propagates dOut = dL/dy [batch, out] of the last forward: accumulates dL/dθ into `grads`; returns
   * dL/dx [batch, in] (a view) when `inputGrad` is true.
   */
  backward(dOut: Float64Array, inputGrad = false): Float64Array | undefined {
    const batch = this.batch;
    const L = this.layers.length;
    let dy: Float64Array = dOut;
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const needDx = l > 0 || inputGrad;
      const dx = needDx ? this.deltas[l]! : undefined;
      // For l > 0, acts[l] is the tanh output of layer l−1: dx comes back through that tanh (pre-activation gradient).
      layer.backward(this.acts[l]!, dy, batch, dx, l > 0);
      if (l > 0) dy = this.deltas[l]!;
    }
    if (!inputGrad) return undefined;
    const d0 = this.deltas[0]!;
    if (this.inGradView.buffer !== d0.buffer || this.inGradView.length !== batch * this.inDim) this.inGradView = d0.subarray(0, batch * this.inDim);
    return this.inGradView;
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** A copy of the parameters. */
  snapshot(): Float64Array {
    return this.params.slice();
  }

  /** Overwrites the parameters with a snapshot of the same size. */
  load(snapshot: ArrayLike<number>): void {
    if (snapshot.length !== this.params.length) {
      throw new InputError("E_INVALID_ARGUMENT", `MLP.load: snapshot has ${snapshot.length} values, network has ${this.params.length}`);
    }
    this.params.set(snapshot);
  }

  /** An independent network with the same sizes and a copy of the parameters (gradients zero). */
  clone(): MLP {
    const m = new MLP(this.sizes);
    m.params.set(this.params);
    return m;
  }

  toJSON(): MlpJson {
    return { kind: "mlp", activation: "tanh", sizes: [...this.sizes], params: Array.from(this.params) };
  }

  /** Rebuilds a network from `toJSON` output, validating sizes and finiteness. */
  static fromJSON(json: unknown): MLP {
    const bad = (msg: string): never => {
      throw new InputError("E_INVALID_JSON", `MLP JSON: ${msg}`);
    };
    if (typeof json !== "object" || json === null) return bad("not an object");
    const o = json as Record<string, unknown>;
    if (o["kind"] !== "mlp") bad(`kind must be "mlp", got ${JSON.stringify(o["kind"])}`);
    if (o["activation"] !== "tanh") bad(`activation must be "tanh", got ${JSON.stringify(o["activation"])}`);
    const sizes = o["sizes"];
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && (s as number) > 0)) {
      return bad("sizes must be an array of ≥ 2 positive integers");
    }
    const params = o["params"];
    if (!Array.isArray(params)) return bad("params must be an array of numbers");
    const m = new MLP(sizes as number[]);
    if (params.length !== m.params.length) bad(`params has ${params.length} values, sizes [${sizes.join(", ")}] need ${m.params.length}`);
    params.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) bad(`params[${i}] is not a finite number`);
    });
    m.params.set(params as number[]);
    return m;
  }
}
