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
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)


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

// ---- Operands. A micro-kernel reads element (r, p) of its MR-row panel of op(A) at
// ---- a[r * rs + p * cs] (op(A) read in place when alpha is 1, whichever its layout) and row p of
// ---- its NR-column panel of op(B) at b + p * bs (op(B) in place when its rows are contiguous).
// ---- Panels that are cut off by the edge of the matrix, transposed B and alpha != 1 are copied
// ---- into zero-padded buffers first; the arithmetic is the same either way.
#define PACK(T, V, MR, NR, attr)                                                                \
    attr static void pack_a_##T##_##V(int ta, long rows, long kc, T alpha, const T *a, long lda, \
                                      T *restrict d) {                                          \
        for (long p = 0; p < kc; p++) {                                                         \
            for (long r = 0; r < rows; r++) {                                                   \
                T x = ta ? a[p * lda + r] : a[r * lda + p];                                     \
                d[p * MR + r] = alpha != 1 ? alpha * x : x;                                     \
            }                                                                                   \
            for (long r = rows; r < MR; r++) d[p * MR + r] = 0;                                 \
        }                                                                                       \
    }                                                                                           \
    attr static void pack_b_##T##_##V(int tb, long cols, long kc, const T *b, long ldb,         \
                                      T *restrict d) {                                          \
        if (tb) {                                                                               \
            for (long jj = 0; jj < cols; jj++) {                                                \
                const T *s = b + jj * ldb;                                                      \
                for (long p = 0; p < kc; p++) d[p * NR + jj] = s[p];                            \
            }                                                                                   \
            for (long jj = cols; jj < NR; jj++)                                                 \
                for (long p = 0; p < kc; p++) d[p * NR + jj] = 0;                               \
        } else {                                                                                \
            for (long p = 0; p < kc; p++) {                                                     \
                for (long jj = 0; jj < cols; jj++) d[p * NR + jj] = b[p * ldb + jj];            \
                for (long jj = cols; jj < NR; jj++) d[p * NR + jj] = 0;                         \
            }                                                                                   \
        }                                                                                       \
    }

