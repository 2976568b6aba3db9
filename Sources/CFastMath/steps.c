// Whole recurrent steps (the step's recurrent product and its element-wise math) for a block of
// sequences, so that the two halves of a batch can run side by side on the kernels' helper thread.
// Rows (sequences) of one step are independent: each row's results are computed by exactly the
// same operations as the per-row entry points and `fm_gemm_*`, whichever thread runs it and
// however the batch is cut, so a split never changes a bit.
#include "CFastMath.h"
#include "internal.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

// Runs `rows(args)` over rows [0, B), or over two halves side by side when two threads are
// allowed and the step is large enough for the hand-off to pay.
#define SPLIT(ARGS, RUN, B, MACS)                                                               \
    do {                                                                                        \
        ARGS one = *args, two = *args;                                                          \
        one.lo = 0;                                                                             \
        one.hi = (B);                                                                           \
        if (fm_product_threads() > 1 && (MACS) >= PAIR_MIN && (B) >= 16) {                      \
            long half = ((B) / 2 + 7) / 8 * 8;                                                  \
            one.hi = half;                                                                      \
            two.lo = half;                                                                      \
            two.hi = (B);                                                                       \
            if (fm_run_pair(RUN, &one, RUN, &two)) return;                                      \
            one.hi = (B);                                                                       \
        }                                                                                       \
        RUN(&one);                                                                              \
    } while (0)

