// Which compiled variant of the C kernels runs: the widest vector unit of the CPU, or the one
// named by RNNLAB_KERNEL (portable, avx2, avx512). Every variant gives the same bits; forcing one
// exists to test that and to measure each.
#include "CFastMath.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static int detect_best(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma"))
        return FM_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return FM_LEVEL_AVX2;
#endif
    return FM_LEVEL_PORTABLE;
}

int fm_best_level(void) {
    static atomic_int best = -1;
    int b = atomic_load_explicit(&best, memory_order_relaxed);
    if (b < 0) {
        b = detect_best();
        atomic_store_explicit(&best, b, memory_order_relaxed);
    }
    return b;
}

int fm_supported_level(int level) {
    int best = fm_best_level();
    if (level < FM_LEVEL_PORTABLE) return FM_LEVEL_PORTABLE;
    return level > best ? best : level;
}

int fm_parse_level(const char *name) {
    if (name == NULL || name[0] == 0 || strcmp(name, "auto") == 0) return -1;
    if (strcmp(name, "portable") == 0) return FM_LEVEL_PORTABLE;
    if (strcmp(name, "avx2") == 0) return FM_LEVEL_AVX2;
    if (strcmp(name, "avx512") == 0) return FM_LEVEL_AVX512;
    return -2;
}

int fm_kernel_level(void) {
    static atomic_int level = -1;
    int l = atomic_load_explicit(&level, memory_order_relaxed);
    if (l < 0) {
        int requested = fm_parse_level(getenv("RNNLAB_KERNEL"));
        l = requested < 0 ? fm_best_level() : fm_supported_level(requested);
        atomic_store_explicit(&level, l, memory_order_relaxed);
    }
    return l;
}

static atomic_int vendor_blas = 0;

void fm_set_vendor_blas(int on) { atomic_store(&vendor_blas, on ? 1 : 0); }

int fm_vendor_blas(void) { return atomic_load_explicit(&vendor_blas, memory_order_relaxed); }

static atomic_int product_threads = 1;

// Scoped requests for two threads (tests running side by side each hold one while they run).
static atomic_int two_thread_holds = 0;

void fm_set_product_threads(int n) { atomic_store(&product_threads, n < 1 ? 1 : n); }

void fm_hold_two_product_threads(void) { atomic_fetch_add(&two_thread_holds, 1); }

void fm_release_two_product_threads(void) { atomic_fetch_sub(&two_thread_holds, 1); }

int fm_product_threads(void) {
    int n = atomic_load_explicit(&product_threads, memory_order_relaxed);
    return atomic_load_explicit(&two_thread_holds, memory_order_relaxed) > 0 && n < 2 ? 2 : n;
}
