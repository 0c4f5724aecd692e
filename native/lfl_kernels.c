/*
 * Optional native backend for src/nn/kernels.ts (an N-API addon). Each function computes EXACTLY the same
 * IEEE-754 operations in the same order as its TypeScript twin (sums over the inner index in increasing
 * order, bias added after the sum, no fused multiply-add: build with -ffp-contract=off, never -ffast-math),
 * so both backends give bit-identical results (-fno-trapping-math and -fno-math-errno only let floor and sqrt
 * vectorise; they change no value); the speed comes from auto-vectorising the loops over the
 * contiguous output index. Matrices are row-major float64.
 */
#include <node_api.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "lfl_kernels: bad argument"); return NULL; } } while (0)

static double *f64(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type type; size_t length; void *data; napi_value ab; size_t off;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &off) != napi_ok || type != napi_float64_array) return NULL;
  if (len) *len = length;
  return (double *)data;
}

static int i32(napi_env env, napi_value v) {
  int32_t x = 0; napi_get_value_int32(env, v, &x); return x;
}

/*
 * The one product kernel: C[m×n] from acc[r][j] = Σ_{p=0}^{k-1} A(r, p)·B[p, j], summed in increasing p from 0.0,
 * where A(r, p) = a[r·ars + p·aps] (any strides) and B is row-major with row stride ldb. Then, per `mode`:
 * MODE_BIAS c = acc + bias[j]; MODE_ZERO c = acc + 0.0; MODE_ACC c += acc. Register-blocked 4 rows × 8 columns
 * (the accumulators stay in vector registers); edges use the same loops one row / column at a time, so every
 * entry sees the same operations in the same order as the TypeScript gemmABt.
 */
enum { MODE_BIAS, MODE_ZERO, MODE_ACC };
#define MR 4
#define NR 8
typedef double v4d __attribute__((vector_size(32)));

static inline void finish(double *restrict c, double acc, const double *bias, int j, int mode) {
  if (mode == MODE_BIAS) *c = acc + bias[j];
  else if (mode == MODE_ZERO) *c = acc + 0.0;
  else *c += acc;
}

static void gemm(int m, int n, int k, const double *restrict a, long ars, long aps, const double *restrict b, long ldb,
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
static void linear_forward(const double *restrict x, const double *restrict w, const double *restrict bias, double *restrict y,
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
static void linear_backward(const double *restrict x, const double *restrict w, const double *restrict dy, double *restrict dw,
                            double *restrict db, double *restrict dx, int batch, int in, int out) {
  gemm(out, in, batch, dy, 1, out, x, in, dw, in, NULL, MODE_ACC);
  for (int b = 0; b < batch; b++) {
    const double *restrict dyb = dy + (size_t)b * out;
    for (int o = 0; o < out; o++) db[o] += dyb[o];
  }
  if (dx) gemm(batch, in, out, dy, out, 1, w, in, dx, in, NULL, MODE_ZERO);
}

/* linearForward(x, w, bias, y, scratch, batch, in, out) */
static napi_value js_linear_forward(napi_env env, napi_callback_info info) {
  size_t argc = 8; napi_value a[8];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  double *x = f64(env, a[0], NULL), *w = f64(env, a[1], NULL), *bias = f64(env, a[2], NULL), *y = f64(env, a[3], NULL);
  size_t slen = 0; double *scratch = f64(env, a[4], &slen);
  int batch = i32(env, a[5]), in = i32(env, a[6]), out = i32(env, a[7]);
  if (!x || !w || !bias || !y || !scratch || slen < (size_t)in * out) { napi_throw_error(env, NULL, "lfl_kernels.linearForward: bad arguments"); return NULL; }
  linear_forward(x, w, bias, y, scratch, batch, in, out);
  return NULL;
}

/* linearBackward(x, w, dy, dw, db, dx | null, scratch, batch, in, out) */
static napi_value js_linear_backward(napi_env env, napi_callback_info info) {
  size_t argc = 10; napi_value a[10];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  napi_valuetype t; napi_typeof(env, a[5], &t);
  double *x = f64(env, a[0], NULL), *w = f64(env, a[1], NULL), *dy = f64(env, a[2], NULL), *dw = f64(env, a[3], NULL), *db = f64(env, a[4], NULL);
  double *dx = (t == napi_null || t == napi_undefined) ? NULL : f64(env, a[5], NULL);
  size_t slen = 0; double *scratch = f64(env, a[6], &slen);
  int batch = i32(env, a[7]), in = i32(env, a[8]), out = i32(env, a[9]);
  if (!x || !w || !dy || !dw || !db || !scratch || slen < (size_t)(in > out ? in : out)) { napi_throw_error(env, NULL, "lfl_kernels.linearBackward: bad arguments"); return NULL; }
  linear_backward(x, w, dy, dw, db, dx, batch, in, out);
  return NULL;
}

/* e^x for |x| <= 40: the same range reduction, Horner polynomial and scaling as expBounded in kernels.ts. */
static inline double exp_bounded(double x) {
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

/* tanhForward(x, y, n): y = 1 - 2/(e^{2v} + 1), v = x clamped to [-20, 20] (gives exactly +-1 there), as kernels.ts. */
static napi_value js_tanh_forward(napi_env env, napi_callback_info info) {
  size_t argc = 3; napi_value a[3];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t nx = 0, ny = 0;
  double *x = f64(env, a[0], &nx), *y = f64(env, a[1], &ny);
  int n = i32(env, a[2]);
  if (!x || !y || n < 0 || (size_t)n > nx || (size_t)n > ny) { napi_throw_error(env, NULL, "lfl_kernels.tanhForward: bad arguments"); return NULL; }
  for (int i = 0; i < n; i++) {
    const double v0 = x[i];
    const double v = v0 > 20 ? 20.0 : v0 < -20 ? -20.0 : v0; /* NaN passes through */
    y[i] = 1.0 - 2.0 / (exp_bounded(2.0 * v) + 1.0);
  }
  return NULL;
}

/* adamStep(theta, g, m, v, lr/bc1, beta1, beta2, eps, sqrt(bc2)): the update of kernels.ts's adamStep. */
static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  size_t argc = 9; napi_value a[9];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t n = 0, ng = 0, nm = 0, nv = 0;
  double *theta = f64(env, a[0], &n), *g = f64(env, a[1], &ng), *m = f64(env, a[2], &nm), *v = f64(env, a[3], &nv);
  double stepSize, beta1, beta2, eps, sqrtBc2;
  napi_get_value_double(env, a[4], &stepSize); napi_get_value_double(env, a[5], &beta1); napi_get_value_double(env, a[6], &beta2);
  napi_get_value_double(env, a[7], &eps); napi_get_value_double(env, a[8], &sqrtBc2);
  if (!theta || !g || !m || !v || ng < n || nm < n || nv < n) { napi_throw_error(env, NULL, "lfl_kernels.adamStep: bad arguments"); return NULL; }
  const double c1 = 1 - beta1, c2 = 1 - beta2;
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = beta1 * m[i] + c1 * gi;
    const double vi = beta2 * v[i] + c2 * gi * gi;
    m[i] = mi; v[i] = vi;
    theta[i] -= (stepSize * mi) / (sqrt(vi) / sqrtBc2 + eps);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    { "linearForward", NULL, js_linear_forward, NULL, NULL, NULL, napi_default, NULL },
    { "linearBackward", NULL, js_linear_backward, NULL, NULL, NULL, napi_default, NULL },
    { "tanhForward", NULL, js_tanh_forward, NULL, NULL, NULL, napi_default, NULL },
    { "adamStep", NULL, js_adam_step, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
