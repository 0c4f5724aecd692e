/*
 * The product kernel of the native backend and its thread pool (contract in lfl_kernels.h).
 *
 * Register blocks of 4 rows x {8, 4, 2, 1} columns (vector accumulators over OUTPUT columns, never over the
 * sum), then the last m mod 4 rows one at a time with the same column blocks: every entry is one sequential
 * sum over p from 0.0, so blocking, vector width and threads change how many sums run at once, never a bit.
 * Each function is compiled once per instruction set (LFL_MULTI) and the CPU picks at load time.
 *
 * Threads: a small persistent pool (pthreads, created on first use; lfl_parallel_rows, which the float32
 * products of gemm_f32.c use too). A product with m*n*k >= minWork is split into contiguous row ranges, one per
 * thread (the caller's thread takes the first), each entry computed by exactly one thread with the same code.
 * Only one product uses the pool at a time; a concurrent caller (another JS thread) computes alone.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <stdlib.h>
#include "lfl_kernels.h"

typedef double v4d __attribute__((vector_size(32)));
typedef double v2d __attribute__((vector_size(16)));

#define INLINE static inline __attribute__((always_inline))

/* One R x W block at (r0, j0). W = 8, 4, 2 or 1 columns; R = 4 or 1 rows (compile-time constants after inlining). */
INLINE void block(const int R, const int W, int k, const double *restrict a, long ars, long aps, const double *restrict b, long ldb,
                  double *restrict c, long ldc, const double *restrict bias, int mode) {
  v4d acc4[4][2] = {{{0}}};
  v2d acc2[4] = {{0}};
  double acc1[4] = {0};
  for (int p = 0; p < k; p++) {
    const double *restrict bp = b + (long)p * ldb;
    const double *restrict ap = a + (long)p * aps;
    v4d b0 = {0}, b1 = {0};
    v2d b2 = {0};
    double b3 = 0;
    if (W >= 4) memcpy(&b0, bp, sizeof b0);
    if (W == 8) memcpy(&b1, bp + 4, sizeof b1);
    if (W == 2) memcpy(&b2, bp, sizeof b2);
    if (W == 1) b3 = bp[0];
    for (int i = 0; i < R; i++) {
      const double x = ap[i * ars];
      if (W >= 4) acc4[i][0] += x * b0;
      if (W == 8) acc4[i][1] += x * b1;
      if (W == 2) acc2[i] += x * b2;
      if (W == 1) acc1[i] += x * b3;
    }
  }
  for (int i = 0; i < R; i++) {
    double s[8];
    if (W >= 4) memcpy(s, &acc4[i][0], sizeof(v4d));
    if (W == 8) memcpy(s + 4, &acc4[i][1], sizeof(v4d));
    if (W == 2) memcpy(s, &acc2[i], sizeof(v2d));
    if (W == 1) s[0] = acc1[i];
    double *restrict ci = c + (long)i * ldc;
    if (mode == MODE_BIAS) for (int q = 0; q < W; q++) ci[q] = s[q] + bias[q];
    else if (mode == MODE_ZERO) for (int q = 0; q < W; q++) ci[q] = s[q] + 0.0;
    else for (int q = 0; q < W; q++) ci[q] += s[q];
  }
}

