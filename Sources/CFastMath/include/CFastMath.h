#ifndef CFASTMATH_H
#define CFASTMATH_H

/// In-place tanh / sigmoid over buffers: the same IEEE operations, lane by lane, as the Swift
/// `FastMath` scalar and SIMD versions (no FMA contraction), compiled for AVX-512, AVX2 and the
/// baseline and chosen at run time, so the results are bit-identical on every path.
void fm_tanh_f64(double *p, long n);
void fm_sigmoid_f64(double *p, long n);
void fm_tanh_f32(float *p, long n);
void fm_sigmoid_f32(float *p, long n);

#endif
