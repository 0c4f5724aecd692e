/*
 * The native backend of src/nn/kernels.ts (an N-API addon; LFL_KERNELS=native). Each function computes EXACTLY
 * the same IEEE-754 operations in the same order as its TypeScript twin in src/nn/ts-kernels.ts (sums over the
 * inner index in increasing order from 0.0, bias added after the sum, no fused multiply-add: built with
 * -ffp-contract=off, never -ffast-math), so results are bit-identical to the TypeScript and WASM backends
 * (-fno-trapping-math and -fno-math-errno only let floor and sqrt vectorise; they change no value).
 *
 * Speed: every kernel is compiled once per instruction set (AVX-512, AVX2, SSE2; LFL_MULTI) and the CPU picks
 * at load time; products use the register-blocked kernel of gemm.c, split over a thread pool when large. The
 * previous kernels (legacy.c) are exported as `scalar` (LFL_KERNELS=native-scalar) to measure against.
 *
 * The one exception to bit-identity is opt-in: the `f32` set (LFL_KERNELS=native-f32) computes the layer
 * products in float32 with fused multiply-adds (gemm_f32.c) and tanh in float32 (tanh_forward_f32, fused with the
 * products as in the current set), and keeps tanh's backward, dB and Adam in float64 (the current set's functions). It is deterministic on its own terms (same bytes for every CPU and thread
 * count), not equal to the others.
 */
#include <node_api.h>
#include <stdlib.h>
#include "lfl_kernels.h"

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
 * y[b, o] = (sum_i x[b, i]*W[o, i]) + bias[o]; wt is scratch of inDim*outDim. Small batches (acting) use dot
 * products, 4 outputs at a time; larger ones transpose W once and run the blocked kernel. Same operations.
 */
LFL_MULTI static void linear_forward_then(const double *restrict x, const double *restrict w, const double *restrict bias, double *restrict y,
                                          double *restrict wt, int batch, int in, int out, lfl_rows_fn post, const void *post_ctx, long post_work) {
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
    if (post) post(post_ctx, 0, batch);
    return;
  }
  for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wt[(long)i * out + o] = w[(long)o * in + i];
  lfl_gemm_then(batch, out, in, x, in, 1, wt, out, y, out, bias, MODE_BIAS, post, post_ctx, post_work);
}
static void linear_forward(const double *x, const double *w, const double *bias, double *y, double *wt, int batch, int in, int out) {
  linear_forward_then(x, w, bias, y, wt, batch, in, out, NULL, NULL, 0);
}

/* dB[o] += dy[b, o] for b = 0, 1, ... in order, for the outputs o in [o0, o1): a range of dB's entries, each
 * summed in the one order, so the pool can split dB by columns without changing a bit. */
typedef struct { const double *dy; double *db; int batch, out; } db_cols_ctx;
LFL_MULTI static void db_cols_range(const double *restrict dy, double *restrict db, int batch, int out, int o0, int o1) {
  for (int b = 0; b < batch; b++) {
    const double *restrict dyb = dy + (size_t)b * out;
    for (int o = o0; o < o1; o++) db[o] += dyb[o];
  }
}
static void db_cols(const void *ctx, int o0, int o1) {
  const db_cols_ctx *d = (const db_cols_ctx *)ctx;
  db_cols_range(d->dy, d->db, d->batch, d->out, o0, o1);
}

/* dW[o, i] += (sum_b dy[b, o]*x[b, i]);  dB[o] += dy[b, o] row by row;  dx[b, i] = (sum_o dy[b, o]*W[o, i]) + 0.0.
 * dW's rows are the outputs o, so each thread adds up dB for the rows of dW it just computed. */
static void linear_backward(const double *x, const double *w, const double *dy, double *dw, double *db, double *dx, int batch, int in, int out) {
  const db_cols_ctx d = { dy, db, batch, out };
  lfl_gemm_then(out, in, batch, dy, 1, out, x, in, dw, in, NULL, MODE_ACC, db_cols, &d, (long)batch * out);
  if (dx) lfl_gemm(batch, in, out, dy, out, 1, w, in, dx, in, NULL, MODE_ZERO);
}

/* y = 1 - 2/(e^{2v} + 1), v = x clamped to [-20, 20] (gives exactly +-1 there), as ts-kernels.ts. */
LFL_MULTI static void tanh_forward(const double *x, double *y, int n) { /* in place allowed: no restrict */
  for (int i = 0; i < n; i++) {
    const double v0 = x[i];
    const double v = v0 > 20 ? 20.0 : v0 < -20 ? -20.0 : v0; /* NaN passes through */
    y[i] = 1.0 - 2.0 / (lfl_exp_bounded(2.0 * v) + 1.0);
  }
}