// ---- Blocked driver: k in blocks of KC (ascending); in each, NR-column panels of op(B) (packed
// ---- once per block when needed) times MR-row panels of op(A). Tiles cut off by the edge of C
// ---- run the same micro-kernel on a zero-padded copy of C, so every element takes the same path.
#define DRIVER(T, V, MR, NR, KC, FMA, attr, SMALL)                                              \
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
            SMALL(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc);                       \
            return;                                                                             \
        }                                                                                       \
        long np = (n + NR - 1) / NR * NR, kcmax = MIN(KC, k);                                   \
        int packAll = alpha != 1;                                                               \
        int packB = tb;                                                                         \
        long apanels = packAll ? (m + MR - 1) / MR : 1;                                         \
        size_t abytes = ((sizeof(T) * (size_t)(apanels * MR * kcmax)) + 63) / 64 * 64;          \
        size_t bbytes = ((sizeof(T) * (size_t)((packB ? np : NR) * kcmax)) + 63) / 64 * 64;     \
        T *pa = aligned_alloc(64, abytes);                                                      \
        T *pb = aligned_alloc(64, bbytes);                                                      \
        if (pa == NULL || pb == NULL) {                                                         \
            free(pa);                                                                           \
            free(pb);                                                                           \
            SMALL(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc);                       \
            return;                                                                             \
        }                                                                                       \
        for (long p0 = 0; p0 < k; p0 += KC) {                                                   \
            long kc = MIN(KC, k - p0);                                                          \
            int lc = loadc || p0 > 0;                                                           \
            const T *ak = ta ? a + p0 * lda : a + p0;                                           \
            const T *bk = tb ? b + p0 : b + p0 * ldb;                                           \
            if (packAll)                                                                        \
                for (long i0 = 0; i0 < m; i0 += MR)                                             \
                    pack_a_##T##_##V(ta, MIN(MR, m - i0), kc, alpha, ta ? ak + i0 : ak + i0 * lda, \
                                     lda, pa + (i0 / MR) * kc * MR);                            \
            if (packB)                                                                          \
                for (long j0 = 0; j0 < n; j0 += NR)                                             \
                    pack_b_##T##_##V(1, MIN(NR, n - j0), kc, bk + j0 * ldb, ldb,                \
                                     pb + (j0 / NR) * kc * NR);                                 \
            /* The panel of op(B) that holds column j0: packed, in place, or (a cut-off      */ \
            /* panel of an unpacked B) copied once per block after the packed panels.          */ \
            T *edge = pb;                                                                       \
            long edgeStart = n / NR * NR;                                                       \
            if (!packB && edgeStart < n)                                                        \
                pack_b_##T##_##V(0, n - edgeStart, kc, bk + edgeStart, ldb, edge);              \
            /* Likewise the cut-off row panel of an unpacked A, copied once per block.         */ \
            long edgeRow = m / MR * MR;                                                         \
            if (!packAll && edgeRow < m)                                                        \
                pack_a_##T##_##V(ta, m - edgeRow, kc, 1, ta ? ak + edgeRow : ak + edgeRow * lda, \
                                 lda, pa);                                                      \
            /* Tiles in the order that keeps the larger operand's panel in L1: across the row  */ \
            /* panels of A for each panel of B when C is wide, the other way when it is tall.   */ \
            long mTiles = (m + MR - 1) / MR, nTiles = (n + NR - 1) / NR;                        \
            int rowsOuter = m > n;                                                              \
            for (long outer = 0; outer < (rowsOuter ? mTiles : nTiles); outer++) {              \
                for (long inner = 0; inner < (rowsOuter ? nTiles : mTiles); inner++) {          \
                    long i0 = (rowsOuter ? outer : inner) * MR;                                 \
                    long j0 = (rowsOuter ? inner : outer) * NR;                                 \
                    long cols = MIN(NR, n - j0), rows = MIN(MR, m - i0);                        \
                    const T *bp;                                                                \
                    long bs;                                                                    \
                    if (packB) {                                                                \
                        bp = pb + (j0 / NR) * kc * NR;                                          \
                        bs = NR;                                                                \
                    } else if (cols == NR) {                                                    \
                        bp = bk + j0;                                                           \
                        bs = ldb;                                                               \
                    } else {                                                                    \
                        bp = edge;                                                              \
                        bs = NR;                                                                \
                    }                                                                           \
                    const T *ap;                                                                \
                    long rs, cs;                                                                \
                    if (packAll) {                                                              \
                        ap = pa + (i0 / MR) * kc * MR;                                          \
                        rs = 1;                                                                 \
                        cs = MR;                                                                \
                    } else if (rows == MR) {                                                    \
                        ap = ta ? ak + i0 : ak + i0 * lda;                                      \
                        rs = ta ? 1 : lda;                                                      \
                        cs = ta ? lda : 1;                                                      \
                    } else {                                                                    \
                        ap = pa;                                                                \
                        rs = 1;                                                                 \
                        cs = MR;                                                                \
                    }                                                                           \
                    T *ct = c + i0 * ldc + j0;                                                  \
                    if (rows == MR && cols == NR) {                                             \
                        micro_##T##_##V(kc, ap, rs, cs, bp, bs, ct, ldc, lc);                   \
                    } else {                                                                    \
                        T tile[MR * NR] __attribute__((aligned(64)));                           \
                        memset(tile, 0, sizeof tile);                                           \
                        if (lc)                                                                 \
                            for (long r = 0; r < rows; r++)                                     \
                                memcpy(tile + r * NR, ct + r * ldc, sizeof(T) * (size_t)cols);  \
                        micro_##T##_##V(kc, ap, rs, cs, bp, bs, tile, NR, lc);                  \
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
    static void micro_##T##_portable(long kc, const T *a, long rs, long cs, const T *b, long bs, \
                                     T *c, long ldc, int loadc) {                               \
        T acc[MR][NR];                                                                          \
        for (int r = 0; r < MR; r++)                                                            \
            for (int j = 0; j < NR; j++) acc[r][j] = loadc ? c[r * ldc + j] : 0;                \
        for (long p = 0; p < kc; p++)                                                           \
            for (int r = 0; r < MR; r++)                                                        \
                for (int j = 0; j < NR; j++)                                                    \
                    acc[r][j] = FMA(a[r * rs + p * cs], b[p * bs + j], acc[r][j]);              \
        for (int r = 0; r < MR; r++)                                                            \
            for (int j = 0; j < NR; j++) c[r * ldc + j] = acc[r][j];                            \
    }

MICRO_PORTABLE(float, 4, 8, fmaf)
MICRO_PORTABLE(double, 4, 8, fma)
DIRECT(float, portable, fmaf, )
DIRECT(double, portable, fma, )
DRIVER(float, portable, 4, 8, 256, fmaf, , direct_float_portable)
DRIVER(double, portable, 4, 8, 256, fma, , direct_double_portable)

#if defined(__x86_64__)
// ---- AVX2 + FMA: 6 x 16 (float) and 6 x 8 (double) tiles, two vectors per row.
#define AVX2_ATTR __attribute__((target("avx2,fma")))
// One row of a micro-kernel step: broadcast A's element x, two fused multiply-adds with the two
// vectors b0, b1 of B's row into the row's two accumulators.
#define FMA_ROW(SET1, FMADD, acc0, acc1, x)                                                     \
    {                                                                                           \
        __typeof__(b0) xr = SET1(x);                                                            \
        acc0 = FMADD(xr, b0, acc0);                                                             \
        acc1 = FMADD(xr, b1, acc1);                                                             \
    }
#define ROW256(SUF, acc0, acc1, x) FMA_ROW(_mm256_set1_##SUF, _mm256_fmadd_##SUF, acc0, acc1, x)
#define ROW512(SUF, r, x) FMA_ROW(_mm512_set1_##SUF, _mm512_fmadd_##SUF, acc##r##0, acc##r##1, x)
#define MICRO_AVX2(T, VT, W, SUF)                                                               \
    AVX2_ATTR static void micro_##T##_avx2(long kc, const T *a, long rs, long cs, const T *b,   \
                                           long bs, T *c, long ldc, int loadc) {                \
        VT acc[6][2];                                                                           \
        for (int r = 0; r < 6; r++) {                                                           \
            acc[r][0] = loadc ? _mm256_loadu_##SUF(c + r * ldc) : _mm256_setzero_##SUF();        \
            acc[r][1] = loadc ? _mm256_loadu_##SUF(c + r * ldc + W) : _mm256_setzero_##SUF();    \
        }                                                                                       \
        const T *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs,   \
                *a5 = a + 5 * rs;                                                               \
        for (long p = 0; p < kc; p++) {                                                         \
            VT b0 = _mm256_loadu_##SUF(b + p * bs), b1 = _mm256_loadu_##SUF(b + p * bs + W);    \
            long o = p * cs;                                                                    \
            ROW256(SUF, acc[0][0], acc[0][1], a0[o])                                        \
            ROW256(SUF, acc[1][0], acc[1][1], a1[o])                                        \
            ROW256(SUF, acc[2][0], acc[2][1], a2[o])                                        \
            ROW256(SUF, acc[3][0], acc[3][1], a3[o])                                        \
            ROW256(SUF, acc[4][0], acc[4][1], a4[o])                                        \
            ROW256(SUF, acc[5][0], acc[5][1], a5[o])                                        \
        }                                                                                       \
        for (int r = 0; r < 6; r++) {                                                           \
            _mm256_storeu_##SUF(c + r * ldc, acc[r][0]);                                        \
            _mm256_storeu_##SUF(c + r * ldc + W, acc[r][1]);                                    \
        }                                                                                       \
    }

MICRO_AVX2(float, __m256, 8, ps)
MICRO_AVX2(double, __m256d, 4, pd)
DIRECT(float, avx2, __builtin_fmaf, AVX2_ATTR)
DIRECT(double, avx2, __builtin_fma, AVX2_ATTR)

// Small products with row-contiguous op(B): each row of C in vector chunks whose sums stay in
// registers over all of k (the tail chunk masked), one fma per step in ascending order.
static inline __attribute__((always_inline, target("avx2,fma"))) __m256i tail_mask_ps(long rem) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __attribute__((always_inline, target("avx2,fma"))) __m256i tail_mask_pd(long rem) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem), _mm256_setr_epi64x(0, 1, 2, 3));
}
#define DIRECT_AVX2(T, VT, W, SUF)                                                              \
    AVX2_ATTR static void small_##T##_avx2(int ta, int tb, long m, long n, long k, T alpha,     \
                                           const T *a, long lda, const T *b, long ldb,          \
                                           int loadc, T *c, long ldc) {                         \
        if (tb) {                                                                               \
            direct_##T##_avx2(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc);           \
            return;                                                                             \
        }                                                                                       \
        for (long i = 0; i < m; i++) {                                                          \
            T *crow = c + i * ldc;                                                              \
            for (long j0 = 0; j0 < n; j0 += W) {                                                \
                long rem = n - j0;                                                              \
                __m256i mask = tail_mask_##SUF(rem < W ? rem : W);                              \
                VT acc = loadc ? _mm256_maskload_##SUF(crow + j0, mask) : _mm256_setzero_##SUF(); \
                for (long p = 0; p < k; p++) {                                                  \
                    T x = ta ? a[p * lda + i] : a[i * lda + p];                                 \
                    if (alpha != 1) x = alpha * x;                                              \
                    acc = _mm256_fmadd_##SUF(_mm256_set1_##SUF(x),                              \
                                             _mm256_maskload_##SUF(b + p * ldb + j0, mask), acc); \
                }                                                                               \
                _mm256_maskstore_##SUF(crow + j0, mask, acc);                                   \
            }                                                                                   \
        }                                                                                       \
    }
