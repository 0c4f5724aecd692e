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
import { linearBackward, linearForward, linearScratchSize, tanhBackward } from "./kernels.ts";
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
  /** `forwardAtHeads`: the rows of each head read, gather buffers and the one-column products' scratch. */
  private headRows: Int32Array[] = [];
  private gatherBuf = new Float64Array(0);
  private headScratch = new Float64Array(0);

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
    const L = this.layers.length;
    this.forwardLayers(x, batch, L);
    const out = this.acts[L]!;
    if (this.outView.buffer !== out.buffer || this.outView.length !== batch * this.outDim) this.outView = out.subarray(0, batch * this.outDim);
    return this.outView;
  }

  /** Layers 0..upTo−1 on x (tanh after every hidden layer), caching their activations. */
  private forwardLayers(x: Float64Array, batch: number, upTo: number): void {
    const inDim = this.inDim;
    if (x.length < batch * inDim) throw new RangeError(`MLP.forward: input has ${x.length} values, need ${batch}×${inDim}`);
    this.ensure(batch);
    this.batch = batch;
    this.acts[0]!.set(x.length === batch * inDim ? x : x.subarray(0, batch * inDim));
    const L = this.layers.length;
    for (let l = 0; l < upTo; l++) this.layers[l]!.forward(this.acts[l]!, this.acts[l + 1]!, batch, l < L - 1);
  }

  /**
   * out[r] = y[r, head[r]] for x[batch, in]: the output of `forward` read at one head per row, bit for bit, with
   * the output layer computed only for that head (1/out of its cost; e.g. the shaping heads ψ_k of Algorithm 1,
   * one per observed update, where each row reads its own update's). A view valid until the next forward.
   */
  forwardAtHeads(x: Float64Array, batch: number, head: Int32Array): Float64Array {
    const L = this.layers.length, out = this.layers[L - 1]!, H = this.outDim, D = out.inDim;
    if (head.length < batch) throw new RangeError(`MLP.forwardAtHeads: ${head.length} heads for ${batch} rows`);
    // Rows grouped by head, each group in increasing row order (as the full product sums them).
    const count = new Int32Array(H);
    for (let r = 0; r < batch; r++) {
      const k = head[r]!;
      if (!(Number.isInteger(k) && k >= 0 && k < H)) throw new RangeError(`MLP.forwardAtHeads: head ${k} of row ${r} is not in 0..${H - 1}`);
      count[k]!++;
    }
    const rows = Array.from(count, (c) => new Int32Array(c));
    count.fill(0);
    for (let r = 0; r < batch; r++) { const k = head[r]!; rows[k]![count[k]!++] = r; }
    this.headRows = rows;
    this.forwardLayers(x, batch, L - 1);
    const h = this.acts[L - 1]!, y = this.acts[L]!;
    this.ensureHeadBuffers(batch, D);
    const hk = this.gatherBuf, yk = this.gatherBuf.subarray(2 * batch * D);
    rows.forEach((idx, k) => {
      const w = out.weight.subarray(k * D, (k + 1) * D), b = out.bias.subarray(k, k + 1);
      if (idx.length === batch) return linearForward(h, w, b, y, this.headScratch, batch, D, 1); // one head: no gather
      if (idx.length === 0) return;
      idx.forEach((r, p) => hk.set(h.subarray(r * D, (r + 1) * D), p * D));
      linearForward(hk, w, b, yk, this.headScratch, idx.length, D, 1);
      idx.forEach((r, p) => { y[r] = yk[p]!; });
    });
    return y.subarray(0, batch);
  }

  /** Gather buffers of `forwardAtHeads` (h rows, their dL/dh, then y or dL/dy) and the one-column products' scratch. */
  private ensureHeadBuffers(batch: number, D: number): void {
    if (this.gatherBuf.length < batch * (2 * D + 1)) this.gatherBuf = new Float64Array(batch * (2 * D + 1));
    if (this.headScratch.length < linearScratchSize(batch, D, 1)) this.headScratch = new Float64Array(linearScratchSize(batch, D, 1));
  }

  /**
   * `backward` after `forwardAtHeads`: dOut[r] = dL/d out[r]. Accumulates dL/dθ into `grads` (the output layer's
   * only in the rows of the heads read) — the same bits as `backward` with dL/dy zero at every other head.
   */
  backwardAtHeads(dOut: Float64Array): void {
    const batch = this.batch, L = this.layers.length, out = this.layers[L - 1]!, D = out.inDim;
    if (dOut.length < batch) throw new RangeError(`MLP.backwardAtHeads: ${dOut.length} gradients for ${batch} rows`);
    const h = this.acts[L - 1]!, dh = this.deltas[L - 1]!;
    this.ensureHeadBuffers(batch, D);
    const hk = this.gatherBuf, dhk = this.gatherBuf.subarray(batch * D, 2 * batch * D), dyk = this.gatherBuf.subarray(2 * batch * D);
    this.headRows.forEach((idx, k) => {
      const w = out.weight.subarray(k * D, (k + 1) * D), dw = out.weightGrad.subarray(k * D, (k + 1) * D), db = out.biasGrad.subarray(k, k + 1);
      if (idx.length === batch) return linearBackward(h, w, dOut, dw, db, dh, this.headScratch, batch, D, 1); // one head: no gather
      if (idx.length === 0) return;
      idx.forEach((r, p) => { hk.set(h.subarray(r * D, (r + 1) * D), p * D); dyk[p] = dOut[r]!; });
      linearBackward(hk, w, dyk, dw, db, dhk, this.headScratch, idx.length, D, 1);
      idx.forEach((r, p) => dh.set(dhk.subarray(p * D, (p + 1) * D), r * D));
    });
    if (L === 1) return;
    tanhBackward(h, dh, dh, batch * D); // through the last hidden layer's tanh, as `backward` does
    this.backwardLayers(L - 2, dh);
  }

  /**
   * Back-propagates dOut = dL/dy [batch, out] of the last forward: accumulates dL/dθ into `grads`; returns
   * dL/dx [batch, in] (a view) when `inputGrad` is true.
   */
  backward(dOut: Float64Array, inputGrad = false): Float64Array | undefined {
    const batch = this.batch;
    this.backwardLayers(this.layers.length - 1, dOut, inputGrad);
    if (!inputGrad) return undefined;
    const d0 = this.deltas[0]!;
    if (this.inGradView.buffer !== d0.buffer || this.inGradView.length !== batch * this.inDim) this.inGradView = d0.subarray(0, batch * this.inDim);
    return this.inGradView;
  }

  /** Layers from..0 of `backward`, given dy = dL/d(output of layer `from`) (before any tanh of it). */
  private backwardLayers(from: number, dOut: Float64Array, inputGrad = false): void {
    const batch = this.batch;
    let dy: Float64Array = dOut;
    for (let l = from; l >= 0; l--) {
      const layer = this.layers[l]!;
      const needDx = l > 0 || inputGrad;
      const dx = needDx ? this.deltas[l]! : undefined;
      // For l > 0, acts[l] is the tanh output of layer l−1: dx comes back through that tanh (pre-activation gradient).
      layer.backward(this.acts[l]!, dy, batch, dx, l > 0);
      if (l > 0) dy = this.deltas[l]!;
    }
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
