/*
 * RNN Lab's compute kernels, compiled to WebAssembly with 128-bit SIMD (see
 * scripts/kernels/build.mjs). Freestanding C: no libc, no allocation; every buffer lives in the
 * module's linear memory and is handed in by the TypeScript side (src/engine/kernels/).
 *
 * Layouts (row-major, time-major): a sequence of T steps of B samples is [T*B, width], with
 * row t*B + b. Hidden-state sequences carry the initial state in front: [(T+1)*B, H].
 * Gate blocks follow PyTorch: LSTM i, f, g, o; GRU r, z, n.
 */
#include <wasm_simd128.h>

typedef v128_t f4;

#define EXPORT(name) __attribute__((export_name(#name))) 

/* ---------------------------------------------------------------------------------------------
 * Vector helpers
 * ------------------------------------------------------------------------------------------- */

static inline f4 splat(float x) { return wasm_f32x4_splat(x); }
static inline f4 add(f4 a, f4 b) { return wasm_f32x4_add(a, b); }
static inline f4 sub(f4 a, f4 b) { return wasm_f32x4_sub(a, b); }
static inline f4 mul(f4 a, f4 b) { return wasm_f32x4_mul(a, b); }
/*
 * a·b + c. The relaxed build (RELAXED_SIMD, see scripts/kernels/build.mjs) uses relaxed SIMD's
 * multiply-add, which the engine fuses where the processor has FMA (one rounding instead of two);
 * the deterministic build rounds the product and the sum separately on every machine.
 */
#ifdef RELAXED_SIMD
typedef float f32x4_lanes __attribute__((vector_size(16)));
static inline f4 madd(f4 a, f4 b, f4 c) { return (f4)__builtin_wasm_relaxed_madd_f32x4((f32x4_lanes)a, (f32x4_lanes)b, (f32x4_lanes)c); }
#else
static inline f4 madd(f4 a, f4 b, f4 c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
#endif

/* Loads and stores of `count` floats (1..4); lanes past `count` read as zero. */
/* As `load`, with lanes past `count` set to `fill`. */
static inline f4 load_or(const float *p, int count, float fill) {
  if (count >= 4) return wasm_v128_load(p);
  float lanes[4] = {fill, fill, fill, fill};
  for (int i = 0; i < count; i++) lanes[i] = p[i];
  return wasm_v128_load(lanes);
}

static inline f4 load(const float *p, int count) { return load_or(p, count, 0.0f); }

static inline void store(float *p, f4 v, int count) {
  if (count >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  float lanes[4];
  wasm_v128_store(lanes, v);
  for (int i = 0; i < count; i++) p[i] = lanes[i];
}

/* e^x (Cephes expf: range reduction by ln 2 and a degree-6 polynomial; about 1 ulp). */
static inline f4 exp4(f4 x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, splat(-87.3f)), splat(88.3f));
  f4 n = wasm_f32x4_nearest(mul(x, splat(1.44269504088896341f)));
  x = sub(x, mul(n, splat(0.693359375f)));
  x = add(x, mul(n, splat(2.12194440e-4f)));
  f4 y = splat(1.9875691500e-4f);
  y = madd(y, x, splat(1.3981999507e-3f));
  y = madd(y, x, splat(8.3334519073e-3f));
  y = madd(y, x, splat(4.1665795894e-2f));
  y = madd(y, x, splat(1.6666665459e-1f));
  y = madd(y, x, splat(5.0000001201e-1f));
  y = add(madd(y, mul(x, x), x), splat(1.0f));
  f4 scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return mul(y, scale);
}

/*
 * tanh as a rational function (the [13/6] minimax fit Eigen uses, on x clamped to ±7.9053, where
 * float32 tanh is 1): about 3e-7 from the true value, with one division and no exponential.
 */
static inline f4 tanh4(f4 x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, splat(-7.90531110763549805f)), splat(7.90531110763549805f));
  f4 x2 = mul(x, x);
  f4 p = splat(-2.76076847742355e-16f);
  p = madd(p, x2, splat(2.00018790482477e-13f));
  p = madd(p, x2, splat(-8.60467152213735e-11f));
  p = madd(p, x2, splat(5.12229709037114e-08f));
  p = madd(p, x2, splat(1.48572235717979e-05f));
  p = madd(p, x2, splat(6.37261928875436e-04f));
  p = madd(p, x2, splat(4.89352455891786e-03f));
  p = mul(p, x);
  f4 q = splat(1.19825839466702e-06f);
  q = madd(q, x2, splat(1.18534705686654e-04f));
  q = madd(q, x2, splat(2.26843463243900e-03f));
  q = madd(q, x2, splat(4.89352518554385e-03f));
  return wasm_f32x4_div(p, q);
}

/* sigmoid(x) = (1 + tanh(x / 2)) / 2. */
static inline f4 sigmoid4(f4 x) { return madd(tanh4(mul(x, splat(0.5f))), splat(0.5f), splat(0.5f)); }

/* ---------------------------------------------------------------------------------------------
 * Matrix product
 * ------------------------------------------------------------------------------------------- */

/*
 * Blocked as the BLAS libraries do: B is copied, KC rows by NC columns at a time, into panels of
 * 8 columns stored contiguously (zero-padded past N), so that the micro-kernel reads it in order.
 * B's own rows are often a power-of-two stride apart (the gate matrices), which maps them onto a
 * few cache sets; the packed block sits in L2 and each panel in L1.
 */
#define KC 256
#define NC 256
#define MC 64
#define NR 8

/* The most threads a product is split over (the caller and its helpers); each packs into its own block. */
#define MAX_THREADS 4

static float packed_b[MAX_THREADS][KC * NC] __attribute__((aligned(16)));

