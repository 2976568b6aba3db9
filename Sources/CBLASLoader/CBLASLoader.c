#define _GNU_SOURCE
#include "CBLASLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <strings.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                         int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int,
                         const double *, int, double, double *, int);
typedef void (*threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn p_sgemm;
static dgemm_fn p_dgemm;
static threads_fn p_threads;
static corename_fn p_corename;

static pthread_once_t environment_once = PTHREAD_ONCE_INIT;

static void prepare_environment(void) {
#if defined(__x86_64__)
    // On an AVX-512 CPU use an AVX-512 kernel unless one is already chosen: Debian's OpenBLAS
    // 0.3.21 may otherwise run a slower one (an inherited OPENBLAS_CORETYPE=Haswell measured 2-4x
    // slower than SkylakeX here). RNNLAB_KEEP_OPENBLAS_CORETYPE=1 keeps any user setting.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && getenv("RNNLAB_KEEP_OPENBLAS_CORETYPE") == NULL) {
        const char *current = getenv("OPENBLAS_CORETYPE");
        int avx512_core = current != NULL && (strcasecmp(current, "SkylakeX") == 0 ||
                                              strcasecmp(current, "Cooperlake") == 0 ||
                                              strcasecmp(current, "SapphireRapids") == 0);
        if (!avx512_core) setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
    }
#endif
    // One thread unless the user asks for more: the runner runs many runs in parallel, and an
    // idle OpenBLAS worker pool spins (sched_yield) on the cores those runs need.
    // gl_blas_set_threads can raise it for a single large run.
    if (getenv("OPENBLAS_NUM_THREADS") == NULL && getenv("OMP_NUM_THREADS") == NULL) {
        setenv("OPENBLAS_NUM_THREADS", "1", 0);
    }
}

void gl_blas_prepare_environment(void) {
    pthread_once(&environment_once, prepare_environment);
}

static void load(void) {
    gl_blas_prepare_environment();
    const char *names[] = {"libopenblas.so.0", "libopenblas.so",
                           "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
                           "libopenblas.dylib", NULL};
    void *handle = NULL;
    for (int i = 0; names[i] != NULL && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) return;
    p_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    p_dgemm = (dgemm_fn)dlsym(handle, "cblas_dgemm");
    p_threads = (threads_fn)dlsym(handle, "openblas_set_num_threads");
    p_corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    if (p_threads) p_threads(1);
}

bool gl_blas_load(void) {
    pthread_once(&once, load);
    return p_sgemm != NULL && p_dgemm != NULL;
}

const char *gl_blas_corename(void) {
    if (!gl_blas_load() || p_corename == NULL) return "unavailable";
    return p_corename();
}

static atomic_int threads = 1;  // as set last (read by worker threads, so atomic)

void gl_blas_set_threads(int n) {
    if (gl_blas_load() && p_threads) p_threads(n);
    atomic_store(&threads, n);
}

int gl_blas_threads(void) { return atomic_load(&threads); }

void gl_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc) {
    p_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda,
            b, ldb, beta, c, ldc);
}

void gl_dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
              const double *b, int ldb, double beta, double *c, int ldc) {
    p_dgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda,
            b, ldb, beta, c, ldc);
}

int gl_malloc_retain_freed(void) {
#if defined(__GLIBC__)
    // Large blocks from the heap, kept when freed, and heaps made writable 32 MiB at a time: a
    // thread's heap otherwise grows by an mprotect call per few pages, each changing the memory
    // map that the process's other busy threads use (measured: --jobs 2 grids ~5% faster).
    return mallopt(M_MMAP_THRESHOLD, 1 << 30) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1 &&
           mallopt(M_TOP_PAD, 32 << 20) == 1;
#else
    return 0;
#endif
}

int gl_malloc_single_arena(void) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, 1) == 1;
#else
    return 0;
#endif
}