/* dx = dy * (1 - y*y), as ts-kernels.ts's tanhBackward (in place on dy allowed: no restrict). */
LFL_MULTI static void tanh_backward(const double *y, const double *dy, double *dx, int n) {
  for (int i = 0; i < n; i++) {
    const double t = y[i];
    dx[i] = dy[i] * (1.0 - t * t);
  }
}

/* ts-kernels.ts's adamUpdate. */
LFL_MULTI static void adam(double *restrict theta, const double *restrict g, double *restrict m, double *restrict v, long n,
                           double stepSize, double beta1, double beta2, double eps, double sqrtBc2) {
  const double c1 = 1 - beta1, c2 = 1 - beta2;
  for (long i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = beta1 * m[i] + c1 * gi;
    const double vi = beta2 * v[i] + c2 * gi * gi;
    m[i] = mi; v[i] = vi;
    theta[i] -= (stepSize * mi) / (sqrt(vi) / sqrtBc2 + eps);
  }
}

/* ---- fused layer + tanh (current set): the same operations as the product then tanh, run by each thread on
 * the rows it just computed (still in its cache), so tanh is split over the pool with the product ---- */

/* tanh costs about as much as 32 multiply-adds per entry (scripts/kernel-layer-rates.ts: 2048x64 tanh 191 us, the
 * 2048x64->64 product's 8.4M multiply-adds 408 us, one thread). */
#define TANH_WORK 32L

typedef void (*tanh_fn)(const double *, double *, int);

/* tanh (t->f: the float64 tanh_forward or the f32 set's tanh_forward_f32) in place on rows [r0, r1) of y. */
typedef struct { double *y; int cols; tanh_fn f; } tanh_rows_ctx;
static void tanh_rows(const void *ctx, int r0, int r1) {
  const tanh_rows_ctx *t = (const tanh_rows_ctx *)ctx;
  double *yr = t->y + (size_t)r0 * t->cols;
  t->f(yr, yr, (r1 - r0) * t->cols);
}

typedef struct { const double *x; double *dx; int cols; } tanh_back_rows_ctx;
static void tanh_back_rows(const void *ctx, int r0, int r1) {
  const tanh_back_rows_ctx *t = (const tanh_back_rows_ctx *)ctx;
  const size_t off = (size_t)r0 * t->cols;
  tanh_backward(t->x + off, t->dx + off, t->dx + off, (r1 - r0) * t->cols);
}

/* y = tanh(x·Wᵀ + b): linear_forward then tanh_forward on y, bit for bit. */
static void linear_forward_tanh(const double *x, const double *w, const double *bias, double *y, double *wt, int batch, int in, int out) {
  const tanh_rows_ctx t = { y, out, tanh_forward };
  linear_forward_then(x, w, bias, y, wt, batch, in, out, tanh_rows, &t, (long)batch * out * TANH_WORK);
}

/* linear_backward, then dx = dx * (1 - x*x) where x (this layer's input) is the previous layer's tanh output:
 * the gradient through that tanh, as tanh_backward(x, dx, dx), bit for bit. dx must not be NULL. */
static void linear_backward_tanh(const double *x, const double *w, const double *dy, double *dw, double *db, double *dx, int batch, int in, int out) {
  linear_backward(x, w, dy, dw, db, NULL, batch, in, out); /* dW and dB */
  const tanh_back_rows_ctx t = { x, dx, in };
  lfl_gemm_then(batch, in, out, dy, out, 1, w, in, dx, in, NULL, MODE_ZERO, tanh_back_rows, &t, (long)batch * in * 4);
}

/* tanh (t->f) on n entries, split over the pool in runs of 64 entries when n is large (work: per entry). */
typedef struct { const double *x; double *y; int n; tanh_fn f; } tanh_span_ctx;
static void tanh_span(const void *ctx, int r0, int r1) {
  const tanh_span_ctx *t = (const tanh_span_ctx *)ctx;
  const int i0 = r0 * 64, i1 = r1 * 64 < t->n ? r1 * 64 : t->n;
  if (i0 < i1) t->f(t->x + i0, t->y + i0, i1 - i0);
}
static void tanh_pooled(tanh_fn f, long work, const double *x, double *y, int n) {
  const tanh_span_ctx t = { x, y, n, f };
  lfl_parallel_rows((n + 63) / 64, (long)n * work, tanh_span, &t);
}
static void tanh_forward_pooled(const double *x, double *y, int n) { tanh_pooled(tanh_forward, TANH_WORK, x, y, n); }