/* packed[p][k][0..7] = B[k, p*8 .. p*8+7] for the block's kc rows and nc columns. */
static void pack_b(int kc, int nc, const float *B, int ldb, float *packed) {
  for (int p = 0; p * NR < nc; p++) {
    int width = nc - p * NR < NR ? nc - p * NR : NR;
    const float *b = B + p * NR;
    float *dst = packed + p * kc * NR;
    if (width == NR) {
      for (int k = 0; k < kc; k++) {
        wasm_v128_store(dst + k * NR, wasm_v128_load(b + k * ldb));
        wasm_v128_store(dst + k * NR + 4, wasm_v128_load(b + k * ldb + 4));
      }
    } else {
      for (int k = 0; k < kc; k++)
        for (int j = 0; j < NR; j++) dst[k * NR + j] = j < width ? b[k * ldb + j] : 0.0f;
    }
  }
}

/* `rows` (1..4) rows of a tile: 8 columns (the first `width` stored), over kc steps of k. */
static inline void store_row(float *c, f4 v0, f4 v1, int width) {
  if (width == NR) {
    wasm_v128_store(c, v0);
    wasm_v128_store(c + 4, v1);
  } else {
    store(c, v0, width < 4 ? width : 4);
    if (width > 4) store(c + 4, v1, width - 4);
  }
}

static inline f4 load_row(const float *c, int count) { return count > 0 ? load(c, count < 4 ? count : 4) : splat(0.0f); }

