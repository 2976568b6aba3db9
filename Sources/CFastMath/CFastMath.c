#include "CFastMath.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

// Bit-identical to Swift's FastMath: every multiply and add rounds on its own.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

static inline __attribute__((always_inline)) double from_bits(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static inline __attribute__((always_inline)) uint64_t to_bits(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

// expm1 on the Cody-Waite reduced argument and the power-of-two scale (see FastMath.swift).
static inline __attribute__((always_inline)) double expm1_reduced(double y, double *scale) {
    const double shifter = 6755399441055744.0;
    double t = y * 1.4426950408889634 + shifter;
    double k = t - shifter;
    double r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
    double p = 1.6059043836821613e-10;
    p = p * r + 2.08767569878681e-09;
    p = p * r + 2.505210838544172e-08;
    p = p * r + 2.755731922398589e-07;
    p = p * r + 2.7557319223985893e-06;
    p = p * r + 2.48015873015873e-05;
    p = p * r + 0.0001984126984126984;
    p = p * r + 0.001388888888888889;
    p = p * r + 0.008333333333333333;
    p = p * r + 0.041666666666666664;
    p = p * r + 0.16666666666666666;
    p = p * r + 0.5;
    *scale = from_bits((to_bits(t) + 1023) << 52);
    return r + (r * r) * p;
}

static inline __attribute__((always_inline)) double tanh1(double x) {
    const uint64_t sign_mask = 0x8000000000000000ull;
    uint64_t bits = to_bits(x);
    double a = from_bits(bits & ~sign_mask);
    double y = a + a;
    y = a > 20 ? 40 : y;
    double scale;
    double em = expm1_reduced(y, &scale);
    double e = scale * em + (scale - 1);
    double m = e / (e + 2);
    return from_bits(to_bits(m) | (bits & sign_mask));
}

static inline __attribute__((always_inline)) double sigmoid1(double x) {
    double y = -x;
    y = y > 700 ? 700 : y;
    y = y < -700 ? -700 : y;
    double scale;
    double em = expm1_reduced(y, &scale);
    return 1 / (1 + (scale * em + scale));
}

#define KERNELS(suffix, attr)                                                                   \
    attr static void tanh_f64_##suffix(double *p, long n) {                                     \
        for (long i = 0; i < n; i++) p[i] = tanh1(p[i]);                                        \
    }                                                                                           \
    attr static void sigmoid_f64_##suffix(double *p, long n) {                                  \
        for (long i = 0; i < n; i++) p[i] = sigmoid1(p[i]);                                     \
    }                                                                                           \
    attr static void tanh_f32_##suffix(float *p, long n) {                                      \
        for (long i = 0; i < n; i++) p[i] = (float)tanh1((double)p[i]);                         \
    }                                                                                           \
    attr static void sigmoid_f32_##suffix(float *p, long n) {                                   \
        for (long i = 0; i < n; i++) p[i] = (float)sigmoid1((double)p[i]);                      \
    }

// ---- BPTT element-wise kernels for one row (one sequence at one step), same expressions and
// ---- evaluation order as the Swift loops they replace (RecurrentModel+Backward.swift).

#define LSTM_BWD(T, suffix, attr)                                                               \
    attr static void lstm_bwd_##T##_##suffix(long H, const T *restrict gs, const T *restrict tcp, \
                                             const T *restrict prev, const T *restrict tot,     \
                                             T *restrict dc, T *restrict dx) {                  \
        for (long j = 0; j < H; j++) {                                                          \
            T i = gs[j], f = gs[H + j], g = gs[2 * H + j], og = gs[3 * H + j];                  \
            T tc = tcp[j], cPrev = prev[j], dht = tot[j];                                       \
            T dct = dc[j] + dht * og * (1 - tc * tc);                                           \
            dx[j] = dct * g * i * (1 - i);                                                      \
            dx[H + j] = dct * cPrev * f * (1 - f);                                              \
            dx[2 * H + j] = dct * i * (1 - g * g);                                              \
            dx[3 * H + j] = dht * tc * og * (1 - og);                                           \
            dc[j] = dct * f;                                                                    \
        }                                                                                       \
    }