/* ---- LFL_KERNELS=native-f32: the layer products and tanh in float32, everything else as above ---- */

/*
 * tanh in float32 arithmetic: y = (double) sign(v) (m / (m + 2)), m = e^{2a} - 1, v = (float) x, a = min(|v|, 10)
 * (where float32 tanh is exactly 1), so tanh is odd. e^{2a} = 2^k 2^f with z = 2a/ln 2, k = z rounded to the nearest integer
 * (by adding and subtracting 1.5*2^23), f = z - k in [-1/2, 1/2]; 2^f - 1 = f q(f), q the Taylor polynomial of
 * (2^f - 1)/f through f^6 (truncation below 2e-8 relative); m = 2^k (f q) + (2^k - 1), exact in its last step for
 * k = 0, so tanh keeps its relative accuracy near 0 (kernels-f32.test.ts asserts 4e-7 of Math.tanh of the float32
 * input, relative, and measures 1.9e-7; float32's own rounding of y is 6e-8). Every step is one correctly rounded float32
 * operation or an explicit fused multiply-add (as in gemm_f32.c), with the rounding mode's round-to-nearest for k,
 * so the bytes are the same for every CPU, vector width and thread count. NaN stays NaN.
 */
LFL_MULTI static void tanh_forward_f32(const double *x, double *y, int n) { /* in place allowed: no restrict */
  const float TWO_OVER_LN2 = 2.88539008f, ROUND = 12582912.0f; /* 1.5 * 2^23 */
  for (int i = 0; i < n; i++) {
    const float v = (float)x[i];
    const float a0 = v < 0.0f ? -v : v;
    const float a = a0 > 10.0f ? 10.0f : a0; /* NaN passes through */
    const float z = a * TWO_OVER_LN2;
    const float t = z + ROUND; /* k in t's low mantissa bits, as 2^22 + k */
    const float k = t - ROUND;
    const float f = z - k;
    float q = 1.52527338e-5f; /* ln2^7/7!, then ln2^n/n! down to n = 1 */
    q = __builtin_fmaf(q, f, 1.54035304e-4f);
    q = __builtin_fmaf(q, f, 1.33335581e-3f);
    q = __builtin_fmaf(q, f, 9.61812911e-3f);
    q = __builtin_fmaf(q, f, 5.55041087e-2f);
    q = __builtin_fmaf(q, f, 2.40226507e-1f);
    q = __builtin_fmaf(q, f, 6.93147181e-1f);
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits - 0x4B400000 + 127) << 23; /* 2^k: k + 127 in the exponent field (0 <= k <= 29) */
    float s;
    memcpy(&s, &bits, sizeof s);
    const float m = __builtin_fmaf(s, f * q, s - 1.0f);
    const float th = m / (m + 2.0f);
    y[i] = (double)(v < 0.0f ? -th : th);
  }
}

/* tanh_forward_f32's work per entry for the pool's split: 12 against the float64 tanh's 32 (a polynomial half as long,
 * in float32 vectors twice as wide). */
#define TANH_F32_WORK 12L
static void tanh_forward_pooled_f32(const double *x, double *y, int n) { tanh_pooled(tanh_forward_f32, TANH_F32_WORK, x, y, n); }

LFL_MULTI static void to_f32(const double *restrict src, float *restrict dst, long n) {
  for (long i = 0; i < n; i++) dst[i] = (float)src[i];
}

/* to_f32 split over the pool in runs of 1024 entries (each entry is rounded on its own: the same bytes). */
typedef struct { const double *src; float *dst; long n; } to_f32_ctx;
static void to_f32_span(const void *ctx, int r0, int r1) {
  const to_f32_ctx *t = (const to_f32_ctx *)ctx;
  const long i0 = (long)r0 * 1024, i1 = (long)r1 * 1024 < t->n ? (long)r1 * 1024 : t->n;
  if (i0 < i1) to_f32(t->src + i0, t->dst + i0, i1 - i0);
}
static void to_f32_pooled(const double *src, float *dst, long n) {
  const to_f32_ctx t = { src, dst, n };
  lfl_parallel_rows((int)((n + 1023) / 1024), n, to_f32_span, &t);
}

