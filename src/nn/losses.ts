/**
 * Losses as (value, dL/d(output)) pairs, for the hand-written backward passes. Every loss is a MEAN over
 * its n entries, and its gradient is with respect to that mean.
 */

export interface LossResult {
  loss: number;
  /** dL/d(prediction), one entry per prediction. */
  grad: Float64Array;
}

/** L = (1/n) Σ (pred_i − target_i)²  (PyTorch's F.mse_loss), scaled by `coef`. */
export function mseLoss(pred: Float64Array, target: Float64Array, n: number, coef = 1, grad = new Float64Array(n)): LossResult {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - target[i]!;
    s += d * d;
    grad[i] = (coef * 2 * d) / n;
  }
  return { loss: (coef * s) / n, grad };
}

/**
 * Binary cross-entropy on logits, L = (1/n) Σ [softplus(x_i) − y_i x_i] with y ∈ [0, 1] (stable form);
 * dL/dx_i = (σ(x_i) − y_i)/n.
 */
export function bceWithLogitsLoss(logits: Float64Array, labels: Float64Array, n: number, grad = new Float64Array(n)): LossResult {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = logits[i]!, y = labels[i]!;
    const softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    s += softplus - y * x;
    const sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    grad[i] = (sig - y) / n;
  }
  return { loss: s / n, grad };
}

export interface PpoClipResult extends LossResult {
  /** Fraction of entries where the ratio was clipped (|ratio − 1| > clip). */
  clipFraction: number;
  /** The (old − new) log-ratio mean estimate of KL(old‖new), "approx_kl" as SB3: mean((r − 1) − log r). */
  approxKl: number;
}

/**
 * PPO's clipped surrogate (Schulman et al., 2017, Eq. 7), as a loss to minimise:
 *   L = −(1/n) Σ min(r_i A_i, clip(r_i, 1−ε, 1+ε) A_i),  r_i = exp(logp_i − oldLogp_i).
 * grad = dL/d(logp_i): −r_i A_i / n where the unclipped term is the minimum, else 0.
 */
export function ppoClipLoss(logp: Float64Array, oldLogp: Float64Array, adv: Float64Array, n: number, clip: number, grad = new Float64Array(n)): PpoClipResult {
  let s = 0, clipped = 0, kl = 0;
  for (let i = 0; i < n; i++) {
    const logRatio = logp[i]! - oldLogp[i]!;
    const r = Math.exp(logRatio);
    const a = adv[i]!;
    const unclipped = r * a;
    const rc = r < 1 - clip ? 1 - clip : r > 1 + clip ? 1 + clip : r;
    const clippedTerm = rc * a;
    if (unclipped <= clippedTerm) {
      s += unclipped;
      grad[i] = (-unclipped) / n;
    } else {
      s += clippedTerm;
      grad[i] = 0;
    }
    if (Math.abs(r - 1) > clip) clipped++;
    kl += r - 1 - logRatio;
  }
  return { loss: -s / n, grad, clipFraction: clipped / n, approxKl: kl / n };
}
