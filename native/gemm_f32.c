/*
 * The float32 product kernel of LFL_KERNELS=native-f32 (contract in lfl_kernels.h: lfl_gemm_f32). Opt-in, and
 * NOT bit-identical to the float64 backends: each entry is acc = fma(A(r, p), B[p, j], acc) in float32 over
 * increasing p from 0.0f, then converted to float64 and finished (bias, +0.0 or accumulate) in float64.
 *
 * Why this is still deterministic: every entry is the same chain of correctly rounded fused multiply-adds in the
 * same order whatever code computes it. Blocks, vector widths, masked edge columns and threads only decide which
 * entries run at once, never how one is summed; and fma is exact-then-rounded on every CPU (AVX-512 and AVX2
 * vfmadd, aarch64 fmadd, or glibc's fmaf on SSE2-only CPUs), so the result is the same bytes on every machine
 * and for every thread count. (-ffp-contract=off still holds for the rest of the addon; the fused operations
 * here are explicit: intrinsics and __builtin_fmaf.)
 *
 * Paths, chosen at first use from the CPU (lfl_f32_path): AVX-512 (16 floats per vector; register blocks of
 * 4 rows x 64 columns, then the last n mod 64 columns in one block of 1-4 vectors whose last is loaded masked,
 * so 17 columns cost 2 vectors and 6 columns 1; 8-row blocks when n <= 32), AVX2 with FMA (8 floats; 4 rows x 16 columns, then one block
 * of 1-2 vectors, the last masked), and a generic one (scalar __builtin_fmaf, blocks of 4 rows x 8 columns) for
 * other CPUs and compilers. The output may be written transposed (column stride cs), which lets dW = dyᵀ·x
 * run with the wider of its two dimensions along the vectors (fma(a, b, c) = fma(b, a, c): same bytes).
 *
 * Narrow products (at most LFL_DOT_F32_MAX_N outputs: a policy's mean, one shaping head) run lfl_dot_f32 instead:
 * along the rows there is only one useful lane per output, so each entry is summed in 16 interleaved chains over p
 * (one vector of x's row against one of w's) and the lanes are added by a fixed tree. Measured on the 2048 x 128
 * -> 1 head of Algorithm 1's shaping net: 212-222 -> 43-44 us per call (scripts/kernel-layer-rates.ts, 2 threads).
 */
#include <stdlib.h>
#include <string.h>
#include "lfl_kernels.h"
#ifdef LFL_X86_DISPATCH
#include <immintrin.h>
#endif

#define INLINE static inline __attribute__((always_inline))

/* Writes W entries of one output row (column stride cs) from float32 sums s, per mode, in float64. */
INLINE void finish(const float *s, const int W, double *restrict ci, long cs, const double *restrict bias, int mode) {
  if (cs == 1) {
    if (mode == MODE_BIAS) for (int q = 0; q < W; q++) ci[q] = (double)s[q] + bias[q];
    else if (mode == MODE_ZERO) for (int q = 0; q < W; q++) ci[q] = (double)s[q] + 0.0;
    else for (int q = 0; q < W; q++) ci[q] += (double)s[q];
  } else {
    if (mode == MODE_BIAS) for (int q = 0; q < W; q++) ci[q * cs] = (double)s[q] + bias[q];
    else if (mode == MODE_ZERO) for (int q = 0; q < W; q++) ci[q * cs] = (double)s[q] + 0.0;
    else for (int q = 0; q < W; q++) ci[q * cs] += (double)s[q];
  }
}

/* ---- generic: scalar fused multiply-adds (not multiversioned, so a forced "generic" run on this machine runs
 * exactly what an SSE2-only CPU would: glibc's correctly rounded fmaf) ---- */

INLINE void gblock(const int AF, const int R, const int W, int k, const double *restrict a, const float *restrict af, long ars, long aps, const float *restrict b, long ldb,
                   double *restrict c, long ldc, long cs, const double *restrict bias, int mode) {
  float acc[4][8];
  for (int i = 0; i < 4; i++) for (int q = 0; q < 8; q++) acc[i][q] = 0.0f;
  for (int p = 0; p < k; p++) {
    const float *restrict bp = b + (long)p * ldb;
    const double *restrict ap = a + (long)p * aps;
    const float *restrict afp = AF ? af + (long)p * aps : NULL;
    for (int i = 0; i < R; i++) {
      const float x = (AF ? afp[i * ars] : (float)ap[i * ars]);
      for (int q = 0; q < W; q++) acc[i][q] = __builtin_fmaf(x, bp[q], acc[i][q]);
    }
  }
  for (int i = 0; i < R; i++) finish(acc[i], W, c + (long)i * ldc, cs, bias, mode);
}