/* Forward in float32: y[b, o] = (double)(fma chain over i of (float)x[b, i] * (float)W[o, i]) + bias[o]. Small
 * batches: dot products (4 outputs at a time); larger ones: W transposed and rounded to float32 into the scratch
 * (in*out floats fit in the in*out doubles the forward scratch always has) and x rounded as it is read (measured:
 * rounding all of x first costs more, memory-bound, than it saves). Same chain either way. */
LFL_MULTI static void linear_forward_f32_then(const double *restrict x, const double *restrict w, const double *restrict bias, double *restrict y,
                                              double *restrict scratch, int batch, int in, int out, lfl_rows_fn post, const void *post_ctx, long post_work) {
  if (out <= LFL_DOT_F32_MAX_N) { /* narrow (a policy's mean, a shaping head): the lanes-and-tree product, any batch */
    float *restrict wf = (float *)scratch;
    for (long i = 0; i < (long)out * in; i++) wf[i] = (float)w[i];
    lfl_dot_f32_then(batch, out, in, x, in, wf, in, y, out, bias, MODE_BIAS, post, post_ctx, post_work);
    return;
  }
  if (batch < 8) {
    for (int b = 0; b < batch; b++) {
      const double *restrict xb = x + (size_t)b * in;
      double *restrict yb = y + (size_t)b * out;
      int o = 0;
      for (; o + 4 <= out; o += 4) {
        const double *w0 = w + (size_t)o * in, *w1 = w0 + in, *w2 = w1 + in, *w3 = w2 + in;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (int i = 0; i < in; i++) {
          const float xi = (float)xb[i];
          s0 = __builtin_fmaf(xi, (float)w0[i], s0); s1 = __builtin_fmaf(xi, (float)w1[i], s1);
          s2 = __builtin_fmaf(xi, (float)w2[i], s2); s3 = __builtin_fmaf(xi, (float)w3[i], s3);
        }
        yb[o] = (double)s0 + bias[o]; yb[o + 1] = (double)s1 + bias[o + 1]; yb[o + 2] = (double)s2 + bias[o + 2]; yb[o + 3] = (double)s3 + bias[o + 3];
      }
      for (; o < out; o++) {
        const double *wo = w + (size_t)o * in;
        float s = 0.0f;
        for (int i = 0; i < in; i++) s = __builtin_fmaf((float)xb[i], (float)wo[i], s);
        yb[o] = (double)s + bias[o];
      }
    }
    if (post) post(post_ctx, 0, batch);
    return;
  }
  float *restrict wtf = (float *)scratch;
  for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wtf[(long)i * out + o] = (float)w[(long)o * in + i];
  lfl_gemm_f32_then(batch, out, in, x, NULL, in, 1, wtf, out, y, out, 1, bias, MODE_BIAS, post, post_ctx, post_work);
}
static void linear_forward_f32(const double *x, const double *w, const double *bias, double *y, double *scratch, size_t scratch_len, int batch, int in, int out) {
  (void)scratch_len;
  linear_forward_f32_then(x, w, bias, y, scratch, batch, in, out, NULL, NULL, 0);
}

/* Columns of a product padded to whole 16-float vectors, times its rows: the work the AVX-512 blocks do. */
static long padded(long rows, long cols) { return rows * ((cols + 15) / 16); }

/* Whether dW runs as rows i (dy along the vectors, rounded first; x broadcast) rather than rows o (x rounded first;
 * dy broadcast): round the smaller of x and dy unless that more than doubles the padded vector work, else the
 * orientation that pads less. Measured (scripts/kernel-layer-rates.ts, 2 threads, the backward without dx):
 * 2048 x 128 -> 10 287 -> 107 us, 128 -> 43 449 -> 303 us, 17 -> 128 388 -> 210 us against padding alone. */
static int dw_rows_in(int in, int out) {
  const long pi = padded(in, out), po = padded(out, in);
  if (out < in && pi <= 2 * po) return 1;
  if (in < out && po <= 2 * pi) return 0;
  return pi < po;
}

