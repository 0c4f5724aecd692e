/*
 * The previous native kernels, verbatim but for their names and the LFL_MULTI attribute (they were built with
 * -march=native; now each has one clone per instruction set): LFL_KERNELS=native-scalar, the baseline the
 * current kernels (gemm.c) are measured against. Same contract as the TypeScript kernels: bit-identical.
 */
#include <stdlib.h>
#include "lfl_kernels.h"

/* e^x for |x| <= 40 (the previous version, converting k to an integer): the same range reduction, Horner polynomial and scaling as expBounded in kernels.ts. */
static inline double legacy_exp_bounded(double x) {
  const double LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10, INV_LN2 = 1.44269504088896338700;
  const double k = floor(x * INV_LN2 + 0.5);
  const double r = x - k * LN2_HI - k * LN2_LO;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int64_t bits = ((int64_t)k + 1023) << 52; /* 2^k, exact for |k| <= 1022 */
  double s2k;
  memcpy(&s2k, &bits, sizeof s2k);
  return p * s2k;
}


/*
 * The one product kernel: C[m×n] from acc[r][j] = Σ_{p=0}^{k-1} A(r, p)·B[p, j], summed in increasing p from 0.0,
 * where A(r, p) = a[r·ars + p·aps] (any strides) and B is row-major with row stride ldb. Then, per `mode`:
 * MODE_BIAS c = acc + bias[j]; MODE_ZERO c = acc + 0.0; MODE_ACC c += acc. Register-blocked 4 rows × 8 columns
 * (the accumulators stay in vector registers); edges use the same loops one row / column at a time, so every
 * entry sees the same operations in the same order as the TypeScript gemmABt.
 */
#define MR 4
#define NR 8
typedef double v4d __attribute__((vector_size(32)));

static inline void finish(double *restrict c, double acc, const double *bias, int j, int mode) {
  if (mode == MODE_BIAS) *c = acc + bias[j];
  else if (mode == MODE_ZERO) *c = acc + 0.0;
  else *c += acc;
}

LFL_MULTI static void gemm(int m, int n, int k, const double *restrict a, long ars, long aps, const double *restrict b, long ldb,
                 double *restrict c, long ldc, const double *restrict bias, int mode) {
  int r = 0;
  for (; r + MR <= m; r += MR) {
    int j = 0;
    for (; j + NR <= n; j += NR) {
      v4d c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
      const double *restrict a0p = a + (long)r * ars, *restrict a1p = a0p + ars, *restrict a2p = a1p + ars, *restrict a3p = a2p + ars;
      for (int p = 0; p < k; p++) {
        const double *restrict bp = b + (long)p * ldb + j;
        v4d b0, b1;
        memcpy(&b0, bp, sizeof b0);
        memcpy(&b1, bp + 4, sizeof b1);
        const long ap = (long)p * aps;
        const double a0 = a0p[ap], a1 = a1p[ap], a2 = a2p[ap], a3 = a3p[ap];
        c00 += a0 * b0; c01 += a0 * b1;
        c10 += a1 * b0; c11 += a1 * b1;
        c20 += a2 * b0; c21 += a2 * b1;
        c30 += a3 * b0; c31 += a3 * b1;
      }
      const v4d acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
      for (int i = 0; i < MR; i++)
        for (int q = 0; q < NR; q++) finish(c + (long)(r + i) * ldc + j + q, acc[i][q / 4][q % 4], bias, j + q, mode);
    }
    for (; j < n; j++) {
      for (int i = 0; i < MR; i++) {
        double s = 0.0;
        for (int p = 0; p < k; p++) s += a[(long)(r + i) * ars + p * aps] * b[(long)p * ldb + j];
        finish(c + (long)(r + i) * ldc + j, s, bias, j, mode);
      }
    }
  }
  for (; r < m; r++) {
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int p = 0; p < k; p++) s += a[(long)r * ars + p * aps] * b[(long)p * ldb + j];
      finish(c + (long)r * ldc + j, s, bias, j, mode);
    }
  }
}

/*
 * y[b, o] = (Σ_i x[b, i]·W[o, i]) + bias[o]; wt is scratch of inDim·outDim. Small batches (acting) use dot
 * products, 4 outputs at a time; larger ones transpose W once and run the blocked kernel. Same operations.
 */
LFL_MULTI void lfl_legacy_linear_forward(const double *restrict x, const double *restrict w, const double *restrict bias, double *restrict y,
                           double *restrict wt, int batch, int in, int out) {
  if (batch < 8) {
    for (int b = 0; b < batch; b++) {
      const double *restrict xb = x + (size_t)b * in;
      double *restrict yb = y + (size_t)b * out;
      int o = 0;
      for (; o + 4 <= out; o += 4) {
        const double *w0 = w + (size_t)o * in, *w1 = w0 + in, *w2 = w1 + in, *w3 = w2 + in;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (int i = 0; i < in; i++) {
          const double xi = xb[i];
          s0 += xi * w0[i]; s1 += xi * w1[i]; s2 += xi * w2[i]; s3 += xi * w3[i];
        }
        yb[o] = s0 + bias[o]; yb[o + 1] = s1 + bias[o + 1]; yb[o + 2] = s2 + bias[o + 2]; yb[o + 3] = s3 + bias[o + 3];
      }
      for (; o < out; o++) {
        const double *wo = w + (size_t)o * in;
        double s = 0.0;
        for (int i = 0; i < in; i++) s += xb[i] * wo[i];
        yb[o] = s + bias[o];
      }
    }
    return;
  }
  for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wt[i * out + o] = w[o * in + i];
  gemm(batch, out, in, x, in, 1, wt, out, y, out, bias, MODE_BIAS);
}

/*
 * dW[o, i] += (Σ_b dy[b, o]·x[b, i]);  dB[o] += dy[b, o] row by row;  dx[b, i] = (Σ_o dy[b, o]·W[o, i]) + 0.0.
 */
LFL_MULTI void lfl_legacy_linear_backward(const double *restrict x, const double *restrict w, const double *restrict dy, double *restrict dw,
                            double *restrict db, double *restrict dx, int batch, int in, int out) {
  gemm(out, in, batch, dy, 1, out, x, in, dw, in, NULL, MODE_ACC);
  for (int b = 0; b < batch; b++) {
    const double *restrict dyb = dy + (size_t)b * out;
    for (int o = 0; o < out; o++) db[o] += dyb[o];
  }
  if (dx) gemm(batch, in, out, dy, out, 1, w, in, dx, in, NULL, MODE_ZERO);
}

LFL_MULTI void lfl_legacy_tanh(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) {
    const double v0 = x[i];
    const double v = v0 > 20 ? 20.0 : v0 < -20 ? -20.0 : v0; /* NaN passes through */
    y[i] = 1.0 - 2.0 / (legacy_exp_bounded(2.0 * v) + 1.0);
  }
}

LFL_MULTI void lfl_legacy_adam(double *theta, const double *g, double *m, double *v, long n, double stepSize, double beta1, double beta2, double eps, double sqrtBc2) {
  const double c1 = 1 - beta1, c2 = 1 - beta2;
  for (long i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = beta1 * m[i] + c1 * gi;
    const double vi = beta2 * v[i] + c2 * gi * gi;
    m[i] = mi; v[i] = vi;
    theta[i] -= (stepSize * mi) / (sqrt(vi) / sqrtBc2 + eps);
  }
}