static void rows_generic(int r0, int r1, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                         double *c, long ldc, long cs, const double *bias, int mode) {
  const int AF = af != NULL;
  for (int r = r0; r < r1;) {
    const int R = r + 4 <= r1 ? 4 : 1;
    for (int j = 0; j < n; j += 8) {
      const int W = n - j < 8 ? n - j : 8;
      if (R == 4) gblock(AF, 4, W, k, a + (long)r * ars, AF ? af + (long)r * ars : NULL, ars, aps, b + j, ldb, c + (long)r * ldc + (long)j * cs, ldc, cs, bias ? bias + j : NULL, mode);
      else gblock(AF, 1, W, k, a + (long)r * ars, AF ? af + (long)r * ars : NULL, ars, aps, b + j, ldb, c + (long)r * ldc + (long)j * cs, ldc, cs, bias ? bias + j : NULL, mode);
    }
    r += R;
  }
}

#ifdef LFL_X86_DISPATCH
/* ---- AVX2 + FMA (x86-64-v3): 8 floats per vector, 4 rows x 2 vectors = 8 accumulators of 16 registers ---- */
#define AVX2 __attribute__((target("arch=x86-64-v3")))

/* One R x W block of NV vectors, 8*(NV-1) < W <= 8*NV: the last vector's loads are masked to its W - 8*(NV-1)
 * columns (lanes past W read nothing and are never stored). */
