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
 * y[b, o] = (Σ_i x[b, i]·W[o, i]) + bias[o]; wt is scratch of inDim·outDim. Small batches (acting) use dot
 * products, 4 outputs at a time; larger ones transpose W once and vectorise over o. Same order of operations.
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
  for (int b = 0; b < batch; b++) {
    double *restrict yb = y + (size_t)b * out;
    const double *restrict xb = x + (size_t)b * in;
    for (int o = 0; o < out; o++) yb[o] = 0.0;
    for (int i = 0; i < in; i++) {
      const double xi = xb[i];
      const double *restrict wi = wt + (size_t)i * out;
      for (int o = 0; o < out; o++) yb[o] += xi * wi[o];
    }
    for (int o = 0; o < out; o++) yb[o] = yb[o] + bias[o];
  }
}

/* dW[o, i] += Σ_b dy[b, o]·x[b, i] (summed, then added);  dB[o] += dy[b, o] row by row;  dx[b, i] = (Σ_o dy[b, o]·W[o, i]) + 0 if dx. */
static void linear_backward(const double *restrict x, const double *restrict w, const double *restrict dy, double *restrict dw,
                            double *restrict db, double *restrict dx, double *restrict acc, int batch, int in, int out) {
  for (int o = 0; o < out; o++) {
    for (int i = 0; i < in; i++) acc[i] = 0.0;
    for (int b = 0; b < batch; b++) {
      const double g = dy[(size_t)b * out + o];
      const double *restrict xb = x + (size_t)b * in;
      for (int i = 0; i < in; i++) acc[i] += g * xb[i];
    }
    double *restrict dwo = dw + (size_t)o * in;
    for (int i = 0; i < in; i++) dwo[i] += acc[i];
  }
  for (int b = 0; b < batch; b++) {
    const double *restrict dyb = dy + (size_t)b * out;
    for (int o = 0; o < out; o++) db[o] += dyb[o];
  }
  if (dx) {
    for (int b = 0; b < batch; b++) {
      double *restrict dxb = dx + (size_t)b * in;
      const double *restrict dyb = dy + (size_t)b * out;
      for (int i = 0; i < in; i++) dxb[i] = 0.0;
      for (int o = 0; o < out; o++) {
        const double g = dyb[o];
        const double *restrict wo = w + (size_t)o * in;
        for (int i = 0; i < in; i++) dxb[i] += g * wo[i];
      }
      for (int i = 0; i < in; i++) dxb[i] = dxb[i] + 0.0;
    }
  }
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
  linear_backward(x, w, dy, dw, db, dx, scratch, batch, in, out);
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
