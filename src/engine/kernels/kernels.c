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
static inline f4 madd(f4 a, f4 b, f4 c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }

/* Loads and stores of `count` floats (1..4); lanes past `count` read as zero. */
static inline f4 load(const float *p, int count) {
  if (count >= 4) return wasm_v128_load(p);
  float lanes[4] = {0, 0, 0, 0};
  for (int i = 0; i < count; i++) lanes[i] = p[i];
  return wasm_v128_load(lanes);
}

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

static inline f4 sigmoid4(f4 x) {
  return wasm_f32x4_div(splat(1.0f), add(splat(1.0f), exp4(wasm_f32x4_neg(x))));
}

/* tanh: Cephes' odd polynomial below |x| = 0.625, else 1 - 2 / (e^{2|x|} + 1) with x's sign. */
static inline f4 tanh4(f4 x) {
  f4 ax = wasm_f32x4_abs(x);
  f4 e = exp4(mul(ax, splat(2.0f)));
  f4 large = sub(splat(1.0f), wasm_f32x4_div(splat(2.0f), add(e, splat(1.0f))));
  large = wasm_v128_or(large, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
  f4 z = mul(x, x);
  f4 p = splat(-5.70498872745e-3f);
  p = madd(p, z, splat(2.06390887954e-2f));
  p = madd(p, z, splat(-5.37397155531e-2f));
  p = madd(p, z, splat(1.33314422036e-1f));
  p = madd(p, z, splat(-3.33332819422e-1f));
  f4 small = madd(mul(p, z), x, x);
  return wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, splat(0.625f)));
}

/* ---------------------------------------------------------------------------------------------
 * Matrix product
 * ------------------------------------------------------------------------------------------- */

#define KC 256