DIRECT_AVX2(float, __m256, 8, ps)
DIRECT_AVX2(double, __m256d, 4, pd)
DRIVER(float, avx2, 6, 16, 256, __builtin_fmaf, AVX2_ATTR, small_float_avx2)
DRIVER(double, avx2, 6, 8, 256, __builtin_fma, AVX2_ATTR, small_double_avx2)

// ---- AVX-512: 8 x 32 (float) and 8 x 16 (double) tiles, two vectors per row.
#define AVX512_ATTR __attribute__((target("avx512f,avx512dq,avx512vl,fma")))
// Two loops over k: A's panel column contiguous (packed or transposed A: the 8 values of step p
// are adjacent) or A's rows contiguous (row pointers and one shared index), so that no broadcast
// address waits on another.
#define MICRO_AVX512(T, VT, W, SUF)                                                             \
    AVX512_ATTR static void micro_##T##_avx512(long kc, const T *a, long rs, long cs,           \
                                               const T *b, long bs, T *c, long ldc, int loadc) { \
        VT acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, acc40, acc41, acc50, acc51,   \
            acc60, acc61, acc70, acc71;                                                         \
        if (loadc) {                                                                            \
            acc00 = _mm512_loadu_##SUF(c + 0 * ldc); acc01 = _mm512_loadu_##SUF(c + 0 * ldc + W); \
            acc10 = _mm512_loadu_##SUF(c + 1 * ldc); acc11 = _mm512_loadu_##SUF(c + 1 * ldc + W); \
            acc20 = _mm512_loadu_##SUF(c + 2 * ldc); acc21 = _mm512_loadu_##SUF(c + 2 * ldc + W); \
            acc30 = _mm512_loadu_##SUF(c + 3 * ldc); acc31 = _mm512_loadu_##SUF(c + 3 * ldc + W); \
            acc40 = _mm512_loadu_##SUF(c + 4 * ldc); acc41 = _mm512_loadu_##SUF(c + 4 * ldc + W); \
            acc50 = _mm512_loadu_##SUF(c + 5 * ldc); acc51 = _mm512_loadu_##SUF(c + 5 * ldc + W); \
            acc60 = _mm512_loadu_##SUF(c + 6 * ldc); acc61 = _mm512_loadu_##SUF(c + 6 * ldc + W); \
            acc70 = _mm512_loadu_##SUF(c + 7 * ldc); acc71 = _mm512_loadu_##SUF(c + 7 * ldc + W); \
        } else {                                                                                \
            acc00 = acc01 = acc10 = acc11 = acc20 = acc21 = acc30 = acc31 = _mm512_setzero_##SUF(); \
            acc40 = acc41 = acc50 = acc51 = acc60 = acc61 = acc70 = acc71 = _mm512_setzero_##SUF(); \
        }                                                                                       \
        if (rs == 1) {                                                                          \
            for (long p = 0; p < kc; p++) {                                                     \
                VT b0 = _mm512_loadu_##SUF(b + p * bs), b1 = _mm512_loadu_##SUF(b + p * bs + W); \
                const T *ap = a + p * cs;                                                       \
                ROW512(SUF, 0, ap[0]) ROW512(SUF, 1, ap[1]) ROW512(SUF, 2, ap[2]) ROW512(SUF, 3, ap[3])\
                ROW512(SUF, 4, ap[4]) ROW512(SUF, 5, ap[5]) ROW512(SUF, 6, ap[6]) ROW512(SUF, 7, ap[7])\
            }                                                                                   \
        } else {                                                                                \
            const T *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs;                  \
            const T *a4 = a + 4 * rs, *a5 = a + 5 * rs, *a6 = a + 6 * rs, *a7 = a + 7 * rs;     \
            for (long p = 0; p < kc; p++) {                                                     \
                VT b0 = _mm512_loadu_##SUF(b + p * bs), b1 = _mm512_loadu_##SUF(b + p * bs + W); \
                long o = p * cs;                                                                \
                ROW512(SUF, 0, a0[o]) ROW512(SUF, 1, a1[o]) ROW512(SUF, 2, a2[o]) ROW512(SUF, 3, a3[o])\
                ROW512(SUF, 4, a4[o]) ROW512(SUF, 5, a5[o]) ROW512(SUF, 6, a6[o]) ROW512(SUF, 7, a7[o])\
            }                                                                                   \
        }                                                                                       \
        _mm512_storeu_##SUF(c + 0 * ldc, acc00); _mm512_storeu_##SUF(c + 0 * ldc + W, acc01);   \
        _mm512_storeu_##SUF(c + 1 * ldc, acc10); _mm512_storeu_##SUF(c + 1 * ldc + W, acc11);   \
        _mm512_storeu_##SUF(c + 2 * ldc, acc20); _mm512_storeu_##SUF(c + 2 * ldc + W, acc21);   \
        _mm512_storeu_##SUF(c + 3 * ldc, acc30); _mm512_storeu_##SUF(c + 3 * ldc + W, acc31);   \
        _mm512_storeu_##SUF(c + 4 * ldc, acc40); _mm512_storeu_##SUF(c + 4 * ldc + W, acc41);   \
        _mm512_storeu_##SUF(c + 5 * ldc, acc50); _mm512_storeu_##SUF(c + 5 * ldc + W, acc51);   \
        _mm512_storeu_##SUF(c + 6 * ldc, acc60); _mm512_storeu_##SUF(c + 6 * ldc + W, acc61);   \
        _mm512_storeu_##SUF(c + 7 * ldc, acc70); _mm512_storeu_##SUF(c + 7 * ldc + W, acc71);   \
    }