/* A 4×8 tile of C over kc steps of k from a packed panel: 8 accumulators, two B vectors, one broadcast. */
static inline void tile4x8(int kc, const float *A, int sam, int sak, const float *panel, float *C, int ldc, int width, int accumulate) {
  f4 c00, c01, c10, c11, c20, c21, c30, c31;
  if (accumulate) {
    c00 = load_row(C, width); c01 = load_row(C + 4, width - 4);
    c10 = load_row(C + ldc, width); c11 = load_row(C + ldc + 4, width - 4);
    c20 = load_row(C + 2 * ldc, width); c21 = load_row(C + 2 * ldc + 4, width - 4);
    c30 = load_row(C + 3 * ldc, width); c31 = load_row(C + 3 * ldc + 4, width - 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = splat(0.0f);
  }
  const float *a0 = A, *a1 = A + sam, *a2 = A + 2 * sam, *a3 = A + 3 * sam;
  for (int k = 0; k < kc; k++) {
    const float *b = panel + k * NR;
    f4 b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    int ak = k * sak;
    f4 x = wasm_v128_load32_splat(a0 + ak);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = wasm_v128_load32_splat(a1 + ak);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = wasm_v128_load32_splat(a2 + ak);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = wasm_v128_load32_splat(a3 + ak);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
  }
  store_row(C, c00, c01, width);
  store_row(C + ldc, c10, c11, width);
  store_row(C + 2 * ldc, c20, c21, width);
  store_row(C + 3 * ldc, c30, c31, width);
}

/* One row of C, 8 columns (the first `width` stored), over kc steps of k from a packed panel. */
static inline void tile1x8(int kc, const float *A, int sak, const float *panel, float *C, int width, int accumulate) {
  f4 c0 = accumulate ? load_row(C, width) : splat(0.0f);
  f4 c1 = accumulate ? load_row(C + 4, width - 4) : splat(0.0f);
  for (int k = 0; k < kc; k++) {
    f4 x = wasm_v128_load32_splat(A + k * sak);
    c0 = madd(x, wasm_v128_load(panel + k * NR), c0);
    c1 = madd(x, wasm_v128_load(panel + k * NR + 4), c1);
  }
  store_row(C, c0, c1, width);
}

/* The product on one thread, packing B's blocks into `packed` [KC * NC]. */
static void gemm_serial(int M, int N, int K, const float *A, int sam, int sak, const float *B, int ldb, float *C, int ldc, int accumulate, float *packed) {
  if (K == 0) {
    if (!accumulate)
      for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) C[m * ldc + n] = 0;
    return;
  }
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    int acc = accumulate || k0 > 0;
    const float *Ak = A + k0 * sak;
    for (int n0 = 0; n0 < N; n0 += NC) {
      int nc = N - n0 < NC ? N - n0 : NC;
      pack_b(kc, nc, B + k0 * ldb + n0, ldb, packed);
      /* MC rows of A at a time, so that they stay in cache while every panel of the block passes over them. */
      for (int mb = 0; mb < M; mb += MC) {
        int me = M - mb < MC ? M : mb + MC;
        for (int p = 0; p * NR < nc; p++) {
          int width = nc - p * NR < NR ? nc - p * NR : NR;
          const float *panel = packed + p * kc * NR;
          float *Cp = C + n0 + p * NR;
          int m0 = mb;
          for (; m0 + 4 <= me; m0 += 4) tile4x8(kc, Ak + m0 * sam, sam, sak, panel, Cp + m0 * ldc, ldc, width, acc);
          for (; m0 < me; m0++) tile1x8(kc, Ak + m0 * sam, sak, panel, Cp + m0 * ldc, width, acc);
        }
      }
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * Threads. The memory is shared: helper threads (worker threads, each with its own instance
 * of this module and its own stack) wait in `helper_loop` for parts of a job. A job is a
 * function over a range (a product's column panels or row blocks, a batch's samples) that the
 * caller splits: it runs the first part and waits for the rest. Waiting spins for a while (a
 * training step hands out jobs microseconds apart) and then sleeps on the counter it waits for.
 * Function pointers are indices into the module's table, the same in every instance.
 * ------------------------------------------------------------------------------------------- */

/* Below this many multiply-adds (about 6 µs on one core), splitting costs more than it saves. */
#define PARALLEL_MIN_WORK (1 << 18)
#define SPINS_BEFORE_SLEEP 100000

/* Runs part `part` (its packing block) of a job over [begin, end) of the job's range. */
typedef void (*part_fn)(const void *args, int part, int begin, int end);

static struct {
  int generation; /* bumped for every job (and for the order to quit) */
  int remaining;  /* helpers that have not finished the current job */
  int helpers;    /* helpers waiting in helper_loop */
  int sleeping;   /* helpers asleep on `generation` */
  int caller_sleeping;
  int quit;
  int shared_jobs; /* jobs split so far */
  part_fn fn;
  const void *args;
  int count, parts, align;
} pool;

static inline int atomic_load(int *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }

/*
 * Waiting and waking stay in functions of their own: inlined into the code around them, V8's
 * baseline compiler (Liftoff, in Node 20) traps with an out-of-bounds access after a wait
 * (every run of a 2-thread engine under --liftoff-only; test/unit/kernels.test.ts runs one).
 */
__attribute__((noinline)) static int sleep_while(int *p, int value, long long timeout_ns) { return __builtin_wasm_memory_atomic_wait32(p, value, timeout_ns); }
__attribute__((noinline)) static void wake(int *p, int count) { __builtin_wasm_memory_atomic_notify(p, count); }

/* Waits until *p != value: spins, then sleeps with `sleeping` raised (the waker checks it). */
static int wait_for_change(int *p, int value, int *sleeping) {
  int now;
  for (int spins = 0; (now = atomic_load(p)) == value;) {
    if (++spins < SPINS_BEFORE_SLEEP) continue;
    __atomic_fetch_add(sleeping, 1, __ATOMIC_SEQ_CST);
    if (atomic_load(p) == value) sleep_while(p, value, -1);
    __atomic_fetch_sub(sleeping, 1, __ATOMIC_SEQ_CST);
    spins = 0;
  }
  return now;
}

/* Part `part` of the current job: an even share of the range, in whole multiples of `align`. */
static void run_part(int part) {
  if (part >= pool.parts) return;
  int units = (pool.count + pool.align - 1) / pool.align;
  int begin = units * part / pool.parts * pool.align, end = units * (part + 1) / pool.parts * pool.align;
  pool.fn(pool.args, part, begin, end < pool.count ? end : pool.count);
}

/* A helper thread's life: `id` 1 … MAX_THREADS-1; returns when told to quit. */
EXPORT(helper_loop)
void helper_loop(int id) {
  int seen = atomic_load(&pool.generation);
  __atomic_fetch_add(&pool.helpers, 1, __ATOMIC_SEQ_CST);
  wake(&pool.helpers, 1);
  for (;;) {
    seen = wait_for_change(&pool.generation, seen, &pool.sleeping);
    if (atomic_load(&pool.quit)) return;
    run_part(id);
    if (__atomic_sub_fetch(&pool.remaining, 1, __ATOMIC_SEQ_CST) == 0 && atomic_load(&pool.caller_sleeping))
      wake(&pool.remaining, 1);
  }
}

/*
 * Blocks until `count` helpers wait in helper_loop (they start in their own threads), or about
 * `timeout_ms` have passed; returns how many do.
 */
EXPORT(wait_for_helpers)
int wait_for_helpers(int count, int timeout_ms) {
  int now;
  for (int waited = 0; (now = atomic_load(&pool.helpers)) < count && waited < timeout_ms;)
    if (sleep_while(&pool.helpers, now, 10000000LL) == 2) waited += 10;
  return now;
}

/* Hands the current job (or the order to quit) to every helper. */
static void wake_helpers(void) {
  __atomic_store_n(&pool.remaining, atomic_load(&pool.helpers), __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&pool.generation, 1, __ATOMIC_SEQ_CST);
  if (atomic_load(&pool.sleeping)) wake(&pool.generation, MAX_THREADS);
}

/* How many jobs were shared with the helpers. */
EXPORT(shared_jobs)
int shared_jobs(void) { return pool.shared_jobs; }

/* Lets every helper return from helper_loop. */
EXPORT(stop_helpers)
void stop_helpers(void) {
  __atomic_store_n(&pool.quit, 1, __ATOMIC_SEQ_CST);
  wake_helpers();
}

/* The threads a job over `count` (in multiples of `align`) of `work` multiply-adds is worth. */
static int parts_for(int count, int align, long long work) {
  int threads = atomic_load(&pool.helpers) + 1;
  int units = (count + align - 1) / align;
  if (work < PARALLEL_MIN_WORK) return 1;
  return units >= 2 * threads ? threads : units >= 2 ? 2 : 1;
}

/* fn over [0, count): split over `parts` threads, or on this one alone. */
static void parallel_for(part_fn fn, const void *args, int count, int align, int parts) {
  if (parts <= 1) {
    fn(args, 0, 0, count);
    return;
  }
  pool.fn = fn;
  pool.args = args;
  pool.count = count;
  pool.align = align;
  pool.parts = parts;
  pool.shared_jobs++;
  wake_helpers();
  run_part(0);
  for (int left; (left = atomic_load(&pool.remaining)) != 0;) wait_for_change(&pool.remaining, left, &pool.caller_sleeping);
}

struct gemm_args {
  int M, N, K;
  const float *A;
  int sam, sak;
  const float *B;
  int ldb;
  float *C;
  int ldc, accumulate;
};

/* Columns [begin, end) of the product (whole panels). */
static void gemm_columns(const void *args, int part, int begin, int end) {
  const struct gemm_args *g = args;
  gemm_serial(g->M, end - begin, g->K, g->A, g->sam, g->sak, g->B + begin, g->ldb, g->C + begin, g->ldc, g->accumulate, packed_b[part]);
}

/* Rows [begin, end) of the product (whole tiles). */
static void gemm_rows(const void *args, int part, int begin, int end) {
  const struct gemm_args *g = args;
  gemm_serial(end - begin, g->N, g->K, g->A + begin * g->sam, g->sam, g->sak, g->B, g->ldb, g->C + begin * g->ldc, g->ldc, g->accumulate, packed_b[part]);
}

/*
 * C[M,N] = (accumulate ? C : 0) + A·B. A's element (m, k) is A[m*sam + k*sak], so A may be
 * read transposed (sam = 1, sak = M); B is row-major [K,N] with row stride ldb; C has row stride ldc.
 * Shared with the helpers by column panels (or by rows, when it is narrow) when it is large enough.
 */
EXPORT(gemm)
void gemm(int M, int N, int K, const float *A, int sam, int sak, const float *B, int ldb, float *C, int ldc, int accumulate) {
  struct gemm_args g = {M, N, K, A, sam, sak, B, ldb, C, ldc, accumulate};
  long long work = (long long)M * N * K;
  int by_columns = parts_for(N, NR, work), by_rows = parts_for(M, 4, work);
  if (by_columns >= by_rows) parallel_for(gemm_columns, &g, N, NR, by_columns);
  else parallel_for(gemm_rows, &g, M, 4, by_rows);
}

/* The threads a recurrence over B samples is worth: it splits the batch, each part running every step. */
static int batch_parts(int T, int B, int H, int G) { return parts_for(B, 4, (long long)T * B * H * G); }

/* ---------------------------------------------------------------------------------------------
 * Layout helpers
 * ------------------------------------------------------------------------------------------- */

/* dst[c, r] = src[r, c] for src [rows, cols]. */
EXPORT(transpose)
void transpose(int rows, int cols, const float *src, float *dst) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

/* [outer, inner, width] → [inner, outer, width] (batch-major ↔ time-major). */
EXPORT(swap_major)
void swap_major(int outer, int inner, int width, const float *src, float *dst) {
  for (int o = 0; o < outer; o++)
    for (int i = 0; i < inner; i++) {
      const float *s = src + (o * inner + i) * width;
      float *d = dst + (i * outer + o) * width;
      for (int w = 0; w < width; w++) d[w] = s[w];
    }
}

/* Every row of dst [rows, cols] = bias. */
EXPORT(fill_rows)
void fill_rows(int rows, int cols, const float *bias, float *dst) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c += 4) store(dst + r * cols + c, load(bias + c, cols - c), cols - c);
}