/* Backward in float32: dW[o, i] += (double)(chain over b of (float)dy[b, o] * (float)x[b, i]); dx[b, i] =
 * (double)(chain over o of (float)dy[b, o] * (float)W[o, i]) + 0.0; dB in float64 exactly as the float64 kernels.
 * dW runs as rows o and columns i, or rows i and columns o written transposed (dw_rows_in) — the same fused
 * multiply-adds in the same order (fma is symmetric in its two factors), so the same bytes either way. Only dW's
 * vector operand (x for rows o, dy for rows i) is rounded to float32 into the scratch first; the broadcast factors
 * are rounded as they are read (the same float32 values, so the same bytes): rounding x (2048 x 128 doubles for the
 * shaping net's heads) cost more than the product it fed. Returns dy in float32 when it was rounded (for dx), else
 * NULL. */
static const float *linear_backward_f32_dw(const double *x, const double *dy, double *dw, double *db, double *scratch, int batch, int in, int out) {
  float *f = (float *)scratch;
  const db_cols_ctx d = { dy, db, batch, out };
  if (dw_rows_in(in, out)) {
    to_f32_pooled(dy, f, (long)batch * out);
    lfl_gemm_f32(in, out, batch, x, NULL, 1, in, f, out, dw, 1, in, NULL, MODE_ACC);
    lfl_parallel_rows(out, (long)batch * out, db_cols, &d);
    return f;
  }
  to_f32_pooled(x, f, (long)batch * in);
  lfl_gemm_f32_then(out, in, batch, dy, NULL, 1, out, f, in, dw, in, 1, NULL, MODE_ACC, db_cols, &d, (long)batch * out);
  return NULL;
}

/* dy in float32 for dx's product: the one dW rounded, or, for at most 16 outputs, rounded now after x's copy (the
 * few factors per row cost more rounded as they are read); else NULL (rounded as read). */
static const float *dy_f32_for_dx(const double *dy, const float *dyf, double *scratch, int batch, int in, int out) {
  if (dyf || out > 16) return dyf;
  float *f = (float *)scratch + (size_t)batch * in;
  to_f32(dy, f, (long)batch * out);
  return f;
}

/* W rounded to float32 after the backward's rounded operand in the scratch (batch*(in + out) + out*in floats fit in
 * its (in+out)*batch + in*out doubles). */
static float *weights_f32(const double *w, double *scratch, int batch, int in, int out) {
  float *wf = (float *)scratch + (size_t)batch * (in + out);
  to_f32(w, wf, (long)out * in);
  return wf;
}

static void linear_backward_f32(const double *x, const double *w, const double *dy, double *dw, double *db, double *dx,
                                double *scratch, int batch, int in, int out) {
  const float *dyf = linear_backward_f32_dw(x, dy, dw, db, scratch, batch, in, out);
  if (dx) lfl_gemm_f32(batch, in, out, dy, dy_f32_for_dx(dy, dyf, scratch, batch, in, out), out, 1, weights_f32(w, scratch, batch, in, out), in, dx, in, 1, NULL, MODE_ZERO);
}

/* Fused layer + tanh in float32 products: linear_forward_f32 then tanh_forward on y, and linear_backward_f32 then
 * dx *= 1 - x*x, with tanh and its factor applied by each pool thread to the rows it just computed (as the
 * current set's fused kernels). The same bytes as the two calls one after the other. */
static void linear_forward_f32_tanh(const double *x, const double *w, const double *bias, double *y, double *scratch, size_t scratch_len, int batch, int in, int out) {
  (void)scratch_len;
  const tanh_rows_ctx t = { y, out, tanh_forward_f32 };
  linear_forward_f32_then(x, w, bias, y, scratch, batch, in, out, tanh_rows, &t, (long)batch * out * TANH_F32_WORK);
}

static void linear_backward_f32_tanh(const double *x, const double *w, const double *dy, double *dw, double *db, double *dx,
                                     double *scratch, int batch, int in, int out) {
  const float *dyf = linear_backward_f32_dw(x, dy, dw, db, scratch, batch, in, out);
  const tanh_back_rows_ctx t = { x, dx, in };
  lfl_gemm_f32_then(batch, in, out, dy, dy_f32_for_dx(dy, dyf, scratch, batch, in, out), out, 1, weights_f32(w, scratch, batch, in, out), in, dx, in, 1, NULL, MODE_ZERO, tanh_back_rows, &t, (long)batch * in * 4);
}

