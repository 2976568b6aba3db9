#ifndef CBLAS_LOADER_H
#define CBLAS_LOADER_H

#include <stdbool.h>

/// The opt-in vendor BLAS (`numerics: openblas`) and malloc tuning. The default numerics never
/// call into OpenBLAS.
///
/// Loads OpenBLAS once (thread-safe). Before loading, when the CPU has AVX-512 and
/// OPENBLAS_CORETYPE does not already name an AVX-512 kernel, sets it to "SkylakeX": Debian's
/// OpenBLAS 0.3.21 otherwise may run a much slower kernel on these CPUs
/// (RNNLAB_KEEP_OPENBLAS_CORETYPE=1 keeps the variable as it is). Returns true when the library
/// and its symbols were found.
/// Sets OPENBLAS_CORETYPE (an AVX-512 kernel on an AVX-512 CPU) and OPENBLAS_NUM_THREADS (1 unless
/// set), once; gl_blas_load does it too. Call it while no other thread reads the environment.
void gl_blas_prepare_environment(void);

bool gl_blas_load(void);

/// The kernel name OpenBLAS reports (e.g. "SkylakeX"), or "unavailable".
const char *gl_blas_corename(void);

/// Sets the number of OpenBLAS threads (no-op when not loaded).
void gl_blas_set_threads(int n);

/// The thread count last given to gl_blas_set_threads (1 until then).
int gl_blas_threads(void);

/// Row-major GEMM: C = alpha * op(A) * op(B) + beta * C. trans = 0 (no) or 1 (transpose).
void gl_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc);
void gl_dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
              const double *b, int ldb, double beta, double *c, int ldc);

/// glibc malloc: keep freed large blocks for reuse instead of unmapping them (no page faults
/// and kernel zeroing on every big allocation). Process-wide; no effect elsewhere. Returns 1 if applied.
int gl_malloc_retain_freed(void);

/// mallopt(M_ARENA_MAX, 1): every thread allocates from the main arena (1 if applied).
int gl_malloc_single_arena(void);

#endif