MICRO_AVX512(float, __m512, 16, ps)
MICRO_AVX512(double, __m512d, 8, pd)
DIRECT(float, avx512, __builtin_fmaf, AVX512_ATTR)
DIRECT(double, avx512, __builtin_fma, AVX512_ATTR)
#define DIRECT_AVX512(T, VT, W, SUF, MASK)                                                      \
    AVX512_ATTR static void small_##T##_avx512(int ta, int tb, long m, long n, long k, T alpha, \
                                               const T *a, long lda, const T *b, long ldb,      \
                                               int loadc, T *c, long ldc) {                     \
        if (tb) {                                                                               \
            direct_##T##_avx512(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc);         \
            return;                                                                             \
        }                                                                                       \
        for (long i = 0; i < m; i++) {                                                          \
            T *crow = c + i * ldc;                                                              \
            for (long j0 = 0; j0 < n; j0 += W) {                                                \
                long rem = n - j0;                                                              \
                MASK mask = rem < W ? (MASK)((1u << rem) - 1) : (MASK)~0u;                      \
                VT acc = loadc ? _mm512_maskz_loadu_##SUF(mask, crow + j0) : _mm512_setzero_##SUF(); \
                for (long p = 0; p < k; p++) {                                                  \
                    T x = ta ? a[p * lda + i] : a[i * lda + p];                                 \
                    if (alpha != 1) x = alpha * x;                                              \
                    acc = _mm512_fmadd_##SUF(_mm512_set1_##SUF(x),                              \
                                             _mm512_maskz_loadu_##SUF(mask, b + p * ldb + j0), acc); \
                }                                                                               \
                _mm512_mask_storeu_##SUF(crow + j0, mask, acc);                                 \
            }                                                                                   \
        }                                                                                       \
    }
