/*
 * Shared declarations of the native kernel backend (see lfl_kernels.c). All matrices are row-major float64;
 * every kernel computes each output entry with the same IEEE-754 operations in the same order as
 * src/nn/ts-kernels.ts, so results are bit-identical to the TypeScript kernels whatever the instruction set
 * or the number of threads.
 */
#ifndef LFL_KERNELS_H
#define LFL_KERNELS_H

/* One function body per instruction set, chosen at load time from the CPU (GCC function multiversioning):
 * x86-64-v4 (AVX-512 F/BW/CD/DQ/VL), x86-64-v3 (AVX2), baseline (SSE2). No fused multiply-add in any of them
 * although v3/v4 have FMA: the build uses -ffp-contract=off. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(LFL_NO_DISPATCH)
#define LFL_X86_DISPATCH 1
#define LFL_MULTI __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else /* other CPUs / compilers: one build for the target's baseline (e.g. NEON on aarch64) */
#define LFL_MULTI
#endif

enum { MODE_BIAS, MODE_ZERO, MODE_ACC };

/*
 * C[r, j] for r < m, j < n from acc = sum_{p<k} A(r, p) * B[p, j] in increasing p from 0.0, where
 * A(r, p) = a[r*ars + p*aps] and B[p, j] = b[p*ldb + j]; then C = acc + bias[j] (MODE_BIAS), acc + 0.0
 * (MODE_ZERO) or C + acc (MODE_ACC). Rows are split over the thread pool when m*n*k is large enough.
 */
void lfl_gemm(int m, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
              double *c, long ldc, const double *bias, int mode);

/* lfl_gemm, then post(post_ctx, r0, r1) on each row range by the thread that computed it (while those rows are
 * in its cache): e.g. tanh of a layer's output. post_work is added to m*n*k when choosing whether to split. */
typedef void (*lfl_rows_fn)(const void *ctx, int r0, int r1);
void lfl_gemm_then(int m, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
                   double *c, long ldc, const double *bias, int mode, lfl_rows_fn post, const void *post_ctx, long post_work);

/* Runs fn(ctx, r0, r1) over contiguous row ranges covering [0, m): split over the thread pool when
 * work >= minWork and m >= 8 (row ranges are multiples of 4 but the last), else fn(ctx, 0, m) on this thread. */
void lfl_parallel_rows(int m, long work, lfl_rows_fn fn, const void *ctx);

/*
 * The float32 product of LFL_KERNELS=native-f32 (gemm_f32.c), NOT bit-identical to the float64 kernels: with
 * acc = fma(A(r, p), B[p, j], acc) in float32, increasing p from 0.0f, A(r, p) = (float)a[r*ars + p*aps]
 * (float64 operand, rounded to float32 when read; or af[r*ars + p*aps] when af is not NULL: the same values
 * rounded beforehand, which saves the conversion per read) and B[p, j] = b[p*ldb + j] (already float32), then
 * C[r, j] = c[r*ldc + j*cs] = (double)acc + bias[j] | (double)acc + 0.0 | C + (double)acc in float64, per mode. Every entry is one
 * fused multiply-add chain in one order whatever the instruction set, vector width or thread count, and fma is
 * correctly rounded everywhere, so the result is the same bytes on every CPU (the SSE2 fallback calls fmaf).
 */
void lfl_gemm_f32(int m, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                  double *c, long ldc, long cs, const double *bias, int mode);
/* lfl_gemm_f32, then post(post_ctx, r0, r1) on each row range by the thread that computed it (as lfl_gemm_then). */
void lfl_gemm_f32_then(int m, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                       double *c, long ldc, long cs, const double *bias, int mode, lfl_rows_fn post, const void *post_ctx, long post_work);
/*
 * The narrow float32 product of native-f32 (n <= LFL_DOT_F32_MAX_N outputs, e.g. a policy's mean or one shaping
 * head): C[r, j] = (double)acc + bias[j] | + 0.0 | C + (double)acc, per mode, where acc sums x[r, p]*w[j, p]
 * (x float64, rounded to float32 when read; w float32, row j of length >= k at w + j*ldw) in 16 interleaved fused
 * multiply-add chains (lane l: p = l, l + 16, ...) added by a fixed tree (gemm_f32.c). A different summation order
 * from lfl_gemm_f32's single chain, the same bytes on every CPU, vector width and thread count.
 */
#define LFL_DOT_F32_MAX_N 8
void lfl_dot_f32_then(int m, int n, int k, const double *x, long ldx, const float *w, long ldw, double *c, long ldc,
                      const double *bias, int mode, lfl_rows_fn post, const void *post_ctx, long post_work);
/* The code path lfl_gemm_f32 runs: "avx512", "avx2" or "generic"; lfl_set_f32_path("avx2"|"generic"|"auto")
 * forces one (for tests; returns 0 if this CPU/build cannot run it). */
const char *lfl_f32_path(void);
int lfl_set_f32_path(const char *name);

/* Threads used by lfl_gemm (1 = none) and the minimum m*n*k to use them; minWork < 0 keeps the current one. */
void lfl_set_threading(int threads, long minWork, int adaptive); /* adaptive < 0 keeps the setting */
int lfl_adaptive(void);
int lfl_threads(void);
long lfl_min_work(void);
/* "avx512", "avx2" or "sse2": the clone the CPU runs ("baseline" without run-time dispatch). */
const char *lfl_isa(void);

/* The previous kernels (one 4x8 block, edges one entry at a time, no threads), kept as "native-scalar". */
void lfl_legacy_linear_forward(const double *x, const double *w, const double *bias, double *y, double *wt, int batch, int in, int out);
void lfl_legacy_linear_backward(const double *x, const double *w, const double *dy, double *dw, double *db, double *dx, int batch, int in, int out);
void lfl_legacy_tanh(const double *x, double *y, int n);
void lfl_legacy_adam(double *theta, const double *g, double *m, double *v, long n, double stepSize, double beta1, double beta2, double eps, double sqrtBc2);

#include <math.h>
#include <stdint.h>
#include <string.h>

/* e^x for |x| <= 40: the same range reduction, Horner polynomial and scaling as expBounded in kernels.ts. */
static inline double lfl_exp_bounded(double x) {
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
  /* 2^k without a float-to-int conversion (AVX2 has none for 64-bit lanes): k + (2^52 + 1023) is exact and holds
   * k + 1023 in its low mantissa bits; shifted left by 52 they become the exponent field of 2^k (|k| <= 60). */
  const double t = k + 4503599627371519.0; /* 2^52 + 1023 */
  uint64_t bits;
  memcpy(&bits, &t, sizeof bits);
  bits <<= 52;
  double s2k;
  memcpy(&s2k, &bits, sizeof s2k);
  return p * s2k;
}

#endif