#define STEPS(T, S)                                                                             \
    /* LSTM forward, rows [lo, hi): gates += bias; gates += h_{t-1} W_hh^T; activations. */     \
    typedef struct {                                                                            \
        long H, ldw, lo, hi;                                                                    \
        const T *bias, *hIn, *whhT;                                                             \
        T *gates, *c, *cOut, *tanhC, *h;                                                        \
    } lstm_fwd_step_##S;                                                                        \
    static void lstm_fwd_rows_##S(void *p) {                                                    \
        const lstm_fwd_step_##S *s = p;                                                         \
        long H = s->H, GH = 4 * H, rows = s->hi - s->lo;                                        \
        if (rows <= 0) return;                                                                  \
        T *g = s->gates + s->lo * GH;                                                           \
        for (long r = 0; r < rows; r++)                                                         \
            for (long j = 0; j < GH; j++) g[r * GH + j] = g[r * GH + j] + s->bias[j];           \
        fm_gemm_##S##_serial(0, 0, rows, GH, H, 1, s->hIn + s->lo * H, H, s->whhT, s->ldw, 1, g, GH); \
        for (long r = s->lo; r < s->hi; r++)                                                    \
            fm_lstm_forward_row_##S(H, s->gates + r * GH, s->c + r * H, s->cOut + r * H,        \
                                    s->tanhC + r * H, s->h + r * H);                            \
    }                                                                                           \
    void fm_lstm_forward_step_##S(long B, long H, const T *bias, const T *hIn, const T *whhT,   \
                                  long ldw, T *gates, T *c, T *cOut, T *tanhC, T *h) {          \
        lstm_fwd_step_##S whole = {H, ldw, 0, B, bias, hIn, whhT, gates, c, cOut, tanhC, h};    \
        const lstm_fwd_step_##S *args = &whole;                                                 \
        SPLIT(lstm_fwd_step_##S, lstm_fwd_rows_##S, B, B * 4 * H * H);                          \
    }                                                                                           \
    /* LSTM backward, rows [lo, hi): tot = up + dh; gate gradients; dh = dPre W_hh. */          \
    typedef struct {                                                                            \
        long H, ldw, lo, hi;                                                                    \
        const T *up, *gates, *tanhC, *cPrev, *whh;                                              \
        T *tot, *dc, *dPre, *dh;                                                                \
    } lstm_bwd_step_##S;                                                                        \
    static void lstm_bwd_rows_##S(void *p) {                                                    \
        const lstm_bwd_step_##S *s = p;                                                         \
        long H = s->H, GH = 4 * H, rows = s->hi - s->lo;                                        \
        if (rows <= 0) return;                                                                  \
        fm_add_##S(rows * H, s->up + s->lo * H, s->dh + s->lo * H, s->tot + s->lo * H);          \
        for (long r = s->lo; r < s->hi; r++)                                                    \
            fm_lstm_backward_row_##S(H, s->gates + r * GH, s->tanhC + r * H, s->cPrev + r * H,  \
                                     s->tot + r * H, s->dc + r * H, s->dPre + r * GH);          \
        fm_gemm_##S##_serial(0, 0, rows, H, GH, 1, s->dPre + s->lo * GH, GH, s->whh, s->ldw, 0, \
                             s->dh + s->lo * H, H);                                             \
    }                                                                                           \
    void fm_lstm_backward_step_##S(long B, long H, const T *up, const T *gates, const T *tanhC, \
                                   const T *cPrev, const T *whh, long ldw, T *tot, T *dc,       \
                                   T *dPre, T *dh) {                                            \
        lstm_bwd_step_##S whole = {H, ldw, 0, B, up, gates, tanhC, cPrev, whh, tot, dc, dPre, dh}; \
        const lstm_bwd_step_##S *args = &whole;                                                 \
        SPLIT(lstm_bwd_step_##S, lstm_bwd_rows_##S, B, B * 4 * H * H);                          \
    }                                                                                           \
    /* tanh RNN forward, rows [lo, hi): pre += bias; pre += h_{t-1} W_hh^T; h = tanh(pre). */   \
    typedef struct {                                                                            \
        long H, ldw, lo, hi;                                                                    \
        const T *bias, *hIn, *whhT;                                                             \
        T *pre, *h;                                                                             \
    } rnn_fwd_step_##S;                                                                         \
    static void rnn_fwd_rows_##S(void *p) {                                                     \
        const rnn_fwd_step_##S *s = p;                                                          \
        long H = s->H, rows = s->hi - s->lo;                                                    \
        if (rows <= 0) return;                                                                  \
        T *g = s->pre + s->lo * H;                                                              \
        for (long r = 0; r < rows; r++)                                                         \
            for (long j = 0; j < H; j++) g[r * H + j] = g[r * H + j] + s->bias[j];              \
        fm_gemm_##S##_serial(0, 0, rows, H, H, 1, s->hIn + s->lo * H, H, s->whhT, s->ldw, 1, g, H); \
        for (long r = 0; r < rows; r++) fm_tanh_##S(g + r * H, H);                              \
        T *h = s->h + s->lo * H;                                                                \
        for (long i = 0; i < rows * H; i++) h[i] = g[i];                                        \
    }                                                                                           \
    void fm_rnn_forward_step_##S(long B, long H, const T *bias, const T *hIn, const T *whhT,    \
                                 long ldw, T *pre, T *h) {                                      \
        rnn_fwd_step_##S whole = {H, ldw, 0, B, bias, hIn, whhT, pre, h};                       \
        const rnn_fwd_step_##S *args = &whole;                                                  \
        SPLIT(rnn_fwd_step_##S, rnn_fwd_rows_##S, B, B * H * H);                                \
    }                                                                                           \
    /* tanh RNN backward, rows [lo, hi): tot = up + dh; dPre = tot (1 - h^2); dh = dPre W_hh. */ \
    typedef struct {                                                                            \
        long H, ldw, lo, hi;                                                                    \
        const T *up, *act, *whh;                                                                \
        T *tot, *dPre, *dh;                                                                     \
    } rnn_bwd_step_##S;                                                                         \
    static void rnn_bwd_rows_##S(void *p) {                                                     \
        const rnn_bwd_step_##S *s = p;                                                          \
        long H = s->H, rows = s->hi - s->lo, o = s->lo * H;                                     \
        if (rows <= 0) return;                                                                  \
        fm_add_##S(rows * H, s->up + o, s->dh + o, s->tot + o);                                 \
        for (long i = o; i < o + rows * H; i++) {                                               \
            T v = s->act[i];                                                                    \
            s->dPre[i] = s->tot[i] * (1 - v * v);                                               \
        }                                                                                       \
        fm_gemm_##S##_serial(0, 0, rows, H, H, 1, s->dPre + o, H, s->whh, s->ldw, 0, s->dh + o, H); \
    }                                                                                           \
    void fm_rnn_backward_step_##S(long B, long H, const T *up, const T *act, const T *whh,      \
                                  long ldw, T *tot, T *dPre, T *dh) {                           \
        rnn_bwd_step_##S whole = {H, ldw, 0, B, up, act, whh, tot, dPre, dh};                   \
        const rnn_bwd_step_##S *args = &whole;                                                  \
        SPLIT(rnn_bwd_step_##S, rnn_bwd_rows_##S, B, B * H * H);                                \
    }

STEPS(float, f32)
STEPS(double, f64)