DIRECT_AVX512(float, __m512, 16, ps, __mmask16)
DIRECT_AVX512(double, __m512d, 8, pd, __mmask8)
DRIVER(float, avx512, 8, 32, 128, __builtin_fmaf, AVX512_ATTR, small_float_avx512)
DRIVER(double, avx512, 8, 16, 128, __builtin_fma, AVX512_ATTR, small_double_avx512)
#endif

// ---- Two threads per product (fm_set_product_threads(2)): a persistent helper thread computes
// ---- one block of C's columns (or rows) while the caller computes the other. Each element is
// ---- computed exactly as in one call, so the split never changes a bit. The helper spins briefly
// ---- between products (the recurrent steps come tens of microseconds apart), then sleeps.
typedef struct {
    void (*run)(void *);
    void *arg;
} helper_job;

static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t helper_wake = PTHREAD_COND_INITIALIZER;
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;
static atomic_int helper_started = 0;
static atomic_int helper_busy = 0; // a caller owns the helper
// The job's state: IDLE, POSTED (waiting to be taken), TAKEN (by the helper or by the caller
// itself), DONE (finished by the helper).
enum { IDLE = 0, POSTED = 1, TAKEN = 2, DONE = 3 };
static atomic_int helper_state = IDLE;
static atomic_int helper_sleeping = 0;
static helper_job helper_current;