/* A 4×8 tile of C over kc steps of k: 8 accumulators, two B vectors and one broadcast. */
static inline void tile4x8(int kc, const float *A, int sam, int sak, const float *B, int ldb, float *C, int ldc, int accumulate) {
  f4 c00, c01, c10, c11, c20, c21, c30, c31;
  if (accumulate) {
    c00 = wasm_v128_load(C); c01 = wasm_v128_load(C + 4);
    c10 = wasm_v128_load(C + ldc); c11 = wasm_v128_load(C + ldc + 4);
    c20 = wasm_v128_load(C + 2 * ldc); c21 = wasm_v128_load(C + 2 * ldc + 4);
    c30 = wasm_v128_load(C + 3 * ldc); c31 = wasm_v128_load(C + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = splat(0.0f);
  }
  const float *a0 = A, *a1 = A + sam, *a2 = A + 2 * sam, *a3 = A + 3 * sam;
  for (int k = 0; k < kc; k++) {
    const float *b = B + k * ldb;
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
  wasm_v128_store(C, c00); wasm_v128_store(C + 4, c01);
  wasm_v128_store(C + ldc, c10); wasm_v128_store(C + ldc + 4, c11);
  wasm_v128_store(C + 2 * ldc, c20); wasm_v128_store(C + 2 * ldc + 4, c21);
  wasm_v128_store(C + 3 * ldc, c30); wasm_v128_store(C + 3 * ldc + 4, c31);
}

/* One row of C, `width` (1..8) columns, over kc steps of k. */
static inline void row(int kc, int width, const float *A, int sak, const float *B, int ldb, float *C, int accumulate) {
  if (width < 4) {
    /* A ragged edge (an odd vocabulary, say): plain scalar sums beat partial vector loads. */
    for (int n = 0; n < width; n++) {
      float sum = accumulate ? C[n] : 0.0f;
      for (int k = 0; k < kc; k++) sum += A[k * sak] * B[k * ldb + n];
      C[n] = sum;
    }
    return;
  }
  int w0 = width < 4 ? width : 4, w1 = width - w0;
  f4 c0 = accumulate ? load(C, w0) : splat(0.0f);
  f4 c1 = accumulate && w1 > 0 ? load(C + 4, w1) : splat(0.0f);
  for (int k = 0; k < kc; k++) {
    const float *b = B + k * ldb;
    f4 x = wasm_v128_load32_splat(A + k * sak);
    c0 = madd(x, load(b, w0), c0);
    if (w1 > 0) c1 = madd(x, load(b + 4, w1), c1);
  }
  store(C, c0, w0);
  if (w1 > 0) store(C + 4, c1, w1);
}

/*
 * C[M,N] = (accumulate ? C : 0) + A·B. A's element (m, k) is A[m*sam + k*sak], so A may be
 * read transposed (sam = 1, sak = M); B is row-major [K,N] with row stride ldb; C has row stride ldc.
 */
EXPORT(gemm)
void gemm(int M, int N, int K, const float *A, int sam, int sak, const float *B, int ldb, float *C, int ldc, int accumulate) {
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
    const float *Bk = B + k0 * ldb;
    for (int n0 = 0; n0 < N; n0 += 8) {
      int width = N - n0 < 8 ? N - n0 : 8;
      int m0 = 0;
      if (width == 8)
        for (; m0 + 4 <= M; m0 += 4) tile4x8(kc, Ak + m0 * sam, sam, sak, Bk + n0, ldb, C + m0 * ldc + n0, ldc, acc);
      for (; m0 < M; m0++) row(kc, width, Ak + m0 * sam, sak, Bk + n0, ldb, C + m0 * ldc + n0, acc);
    }
  }
}

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

/* dst[r] = table[ids[r]] + bias: the input projection of one-hot tokens. */
EXPORT(gather_rows)
void gather_rows(int rows, int cols, const float *table, const int *ids, const float *bias, float *dst) {
  for (int r = 0; r < rows; r++) {
    const float *t = table + ids[r] * cols;
    for (int c = 0; c < cols; c += 4) store(dst + r * cols + c, add(load(t + c, cols - c), load(bias + c, cols - c)), cols - c);
  }
}

/* table[ids[r]] += src[r]: the input weight gradient of one-hot tokens. */
EXPORT(scatter_add_rows)
void scatter_add_rows(int rows, int cols, const float *src, const int *ids, float *table) {
  for (int r = 0; r < rows; r++) {
    float *t = table + ids[r] * cols;
    for (int c = 0; c < cols; c += 4) store(t + c, add(load(t + c, cols - c), load(src + r * cols + c, cols - c)), cols - c);
  }
}

/* dst[c] (+)= sum over rows of src[r, c]; row by row, so that src is read in order. */
EXPORT(column_sums)
void column_sums(int rows, int cols, const float *src, float *dst, int accumulate) {
  if (!accumulate)
    for (int c = 0; c < cols; c++) dst[c] = 0;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c += 4) store(dst + c, add(load(dst + c, cols - c), load(src + r * cols + c, cols - c)), cols - c);
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

/* Vanilla RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); act = tanh, or relu. */
EXPORT(rnn_forward)
void rnn_forward(int T, int B, int H, float *pre, const float *whhT, float *hs, int relu) {
  for (int t = 0; t < T; t++) {
    float *z = pre + t * B * H;
    gemm(B, H, H, hs + t * B * H, H, 1, whhT, H, z, H, 1);
    float *h = hs + (t + 1) * B * H;
    for (int i = 0; i < B * H; i += 4) {
      f4 v = load(z + i, B * H - i);
      store(h + i, relu ? wasm_f32x4_max(v, splat(0.0f)) : tanh4(v), B * H - i);
    }
  }
}

EXPORT(rnn_backward)
void rnn_backward(int T, int B, int H, const float *hs, const float *whh, float *dz, float *dhs, float *dh, int relu) {
  int n = B * H;
  for (int t = T - 1; t >= 0; t--) {
    const float *h = hs + (t + 1) * n;
    float *dht = dhs + t * n, *d = dz + t * n;
    for (int i = 0; i < n; i += 4) {
      int w = n - i;
      f4 total = add(load(dht + i, w), load(dh + i, w));
      store(dht + i, total, w);
      f4 hv = load(h + i, w);
      f4 slope = relu ? wasm_v128_and(splat(1.0f), wasm_f32x4_gt(hv, splat(0.0f))) : sub(splat(1.0f), mul(hv, hv));
      store(d + i, mul(total, slope), w);
    }
    gemm(B, H, H, d, H, 1, whh, H, dh, H, 0);
  }
}

/*
 * LSTM: gates [T*B, 4H] (i, f, g, o); cs [(T+1)*B, H] with c_0 in front; hs [(T+1)*B, P].
 * Without a projection (whrT null) P = H and h_t = o ⊙ tanh c_t; with one, ms [T*B, H] keeps
 * m_t = o ⊙ tanh c_t and h_t = m_t W_hr^T.
 */
EXPORT(lstm_forward)
void lstm_forward(int T, int B, int H, int P, float *gates, const float *whhT, const float *whrT, float *hs, float *cs, float *ms) {
  int G = 4 * H;
  for (int t = 0; t < T; t++) {
    float *g = gates + t * B * G;
    gemm(B, G, P, hs + t * B * P, P, 1, whhT, G, g, G, 1);
    float *mt = whrT ? ms + t * B * H : hs + (t + 1) * B * P;
    for (int b = 0; b < B; b++) {
      float *gb = g + b * G;
      const float *cprev = cs + (t * B + b) * H;
      float *c = cs + ((t + 1) * B + b) * H, *m = mt + b * H;
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
    if (whrT) gemm(B, P, H, mt, H, 1, whrT, P, hs + (t + 1) * B * P, P, 0);
  }
}

/* With a projection (whr [P,H] given), dm [B, H] is scratch for ∂L/∂m_t. */
EXPORT(lstm_backward)
void lstm_backward(int T, int B, int H, int P, const float *gates, const float *cs, const float *whh, const float *whr, float *dz, float *dhs, float *dh, float *dc, float *dm) {
  int G = 4 * H;
  for (int t = T - 1; t >= 0; t--) {
    const float *g = gates + t * B * G;
    float *d = dz + t * B * G;
    float *dht = dhs + t * B * P;
    if (whr) {
      add_arrays(B * P, dht, dh, dht);
      gemm(B, H, P, dht, P, 1, whr, H, dm, H, 0);
    }
    for (int b = 0; b < B; b++) {
      const float *gb = g + b * G;
      float *db = d + b * G;
      const float *cprev = cs + (t * B + b) * H, *c = cs + ((t + 1) * B + b) * H;
      float *dmb = whr ? dm + b * H : dht + b * H, *dhb = dh + b * H, *dcb = dc + b * H;
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
    gemm(B, P, G, d, G, 1, whh, P, dh, P, 0);
  }
}

/*
 * GRU: gates [T*B, 3H] (r, z, n) hold x W_ih^T + b_ih on entry; hpn [T*B, H] keeps
 * h_{t-1} W_hn^T + b_hn for the backward pass; hp is scratch [B, 3H].
 */
EXPORT(gru_forward)
void gru_forward(int T, int B, int H, float *gates, const float *whhT, const float *bhh, float *hs, float *hpn, float *hp) {
  int G = 3 * H;
  for (int t = 0; t < T; t++) {
    const float *hprev = hs + t * B * H;
    fill_rows(B, G, bhh, hp);
    gemm(B, G, H, hprev, H, 1, whhT, G, hp, G, 1);
    float *g = gates + t * B * G;
    for (int b = 0; b < B; b++) {
      float *gb = g + b * G;
      const float *hb = hp + b * G, *hprevb = hprev + b * H;
      float *h = hs + ((t + 1) * B + b) * H, *pn = hpn + (t * B + b) * H;
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

/* dxp, dhp [T*B, 3H]: the gradients of the input and the recurrent projections. */
EXPORT(gru_backward)
void gru_backward(int T, int B, int H, const float *gates, const float *hpn, const float *hs, const float *whh, float *dxp, float *dhp, float *dhs, float *dh) {
  int G = 3 * H;
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int row = t * B + b;
      const float *gb = gates + row * G, *pn = hpn + row * H, *hprev = hs + row * H;
      float *dx = dxp + row * G, *dr = dhp + row * G, *dht = dhs + row * H, *dhb = dh + b * H;
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
    gemm(B, H, G, dhp + t * B * G, G, 1, whh, H, dh, H, 1);
  }
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
    int best = 0;
    for (int c = 1; c < C; c++)
      if (x[c] > x[best]) best = c;
    f4 max = splat(x[best]);
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