#define GRU_BWD(T, suffix, attr)                                                                \
    attr static void gru_bwd_##T##_##suffix(long H, const T *restrict gs, const T *restrict hnp, \
                                            const T *restrict prev, const T *restrict tot,      \
                                            T *restrict dx, T *restrict dh) {                   \
        for (long j = 0; j < H; j++) {                                                          \
            T r = gs[j], z = gs[H + j], n = gs[2 * H + j];                                      \
            T hn = hnp[j], hPrev = prev[j], dht = tot[j];                                       \
            T dpn = dht * (1 - z) * (1 - n * n);                                                \
            T dpz = dht * (hPrev - n) * z * (1 - z);                                            \
            T dpr = dpn * hn * r * (1 - r);                                                     \
            dx[j] = dpr;                                                                        \
            dx[H + j] = dpz;                                                                    \
            dx[2 * H + j] = dpn;                                                                \
            dh[j] = dpr;                                                                        \
            dh[H + j] = dpz;                                                                    \
            dh[2 * H + j] = dpn * r;                                                            \
        }                                                                                       \
    }

// ---- Element-wise sums for the BPTT loops: plain additions (one IEEE add per element, in the
// ---- same order as the Swift loops they replace), vectorised across elements only.

#define SUMS(T, suffix, attr)                                                                   \
    attr static void add_##T##_##suffix(long n, const T *restrict a, const T *restrict b,       \
                                        T *restrict out) {                                      \
        for (long i = 0; i < n; i++) out[i] = a[i] + b[i];                                      \
    }                                                                                           \
    attr static void sum_rows_##T##_##suffix(long rows, long n, const T *restrict src,          \
                                             T *restrict acc) {                                 \
        for (long r = 0; r < rows; r++)                                                         \
            for (long j = 0; j < n; j++) acc[j] += src[r * n + j];                              \
    }

#define BWD_KERNELS(suffix, attr)                                                               \
    LSTM_BWD(float, suffix, attr)                                                               \
    LSTM_BWD(double, suffix, attr)                                                              \
    GRU_BWD(float, suffix, attr)                                                                \
    GRU_BWD(double, suffix, attr)                                                               \
    SUMS(float, suffix, attr)                                                                   \
    SUMS(double, suffix, attr)

// ---- Forward step kernels for one row, fusing the activations (same expressions, same order
// ---- and the same tanh/sigmoid as the Swift StepKernel in RecurrentModel+Forward.swift).

// The gates overwrite the pre-activations in place: each gate block has its own pointer, and
// element j of a block is read before it is written.
#define LSTM_FWD(T, suffix, attr)                                                               \
    attr static void lstm_fwd_##T##_##suffix(long H, T *restrict gi, T *restrict gf,            \
                                             T *restrict gc, T *restrict go, T *restrict c,     \
                                             T *restrict cOut, T *restrict tanhC,               \
                                             T *restrict h) {                                   \
        for (long j = 0; j < H; j++) {                                                          \
            T i = (T)sigmoid1((double)gi[j]);                                                   \
            T f = (T)sigmoid1((double)gf[j]);                                                   \
            T gg = (T)tanh1((double)gc[j]);                                                     \
            T o = (T)sigmoid1((double)go[j]);                                                   \
            gi[j] = i;                                                                          \
            gf[j] = f;                                                                          \
            gc[j] = gg;                                                                         \
            go[j] = o;                                                                          \
            T cn = f * c[j] + i * gg;                                                           \
            c[j] = cn;                                                                          \
            cOut[j] = cn;                                                                       \
            T tc = (T)tanh1((double)cn);                                                        \
            tanhC[j] = tc;                                                                      \
            h[j] = o * tc;                                                                      \
        }                                                                                       \
    }