enum { HELPER_SPIN_NS = 2000000 };

static inline long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

static void *helper_main(void *unused) {
    (void)unused;
    for (;;) {
        long spins = 0;
        long long idle_since = now_ns();
        while (atomic_load_explicit(&helper_state, memory_order_acquire) != POSTED) {
            // Spin for up to HELPER_SPIN_NS after the last product (checking the clock every 64
            // pauses), then sleep until the next one.
            if ((++spins & 63) != 0 || now_ns() - idle_since < HELPER_SPIN_NS) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&helper_lock);
            atomic_store(&helper_sleeping, 1);
            while (atomic_load(&helper_state) != POSTED) pthread_cond_wait(&helper_wake, &helper_lock);
            atomic_store(&helper_sleeping, 0);
            pthread_mutex_unlock(&helper_lock);
        }
        int expected = POSTED;
        if (atomic_compare_exchange_strong(&helper_state, &expected, TAKEN)) {
            helper_current.run(helper_current.arg);
            atomic_store_explicit(&helper_state, DONE, memory_order_release);
        }
    }
    return NULL;
}

static void helper_start(void) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, helper_main, NULL) == 0) atomic_store(&helper_started, 1);
    pthread_attr_destroy(&attr);
}

// Runs `first(a)` on the caller and offers `second(b)` to the helper thread. If the helper has not
// taken it by the time `first` is done (it was asleep, or its core is busy), the caller runs it
// too, so a loaded machine costs at most the time of one thread. False (nothing run) when the
// helper is busy with another caller or could not be started.
static int run_pair(void (*first)(void *), void *a, void (*second)(void *), void *b) {
    pthread_once(&helper_once, helper_start);
    int expected = 0;
    if (!atomic_load(&helper_started) ||
        !atomic_compare_exchange_strong(&helper_busy, &expected, 1))
        return 0;
    helper_current.run = second;
    helper_current.arg = b;
    atomic_store_explicit(&helper_state, POSTED, memory_order_release);
    if (atomic_load(&helper_sleeping)) {
        pthread_mutex_lock(&helper_lock);
        pthread_cond_signal(&helper_wake);
        pthread_mutex_unlock(&helper_lock);
    }
    first(a);
    int posted = POSTED;
    if (atomic_compare_exchange_strong(&helper_state, &posted, TAKEN)) {
        second(b);
    } else {
        while (atomic_load_explicit(&helper_state, memory_order_acquire) != DONE) cpu_relax();
    }
    atomic_store(&helper_state, IDLE);
    atomic_store(&helper_busy, 0);
    return 1;
}

