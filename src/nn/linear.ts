/**
 * A fully connected layer y = x·Wᵀ + b on batch-major Float64Arrays, forward and backward side by side.
 * W is [outDim, inDim] row-major (PyTorch's layout), b is [outDim]; both are views into a caller-owned flat
 * parameter vector, and their gradients are views into the matching flat gradient vector, so optimisers,
 * clipping, cloning and serialisation work on one array.
 */
import { linearBackward, linearBackwardTanh, linearForward, linearForwardTanh, linearScratchSize } from "./kernels.ts";

export class Linear {
  readonly inDim: number;
  readonly outDim: number;
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly weightGrad: Float64Array;
  readonly biasGrad: Float64Array;
  /** Number of parameters: outDim·inDim + outDim. */
  readonly size: number;
  // Scratch of the kernels (transposes), grown with the batch size.
  private scratch: Float64Array;
  private scratchBatch = 0;

  /** Views parameters and gradients at `offset` of the flat vectors `params` and `grads`. */
  constructor(inDim: number, outDim: number, params: Float64Array, grads: Float64Array, offset = 0) {
    this.inDim = inDim;
    this.outDim = outDim;
    this.size = outDim * inDim + outDim;
    if (offset + this.size > params.length || params.length !== grads.length) {
      throw new RangeError(`Linear(${inDim}→${outDim}): parameter vector too short or grads length differs`);
    }
    this.weight = params.subarray(offset, offset + outDim * inDim);
    this.bias = params.subarray(offset + outDim * inDim, offset + this.size);
    this.weightGrad = grads.subarray(offset, offset + outDim * inDim);
    this.biasGrad = grads.subarray(offset + outDim * inDim, offset + this.size);
    this.scratch = new Float64Array(linearScratchSize(0, inDim, outDim));
  }

  static parameterCount(inDim: number, outDim: number): number {
    return outDim * inDim + outDim;
  }

  /** y[batch, outDim] = x[batch, inDim]·Wᵀ + b, or tanh of it when `tanh` is true. */
  forward(x: Float64Array, y: Float64Array, batch: number, tanh = false): void {
    if (tanh) linearForwardTanh(x, this.weight, this.bias, y, this.scratch, batch, this.inDim, this.outDim);
    else linearForward(x, this.weight, this.bias, y, this.scratch, batch, this.inDim, this.outDim);
  }

  /**
   * Given x (the forward input) and dy = dL/dy [batch, outDim]: accumulates dL/dW += dyᵀ·x and dL/db += Σ dy
   * into the gradient views, and writes dL/dx = dy·W into `dx` [batch, inDim] if given — times (1 − x²) when
   * `inputIsTanh` (x is a tanh's output, so dx is then the gradient before that tanh).
   */
  backward(x: Float64Array, dy: Float64Array, batch: number, dx?: Float64Array, inputIsTanh = false): void {
    if (batch > this.scratchBatch) {
      this.scratchBatch = batch;
      this.scratch = new Float64Array(linearScratchSize(batch, this.inDim, this.outDim));
    }
    if (inputIsTanh && dx) linearBackwardTanh(x, this.weight, dy, this.weightGrad, this.biasGrad, dx, this.scratch, batch, this.inDim, this.outDim);
    else linearBackward(x, this.weight, dy, this.weightGrad, this.biasGrad, dx ?? null, this.scratch, batch, this.inDim, this.outDim);
  }
}