typedef void (*forward_fn)(const double *, const double *, const double *, double *, double *, int, int, int);
typedef void (*backward_fn)(const double *, const double *, const double *, double *, double *, double *, int, int, int);
typedef void (*adam_fn)(double *, const double *, double *, double *, long, double, double, double, double, double);
typedef void (*forward_scratch_fn)(const double *, const double *, const double *, double *, double *, size_t, int, int, int);
typedef void (*backward_scratch_fn)(const double *, const double *, const double *, double *, double *, double *, double *, int, int, int);
/* forward_s / backward_s (with the scratch and its length: the float32 set) are used instead of forward / backward when set. */
/* forward_tanh / backward_tanh: the fused layer + tanh kernels (NULL: the set has none, kernels.ts composes);
 * forward_tanh_s / backward_tanh_s: the same with the scratch (the float32 set). */
typedef struct {
  forward_fn forward; backward_fn backward; tanh_fn tanh; adam_fn adam; forward_scratch_fn forward_s; backward_scratch_fn backward_s;
  forward_fn forward_tanh; backward_fn backward_tanh; forward_scratch_fn forward_tanh_s; backward_scratch_fn backward_tanh_s;
} kernel_set;
static const kernel_set CURRENT = { linear_forward, linear_backward, tanh_forward_pooled, adam, NULL, NULL, linear_forward_tanh, linear_backward_tanh, NULL, NULL };
static const kernel_set LEGACY = { lfl_legacy_linear_forward, lfl_legacy_linear_backward, lfl_legacy_tanh, lfl_legacy_adam, NULL, NULL, NULL, NULL, NULL, NULL };
static const kernel_set F32 = { NULL, NULL, tanh_forward_pooled_f32, adam, linear_forward_f32, linear_backward_f32, NULL, NULL, linear_forward_f32_tanh, linear_backward_f32_tanh };

static const kernel_set *set_of(napi_env env, napi_callback_info info, size_t *argc, napi_value *a) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, a, NULL, &data) != napi_ok) return NULL;
  return (const kernel_set *)data;
}

/* linearForward(x, w, bias, y, scratch, batch, in, out); linearForwardTanh the same with tanh on y */
static napi_value linear_forward_call(napi_env env, napi_callback_info info, int fused) {
  size_t argc = 8; napi_value a[8];
  const kernel_set *ks = set_of(env, info, &argc, a);
  size_t nx = 0, nw = 0, nb = 0, ny = 0, slen = 0;
  double *x = f64(env, a[0], &nx), *w = f64(env, a[1], &nw), *bias = f64(env, a[2], &nb), *y = f64(env, a[3], &ny), *scratch = f64(env, a[4], &slen);
  int batch = i32(env, a[5]), in = i32(env, a[6]), out = i32(env, a[7]);
  if (!ks || !x || !w || !bias || !y || !scratch || batch < 0 || in < 0 || out < 0 || slen < (size_t)in * out || nx < (size_t)batch * in
      || nw < (size_t)out * in || nb < (size_t)out || ny < (size_t)batch * out) { napi_throw_error(env, NULL, "lfl_kernels.linearForward: bad arguments"); return NULL; }
  if (fused && ks->forward_tanh_s) ks->forward_tanh_s(x, w, bias, y, scratch, slen, batch, in, out);
  else if (fused) ks->forward_tanh(x, w, bias, y, scratch, batch, in, out);
  else if (ks->forward_s) ks->forward_s(x, w, bias, y, scratch, slen, batch, in, out);
  else ks->forward(x, w, bias, y, scratch, batch, in, out);
  return NULL;
}
static napi_value js_linear_forward(napi_env env, napi_callback_info info) { return linear_forward_call(env, info, 0); }
static napi_value js_linear_forward_tanh(napi_env env, napi_callback_info info) { return linear_forward_call(env, info, 1); }

/* linearBackward(x, w, dy, dw, db, dx | null, scratch, batch, in, out); linearBackwardTanh the same, dx not null,
 * then dx *= 1 - x*x */