AVX2 INLINE void blk256(const int AF, const int R, const int NV, const int MASKED, int W, int k, const double *restrict a, const float *restrict af, long ars, long aps, const float *restrict b, long ldb,
                        double *restrict c, long ldc, long cs, const double *restrict bias, int mode) {
  __m256 acc[4][2];
  for (int i = 0; i < 4; i++) for (int v = 0; v < 2; v++) acc[i][v] = _mm256_setzero_ps();
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(W - 8 * (NV - 1)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  for (int p = 0; p < k; p++) {
    const float *restrict bp = b + (long)p * ldb;
    const double *restrict ap = a + (long)p * aps;
    const float *restrict afp = AF ? af + (long)p * aps : NULL;
    __m256 bv[2];
    for (int v = 0; v < NV - 1; v++) bv[v] = _mm256_loadu_ps(bp + 8 * v);
    bv[NV - 1] = MASKED ? _mm256_maskload_ps(bp + 8 * (NV - 1), mask) : _mm256_loadu_ps(bp + 8 * (NV - 1));
    for (int i = 0; i < R; i++) {
      const __m256 x = _mm256_set1_ps((AF ? afp[i * ars] : (float)ap[i * ars]));
      for (int v = 0; v < NV; v++) acc[i][v] = _mm256_fmadd_ps(x, bv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < R; i++) {
    float s[16];
    for (int v = 0; v < NV; v++) _mm256_storeu_ps(s + 8 * v, acc[i][v]);
    finish(s, MASKED ? W : 8 * NV, c + (long)i * ldc, cs, bias, mode);
  }
}

AVX2 INLINE void rows256(const int AF, const int R, int *r, int r1, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                         double *c, long ldc, long cs, const double *bias, int mode) {
  for (; *r + R <= r1; *r += R) {
    const double *ar = a + (long)*r * ars;
    const float *afr = AF ? af + (long)*r * ars : NULL;
    double *cr = c + (long)*r * ldc;
    int j = 0;
    for (; j + 16 <= n; j += 16) blk256(AF, R, 2, 0, 16, k, ar, afr, ars, aps, b + j, ldb, cr + (long)j * cs, ldc, cs, bias ? bias + j : NULL, mode);
    if (n - j > 8) blk256(AF, R, 2, 1, n - j, k, ar, afr, ars, aps, b + j, ldb, cr + (long)j * cs, ldc, cs, bias ? bias + j : NULL, mode);
    else if (n - j > 0) blk256(AF, R, 1, 1, n - j, k, ar, afr, ars, aps, b + j, ldb, cr + (long)j * cs, ldc, cs, bias ? bias + j : NULL, mode);
  }
}

AVX2 static void rows_avx2(int r0, int r1, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                           double *c, long ldc, long cs, const double *bias, int mode) {
  int r = r0;
  if (af) {
    rows256(1, 4, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
    rows256(1, 1, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
  } else {
    rows256(0, 4, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
    rows256(0, 1, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
  }
}

/* ---- AVX-512 (x86-64-v4): 16 floats per vector, 4 rows x 4 vectors = 16 accumulators of 32 registers (8 rows
 * x 1-2 vectors for outputs of at most 32 columns) ---- */
#define AVX512 __attribute__((target("arch=x86-64-v4")))

/* One R x W block of NV vectors, 16*(NV-1) < W <= 16*NV: the last vector's loads are masked. */
AVX512 INLINE void blk512(const int AF, const int R, const int NV, const int MASKED, int W, int k, const double *restrict a, const float *restrict af, long ars, long aps, const float *restrict b, long ldb,
                          double *restrict c, long ldc, long cs, const double *restrict bias, int mode) {
  __m512 acc[8][4];
  for (int i = 0; i < R; i++) for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  const int last = W - 16 * (NV - 1);
  const __mmask16 mask = (__mmask16)(last < 16 ? (1u << last) - 1u : 0xFFFFu);
  for (int p = 0; p < k; p++) {
    const float *restrict bp = b + (long)p * ldb;
    const double *restrict ap = a + (long)p * aps;
    const float *restrict afp = AF ? af + (long)p * aps : NULL;
    __m512 bv[4];
    for (int v = 0; v < NV - 1; v++) bv[v] = _mm512_loadu_ps(bp + 16 * v);
    bv[NV - 1] = MASKED ? _mm512_maskz_loadu_ps(mask, bp + 16 * (NV - 1)) : _mm512_loadu_ps(bp + 16 * (NV - 1));
    for (int i = 0; i < R; i++) {
      const __m512 x = _mm512_set1_ps((AF ? afp[i * ars] : (float)ap[i * ars]));
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(x, bv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < R; i++) {
    float s[64];
    for (int v = 0; v < NV; v++) _mm512_storeu_ps(s + 16 * v, acc[i][v]);
    finish(s, MASKED ? W : 16 * NV, c + (long)i * ldc, cs, bias, mode);
  }
}

AVX512 INLINE void rows512(const int AF, const int R, int *r, int r1, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                           double *c, long ldc, long cs, const double *bias, int mode) {
  for (; *r + R <= r1; *r += R) {
    const double *ar = a + (long)*r * ars;
    const float *afr = AF ? af + (long)*r * ars : NULL;
    double *cr = c + (long)*r * ldc;
    int j = 0;
    for (; j + 64 <= n; j += 64) blk512(AF, R, 4, 0, 64, k, ar, afr, ars, aps, b + j, ldb, cr + (long)j * cs, ldc, cs, bias ? bias + j : NULL, mode);
    const int rem = n - j; /* the last < 64 columns in one block, its last vector masked */
    double *cj = cr + (long)j * cs;
    const double *bj = bias ? bias + j : NULL;
    if (rem > 48) blk512(AF, R, 4, 1, rem, k, ar, afr, ars, aps, b + j, ldb, cj, ldc, cs, bj, mode);
    else if (rem > 32) blk512(AF, R, 3, 1, rem, k, ar, afr, ars, aps, b + j, ldb, cj, ldc, cs, bj, mode);
    else if (rem > 16) blk512(AF, R, 2, 1, rem, k, ar, afr, ars, aps, b + j, ldb, cj, ldc, cs, bj, mode);
    else if (rem > 0) blk512(AF, R, 1, 1, rem, k, ar, afr, ars, aps, b + j, ldb, cj, ldc, cs, bj, mode);
  }
}

AVX512 static void rows_avx512(int r0, int r1, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                               double *c, long ldc, long cs, const double *bias, int mode) {
  int r = r0;
  /* At most 32 columns (1-2 vectors): 8-row blocks first, so 8-16 independent accumulators hide the fma latency. */
  if (af) {
    if (n <= 32) rows512(1, 8, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
    rows512(1, 4, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
    rows512(1, 1, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
  } else {
    if (n <= 32) rows512(0, 8, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
    rows512(0, 4, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
    rows512(0, 1, &r, r1, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode);
  }
}
#endif

/* ---- narrow products (lfl_dot_f32): each entry in 16 interleaved float32 chains, then a fixed tree ----
 * Lane l (0..15) of entry (r, j) is acc_l = fma(x[r, p], w[j, p], acc_l) over p = l, l + 16, l + 32, ... in
 * increasing order from 0.0f (p past k: fma(0, 0, acc_l)); the entry is s2_0 + s2_1, where s8_l = acc_l +
 * acc_{l+8}, s4_l = s8_l + s8_{l+4}, s2_l = s4_l + s4_{l+2} (l < 8, 4, 2). The AVX-512 path holds the 16 lanes in
 * one vector, the AVX2 path in two (lanes 0-7 and 8-15), the generic one in 16 scalars: the same operations. */

INLINE float tree16(const float *acc) {
  float s8[8], s4[4], s2[2];
  for (int l = 0; l < 8; l++) s8[l] = acc[l] + acc[l + 8];
  for (int l = 0; l < 4; l++) s4[l] = s8[l] + s8[l + 4];
  for (int l = 0; l < 2; l++) s2[l] = s4[l] + s4[l + 2];
  return s2[0] + s2[1];
}

INLINE void finish1(float s, double *restrict c, const double *restrict bias, int j, int mode) {
  if (mode == MODE_BIAS) *c = (double)s + bias[j];
  else if (mode == MODE_ZERO) *c = (double)s + 0.0;
  else *c += (double)s;
}

static void dot_rows_generic(int r0, int r1, int n, int k, const double *x, long ldx, const float *w, long ldw, double *c, long ldc, const double *bias, int mode) {
  for (int r = r0; r < r1; r++) {
    const double *xr = x + (long)r * ldx;
    for (int j = 0; j < n; j++) {
      const float *wj = w + (long)j * ldw;
      float acc[16];
      for (int l = 0; l < 16; l++) acc[l] = 0.0f;
      for (int p0 = 0; p0 < k; p0 += 16)
        for (int l = 0; l < 16; l++) {
          const int p = p0 + l;
          acc[l] = __builtin_fmaf(p < k ? (float)xr[p] : 0.0f, p < k ? wj[p] : 0.0f, acc[l]);
        }
      finish1(tree16(acc), c + (long)r * ldc + j, bias, j, mode);
    }
  }
}

#ifdef LFL_X86_DISPATCH
/* s8 (lanes l + l+8, in lo) -> the tree's last three levels, as tree16. */
AVX2 INLINE float tree8_256(__m256 s8) {
  const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

/* R rows (R = 1 or 4) x n outputs (n <= 8) of the narrow product: 16 lanes as two 8-float vectors. */
AVX2 INLINE void dot_block256(const int R, int n, int k, const double *restrict x, long ldx, const float *restrict w, long ldw,
                              double *restrict c, long ldc, const double *restrict bias, int mode) {
  __m256 lo[4][8], hi[4][8];
  for (int i = 0; i < R; i++) for (int j = 0; j < n; j++) { lo[i][j] = _mm256_setzero_ps(); hi[i][j] = _mm256_setzero_ps(); }
  for (int p0 = 0; p0 < k; p0 += 16) {
    const int left = k - p0;
    __m256 xl[4], xh[4];
    for (int i = 0; i < R; i++) {
      const double *xp = x + (long)i * ldx + p0;
      __m128 q[4];
      for (int u = 0; u < 4; u++) {
        const int have = left - 4 * u; /* entries of this 4-double quarter that exist */
        __m256d d;
        if (have >= 4) d = _mm256_loadu_pd(xp + 4 * u);
        else if (have <= 0) d = _mm256_setzero_pd();
        else d = _mm256_maskload_pd(xp + 4 * u, _mm256_cmpgt_epi64(_mm256_set1_epi64x(have), _mm256_setr_epi64x(0, 1, 2, 3)));
        q[u] = _mm256_cvtpd_ps(d);
      }
      xl[i] = _mm256_set_m128(q[1], q[0]);
      xh[i] = _mm256_set_m128(q[3], q[2]);
    }
    for (int j = 0; j < n; j++) {
      const float *wp = w + (long)j * ldw + p0;
      __m256 wl, wh;
      if (left >= 16) { wl = _mm256_loadu_ps(wp); wh = _mm256_loadu_ps(wp + 8); }
      else {
        wl = _mm256_maskload_ps(wp, _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
        wh = _mm256_maskload_ps(wp + 8, _mm256_cmpgt_epi32(_mm256_set1_epi32(left - 8), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
      }
      for (int i = 0; i < R; i++) { lo[i][j] = _mm256_fmadd_ps(xl[i], wl, lo[i][j]); hi[i][j] = _mm256_fmadd_ps(xh[i], wh, hi[i][j]); }
    }
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < n; j++) finish1(tree8_256(_mm256_add_ps(lo[i][j], hi[i][j])), c + (long)i * ldc + j, bias, j, mode);
}

AVX2 static void dot_rows_avx2(int r0, int r1, int n, int k, const double *x, long ldx, const float *w, long ldw, double *c, long ldc, const double *bias, int mode) {
  int r = r0;
  if (n <= 2) for (; r + 4 <= r1; r += 4) dot_block256(4, n, k, x + (long)r * ldx, ldx, w, ldw, c + (long)r * ldc, ldc, bias, mode);
  for (; r < r1; r++) dot_block256(1, n, k, x + (long)r * ldx, ldx, w, ldw, c + (long)r * ldc, ldc, bias, mode);
}

/* The same with the 16 lanes in one 16-float vector. */
AVX512 INLINE void dot_block512(const int R, int n, int k, const double *restrict x, long ldx, const float *restrict w, long ldw,
                                double *restrict c, long ldc, const double *restrict bias, int mode) {
  __m512 acc[4][8];
  for (int i = 0; i < R; i++) for (int j = 0; j < n; j++) acc[i][j] = _mm512_setzero_ps();
  for (int p0 = 0; p0 < k; p0 += 16) {
    const int left = k - p0;
    const __mmask16 m16 = (__mmask16)(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
    __m512 xv[4];
    for (int i = 0; i < R; i++) {
      const double *xp = x + (long)i * ldx + p0;
      const __m256 a = _mm512_cvtpd_ps(_mm512_maskz_loadu_pd((__mmask8)(m16 & 0xFF), xp));
      const __m256 b = _mm512_cvtpd_ps(_mm512_maskz_loadu_pd((__mmask8)(m16 >> 8), xp + 8));
      xv[i] = _mm512_insertf32x8(_mm512_castps256_ps512(a), b, 1);
    }
    for (int j = 0; j < n; j++) {
      const __m512 wv = _mm512_maskz_loadu_ps(m16, w + (long)j * ldw + p0);
      for (int i = 0; i < R; i++) acc[i][j] = _mm512_fmadd_ps(xv[i], wv, acc[i][j]);
    }
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < n; j++) {
      const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(acc[i][j]), _mm512_extractf32x8_ps(acc[i][j], 1));
      finish1(tree8_256(s8), c + (long)i * ldc + j, bias, j, mode);
    }
}

AVX512 static void dot_rows_avx512(int r0, int r1, int n, int k, const double *x, long ldx, const float *w, long ldw, double *c, long ldc, const double *bias, int mode) {
  int r = r0;
  if (n <= 2) for (; r + 4 <= r1; r += 4) dot_block512(4, n, k, x + (long)r * ldx, ldx, w, ldw, c + (long)r * ldc, ldc, bias, mode);
  for (; r < r1; r++) dot_block512(1, n, k, x + (long)r * ldx, ldx, w, ldw, c + (long)r * ldc, ldc, bias, mode);
}
#endif

/* ---- dispatch ---- */

enum { PATH_GENERIC, PATH_AVX2, PATH_AVX512 };
static int f32_path = -1; /* chosen at first use */

static int best_path(void) {
#ifdef LFL_X86_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")) return PATH_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return PATH_AVX2;
#endif
  return PATH_GENERIC;
}

const char *lfl_f32_path(void) {
  if (f32_path < 0) f32_path = best_path();
  return f32_path == PATH_AVX512 ? "avx512" : f32_path == PATH_AVX2 ? "avx2" : "generic";
}

int lfl_set_f32_path(const char *name) {
  const int best = best_path();
  const int want = strcmp(name, "avx512") == 0 ? PATH_AVX512 : strcmp(name, "avx2") == 0 ? PATH_AVX2 : strcmp(name, "generic") == 0 ? PATH_GENERIC : best;
  if (want > best) return 0;
  f32_path = want;
  return 1;
}

typedef struct {
  int n, k; const double *a; const float *af; long ars, aps; const float *b; long ldb; double *c; long ldc, cs; const double *bias; int mode; int path;
  lfl_rows_fn post; const void *post_ctx;
} gemm_f32_args;

static void gemm_f32_part(const void *ctx, int r0, int r1) {
  const gemm_f32_args *g = (const gemm_f32_args *)ctx;
#ifdef LFL_X86_DISPATCH
  if (g->path == PATH_AVX512) { rows_avx512(r0, r1, g->n, g->k, g->a, g->af, g->ars, g->aps, g->b, g->ldb, g->c, g->ldc, g->cs, g->bias, g->mode); return; }
  if (g->path == PATH_AVX2) { rows_avx2(r0, r1, g->n, g->k, g->a, g->af, g->ars, g->aps, g->b, g->ldb, g->c, g->ldc, g->cs, g->bias, g->mode); return; }
#endif
  rows_generic(r0, r1, g->n, g->k, g->a, g->af, g->ars, g->aps, g->b, g->ldb, g->c, g->ldc, g->cs, g->bias, g->mode);
}

/* The product of the thread's rows, then post on them when there is one (lfl_gemm_f32_then). */
static void gemm_f32_part_then(const void *ctx, int r0, int r1) {
  const gemm_f32_args *g = (const gemm_f32_args *)ctx;
  gemm_f32_part(ctx, r0, r1);
  if (g->post) g->post(g->post_ctx, r0, r1);
}

/* What finishing one output entry costs (widening to float64, the bias or accumulation, the store; for a narrow
 * product the lanes' tree), in multiply-adds: added to k when choosing whether to split a product over the pool,
 * so thin products (k = 6: the gradient through a policy's mean) count what they really cost. */
#define F32_ENTRY_WORK 16L

typedef struct {
  int n, k; const double *x; long ldx; const float *w; long ldw; double *c; long ldc; const double *bias; int mode; int path;
  lfl_rows_fn post; const void *post_ctx;
} dot_f32_args;

static void dot_f32_part(const void *ctx, int r0, int r1) {
  const dot_f32_args *g = (const dot_f32_args *)ctx;
#ifdef LFL_X86_DISPATCH
  if (g->path == PATH_AVX512) dot_rows_avx512(r0, r1, g->n, g->k, g->x, g->ldx, g->w, g->ldw, g->c, g->ldc, g->bias, g->mode);
  else if (g->path == PATH_AVX2) dot_rows_avx2(r0, r1, g->n, g->k, g->x, g->ldx, g->w, g->ldw, g->c, g->ldc, g->bias, g->mode);
  else
#endif
  dot_rows_generic(r0, r1, g->n, g->k, g->x, g->ldx, g->w, g->ldw, g->c, g->ldc, g->bias, g->mode);
  if (g->post) g->post(g->post_ctx, r0, r1);
}

void lfl_dot_f32_then(int m, int n, int k, const double *x, long ldx, const float *w, long ldw, double *c, long ldc,
                      const double *bias, int mode, lfl_rows_fn post, const void *post_ctx, long post_work) {
  if (f32_path < 0) f32_path = best_path();
  const dot_f32_args g = { n, k, x, ldx, w, ldw, c, ldc, bias, mode, f32_path, post, post_ctx };
  lfl_parallel_rows(m, (long)m * n * (k + F32_ENTRY_WORK) + post_work, dot_f32_part, &g);
}

void lfl_gemm_f32(int m, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                  double *c, long ldc, long cs, const double *bias, int mode) {
  lfl_gemm_f32_then(m, n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode, NULL, NULL, 0);
}

void lfl_gemm_f32_then(int m, int n, int k, const double *a, const float *af, long ars, long aps, const float *b, long ldb,
                       double *c, long ldc, long cs, const double *bias, int mode, lfl_rows_fn post, const void *post_ctx, long post_work) {
  if (f32_path < 0) f32_path = best_path();
  const gemm_f32_args g = { n, k, a, af, ars, aps, b, ldb, c, ldc, cs, bias, mode, f32_path, post, post_ctx };
  lfl_parallel_rows(m, (long)m * n * (k + F32_ENTRY_WORK) + post_work, gemm_f32_part_then, &g);
}