#define GRU_FWD(T, suffix, attr)                                                                \
    attr static void gru_fwd_##T##_##suffix(long H, T *restrict gr, T *restrict gz,             \
                                            T *restrict gn, const T *restrict gh,               \
                                            const T *restrict bhn, T *restrict hnOut,           \
                                            const T *restrict hPrev, T *restrict h) {           \
        for (long j = 0; j < H; j++) {                                                          \
            T r = (T)sigmoid1((double)(gr[j] + gh[j]));                                         \
            T z = (T)sigmoid1((double)(gz[j] + gh[H + j]));                                     \
            T hn = gh[2 * H + j] + bhn[j];                                                      \
            T n = (T)tanh1((double)(gn[j] + r * hn));                                           \
            gr[j] = r;                                                                          \
            gz[j] = z;                                                                          \
            gn[j] = n;                                                                          \
            hnOut[j] = hn;                                                                      \
            h[j] = (1 - z) * n + z * hPrev[j];                                                  \
        }                                                                                       \
    }

#define FWD_KERNELS(suffix, attr)                                                               \
    LSTM_FWD(float, suffix, attr)                                                               \
    LSTM_FWD(double, suffix, attr)                                                              \
    GRU_FWD(float, suffix, attr)                                                                \
    GRU_FWD(double, suffix, attr)

// ---- One copy of every kernel per instruction set, and the public entry points that pick one.

#define ALL_KERNELS(suffix, attr)                                                               \
    KERNELS(suffix, attr)                                                                       \
    BWD_KERNELS(suffix, attr)                                                                   \
    FWD_KERNELS(suffix, attr)

ALL_KERNELS(base, )
#if defined(__x86_64__)
ALL_KERNELS(avx2, __attribute__((target("avx2"))))
ALL_KERNELS(avx512, __attribute__((target("avx512f,avx512dq,avx512vl"))))
#define DISPATCH(name, ...)                                                                     \
    switch (cpu_level()) {                                                                      \
    case FM_LEVEL_AVX512: name##_avx512(__VA_ARGS__); break;                                    \
    case FM_LEVEL_AVX2: name##_avx2(__VA_ARGS__); break;                                                    \
    default: name##_base(__VA_ARGS__); break;                                                   \
    }
#else
#define DISPATCH(name, ...) name##_base(__VA_ARGS__);
#endif

static inline int cpu_level(void) { return fm_kernel_level(); }

// The exported entry points for one element type T (name suffix S), each dispatching to the
// kernel compiled for the CPU's widest vector unit.
#define ENTRIES(T, S)                                                                           \
    void fm_tanh_##S(T *p, long n) { DISPATCH(tanh_##S, p, n) }                                 \
    void fm_sigmoid_##S(T *p, long n) { DISPATCH(sigmoid_##S, p, n) }                           \
    void fm_lstm_backward_row_##S(long H, const T *gates, const T *tanhC, const T *cPrev,       \
                                  const T *dhTotal, T *dc, T *dPre) {                           \
        DISPATCH(lstm_bwd_##T, H, gates, tanhC, cPrev, dhTotal, dc, dPre)                        \
    }                                                                                           \
    void fm_gru_backward_row_##S(long H, const T *gates, const T *hn, const T *hPrev,          \
                                 const T *dhTotal, T *dPreX, T *dPreH) {                        \
        DISPATCH(gru_bwd_##T, H, gates, hn, hPrev, dhTotal, dPreX, dPreH)                        \
    }                                                                                           \
    void fm_add_##S(long n, const T *a, const T *b, T *out) { DISPATCH(add_##T, n, a, b, out) } \
    void fm_sum_rows_##S(long rows, long n, const T *src, T *acc) {                             \
        DISPATCH(sum_rows_##T, rows, n, src, acc)                                               \
    }                                                                                           \
    void fm_lstm_forward_row_##S(long H, T *gates, T *c, T *cOut, T *tanhC, T *h) {             \
        DISPATCH(lstm_fwd_##T, H, gates, gates + H, gates + 2 * H, gates + 3 * H, c, cOut, tanhC, h) \
    }                                                                                           \
    void fm_gru_forward_row_##S(long H, T *gates, const T *gh, const T *bhn, T *hnOut,          \
                                const T *hPrev, T *h) {                                         \
        DISPATCH(gru_fwd_##T, H, gates, gates + H, gates + 2 * H, gh, bhn, hnOut, hPrev, h)      \
    }

ENTRIES(float, f32)
ENTRIES(double, f64)