/*
 * Row gathers and column sums over a whole sequence ([T*B, cols]): memory-bound, split over the
 * threads by rows where rows are independent, else by columns.
 */
struct rows_args {
  int rows, cols;
  const float *src;
  const int *ids;
  const float *bias;
  float *dst;
  int accumulate;
};

static int rows_parts(int count, int rows, int cols) { return parts_for(count, 4, (long long)rows * cols); }

static void gather_rows_part(const void *args, int part, int r0, int r1) {
  const struct rows_args *a = args;
  int cols = a->cols;
  for (int r = r0; r < r1; r++) {
    const float *t = a->src + a->ids[r] * cols;
    for (int c = 0; c < cols; c += 4) store(a->dst + r * cols + c, add(load(t + c, cols - c), load(a->bias + c, cols - c)), cols - c);
  }
}

/* dst[r] = table[ids[r]] + bias: the input projection of one-hot tokens. */
EXPORT(gather_rows)
void gather_rows(int rows, int cols, const float *table, const int *ids, const float *bias, float *dst) {
  struct rows_args a = {rows, cols, table, ids, bias, dst, 0};
  parallel_for(gather_rows_part, &a, rows, 4, rows_parts(rows, rows, cols));
}

/* Columns [c0, c1): rows with the same id add to the same table row, so parts split the columns. */
static void scatter_add_rows_part(const void *args, int part, int c0, int c1) {
  const struct rows_args *a = args;
  for (int r = 0; r < a->rows; r++) {
    float *t = a->dst + a->ids[r] * a->cols;
    const float *s = a->src + r * a->cols;
    for (int c = c0; c < c1; c += 4) store(t + c, add(load(t + c, c1 - c), load(s + c, c1 - c)), c1 - c);
  }
}

/* table[ids[r]] += src[r]: the input weight gradient of one-hot tokens. */
EXPORT(scatter_add_rows)
void scatter_add_rows(int rows, int cols, const float *src, const int *ids, float *table) {
  struct rows_args a = {rows, cols, src, ids, 0, table, 0};
  parallel_for(scatter_add_rows_part, &a, cols, 4, rows_parts(cols, rows, cols));
}

/* Columns [c0, c1) of the sums, row by row, so that each row's stretch of src is read in order. */
static void column_sums_part(const void *args, int part, int c0, int c1) {
  const struct rows_args *a = args;
  if (!a->accumulate)
    for (int c = c0; c < c1; c++) a->dst[c] = 0;
  for (int r = 0; r < a->rows; r++) {
    const float *s = a->src + r * a->cols;
    for (int c = c0; c < c1; c += 4) store(a->dst + c, add(load(a->dst + c, c1 - c), load(s + c, c1 - c)), c1 - c);
  }
}

/* dst[c] (+)= sum over rows of src[r, c]. */
EXPORT(column_sums)
void column_sums(int rows, int cols, const float *src, float *dst, int accumulate) {
  struct rows_args a = {rows, cols, src, 0, 0, dst, accumulate};
  parallel_for(column_sums_part, &a, cols, 4, rows_parts(cols, rows, cols));
}

/* dst = a + b, elementwise. */
EXPORT(add_arrays)
void add_arrays(int n, const float *a, const float *b, float *dst) {
  for (int i = 0; i < n; i += 4) store(dst + i, add(load(a + i, n - i), load(b + i, n - i)), n - i);
}

/* dst = a * b, elementwise. */
EXPORT(multiply_arrays)
void multiply_arrays(int n, const float *a, const float *b, float *dst) {
  for (int i = 0; i < n; i += 4) store(dst + i, mul(load(a + i, n - i), load(b + i, n - i)), n - i);
}

/* ---------------------------------------------------------------------------------------------
 * Packed sequences and directions. `lengths` [B] holds each sample's real steps (its steps
 * 0 … len-1; padding after); a null pointer means every sample has all T steps.
 * ------------------------------------------------------------------------------------------- */

