#ifndef CFASTMATH_H
#define CFASTMATH_H

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

/// `out = a + b` over `n` elements (`out` must not overlap `a` or `b`).
void fm_add_f32(long n, const float *a, const float *b, float *out);
void fm_add_f64(long n, const double *a, const double *b, double *out);
/// `acc[j] += src[r * n + j]` for the rows `r = 0..<rows` in order (`acc` must not overlap `src`).
void fm_sum_rows_f32(long rows, long n, const float *src, float *acc);
void fm_sum_rows_f64(long rows, long n, const double *src, double *acc);

#endif
