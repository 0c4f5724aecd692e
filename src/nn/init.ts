/** Weight initialisation from our seeded Rng. */
import type { Rng } from "../core/rng.ts";

/**
 * Fills the row-major matrix W[rows, cols] (a view is fine) with a (semi-)orthogonal matrix times `gain`,
 * as PyTorch's `nn.init.orthogonal_` (Saxe et al., 2014): draw a standard-normal matrix, orthonormalise the
 * columns of its tall orientation (modified Gram–Schmidt = QR with a positive diagonal of R), and scale.
 * If rows ≥ cols the columns of W are orthonormal (×gain); otherwise its rows are.
 */
export function orthogonalInit(w: Float64Array, rows: number, cols: number, gain: number, rng: Rng): void {
  if (w.length < rows * cols) throw new RangeError(`orthogonalInit: buffer has ${w.length} entries, need ${rows}×${cols}`);
  const tall = rows >= cols;
  const p = tall ? rows : cols; // length of each vector
  const q = tall ? cols : rows; // number of orthonormal vectors
  // Q[q][p]: the q vectors stored contiguously.
  const Q = new Float64Array(q * p);
  for (let i = 0; i < Q.length; i++) Q[i] = rng.normal();
  for (let j = 0; j < q; j++) {
    const vj = j * p;
    for (let pass = 0; pass < 2; pass++) {
      // Two passes of modified Gram–Schmidt ("twice is enough") for orthogonality to rounding error.
      for (let i = 0; i < j; i++) {
        const vi = i * p;
        let d = 0;
        for (let t = 0; t < p; t++) d += Q[vi + t]! * Q[vj + t]!;
        for (let t = 0; t < p; t++) Q[vj + t] -= d * Q[vi + t]!;
      }
    }
    let norm = 0;
    for (let t = 0; t < p; t++) norm += Q[vj + t]! * Q[vj + t]!;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new RangeError("orthogonalInit: degenerate random draw");
    for (let t = 0; t < p; t++) Q[vj + t] /= norm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // tall: column c of W is vector c; wide: row r of W is vector r.
      w[r * cols + c] = gain * (tall ? Q[c * p + r]! : Q[r * p + c]!);
    }
  }
}