static inline int length_of(const int *lengths, int b, int T) { return lengths ? lengths[b] : T; }

/*
 * Row (t, b) of dst [T*B, width] (row stride dst_stride) (+)= row (t', b) of src, where t' = t, or
 * len-1-t with `reverse` (the sample's real steps in reverse order); padded rows become 0 (or stay,
 * accumulating). Reversing is its own inverse; src == dst with neither flag zeroes padding in place.
 */
EXPORT(gather_steps)
void gather_steps(int T, int B, int width, const int *lengths, int reverse, const float *src, int src_stride, float *dst, int dst_stride, int accumulate) {
  for (int b = 0; b < B; b++) {
    int len = length_of(lengths, b, T);
    for (int t = 0; t < T; t++) {
      float *d = dst + (t * B + b) * dst_stride;
      if (t >= len) {
        if (!accumulate)
          for (int c = 0; c < width; c++) d[c] = 0;
        continue;
      }
      const float *s = src + ((reverse ? len - 1 - t : t) * B + b) * src_stride;
      if (s == d && !accumulate) continue;
      for (int c = 0; c < width; c += 4) {
        f4 v = load(s + c, width - c);
        store(d + c, accumulate ? add(v, load(d + c, width - c)) : v, width - c);
      }
    }
  }
}

/* dst[b] (row stride dst_stride) = h after the sample's last real step: row len*B + b of hs [(T+1)*B, width]. */
EXPORT(gather_final)
void gather_final(int T, int B, int width, const int *lengths, const float *hs, float *dst, int dst_stride) {
  for (int b = 0; b < B; b++) {
    const float *s = hs + (length_of(lengths, b, T) * B + b) * width;
    for (int c = 0; c < width; c += 4) store(dst + b * dst_stride + c, load(s + c, width - c), width - c);
  }
}