int fm_run_pair(void (*first)(void *), void *a, void (*second)(void *), void *b) {
    return run_pair(first, a, second, b);
}

// ---- Small products (at most DIRECT_MAX multiply-adds, beta 0 or 1) go straight to the unpacked
// ---- kernel of the process's variant, skipping the split and dispatch of the general entry: the
// ---- tutorial's H = 10 steps make a hundred such calls per run.
#if defined(__x86_64__)
#define SMALL_X86_CASES(T)                                                                      \
    case FM_LEVEL_AVX512: small_##T##_avx512(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc); return 1; \
    case FM_LEVEL_AVX2: small_##T##_avx2(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc); return 1;
#else
#define SMALL_X86_CASES(T)
#endif
#define SMALL_ENTRY(T, S)                                                                       \
    static inline int gemm_small_##S(int ta, int tb, long m, long n, long k, T alpha, const T *a, \
                                     long lda, const T *b, long ldb, T beta, T *c, long ldc) {  \
        if (k == 0 || (beta != 0 && beta != 1) || m * n * k > DIRECT_MAX) return 0;            \
        int loadc = beta != 0;                                                                  \
        switch (fm_kernel_level()) {                                                            \
        SMALL_X86_CASES(T)                                                                      \
        default: direct_##T##_portable(ta, tb, m, n, k, alpha, a, lda, b, ldb, loadc, c, ldc); return 1; \
        }                                                                                       \
    }
SMALL_ENTRY(float, f32)
SMALL_ENTRY(double, f64)

#define GEMM_ENTRY(T, S)                                                                        \
    typedef struct {                                                                            \
        int level, ta, tb;                                                                      \
        long m, n, k;                                                                           \
        T alpha, beta;                                                                          \
        const T *a, *b;                                                                         \
        long lda, ldb, ldc;                                                                     \
        T *c;                                                                                   \
    } gemm_args_##S;                                                                            \
    static void gemm_dispatch_##S(const gemm_args_##S *g) {                                     \
        switch (fm_supported_level(g->level)) {                                                 \
        GEMM_X86_CASES(T)                                                                       \
        default:                                                                                \
            gemm_##T##_portable(g->ta, g->tb, g->m, g->n, g->k, g->alpha, g->a, g->lda, g->b,    \
                                g->ldb, g->beta, g->c, g->ldc);                                 \
            break;                                                                              \
        }                                                                                       \
    }                                                                                           \
    static void gemm_job_##S(void *p) { gemm_dispatch_##S((const gemm_args_##S *)p); }          \
    void fm_gemm_##S##_at_level(int level, int ta, int tb, long m, long n, long k, T alpha,     \
                                const T *a, long lda, const T *b, long ldb, T beta, T *c,       \
                                long ldc) {                                                     \
        if (m <= 0 || n <= 0) return;                                                           \
        gemm_args_##S whole = {level, ta, tb, m, n, k, alpha, beta, a, b, lda, ldb, ldc, c};    \
        if (fm_product_threads() > 1 && m * n * k >= PAIR_MIN) {                                \
            gemm_args_##S one = whole, two = whole;                                             \
            if (n >= 64) {                                                                      \
                long half = (n / 2 + 31) / 32 * 32;                                             \
                one.n = half;                                                                   \
                two.n = n - half;                                                               \
                two.b = tb ? b + half * ldb : b + half;                                         \
                two.c = c + half;                                                               \
            } else {                                                                            \
                long half = (m / 2 + 7) / 8 * 8;                                                \
                one.m = half;                                                                   \
                two.m = m - half;                                                               \
                two.a = ta ? a + half : a + half * lda;                                         \
                two.c = c + half * ldc;                                                         \
            }                                                                                   \
            if (one.m > 0 && one.n > 0 && two.m > 0 && two.n > 0 &&                             \
                run_pair(gemm_job_##S, &one, gemm_job_##S, &two))                               \
                return;                                                                         \
        }                                                                                       \
        gemm_dispatch_##S(&whole);                                                              \
    }                                                                                           \
    void fm_gemm_##S(int ta, int tb, long m, long n, long k, T alpha, const T *a, long lda,     \
                     const T *b, long ldb, T beta, T *c, long ldc) {                            \
        if (m <= 0 || n <= 0) return;                                                           \
        if (gemm_small_##S(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;       \
        fm_gemm_##S##_at_level(fm_kernel_level(), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); \
    }                                                                                           \
    void fm_gemm_##S##_serial(int ta, int tb, long m, long n, long k, T alpha, const T *a,      \
                              long lda, const T *b, long ldb, T beta, T *c, long ldc) {         \
        if (m <= 0 || n <= 0) return;                                                           \
        if (gemm_small_##S(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;       \
        gemm_args_##S whole = {fm_kernel_level(), ta, tb, m, n, k, alpha, beta, a, b, lda, ldb, ldc, c}; \
        gemm_dispatch_##S(&whole);                                                              \
    }

#if defined(__x86_64__)
#define GEMM_X86_CASES(T)                                                                       \
    case FM_LEVEL_AVX512:                                                                       \
        gemm_##T##_avx512(g->ta, g->tb, g->m, g->n, g->k, g->alpha, g->a, g->lda, g->b, g->ldb,  \
                          g->beta, g->c, g->ldc);                                               \
        break;                                                                                  \
    case FM_LEVEL_AVX2:                                                                         \
        gemm_##T##_avx2(g->ta, g->tb, g->m, g->n, g->k, g->alpha, g->a, g->lda, g->b, g->ldb,    \
                        g->beta, g->c, g->ldc);                                                 \
        break;