/* Rows [r0, r1) of the product, all columns. */
INLINE void rows_of(const int R, int *r, int r1, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
                    double *c, long ldc, const double *bias, int mode) {
  for (; *r + R <= r1; *r += R) {
    const double *ar = a + (long)*r * ars;
    double *cr = c + (long)*r * ldc;
    int j = 0;
    for (; j + 8 <= n; j += 8) block(R, 8, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j + 4 <= n; j += 4) block(R, 4, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j + 2 <= n; j += 2) block(R, 2, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j < n; j++) block(R, 1, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
  }
}

#ifdef LFL_X86_DISPATCH
/* AVX-512 path (x86-64-v4 CPUs): blocks of 4 rows x 16 columns in two 512-bit accumulators per row first. On
 * CPUs with full-width 512-bit FP pipes (AMD Zen 5, Intel server cores) this doubles the multiply-adds per
 * instruction; the sums are the same sequential sums as everywhere else. */
typedef double v8d __attribute__((vector_size(64)));
#define AVX512 __attribute__((target("arch=x86-64-v4")))

AVX512 static inline __attribute__((always_inline)) void block16(const int R, const int NV, int k, const double *restrict a, long ars, long aps,
                                                                const double *restrict b, long ldb, double *restrict c, long ldc,
                                                                const double *restrict bias, int mode) {
  v8d acc[4][4] = {{{0}}};
  for (int p = 0; p < k; p++) {
    const double *restrict bp = b + (long)p * ldb;
    const double *restrict ap = a + (long)p * aps;
    v8d bv[4];
    for (int v = 0; v < NV; v++) memcpy(&bv[v], bp + 8 * v, sizeof(v8d));
    for (int i = 0; i < R; i++) {
      const double x = ap[i * ars];
      for (int v = 0; v < NV; v++) acc[i][v] += x * bv[v];
    }
  }
  for (int i = 0; i < R; i++) {
    double s[32];
    for (int v = 0; v < NV; v++) memcpy(s + 8 * v, &acc[i][v], sizeof(v8d));
    double *restrict ci = c + (long)i * ldc;
    if (mode == MODE_BIAS) for (int q = 0; q < 8 * NV; q++) ci[q] = s[q] + bias[q];
    else if (mode == MODE_ZERO) for (int q = 0; q < 8 * NV; q++) ci[q] = s[q] + 0.0;
    else for (int q = 0; q < 8 * NV; q++) ci[q] += s[q];
  }
}

AVX512 static inline __attribute__((always_inline)) void rows_of16(const int R, int *r, int r1, int n, int k, const double *a, long ars, long aps,
                                                                  const double *b, long ldb, double *c, long ldc, const double *bias, int mode) {
  for (; *r + R <= r1; *r += R) {
    const double *ar = a + (long)*r * ars;
    double *cr = c + (long)*r * ldc;
    int j = 0;
    for (; j + 32 <= n; j += 32) block16(R, 4, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j + 16 <= n; j += 16) block16(R, 2, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j + 8 <= n; j += 8) block(R, 8, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j + 4 <= n; j += 4) block(R, 4, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j + 2 <= n; j += 2) block(R, 2, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
    for (; j < n; j++) block(R, 1, k, ar, ars, aps, b + j, ldb, cr + j, ldc, bias ? bias + j : NULL, mode);
  }
}

AVX512 static void gemm_rows_avx512(int r0, int r1, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
                                    double *c, long ldc, const double *bias, int mode) {
  int r = r0;
  rows_of16(4, &r, r1, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode);
  rows_of16(1, &r, r1, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode);
}

#endif

LFL_MULTI static void gemm_rows_portable(int r0, int r1, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
                                double *c, long ldc, const double *bias, int mode) {
  int r = r0;
  rows_of(4, &r, r1, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode);
  rows_of(1, &r, r1, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode);
}

static int has_avx512 = -1;

static void gemm_rows(int r0, int r1, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
                      double *c, long ldc, const double *bias, int mode) {
#ifdef LFL_X86_DISPATCH
  if (has_avx512 < 0) { __builtin_cpu_init(); has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"); }
  if (has_avx512) { gemm_rows_avx512(r0, r1, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode); return; }
#else
  has_avx512 = 0;
#endif
  gemm_rows_portable(r0, r1, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode);
}

/* ---- thread pool ---- */

/* Waking a sleeping thread (futex, scheduler) costs tens of microseconds in a VM: as much as a 2048-row
 * product's half. So a worker that has just finished a job, and the caller waiting for its workers, first spin
 * on atomics for up to spin_ns (default 200 us; LFL_NATIVE_SPIN_US, 0 = never spin) and only then sleep on the
 * condition variables. A training step's products come back to back, so the workers stay awake through a step
 * and sleep in longer gaps (between PPO rollouts, say). Which thread computes which rows does not change. */
#define MAX_THREADS 8
typedef struct {
  int m, parts; lfl_rows_fn fn; const void *ctx;
} job_t;

static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER; /* held by the caller using the pool */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static job_t job;                      /* written under mu before generation is bumped */
static _Atomic unsigned long generation;
static _Atomic int pending;            /* workers still running the job */
static int started;                    /* workers created */
static int threads = 0;                /* 0 = not yet initialised */
static long min_work = 2L << 20; /* 2M multiply-adds: 512 rows through a 64x64 layer (measured: bench in docs/performance.md) */
static long spin_ns = 200000;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Spins until cond(arg) holds (returns 1) or spin_ns have passed (returns 0). After the first ~64 checks it
 * yields the CPU between checks (sched_yield), so on a loaded machine, where the thread it waits for may be
 * waiting for this very core, spinning does not keep that thread off it (measured: without the yields a run next
 * to one busy process took 1.7x as long as without spinning at all). When the caller's wait for its workers
 * runs out, spinning is off for 50 ms in every thread of the pool: waits then sleep on the condition variables. */
static _Atomic long long no_spin_until; /* spinning is off until then (ns): a spin ran out recently */

static int spin_until(int (*cond)(unsigned long), unsigned long arg, int back_off) {
  if (spin_ns <= 0) return 0;
  const long long start = now_ns(), until = start + spin_ns;
  if (start < atomic_load_explicit(&no_spin_until, memory_order_relaxed)) return cond(arg);
  for (int i = 1;; i++) {
    if (cond(arg)) return 1;
    if (i < 64) cpu_relax();
    else {
      sched_yield();
      const long long t = now_ns();
      if (t > until) {
        /* The caller ran out waiting for its workers: the machine is likely busy (a worker was off its core).
         * Sleep-wait only for the next 50 ms. (A worker running out between jobs is normal: JS ran meanwhile.) */
        if (back_off) atomic_store_explicit(&no_spin_until, t + 50000000LL, memory_order_relaxed);
        return 0;
      }
    }
  }
}

/* Adaptive fall-back: split a product only while splitting is measured to pay. On a VM whose second vCPU comes
 * and goes (docs/performance.md, "The fourth host again") a 2-thread run was up to 1.7x slower than a 1-thread
 * run in some runs and up to 1.4x faster in others, minutes apart. So the caller times both ways in turn on the products it could
 * split: 32 products split, then 32 computed alone, and compares nanoseconds per multiply-add; it then uses the
 * faster way for 200 ms and measures again. Only which thread computes which rows changes, never a bit.
 * LFL_NATIVE_ADAPT=0 (or setThreading's third argument 0) turns it off (always split); the state is touched only
 * under pool_busy. */
static int adapt = 1;
static int split_wins = 1;          /* the way in use between measurements */
static int measuring;               /* 0 = using split_wins; 1 = timing split products; 2 = timing products alone */
static int measured;                /* products timed in the current way */
static double spent_ns[2], spent_work[2]; /* [split, alone] */
static long long use_until;         /* ns: use split_wins until then, then measure again */

static int generation_moved(unsigned long seen) { return atomic_load_explicit(&generation, memory_order_acquire) != seen; }
static int job_done(unsigned long unused) { (void)unused; return atomic_load_explicit(&pending, memory_order_acquire) == 0; }

/* Rows of part `i` of `parts`: contiguous ranges, multiples of 4 except the last. */
static void part_rows(int m, int parts, int i, int *r0, int *r1) {
  const int blocks = (m + 3) / 4;
  const int b0 = (int)((long)blocks * i / parts), b1 = (int)((long)blocks * (i + 1) / parts);
  *r0 = b0 * 4 < m ? b0 * 4 : m;
  *r1 = b1 * 4 < m ? b1 * 4 : m;
}

static void run_part(const job_t *j, int i) {
  int r0, r1;
  part_rows(j->m, j->parts, i, &r0, &r1);
  if (r0 < r1) j->fn(j->ctx, r0, r1);
}

typedef struct { int id; unsigned long seen; } worker_start;

static void *worker(void *arg) {
  /* id 1 .. threads-1; seen = the generation when it was created, so a worker started between two jobs waits for
   * the next one instead of running the finished one (whose context is gone). */
  const worker_start ws = *(const worker_start *)arg;
  free(arg);
  const int id = ws.id;
  unsigned long seen = ws.seen;
  for (;;) {
    if (!spin_until(generation_moved, seen, 0)) {
      pthread_mutex_lock(&mu);
      while (atomic_load_explicit(&generation, memory_order_acquire) == seen) pthread_cond_wait(&start_cv, &mu);
      pthread_mutex_unlock(&mu);
    }
    seen = atomic_load_explicit(&generation, memory_order_acquire);
    const job_t j = job;
    if (id < j.parts) run_part(&j, id);
    if (atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&mu); /* the caller may be asleep on done_cv */
      pthread_cond_signal(&done_cv);
      pthread_mutex_unlock(&mu);
    }
  }
  return NULL;
}

static void init_threads(void) {
  if (threads) return;
  const char *env = getenv("LFL_NATIVE_THREADS");
  long t = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  threads = t < 1 ? 1 : t > MAX_THREADS ? MAX_THREADS : (int)t;
  const char *mw = getenv("LFL_NATIVE_MIN_WORK");
  if (mw) min_work = strtol(mw, NULL, 10);
  const char *sp = getenv("LFL_NATIVE_SPIN_US");
  if (sp) spin_ns = strtol(sp, NULL, 10) * 1000L;
  const char *ad = getenv("LFL_NATIVE_ADAPT");
  if (ad) adapt = strtol(ad, NULL, 10) != 0;
}

/* Starts workers up to `want` - 1 (under pool_busy). Returns how many threads can run (>= 1). */
static int ensure_workers(int want) {
  while (started < want - 1) {
    pthread_t t;
    pthread_attr_t attr;
    worker_start *ws = malloc(sizeof *ws);
    if (!ws) break;
    *ws = (worker_start){ started + 1, atomic_load_explicit(&generation, memory_order_acquire) };
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int ok = pthread_create(&t, &attr, worker, ws) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) { free(ws); break; }
    started++;
  }
  return started + 1 < want ? started + 1 : want;
}

void lfl_set_threading(int t, long minWork, int adaptive) {
  init_threads();
  threads = t < 1 ? 1 : t > MAX_THREADS ? MAX_THREADS : t;
  if (minWork >= 0) min_work = minWork;
  if (adaptive >= 0) adapt = adaptive != 0;
  split_wins = 1;
  measuring = 0;
  use_until = 0;
}

int lfl_adaptive(void) {
  init_threads();
  return adapt;
}

long lfl_min_work(void) {
  init_threads();
  return min_work;
}

int lfl_threads(void) {
  init_threads();
  return threads;
}

void lfl_parallel_rows(int m, long work, lfl_rows_fn fn, const void *ctx) {
  init_threads();
  if (threads > 1 && m >= 8 && work >= min_work && pthread_mutex_trylock(&pool_busy) == 0) {
    int parts = ensure_workers(threads);
    if ((m + 3) / 4 < parts) parts = (m + 3) / 4;
    const long long t0 = adapt ? now_ns() : 0;
    if (adapt) {
      if (!measuring && t0 >= use_until) { measuring = 1; measured = 0; spent_ns[0] = spent_ns[1] = spent_work[0] = spent_work[1] = 0; }
      if (measuring ? measuring == 2 : !split_wins) parts = 1;
    }
    if (parts > 1) {
      pthread_mutex_lock(&mu);
      job = (job_t){ m, parts, fn, ctx };
      atomic_store_explicit(&pending, started, memory_order_relaxed);
      atomic_fetch_add_explicit(&generation, 1, memory_order_release);
      pthread_cond_broadcast(&start_cv);
      pthread_mutex_unlock(&mu);
      run_part(&job, 0);
      if (!spin_until(job_done, 0, 1)) {
        pthread_mutex_lock(&mu);
        while (atomic_load_explicit(&pending, memory_order_acquire) > 0) pthread_cond_wait(&done_cv, &mu);
        pthread_mutex_unlock(&mu);
      }
    } else {
      fn(ctx, 0, m);
    }
    if (adapt && measuring) {
      const long long t1 = now_ns();
      spent_ns[measuring - 1] += (double)(t1 - t0);
      spent_work[measuring - 1] += (double)work;
      if (++measured == 32) {
        measured = 0;
        if (measuring == 1) measuring = 2;
        else {
          split_wins = spent_ns[0] / spent_work[0] < spent_ns[1] / spent_work[1];
          measuring = 0;
          use_until = t1 + 200000000LL;
        }
      }
    }
    pthread_mutex_unlock(&pool_busy);
    return;
  }
  fn(ctx, 0, m);
}

typedef struct {
  int n, k; const double *a; long ars, aps; const double *b; long ldb; double *c; long ldc; const double *bias; int mode;
  lfl_rows_fn post; const void *post_ctx;
} gemm_args;

static void gemm_part(const void *ctx, int r0, int r1) {
  const gemm_args *g = (const gemm_args *)ctx;
  gemm_rows(r0, r1, g->n, g->k, g->a, g->ars, g->aps, g->b, g->ldb, g->c, g->ldc, g->bias, g->mode);
  if (g->post) g->post(g->post_ctx, r0, r1);
}

void lfl_gemm(int m, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
              double *c, long ldc, const double *bias, int mode) {
  lfl_gemm_then(m, n, k, a, ars, aps, b, ldb, c, ldc, bias, mode, NULL, NULL, 0);
}

void lfl_gemm_then(int m, int n, int k, const double *a, long ars, long aps, const double *b, long ldb,
                   double *c, long ldc, const double *bias, int mode, lfl_rows_fn post, const void *post_ctx, long post_work) {
  const gemm_args g = { n, k, a, ars, aps, b, ldb, c, ldc, bias, mode, post, post_ctx };
  lfl_parallel_rows(m, (long)m * n * k + post_work, gemm_part, &g);
}

const char *lfl_isa(void) {
#ifdef LFL_X86_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2")) return "avx2";
  return "sse2";
#else
  return "baseline";
#endif
}