/* The gradient of the final states src[b] (row stride src_stride) added to ∂L/∂h at each sample's last real step in dhs [T*B, width]. */
EXPORT(add_final)
void add_final(int T, int B, int width, const int *lengths, const float *src, int src_stride, float *dhs) {
  for (int b = 0; b < B; b++) {
    float *d = dhs + ((length_of(lengths, b, T) - 1) * B + b) * width;
    const float *s = src + b * src_stride;
    for (int c = 0; c < width; c += 4) store(d + c, add(load(d + c, width - c), load(s + c, width - c)), width - c);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Cells. Forward: `gates` holds the input projection of every step on entry (with the biases
 * that PyTorch adds outside the recurrence) and the activated gates on return. Backward: `dhs`
 * holds ∂L/∂h_t from above (the head or the next layer) on entry and the total ∂L/∂h_t on
 * return; `dh` (and `dc`) carry ∂L/∂h_T in and ∂L/∂h_0 out.
 * ------------------------------------------------------------------------------------------- */

/*
 * Samples are independent through time, so each cell splits its batch over the threads: a part
 * runs every step for its samples [b0, b1) (rows t*B + b of each step), on its own packing block.
 */

/* Vanilla RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); act = tanh, or relu. */
struct rnn_args {
  int T, B, H;
  float *pre;
  const float *whhT;
  float *hs;
  const float *whh;
  float *dz, *dhs, *dh;
  int relu;
};

static void rnn_forward_part(const void *args, int part, int b0, int b1) {
  const struct rnn_args *a = args;
  int B = a->B, H = a->H, n = (b1 - b0) * H;
  for (int t = 0; t < a->T; t++) {
    float *z = a->pre + (t * B + b0) * H;
    gemm_serial(b1 - b0, H, H, a->hs + (t * B + b0) * H, H, 1, a->whhT, H, z, H, 1, packed_b[part]);
    float *h = a->hs + ((t + 1) * B + b0) * H;
    for (int i = 0; i < n; i += 4) {
      f4 v = load(z + i, n - i);
      store(h + i, a->relu ? wasm_f32x4_max(v, splat(0.0f)) : tanh4(v), n - i);
    }
  }
}

EXPORT(rnn_forward)
void rnn_forward(int T, int B, int H, float *pre, const float *whhT, float *hs, int relu) {
  struct rnn_args a = {T, B, H, pre, whhT, hs, 0, 0, 0, 0, relu};
  parallel_for(rnn_forward_part, &a, B, 4, batch_parts(T, B, H, H));
}

static void rnn_backward_part(const void *args, int part, int b0, int b1) {
  const struct rnn_args *a = args;
  int B = a->B, H = a->H, n = (b1 - b0) * H;
  float *dh = a->dh + b0 * H;
  for (int t = a->T - 1; t >= 0; t--) {
    const float *h = a->hs + ((t + 1) * B + b0) * H;
    float *dht = a->dhs + (t * B + b0) * H, *d = a->dz + (t * B + b0) * H;
    for (int i = 0; i < n; i += 4) {
      int w = n - i;
      f4 total = add(load(dht + i, w), load(dh + i, w));
      store(dht + i, total, w);
      f4 hv = load(h + i, w);
      f4 slope = a->relu ? wasm_v128_and(splat(1.0f), wasm_f32x4_gt(hv, splat(0.0f))) : sub(splat(1.0f), mul(hv, hv));
      store(d + i, mul(total, slope), w);
    }
    gemm_serial(b1 - b0, H, H, d, H, 1, a->whh, H, dh, H, 0, packed_b[part]);
  }
}

EXPORT(rnn_backward)
void rnn_backward(int T, int B, int H, const float *hs, const float *whh, float *dz, float *dhs, float *dh, int relu) {
  struct rnn_args a = {T, B, H, 0, 0, (float *)hs, whh, dz, dhs, dh, relu};
  parallel_for(rnn_backward_part, &a, B, 4, batch_parts(T, B, H, H));
}

/*
 * LSTM: gates [T*B, 4H] (i, f, g, o); cs [(T+1)*B, H] with c_0 in front; hs [(T+1)*B, P].
 * Without a projection (whrT null) P = H and h_t = o ⊙ tanh c_t; with one, ms [T*B, H] keeps
 * m_t = o ⊙ tanh c_t and h_t = m_t W_hr^T.
 */
struct lstm_args {
  int T, B, H, P;
  float *gates;
  const float *whhT, *whrT;
  float *hs, *cs, *ms;
  const float *whh, *whr;
  float *dz, *dhs, *dh, *dc, *dm;
};

static void lstm_forward_part(const void *args, int part, int b0, int b1) {
  const struct lstm_args *a = args;
  int B = a->B, H = a->H, P = a->P, G = 4 * H, rows = b1 - b0;
  for (int t = 0; t < a->T; t++) {
    float *g = a->gates + (t * B + b0) * G;
    gemm_serial(rows, G, P, a->hs + (t * B + b0) * P, P, 1, a->whhT, G, g, G, 1, packed_b[part]);
    float *mt = a->whrT ? a->ms + (t * B + b0) * H : a->hs + ((t + 1) * B + b0) * P;
    for (int b = 0; b < rows; b++) {
      float *gb = g + b * G;
      const float *cprev = a->cs + (t * B + b0 + b) * H;
      float *c = a->cs + ((t + 1) * B + b0 + b) * H, *m = mt + b * H;
      for (int u = 0; u < H; u += 4) {
        int w = H - u;
        f4 i = sigmoid4(load(gb + u, w)), f = sigmoid4(load(gb + H + u, w));
        f4 gg = tanh4(load(gb + 2 * H + u, w)), o = sigmoid4(load(gb + 3 * H + u, w));
        f4 cv = add(mul(f, load(cprev + u, w)), mul(i, gg));
        store(gb + u, i, w); store(gb + H + u, f, w); store(gb + 2 * H + u, gg, w); store(gb + 3 * H + u, o, w);
        store(c + u, cv, w);
        store(m + u, mul(o, tanh4(cv)), w);
      }
    }
    if (a->whrT) gemm_serial(rows, P, H, mt, H, 1, a->whrT, P, a->hs + ((t + 1) * B + b0) * P, P, 0, packed_b[part]);
  }
}

EXPORT(lstm_forward)
void lstm_forward(int T, int B, int H, int P, float *gates, const float *whhT, const float *whrT, float *hs, float *cs, float *ms) {
  struct lstm_args a = {T, B, H, P, gates, whhT, whrT, hs, cs, ms, 0, 0, 0, 0, 0, 0, 0};
  parallel_for(lstm_forward_part, &a, B, 4, batch_parts(T, B, P, 4 * H));
}

static void lstm_backward_part(const void *args, int part, int b0, int b1) {
  const struct lstm_args *a = args;
  int B = a->B, H = a->H, P = a->P, G = 4 * H, rows = b1 - b0;
  const float *whr = a->whr;
  for (int t = a->T - 1; t >= 0; t--) {
    const float *g = a->gates + (t * B + b0) * G;
    float *d = a->dz + (t * B + b0) * G;
    float *dht = a->dhs + (t * B + b0) * P;
    if (whr) {
      add_arrays(rows * P, dht, a->dh + b0 * P, dht);
      gemm_serial(rows, H, P, dht, P, 1, whr, H, a->dm + b0 * H, H, 0, packed_b[part]);
    }
    for (int b = 0; b < rows; b++) {
      const float *gb = g + b * G;
      float *db = d + b * G;
      const float *cprev = a->cs + (t * B + b0 + b) * H, *c = a->cs + ((t + 1) * B + b0 + b) * H;
      float *dmb = whr ? a->dm + (b0 + b) * H : dht + b * H, *dhb = a->dh + (b0 + b) * H, *dcb = a->dc + (b0 + b) * H;
      for (int u = 0; u < H; u += 4) {
        int w = H - u;
        f4 total = load(dmb + u, w);
        if (!whr) {
          total = add(total, load(dhb + u, w));
          store(dmb + u, total, w);
        }
        f4 i = load(gb + u, w), f = load(gb + H + u, w), gg = load(gb + 2 * H + u, w), o = load(gb + 3 * H + u, w);
        f4 tc = tanh4(load(c + u, w));
        f4 one = splat(1.0f);
        f4 dct = madd(mul(total, o), sub(one, mul(tc, tc)), load(dcb + u, w));
        f4 di = mul(dct, gg), dg = mul(dct, i), df = mul(dct, load(cprev + u, w)), dov = mul(total, tc);
        store(db + u, mul(di, mul(i, sub(one, i))), w);
        store(db + H + u, mul(df, mul(f, sub(one, f))), w);
        store(db + 2 * H + u, mul(dg, sub(one, mul(gg, gg))), w);
        store(db + 3 * H + u, mul(dov, mul(o, sub(one, o))), w);
        store(dcb + u, mul(dct, f), w);
      }
    }
    gemm_serial(rows, P, G, d, G, 1, a->whh, P, a->dh + b0 * P, P, 0, packed_b[part]);
  }
}

/* With a projection (whr [P,H] given), dm [B, H] is scratch for ∂L/∂m_t. */
EXPORT(lstm_backward)
void lstm_backward(int T, int B, int H, int P, const float *gates, const float *cs, const float *whh, const float *whr, float *dz, float *dhs, float *dh, float *dc, float *dm) {
  struct lstm_args a = {T, B, H, P, (float *)gates, 0, 0, 0, (float *)cs, 0, whh, whr, dz, dhs, dh, dc, dm};
  parallel_for(lstm_backward_part, &a, B, 4, batch_parts(T, B, P, 4 * H));
}

/*
 * GRU: gates [T*B, 3H] (r, z, n) hold x W_ih^T + b_ih on entry; hpn [T*B, H] keeps
 * h_{t-1} W_hn^T + b_hn for the backward pass; hp is scratch [B, 3H].
 */
struct gru_args {
  int T, B, H;
  float *gates;
  const float *whhT, *bhh;
  float *hs, *hpn, *hp;
  const float *whh;
  float *dxp, *dhp, *dhs, *dh;
};

static void gru_forward_part(const void *args, int part, int b0, int b1) {
  const struct gru_args *a = args;
  int B = a->B, H = a->H, G = 3 * H, rows = b1 - b0;
  float *hp = a->hp + b0 * G;
  for (int t = 0; t < a->T; t++) {
    const float *hprev = a->hs + (t * B + b0) * H;
    fill_rows(rows, G, a->bhh, hp);
    gemm_serial(rows, G, H, hprev, H, 1, a->whhT, G, hp, G, 1, packed_b[part]);
    float *g = a->gates + (t * B + b0) * G;
    for (int b = 0; b < rows; b++) {
      float *gb = g + b * G;
      const float *hb = hp + b * G, *hprevb = hprev + b * H;
      float *h = a->hs + ((t + 1) * B + b0 + b) * H, *pn = a->hpn + (t * B + b0 + b) * H;
      for (int u = 0; u < H; u += 4) {
        int w = H - u;
        f4 r = sigmoid4(add(load(gb + u, w), load(hb + u, w)));
        f4 z = sigmoid4(add(load(gb + H + u, w), load(hb + H + u, w)));
        f4 hn = load(hb + 2 * H + u, w);
        f4 n = tanh4(madd(r, hn, load(gb + 2 * H + u, w)));
        f4 hv = load(hprevb + u, w);
        store(gb + u, r, w); store(gb + H + u, z, w); store(gb + 2 * H + u, n, w);
        store(pn + u, hn, w);
        store(h + u, add(n, mul(z, sub(hv, n))), w);
      }
    }
  }
}

EXPORT(gru_forward)
void gru_forward(int T, int B, int H, float *gates, const float *whhT, const float *bhh, float *hs, float *hpn, float *hp) {
  struct gru_args a = {T, B, H, gates, whhT, bhh, hs, hpn, hp, 0, 0, 0, 0, 0};
  parallel_for(gru_forward_part, &a, B, 4, batch_parts(T, B, H, 3 * H));
}

static void gru_backward_part(const void *args, int part, int b0, int b1) {
  const struct gru_args *a = args;
  int B = a->B, H = a->H, G = 3 * H, rows = b1 - b0;
  for (int t = a->T - 1; t >= 0; t--) {
    for (int b = b0; b < b1; b++) {
      int row = t * B + b;
      const float *gb = a->gates + row * G, *pn = a->hpn + row * H, *hprev = a->hs + row * H;
      float *dx = a->dxp + row * G, *dr = a->dhp + row * G, *dht = a->dhs + row * H, *dhb = a->dh + b * H;
      for (int u = 0; u < H; u += 4) {
        int w = H - u;
        f4 one = splat(1.0f);
        f4 total = add(load(dht + u, w), load(dhb + u, w));
        store(dht + u, total, w);
        f4 r = load(gb + u, w), z = load(gb + H + u, w), n = load(gb + 2 * H + u, w);
        f4 dnPre = mul(mul(total, sub(one, z)), sub(one, mul(n, n)));
        f4 dzPre = mul(mul(total, sub(load(hprev + u, w), n)), mul(z, sub(one, z)));
        f4 drPre = mul(mul(dnPre, load(pn + u, w)), mul(r, sub(one, r)));
        store(dx + u, drPre, w); store(dx + H + u, dzPre, w); store(dx + 2 * H + u, dnPre, w);
        store(dr + u, drPre, w); store(dr + H + u, dzPre, w); store(dr + 2 * H + u, mul(dnPre, r), w);
        store(dhb + u, mul(total, z), w);
      }
    }
    gemm_serial(rows, H, G, a->dhp + (t * B + b0) * G, G, 1, a->whh, H, a->dh + b0 * H, H, 1, packed_b[part]);
  }
}

/* dxp, dhp [T*B, 3H]: the gradients of the input and the recurrent projections. */
EXPORT(gru_backward)
void gru_backward(int T, int B, int H, const float *gates, const float *hpn, const float *hs, const float *whh, float *dxp, float *dhp, float *dhs, float *dh) {
  struct gru_args a = {T, B, H, (float *)gates, 0, 0, (float *)hs, (float *)hpn, 0, whh, dxp, dhp, dhs, dh};
  parallel_for(gru_backward_part, &a, B, 4, batch_parts(T, B, H, 3 * H));
}

/* ---------------------------------------------------------------------------------------------
 * Losses (mean reduction, as PyTorch's MSELoss and CrossEntropyLoss)
 * ------------------------------------------------------------------------------------------- */

/* Returns the mean squared error; dpred = 2 (pred - target) / n. */
EXPORT(mse_loss)
float mse_loss(int n, const float *pred, const float *target, float *dpred) {
  f4 sum = splat(0.0f);
  float scale = 2.0f / (float)n;
  for (int i = 0; i < n; i += 4) {
    f4 diff = sub(load(pred + i, n - i), load(target + i, n - i));
    sum = madd(diff, diff, sum);
    store(dpred + i, mul(diff, splat(scale)), n - i);
  }
  float total = wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) + wasm_f32x4_extract_lane(sum, 2) +
                wasm_f32x4_extract_lane(sum, 3);
  return total / (float)n;
}

/* ln x for x > 0 (Cephes logf). */
static float log_scalar(float x) {
  union { float f; int i; } bits = {x};
  int exponent = ((bits.i >> 23) & 0xff) - 126;
  bits.i = (bits.i & 0x807fffff) | 0x3f000000; /* mantissa in [0.5, 1) */
  float m = bits.f;
  if (m < 0.707106781186547524f) {
    exponent -= 1;
    m = m + m - 1.0f;
  } else {
    m = m - 1.0f;
  }
  float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  float e = (float)exponent;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return m + y + 0.693359375f * e;
}

/*
 * Softmax cross-entropy of logits [rows, C] against labels; dlogits = (softmax - onehot) / rows.
 * `correct` receives how many rows' first largest logit is the label. Returns the mean loss.
 */
EXPORT(softmax_cross_entropy)
float softmax_cross_entropy(int rows, int C, const float *logits, const int *labels, float *dlogits, int *correct) {
  double total = 0;
  int right = 0;
  float inverse = 1.0f / (float)rows;
  for (int r = 0; r < rows; r++) {
    const float *x = logits + r * C;
    float *d = dlogits + r * C;
    /* The largest logit lane-wise (a branch per class would mispredict on every new maximum), then its first index. */
    f4 lanes = splat(x[0]);
    for (int c = 0; c < C; c += 4) lanes = wasm_f32x4_max(lanes, load_or(x + c, C - c, x[0]));
    lanes = wasm_f32x4_max(lanes, wasm_i32x4_shuffle(lanes, lanes, 2, 3, 0, 1));
    float largest = wasm_f32x4_extract_lane(wasm_f32x4_max(lanes, wasm_i32x4_shuffle(lanes, lanes, 1, 0, 3, 2)), 0);
    int best = 0;
    /* (A NaN logit matches nothing: the loss is NaN then, and the run stops.) */
    while (best < C - 1 && x[best] != largest) best++;
    f4 max = splat(largest);
    f4 sum = splat(0.0f);
    for (int c = 0; c < C; c += 4) {
      int w = C - c;
      f4 e = exp4(sub(load(x + c, w), max));
      if (w < 4) e = wasm_v128_and(e, wasm_i32x4_lt(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat(w)));
      store(d + c, e, w);
      sum = add(sum, e);
    }
    float s = wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) + wasm_f32x4_extract_lane(sum, 2) +
              wasm_f32x4_extract_lane(sum, 3);
    int label = labels[r];
    total += (double)(log_scalar(s) + x[best] - x[label]);
    right += best == label;
    f4 scale = splat(inverse / s);
    for (int c = 0; c < C; c += 4) store(d + c, mul(load(d + c, C - c), scale), C - c);
    d[label] -= inverse;
  }
  *correct = right;
  return (float)(total / rows);
}

