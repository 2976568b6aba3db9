// Matrix products with a fixed summation order, the same bits on every CPU.
//
// Every element of C is computed as
//     acc = (beta == 0 ? 0 : beta == 1 ? c : beta * c)
//     for p = 0, 1, ..., k-1:  acc = fma(alpha * a_ip, b_pj, acc)      (alpha * a_ip exact for alpha 1)
// with one correctly rounded fused multiply-add per step (IEEE 754 fma: the same bits in hardware
// and in software). The kernels below differ only in which elements they compute side by side
// (vector lanes, register tiles, cache blocks), never in the order of one element's sum: blocks of
// k are applied in ascending order and each stores its partial sums in C's precision, exactly the
// value the next step would have kept in a register.
#include "CFastMath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

// Products with at most this many multiply-adds skip packing (the tutorial's H = 10 steps).
enum { DIRECT_MAX = 32 * 1024 };

#define MIN(x, y) ((x) < (y) ? (x) : (y))

// ---- Direct kernel: rows of C accumulated in place, p ascending, vectorised over j by the
// ---- compiler (each j independent, so no reassociation is needed).
#define DIRECT(T, V, FMA, attr)                                                                 \
    attr static void direct_##T##_##V(int ta, int tb, long m, long n, long k, T alpha,          \
                                      const T *a, long lda, const T *b, long ldb, int loadc,    \
                                      T *c, long ldc) {                                         \
        for (long i = 0; i < m; i++) {                                                          \
            T *restrict crow = c + i * ldc;                                                     \
            if (!loadc)                                                                         \
                for (long j = 0; j < n; j++) crow[j] = 0;                                       \
            for (long p = 0; p < k; p++) {                                                      \
                T aip = ta ? a[p * lda + i] : a[i * lda + p];                                   \
                if (alpha != 1) aip = alpha * aip;                                              \
                if (tb) {                                                                       \
                    for (long j = 0; j < n; j++) crow[j] = FMA(aip, b[j * ldb + p], crow[j]);   \
                } else {                                                                        \
                    const T *restrict brow = b + p * ldb;                                       \
                    for (long j = 0; j < n; j++) crow[j] = FMA(aip, brow[j], crow[j]);          \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

// ---- Packing: op(A) into MR-row micro-panels (p-major, alpha applied, zero padded) and op(B)
// ---- into NR-column micro-panels (p-major, zero padded).
#define PACK(T, V, MR, NR, attr)                                                                \
    attr static void pack_a_##T##_##V(int ta, long m, long kc, T alpha, const T *a, long lda,  \
                                      T *restrict dst) {                                        \
        for (long i0 = 0; i0 < m; i0 += MR) {                                                   \
            long rows = MIN(MR, m - i0);                                                        \
            for (long p = 0; p < kc; p++) {                                                     \
                T *restrict d = dst + p * MR;                                                   \
                if (ta) {                                                                       \
                    const T *s = a + p * lda + i0;                                              \
                    for (long r = 0; r < rows; r++) d[r] = s[r];                                \
                } else {                                                                        \
                    const T *s = a + i0 * lda + p;                                              \
                    for (long r = 0; r < rows; r++) d[r] = s[r * lda];                          \
                }                                                                               \
                if (alpha != 1)                                                                 \
                    for (long r = 0; r < rows; r++) d[r] = alpha * d[r];                        \
                for (long r = rows; r < MR; r++) d[r] = 0;                                      \
            }                                                                                   \
            dst += kc * MR;                                                                     \
        }                                                                                       \
    }                                                                                           \
    attr static void pack_b_##T##_##V(int tb, long n, long kc, const T *b, long ldb,           \
                                      T *restrict dst) {                                        \
        for (long j0 = 0; j0 < n; j0 += NR) {                                                   \
            long cols = MIN(NR, n - j0);                                                        \
            if (tb) {                                                                           \
                for (long jj = 0; jj < cols; jj++) {                                            \
                    const T *s = b + (j0 + jj) * ldb;                                           \
                    for (long p = 0; p < kc; p++) dst[p * NR + jj] = s[p];                      \
                }                                                                               \
                for (long jj = cols; jj < NR; jj++)                                             \
                    for (long p = 0; p < kc; p++) dst[p * NR + jj] = 0;                         \
            } else {                                                                            \
                for (long p = 0; p < kc; p++) {                                                 \
                    const T *s = b + p * ldb + j0;                                              \
                    T *restrict d = dst + p * NR;                                               \
                    for (long jj = 0; jj < cols; jj++) d[jj] = s[jj];                           \
                    for (long jj = cols; jj < NR; jj++) d[jj] = 0;                              \
                }                                                                               \
            }                                                                                   \
            dst += kc * NR;                                                                     \
        }                                                                                       \
    }

// ---- Blocked driver: k in blocks of KC (ascending), then MR x NR tiles of C. Edge tiles run the
// ---- same micro-kernel on a zero-padded copy, so every element takes the same path.
#define DRIVER(T, V, MR, NR, KC, FMA, attr)                                                     \
    DIRECT(T, V, FMA, attr)                                                                     \
    PACK(T, V, MR, NR, attr)                                                                    \
    attr static void gemm_##T##_##V(int ta, int tb, long m, long n, long k, T alpha,            \
                                    const T *a, long lda, const T *b, long ldb, T beta, T *c,   \
                                    long ldc) {                                                 \
        int loadc = beta != 0;                                                                  \
        if (beta != 0 && beta != 1)                                                             \
            for (long i = 0; i < m; i++)                                                        \
                for (long j = 0; j < n; j++) c[i * ldc + j] = beta * c[i * ldc + j];            \
        if (k == 0) {                                                                           \
            if (!loadc)                                                                         \
                for (long i = 0; i < m; i++) memset(c + i * ldc, 0, sizeof(T) * (size_t)n);     \
            return;                                                                             \
        }                                                                                       \
        if (m * n * k <= DIRECT_MAX) {                                                          \
            direct_##T##_##V(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc);            \
            return;                                                                             \
        }                                                                                       \
        long mp = (m + MR - 1) / MR * MR, np = (n + NR - 1) / NR * NR, kcmax = MIN(KC, k);      \
        size_t abytes = ((sizeof(T) * (size_t)(mp * kcmax)) + 63) / 64 * 64;                    \
        size_t bbytes = ((sizeof(T) * (size_t)(np * kcmax)) + 63) / 64 * 64;                    \
        T *pa = aligned_alloc(64, abytes);                                                      \
        T *pb = aligned_alloc(64, bbytes);                                                      \
        if (pa == NULL || pb == NULL) {                                                         \
            free(pa);                                                                           \
            free(pb);                                                                           \
            direct_##T##_##V(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc);            \
            return;                                                                             \
        }                                                                                       \
        for (long p0 = 0; p0 < k; p0 += KC) {                                                   \
            long kc = MIN(KC, k - p0);                                                          \
            int lc = loadc || p0 > 0;                                                           \
            pack_a_##T##_##V(ta, m, kc, alpha, ta ? a + p0 * lda : a + p0, lda, pa);            \
            pack_b_##T##_##V(tb, n, kc, tb ? b + p0 : b + p0 * ldb, ldb, pb);                   \
            for (long i0 = 0; i0 < m; i0 += MR) {                                               \
                const T *ap = pa + (i0 / MR) * kc * MR;                                         \
                for (long j0 = 0; j0 < n; j0 += NR) {                                           \
                    const T *bp = pb + (j0 / NR) * kc * NR;                                     \
                    T *ct = c + i0 * ldc + j0;                                                  \
                    if (i0 + MR <= m && j0 + NR <= n) {                                         \
                        micro_##T##_##V(kc, ap, bp, ct, ldc, lc);                               \
                    } else {                                                                    \
                        long rows = MIN(MR, m - i0), cols = MIN(NR, n - j0);                    \
                        T tile[MR * NR] __attribute__((aligned(64)));                           \
                        memset(tile, 0, sizeof tile);                                           \
                        if (lc)                                                                 \
                            for (long r = 0; r < rows; r++)                                     \
                                memcpy(tile + r * NR, ct + r * ldc, sizeof(T) * (size_t)cols);  \
                        micro_##T##_##V(kc, ap, bp, tile, NR, lc);                              \
                        for (long r = 0; r < rows; r++)                                         \
                            memcpy(ct + r * ldc, tile + r * NR, sizeof(T) * (size_t)cols);      \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
        free(pa);                                                                               \
        free(pb);                                                                               \
    }

// ---- Portable micro-kernel (any CPU; C's fma is correctly rounded everywhere).
#define MICRO_PORTABLE(T, MR, NR, FMA)                                                          \
    static void micro_##T##_portable(long kc, const T *pa, const T *pb, T *c, long ldc,         \
                                     int loadc) {                                               \
        T acc[MR][NR];                                                                          \
        for (int r = 0; r < MR; r++)                                                            \
            for (int j = 0; j < NR; j++) acc[r][j] = loadc ? c[r * ldc + j] : 0;                \
        for (long p = 0; p < kc; p++)                                                           \
            for (int r = 0; r < MR; r++)                                                        \
                for (int j = 0; j < NR; j++)                                                    \
                    acc[r][j] = FMA(pa[p * MR + r], pb[p * NR + j], acc[r][j]);                 \
        for (int r = 0; r < MR; r++)                                                            \
            for (int j = 0; j < NR; j++) c[r * ldc + j] = acc[r][j];                            \
    }

MICRO_PORTABLE(float, 4, 8, fmaf)
MICRO_PORTABLE(double, 4, 8, fma)
DRIVER(float, portable, 4, 8, 256, fmaf, )
DRIVER(double, portable, 4, 8, 256, fma, )

#if defined(__x86_64__)
// ---- AVX2 + FMA: 6 x 16 (float) and 6 x 8 (double) tiles, two vectors per row.
#define AVX2_ATTR __attribute__((target("avx2,fma")))
#define MICRO_AVX2(T, VT, W, SUF)                                                               \
    AVX2_ATTR static void micro_##T##_avx2(long kc, const T *pa, const T *pb, T *c, long ldc,   \
                                           int loadc) {                                         \
        VT c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;                          \
        if (loadc) {                                                                            \
            c00 = _mm256_loadu_##SUF(c + 0 * ldc); c01 = _mm256_loadu_##SUF(c + 0 * ldc + W);   \
            c10 = _mm256_loadu_##SUF(c + 1 * ldc); c11 = _mm256_loadu_##SUF(c + 1 * ldc + W);   \
            c20 = _mm256_loadu_##SUF(c + 2 * ldc); c21 = _mm256_loadu_##SUF(c + 2 * ldc + W);   \
            c30 = _mm256_loadu_##SUF(c + 3 * ldc); c31 = _mm256_loadu_##SUF(c + 3 * ldc + W);   \
            c40 = _mm256_loadu_##SUF(c + 4 * ldc); c41 = _mm256_loadu_##SUF(c + 4 * ldc + W);   \
            c50 = _mm256_loadu_##SUF(c + 5 * ldc); c51 = _mm256_loadu_##SUF(c + 5 * ldc + W);   \
        } else {                                                                                \
            c00 = c01 = c10 = c11 = c20 = c21 = _mm256_setzero_##SUF();                         \
            c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_##SUF();                         \
        }                                                                                       \
        for (long p = 0; p < kc; p++) {                                                         \
            VT b0 = _mm256_load_##SUF(pb + p * 2 * W), b1 = _mm256_load_##SUF(pb + p * 2 * W + W); \
            const T *ar = pa + p * 6;                                                           \
            VT a0 = _mm256_set1_##SUF(ar[0]);                                                   \
            c00 = _mm256_fmadd_##SUF(a0, b0, c00); c01 = _mm256_fmadd_##SUF(a0, b1, c01);       \
            VT a1 = _mm256_set1_##SUF(ar[1]);                                                   \
            c10 = _mm256_fmadd_##SUF(a1, b0, c10); c11 = _mm256_fmadd_##SUF(a1, b1, c11);       \
            VT a2 = _mm256_set1_##SUF(ar[2]);                                                   \
            c20 = _mm256_fmadd_##SUF(a2, b0, c20); c21 = _mm256_fmadd_##SUF(a2, b1, c21);       \
            VT a3 = _mm256_set1_##SUF(ar[3]);                                                   \
            c30 = _mm256_fmadd_##SUF(a3, b0, c30); c31 = _mm256_fmadd_##SUF(a3, b1, c31);       \
            VT a4 = _mm256_set1_##SUF(ar[4]);                                                   \
            c40 = _mm256_fmadd_##SUF(a4, b0, c40); c41 = _mm256_fmadd_##SUF(a4, b1, c41);       \
            VT a5 = _mm256_set1_##SUF(ar[5]);                                                   \
            c50 = _mm256_fmadd_##SUF(a5, b0, c50); c51 = _mm256_fmadd_##SUF(a5, b1, c51);       \
        }                                                                                       \
        _mm256_storeu_##SUF(c + 0 * ldc, c00); _mm256_storeu_##SUF(c + 0 * ldc + W, c01);       \
        _mm256_storeu_##SUF(c + 1 * ldc, c10); _mm256_storeu_##SUF(c + 1 * ldc + W, c11);       \
        _mm256_storeu_##SUF(c + 2 * ldc, c20); _mm256_storeu_##SUF(c + 2 * ldc + W, c21);       \
        _mm256_storeu_##SUF(c + 3 * ldc, c30); _mm256_storeu_##SUF(c + 3 * ldc + W, c31);       \
        _mm256_storeu_##SUF(c + 4 * ldc, c40); _mm256_storeu_##SUF(c + 4 * ldc + W, c41);       \
        _mm256_storeu_##SUF(c + 5 * ldc, c50); _mm256_storeu_##SUF(c + 5 * ldc + W, c51);       \
    }

MICRO_AVX2(float, __m256, 8, ps)
MICRO_AVX2(double, __m256d, 4, pd)
DRIVER(float, avx2, 6, 16, 256, __builtin_fmaf, AVX2_ATTR)
DRIVER(double, avx2, 6, 8, 256, __builtin_fma, AVX2_ATTR)

// ---- AVX-512: 8 x 32 (float) and 8 x 16 (double) tiles, two vectors per row.
#define AVX512_ATTR __attribute__((target("avx512f,avx512dq,avx512vl,fma")))
#define MICRO_AVX512(T, VT, W, SUF)                                                             \
    AVX512_ATTR static void micro_##T##_avx512(long kc, const T *pa, const T *pb, T *c,         \
                                               long ldc, int loadc) {                           \
        VT acc[8][2];                                                                           \
        for (int r = 0; r < 8; r++) {                                                           \
            acc[r][0] = loadc ? _mm512_loadu_##SUF(c + r * ldc) : _mm512_setzero_##SUF();        \
            acc[r][1] = loadc ? _mm512_loadu_##SUF(c + r * ldc + W) : _mm512_setzero_##SUF();    \
        }                                                                                       \
        for (long p = 0; p < kc; p++) {                                                         \
            VT b0 = _mm512_load_##SUF(pb + p * 2 * W), b1 = _mm512_load_##SUF(pb + p * 2 * W + W); \
            for (int r = 0; r < 8; r++) {                                                       \
                VT ar = _mm512_set1_##SUF(pa[p * 8 + r]);                                       \
                acc[r][0] = _mm512_fmadd_##SUF(ar, b0, acc[r][0]);                              \
                acc[r][1] = _mm512_fmadd_##SUF(ar, b1, acc[r][1]);                              \
            }                                                                                   \
        }                                                                                       \
        for (int r = 0; r < 8; r++) {                                                           \
            _mm512_storeu_##SUF(c + r * ldc, acc[r][0]);                                        \
            _mm512_storeu_##SUF(c + r * ldc + W, acc[r][1]);                                    \
        }                                                                                       \
    }

MICRO_AVX512(float, __m512, 16, ps)
MICRO_AVX512(double, __m512d, 8, pd)
DRIVER(float, avx512, 8, 32, 256, __builtin_fmaf, AVX512_ATTR)
DRIVER(double, avx512, 8, 16, 256, __builtin_fma, AVX512_ATTR)
#endif

#define GEMM_ENTRY(T, S)                                                                        \
    void fm_gemm_##S##_at_level(int level, int ta, int tb, long m, long n, long k, T alpha,     \
                                const T *a, long lda, const T *b, long ldb, T beta, T *c,       \
                                long ldc) {                                                     \
        if (m <= 0 || n <= 0) return;                                                           \
        switch (fm_supported_level(level)) {                                                    \
        GEMM_X86_CASES(T)                                                                       \
        default: gemm_##T##_portable(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break; \
        }                                                                                       \
    }                                                                                           \
    void fm_gemm_##S(int ta, int tb, long m, long n, long k, T alpha, const T *a, long lda,     \
                     const T *b, long ldb, T beta, T *c, long ldc) {                            \
        fm_gemm_##S##_at_level(fm_kernel_level(), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); \
    }

#if defined(__x86_64__)
#define GEMM_X86_CASES(T)                                                                       \
    case FM_LEVEL_AVX512: gemm_##T##_avx512(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break; \
    case FM_LEVEL_AVX2: gemm_##T##_avx2(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
#else
#define GEMM_X86_CASES(T)
#endif

GEMM_ENTRY(float, f32)
GEMM_ENTRY(double, f64)
