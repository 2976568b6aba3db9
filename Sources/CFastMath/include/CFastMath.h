#ifndef CFASTMATH_H
#define CFASTMATH_H

/// The compiled variants of every kernel below. They give bit-identical results; only speed differs.
enum { FM_LEVEL_PORTABLE = 0, FM_LEVEL_AVX2 = 1, FM_LEVEL_AVX512 = 2 };

/// The widest variant this CPU runs (AVX-512 needs F, DQ, VL and FMA; AVX2 needs FMA too).
int fm_best_level(void);
/// `level` if this CPU runs it, else the widest one below it.
int fm_supported_level(int level);
/// The variant in use: RNNLAB_KERNEL (portable, avx2, avx512, auto) if set and supported, else
/// the widest; read once.
int fm_kernel_level(void);
/// A level from its name: -1 for "auto" or empty/NULL, -2 for an unknown name.
int fm_parse_level(const char *name);

/// Runs `iterations` rounds of 12 independent vector FMAs with the given variant; returns the
/// floating-point operations done (time it to get one core's peak).
double fm_peak_flops(int level, int float64, long iterations);

/// Threads one large product may be split over (by blocks of C; default 1). Splitting never
/// changes a result: each element is still one sum in ascending k.
void fm_set_product_threads(int n);
int fm_product_threads(void);
/// While at least one hold is taken, products use two threads whatever the setting (scoped, for
/// callers that run side by side, such as tests).
void fm_hold_two_product_threads(void);
void fm_release_two_product_threads(void);

/// The numerics mode: 1 when the engine's large products go to a vendor BLAS (opt-in), else 0.
void fm_set_vendor_blas(int on);
int fm_vendor_blas(void);

/// Row-major `C = alpha * op(A) * op(B) + beta * C` (`op(A)` is m x k, `op(B)` k x n; ta/tb 1 to
/// transpose). Each element is `beta * c` (0 when beta is 0, c when 1) followed by
/// `fma(alpha * a_ip, b_pj, acc)` for p = 0..<k in ascending order: the same bits in every variant.
void fm_gemm_f32(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                 const float *b, long ldb, float beta, float *c, long ldc);
void fm_gemm_f64(int ta, int tb, long m, long n, long k, double alpha, const double *a, long lda,
                 const double *b, long ldb, double beta, double *c, long ldc);
/// The same product computed by the given variant (clamped to what the CPU runs): for tests and benchmarks.
void fm_gemm_f32_at_level(int level, int ta, int tb, long m, long n, long k, float alpha,
                          const float *a, long lda, const float *b, long ldb, float beta, float *c,
                          long ldc);
void fm_gemm_f64_at_level(int level, int ta, int tb, long m, long n, long k, double alpha,
                          const double *a, long lda, const double *b, long ldb, double beta,
                          double *c, long ldc);

/// In-place tanh / sigmoid over buffers: the same IEEE operations, lane by lane, as the Swift
/// `FastMath` scalar and SIMD versions (no FMA contraction), compiled for AVX-512, AVX2 and the
/// baseline and chosen at run time, so the results are bit-identical on every path.
void fm_tanh_f64(double *p, long n);
void fm_sigmoid_f64(double *p, long n);
void fm_tanh_f32(float *p, long n);
void fm_sigmoid_f32(float *p, long n);

/// One row of LSTM BPTT: gates `i f g o` (4H), tanh(c_t), c_{t-1}, dL/dh_t; updates dc in place
/// (dc_t in, dc_{t-1} out) and writes the four pre-activation gradients (4H).
void fm_lstm_backward_row_f32(long H, const float *gates, const float *tanhC, const float *cPrev,
                              const float *dhTotal, float *dc, float *dPre);
void fm_lstm_backward_row_f64(long H, const double *gates, const double *tanhC, const double *cPrev,
                              const double *dhTotal, double *dc, double *dPre);
/// One row of GRU BPTT: gates `r z n` (3H), W_hn h + b_hn, h_{t-1}, dL/dh_t; writes the input-side
/// and hidden-side pre-activation gradients (3H each).
void fm_gru_backward_row_f32(long H, const float *gates, const float *hn, const float *hPrev,
                             const float *dhTotal, float *dPreX, float *dPreH);