/* ---------------------------------------------------------------------------------------------
 * Optimizers on the flat parameter vector (PyTorch's rules; gradients scaled by `scale` first)
 * ------------------------------------------------------------------------------------------- */

EXPORT(sum_of_squares)
double sum_of_squares(int n, const float *x) {
  double total = 0;
  for (int i = 0; i < n; i += 1024) {
    int end = n - i < 1024 ? n - i : 1024;
    f4 sum = splat(0.0f);
    for (int j = 0; j < end; j += 4) {
      f4 v = load(x + i + j, end - j);
      sum = madd(v, v, sum);
    }
    total += (double)wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) + wasm_f32x4_extract_lane(sum, 2) +
             wasm_f32x4_extract_lane(sum, 3);
  }
  return total;
}

/*
 * bias1 = 1 - β1^step, bias2 = 1 - β2^step. Weight decay as PyTorch applies it: Adam adds
 * l2 · p to the (clipped) gradient; AdamW first shrinks p by `shrink` = 1 - lr · decay
 * (l2 0, shrink 1 without decay).
 */
EXPORT(adam_update)
void adam_update(int n, float *p, const float *g, float *m, float *v, float lr, float scale, float beta1, float beta2, float eps, float bias1, float bias2,
                 float l2, float shrink) {
  for (int i = 0; i < n; i += 4) {
    int w = n - i;
    f4 pv = load(p + i, w);
    f4 gv = add(mul(load(g + i, w), splat(scale)), mul(pv, splat(l2)));
    pv = mul(pv, splat(shrink));
    f4 mv = add(mul(load(m + i, w), splat(beta1)), mul(gv, splat(1.0f - beta1)));
    f4 vv = add(mul(load(v + i, w), splat(beta2)), mul(mul(gv, gv), splat(1.0f - beta2)));
    store(m + i, mv, w);
    store(v + i, vv, w);
    f4 mhat = wasm_f32x4_div(mv, splat(bias1)), vhat = wasm_f32x4_div(vv, splat(bias2));
    f4 step = mul(wasm_f32x4_div(mhat, add(wasm_f32x4_sqrt(vhat), splat(eps))), splat(lr));
    store(p + i, sub(pv, step), w);
  }
}