static napi_value linear_backward_call(napi_env env, napi_callback_info info, int fused) {
  size_t argc = 10; napi_value a[10];
  const kernel_set *ks = set_of(env, info, &argc, a);
  napi_valuetype t; napi_typeof(env, a[5], &t);
  size_t nx = 0, nw = 0, ndy = 0, ndw = 0, ndb = 0, ndx = 0;
  double *x = f64(env, a[0], &nx), *w = f64(env, a[1], &nw), *dy = f64(env, a[2], &ndy), *dw = f64(env, a[3], &ndw), *db = f64(env, a[4], &ndb);
  const int noDx = t == napi_null || t == napi_undefined;
  double *dx = noDx ? NULL : f64(env, a[5], &ndx);
  int batch = i32(env, a[7]), in = i32(env, a[8]), out = i32(env, a[9]);
  if (!ks || !x || !w || !dy || !dw || !db || (!noDx && !dx) || (fused && !dx) || batch < 0 || in < 0 || out < 0 || nx < (size_t)batch * in || nw < (size_t)out * in
      || ndy < (size_t)batch * out || ndw < (size_t)out * in || ndb < (size_t)out || (dx && ndx < (size_t)batch * in)) {
    napi_throw_error(env, NULL, "lfl_kernels.linearBackward: bad arguments"); return NULL;
  }
  if (ks->backward_s) { /* float32 operands in the scratch: batch*(in + out) + out*in floats */
    size_t slen = 0;
    double *scratch = f64(env, a[6], &slen);
    if (!scratch || 2 * slen < (size_t)batch * (in + out) + (size_t)out * in) { napi_throw_error(env, NULL, "lfl_kernels.linearBackward: scratch too small"); return NULL; }
    if (fused) ks->backward_tanh_s(x, w, dy, dw, db, dx, scratch, batch, in, out);
    else ks->backward_s(x, w, dy, dw, db, dx, scratch, batch, in, out);
    return NULL;
  }
  if (fused) ks->backward_tanh(x, w, dy, dw, db, dx, batch, in, out);
  else ks->backward(x, w, dy, dw, db, dx, batch, in, out);
  return NULL;
}
static napi_value js_linear_backward(napi_env env, napi_callback_info info) { return linear_backward_call(env, info, 0); }
static napi_value js_linear_backward_tanh(napi_env env, napi_callback_info info) { return linear_backward_call(env, info, 1); }

/* tanhForward(x, y, n) */
static napi_value js_tanh_forward(napi_env env, napi_callback_info info) {
  size_t argc = 3; napi_value a[3];
  const kernel_set *ks = set_of(env, info, &argc, a);
  size_t nx = 0, ny = 0;
  double *x = f64(env, a[0], &nx), *y = f64(env, a[1], &ny);
  int n = i32(env, a[2]);
  if (!ks || !x || !y || n < 0 || (size_t)n > nx || (size_t)n > ny) { napi_throw_error(env, NULL, "lfl_kernels.tanhForward: bad arguments"); return NULL; }
  ks->tanh(x, y, n);
  return NULL;
}

/* tanhBackward(y, dy, dx, n) (current set only) */
static napi_value js_tanh_backward(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value a[4];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  size_t ny = 0, ndy = 0, ndx = 0;
  double *y = f64(env, a[0], &ny), *dy = f64(env, a[1], &ndy), *dx = f64(env, a[2], &ndx);
  int n = i32(env, a[3]);
  if (!y || !dy || !dx || n < 0 || (size_t)n > ny || (size_t)n > ndy || (size_t)n > ndx) { napi_throw_error(env, NULL, "lfl_kernels.tanhBackward: bad arguments"); return NULL; }
  tanh_backward(y, dy, dx, n);
  return NULL;
}

/* adamStep(theta, g, m, v, lr/bc1, beta1, beta2, eps, sqrt(bc2)) */
static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  size_t argc = 9; napi_value a[9];
  const kernel_set *ks = set_of(env, info, &argc, a);
  size_t n = 0, ng = 0, nm = 0, nv = 0;
  double *theta = f64(env, a[0], &n), *g = f64(env, a[1], &ng), *m = f64(env, a[2], &nm), *v = f64(env, a[3], &nv);
  double stepSize, beta1, beta2, eps, sqrtBc2;
  napi_get_value_double(env, a[4], &stepSize); napi_get_value_double(env, a[5], &beta1); napi_get_value_double(env, a[6], &beta2);
  napi_get_value_double(env, a[7], &eps); napi_get_value_double(env, a[8], &sqrtBc2);
  if (!ks || !theta || !g || !m || !v || ng < n || nm < n || nv < n) { napi_throw_error(env, NULL, "lfl_kernels.adamStep: bad arguments"); return NULL; }
  ks->adam(theta, g, m, v, (long)n, stepSize, beta1, beta2, eps, sqrtBc2);
  return NULL;
}

/* setThreading(threads, minWork, adaptive?): threads 1..8; minWork < 0 keeps the threshold; adaptive 0/1 turns the
 * pool's fall-back to computing alone off/on (absent or < 0: kept). */