void fm_gru_backward_row_f64(long H, const double *gates, const double *hn, const double *hPrev,
                             const double *dhTotal, double *dPreX, double *dPreH);

/// One row of an LSTM step: `gates` holds the pre-activations (4H) and is overwritten with the
/// activated gates `i f g o`; c is updated in place and copied to cOut; writes tanh(c) and h.
void fm_lstm_forward_row_f32(long H, float *gates, float *c, float *cOut, float *tanhC, float *h);
void fm_lstm_forward_row_f64(long H, double *gates, double *c, double *cOut, double *tanhC, double *h);
/// One row of a GRU step: `gates` holds the input-side pre-activations (3H, biases in, b_hn
/// excluded) and is overwritten with the gates r z n; W_hh h (3H), b_hn (H); writes
/// W_hn h + b_hn (H) and h.
void fm_gru_forward_row_f32(long H, float *gates, const float *gh, const float *bhn, float *hnOut,
                            const float *hPrev, float *h);
void fm_gru_forward_row_f64(long H, double *gates, const double *gh, const double *bhn, double *hnOut,
                            const double *hPrev, double *h);

/// One whole step for the `B` sequences of a batch that are all still running (row-major, rows
/// are sequences): the same operations, in the same order, as the per-row entry points above
/// and `fm_gemm_*`, so the same bits; with two product threads the batch's halves run side by
/// side. LSTM forward: `gates` (B x 4H) holds the input projections and receives
/// `+ bias (4H) + hIn W_hh^T` (`whhT` is H x 4H, rows `ldw` apart), then the gates; `c` (B x H) is updated and
/// copied to `cOut`; writes `tanhC` and `h` (B x H).
void fm_lstm_forward_step_f32(long B, long H, const float *bias, const float *hIn, const float *whhT, long ldw,
                              float *gates, float *c, float *cOut, float *tanhC, float *h);
void fm_lstm_forward_step_f64(long B, long H, const double *bias, const double *hIn,
                              const double *whhT, long ldw, double *gates, double *c, double *cOut,
                              double *tanhC, double *h);
/// LSTM backward: `tot = up + dh`, the gate gradients into `dPre` (B x 4H, `dc` updated) from the
/// cached gates, tanh(c) and c_{t-1}, then `dh = dPre W_hh` (`whh` is 4H x H, rows `ldw` apart).
void fm_lstm_backward_step_f32(long B, long H, const float *up, const float *gates, const float *tanhC,
                               const float *cPrev, const float *whh, long ldw, float *tot, float *dc,
                               float *dPre, float *dh);
void fm_lstm_backward_step_f64(long B, long H, const double *up, const double *gates,
                               const double *tanhC, const double *cPrev, const double *whh, long ldw,
                               double *tot, double *dc, double *dPre, double *dh);
/// tanh RNN forward: `pre` (B x H) receives `+ bias + hIn W_hh^T`, then tanh; copied to `h`.
void fm_rnn_forward_step_f32(long B, long H, const float *bias, const float *hIn, const float *whhT, long ldw,
                             float *pre, float *h);
void fm_rnn_forward_step_f64(long B, long H, const double *bias, const double *hIn,
                             const double *whhT, long ldw, double *pre, double *h);
/// tanh RNN backward: `tot = up + dh`, `dPre = tot * (1 - act^2)`, `dh = dPre W_hh`.
void fm_rnn_backward_step_f32(long B, long H, const float *up, const float *act, const float *whh, long ldw,
                              float *tot, float *dPre, float *dh);
void fm_rnn_backward_step_f64(long B, long H, const double *up, const double *act,
                              const double *whh, long ldw, double *tot, double *dPre, double *dh);

/// `out = a + b` over `n` elements (`out` must not overlap `a` or `b`).
void fm_add_f32(long n, const float *a, const float *b, float *out);
void fm_add_f64(long n, const double *a, const double *b, double *out);
/// `acc[j] += src[r * n + j]` for the rows `r = 0..<rows` in order (`acc` must not overlap `src`).
void fm_sum_rows_f32(long rows, long n, const float *src, float *acc);
void fm_sum_rows_f64(long rows, long n, const double *src, double *acc);

#endif