/*
 * SGD and RMSprop with optional momentum: direction = g (SGD) or g / (sqrt(v) + eps) with
 * v = α v + (1 - α) g² (RMSprop, when `square` is given); buffer = momentum·buffer + direction
 * (the first step: direction); p -= lr · buffer (or lr · direction without momentum). The
 * gradient is the clipped one plus l2 · p (PyTorch's weight decay).
 */
EXPORT(momentum_update)
void momentum_update(int n, float *p, const float *g, float *square, float *buffer, float lr, float scale, float alpha, float eps, float momentum, int first,
                     float l2) {
  for (int i = 0; i < n; i += 4) {
    int w = n - i;
    f4 d = add(mul(load(g + i, w), splat(scale)), mul(load(p + i, w), splat(l2)));
    if (square) {
      f4 sq = add(mul(load(square + i, w), splat(alpha)), mul(mul(d, d), splat(1.0f - alpha)));
      store(square + i, sq, w);
      d = wasm_f32x4_div(d, add(wasm_f32x4_sqrt(sq), splat(eps)));
    }
    if (momentum > 0) {
      d = first ? d : add(mul(load(buffer + i, w), splat(momentum)), d);
      store(buffer + i, d, w);
    }
    store(p + i, sub(load(p + i, w), mul(d, splat(lr))), w);
  }
}