static napi_value js_set_threading(napi_env env, napi_callback_info info) {
  size_t argc = 3; napi_value a[3];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  int64_t t = 1, mw = -1, ad = -1;
  napi_get_value_int64(env, a[0], &t);
  if (argc > 1) napi_get_value_int64(env, a[1], &mw);
  if (argc > 2) napi_get_value_int64(env, a[2], &ad);
  lfl_set_threading((int)t, (long)mw, (int)ad);
  return NULL;
}

static napi_value js_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_create_int32(env, lfl_threads(), &r));
  return r;
}

static napi_value js_adaptive(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_get_boolean(env, lfl_adaptive() != 0, &r));
  return r;
}

static napi_value js_min_work(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_create_int64(env, lfl_min_work(), &r));
  return r;
}

static napi_value define_set(napi_env env, napi_value target, const kernel_set *ks) {
  napi_property_descriptor d[] = {
    { "linearForward", NULL, js_linear_forward, NULL, NULL, NULL, napi_enumerable, (void *)ks },
    { "linearBackward", NULL, js_linear_backward, NULL, NULL, NULL, napi_enumerable, (void *)ks },
    { "tanhForward", NULL, js_tanh_forward, NULL, NULL, NULL, napi_enumerable, (void *)ks },
    { "adamStep", NULL, js_adam_step, NULL, NULL, NULL, napi_enumerable, (void *)ks },
  };
  napi_define_properties(env, target, sizeof d / sizeof d[0], d);
  if ((ks->forward_tanh && ks->backward_tanh) || (ks->forward_tanh_s && ks->backward_tanh_s)) {
    napi_property_descriptor f[] = {
      { "linearForwardTanh", NULL, js_linear_forward_tanh, NULL, NULL, NULL, napi_enumerable, (void *)ks },
      { "linearBackwardTanh", NULL, js_linear_backward_tanh, NULL, NULL, NULL, napi_enumerable, (void *)ks },
    };
    napi_define_properties(env, target, sizeof f / sizeof f[0], f);
  }
  return target;
}

/* f32Path: the path the float32 products run ("avx512", "avx2", "generic"). */
static napi_value js_f32_path(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_create_string_utf8(env, lfl_f32_path(), NAPI_AUTO_LENGTH, &r));
  return r;
}

/* setF32Path(name): forces "avx512" | "avx2" | "generic" | "auto" (for tests); false if this CPU cannot run it. */
static napi_value js_set_f32_path(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value a[1];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  char name[16] = {0}; size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, a[0], name, sizeof name, &len) != napi_ok) { napi_throw_error(env, NULL, "lfl_kernels.setF32Path: bad argument"); return NULL; }
  napi_value r;
  CHECK(napi_get_boolean(env, lfl_set_f32_path(name), &r));
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  define_set(env, exports, &CURRENT);
  napi_value scalar, f32, isa, tanhBack;
  CHECK(napi_create_object(env, &scalar));
  define_set(env, scalar, &LEGACY);
  CHECK(napi_create_object(env, &f32));
  define_set(env, f32, &F32);
  CHECK(napi_create_function(env, "tanhBackward", NAPI_AUTO_LENGTH, js_tanh_backward, NULL, &tanhBack));
  napi_property_descriptor fd[] = {
    { "tanhBackward", NULL, NULL, NULL, NULL, tanhBack, napi_enumerable, NULL },
    { "path", NULL, NULL, js_f32_path, NULL, NULL, napi_enumerable, NULL },
    { "setPath", NULL, js_set_f32_path, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  CHECK(napi_define_properties(env, f32, sizeof fd / sizeof fd[0], fd));
  CHECK(napi_create_string_utf8(env, lfl_isa(), NAPI_AUTO_LENGTH, &isa));
  napi_property_descriptor d[] = {
    { "scalar", NULL, NULL, NULL, NULL, scalar, napi_enumerable, NULL },
    { "f32", NULL, NULL, NULL, NULL, f32, napi_enumerable, NULL },
    { "isa", NULL, NULL, NULL, NULL, isa, napi_enumerable, NULL },
    { "tanhBackward", NULL, js_tanh_backward, NULL, NULL, NULL, napi_enumerable, NULL },
    { "threads", NULL, NULL, js_threads, NULL, NULL, napi_enumerable, NULL },
    { "minWork", NULL, NULL, js_min_work, NULL, NULL, napi_enumerable, NULL },
    { "adaptive", NULL, NULL, js_adaptive, NULL, NULL, napi_enumerable, NULL },
    { "setThreading", NULL, js_set_threading, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
