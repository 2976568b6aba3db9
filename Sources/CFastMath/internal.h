// Shared between the kernel files of CFastMath; not part of the module's interface.
#ifndef CFASTMATH_INTERNAL_H
#define CFASTMATH_INTERNAL_H

// Products with at most this many multiply-adds skip packing (the tutorial's H = 10 steps).
enum { DIRECT_MAX = 32 * 1024 };
// Products (or recurrent steps) with at least this many multiply-adds are split over two threads
// when asked to.
enum { PAIR_MIN = 1 << 19 };

// Runs `first(a)` on the caller and `second(b)` on the helper thread (or on the caller when the
// helper does not take it in time); 0 when nothing ran (helper unavailable or busy).
int fm_run_pair(void (*first)(void *), void *a, void (*second)(void *), void *b);

// `fm_gemm_*` on the calling thread only (never split): the same bits.
void fm_gemm_f32_serial(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                        const float *b, long ldb, float beta, float *c, long ldc);
void fm_gemm_f64_serial(int ta, int tb, long m, long n, long k, double alpha, const double *a,
                        long lda, const double *b, long ldb, double beta, double *c, long ldc);

#endif