#else
#define GEMM_X86_CASES(T)
#endif

GEMM_ENTRY(float, f32)
GEMM_ENTRY(double, f64)

// ---- Peak: the FMA throughput of one core (12 independent accumulator registers, so the
// ---- latency of one FMA is hidden), for the benchmark to print beside the GEMM figures.
#define PEAK(T, V, VT, SET1, FMADD, LANES, attr)                                                \
    attr static double peak_##T##_##V(long iterations) {                                        \
        VT acc[12];                                                                             \
        for (int r = 0; r < 12; r++) acc[r] = SET1((T)r);                                       \
        VT mul = SET1((T)0.999999), add = SET1((T)1e-6);                                        \
        for (long i = 0; i < iterations; i++)                                                   \
            for (int r = 0; r < 12; r++) acc[r] = FMADD(acc[r], mul, add);                      \
        T sink = 0;                                                                             \
        for (int r = 0; r < 12; r++) {                                                          \
            T lanes[LANES];                                                                     \
            memcpy(lanes, &acc[r], sizeof lanes);                                               \
            sink += lanes[0];                                                                   \
        }                                                                                       \
        return sink == sink ? 2.0 * 12 * LANES * (double)iterations : 0;                        \
    }

#define SCALAR_SET1(x) (x)
PEAK(float, portable, float, SCALAR_SET1, fmaf, 1, )
PEAK(double, portable, double, SCALAR_SET1, fma, 1, )
#if defined(__x86_64__)
PEAK(float, avx2, __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8, AVX2_ATTR)
PEAK(double, avx2, __m256d, _mm256_set1_pd, _mm256_fmadd_pd, 4, AVX2_ATTR)
PEAK(float, avx512, __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16, AVX512_ATTR)
PEAK(double, avx512, __m512d, _mm512_set1_pd, _mm512_fmadd_pd, 8, AVX512_ATTR)
#endif

double fm_peak_flops(int level, int float64, long iterations) {
    switch (fm_supported_level(level)) {
#if defined(__x86_64__)
    case FM_LEVEL_AVX512: return float64 ? peak_double_avx512(iterations) : peak_float_avx512(iterations);
    case FM_LEVEL_AVX2: return float64 ? peak_double_avx2(iterations) : peak_float_avx2(iterations);
#endif
    default: return float64 ? peak_double_portable(iterations) : peak_float_portable(iterations);
    }
}
