// Elementwise int8 kernels: add / sub / mul / max / min as functors of the float path's
// broadcasting loop (edgec::binary with the same BinaryParams), 256-entry
// lookup tables for activations, and the float <-> int8 conversions.
#pragma once

#include "edgec/kernels/ref/data_movement.h"
#include "edgec/kernels/ref/elementwise_f32.h"
#include "edgec/quant.h"

namespace edgec {

/// TFLite's int8 add: both inputs shifted left by 20 bits, rescaled to twice
/// the larger input scale, summed, rescaled to the output.
struct AddS8Params {
  int32_t a_zero, b_zero;
  int32_t a_mult, a_shift, b_mult, b_shift;
  int32_t out_mult, out_shift, out_zero;
  int32_t left_shift;
  int32_t act_min, act_max;
};

/// v clamped to [Lo, Hi], the range of T (int8 or int16) or narrower: one
/// SSAT for int8 where the core has it.
template <typename T, int32_t Lo, int32_t Hi> EDGEC_ALWAYS_INLINE int32_t clamp_act(int32_t v) {
  if constexpr (sizeof(T) == 1)
    return saturate_s8<Lo, Hi>(v);
  else
    return clamp_i32(v, Lo, Hi);
}

/// How add, sub, max and min combine their two rescaled inputs, on int32
/// and (Helium) on four int32 lanes.
struct CombineAdd {
  static EDGEC_ALWAYS_INLINE int32_t apply(int32_t x, int32_t y) { return x + y; }
#ifdef EDGEC_HAVE_MVE
  static EDGEC_ALWAYS_INLINE int32x4_t apply(int32x4_t x, int32x4_t y) { return vaddq_s32(x, y); }
#endif
};
struct CombineSub {
  static EDGEC_ALWAYS_INLINE int32_t apply(int32_t x, int32_t y) { return x - y; }
#ifdef EDGEC_HAVE_MVE
  static EDGEC_ALWAYS_INLINE int32x4_t apply(int32x4_t x, int32x4_t y) { return vsubq_s32(x, y); }
#endif
};
struct CombineMax {
  static EDGEC_ALWAYS_INLINE int32_t apply(int32_t x, int32_t y) { return x > y ? x : y; }
#ifdef EDGEC_HAVE_MVE
  static EDGEC_ALWAYS_INLINE int32x4_t apply(int32x4_t x, int32x4_t y) { return vmaxq_s32(x, y); }
#endif
};
struct CombineMin {
  static EDGEC_ALWAYS_INLINE int32_t apply(int32_t x, int32_t y) { return x < y ? x : y; }
#ifdef EDGEC_HAVE_MVE
  static EDGEC_ALWAYS_INLINE int32x4_t apply(int32x4_t x, int32x4_t y) { return vminq_s32(x, y); }
#endif
};

/// Add, sub, max and min (a functor of the shared broadcasting loop,
/// edgec::binary<Op<Q>, P>): both inputs rescaled to the common scale
/// (shifted left by left_shift, requantized by their own multipliers),
/// combined by C, rescaled to the output, clamped. Max and min may combine
/// the rescaled values because the rescaling is monotonic (the larger input
/// stays the larger).
template <const AddS8Params &Q, typename C> struct RescaledOpS8 {
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    const int32_t sa = requantize_const<Q.a_mult, Q.a_shift>((a - Q.a_zero) * (1 << Q.left_shift));
    const int32_t sb = requantize_const<Q.b_mult, Q.b_shift>((b - Q.b_zero) * (1 << Q.left_shift));
    const int32_t v = requantize_const<Q.out_mult, Q.out_shift>(C::apply(sa, sb)) + Q.out_zero;
    return static_cast<T>(clamp_act<T, Q.act_min, Q.act_max>(v));
  }
#ifdef EDGEC_HAVE_MVE
  /// apply on four int32 lanes (int8 values); binary() takes it on Helium.
  static EDGEC_ALWAYS_INLINE int32x4_t apply_x4(int32x4_t a, int32x4_t b) {
    const int32x4_t sa = mve::requantize_const_x4<Q.a_mult, Q.a_shift>(
        vshlq_n_s32(vsubq_n_s32(a, Q.a_zero), Q.left_shift));
    const int32x4_t sb = mve::requantize_const_x4<Q.b_mult, Q.b_shift>(
        vshlq_n_s32(vsubq_n_s32(b, Q.b_zero), Q.left_shift));
    return mve::output_x4<Q.out_zero, Q.act_min, Q.act_max>(
        mve::requantize_const_x4<Q.out_mult, Q.out_shift>(C::apply(sa, sb)));
  }
#endif
};
template <const AddS8Params &Q> using OpAddS8 = RescaledOpS8<Q, CombineAdd>;
template <const AddS8Params &Q> using OpSubS8 = RescaledOpS8<Q, CombineSub>;
template <const AddS8Params &Q> using OpMaxS8 = RescaledOpS8<Q, CombineMax>;
template <const AddS8Params &Q> using OpMinS8 = RescaledOpS8<Q, CombineMin>;

/// (a - a_zero) * (b - b_zero) rescaled by out_mult / out_shift (a_mult, b_mult unused).
template <const AddS8Params &Q> struct OpMulS8 {
#ifdef EDGEC_HAVE_MVE
  static EDGEC_ALWAYS_INLINE int32x4_t apply_x4(int32x4_t a, int32x4_t b) {
    return mve::output_x4<Q.out_zero, Q.act_min, Q.act_max>(
        mve::requantize_const_x4<Q.out_mult, Q.out_shift>(
            vmulq_s32(vsubq_n_s32(a, Q.a_zero), vsubq_n_s32(b, Q.b_zero))));
  }
#endif
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    const int32_t v =
        requantize_const<Q.out_mult, Q.out_shift>((a - Q.a_zero) * (b - Q.b_zero)) + Q.out_zero;
    return static_cast<T>(clamp_act<T, Q.act_min, Q.act_max>(v));
  }
};

/// y = table[x + 128]: any elementwise activation on int8. In place: y may
/// be x.
template <int32_t N>
inline void lut_s8(const int8_t *x, const int8_t *EDGEC_RESTRICT table, int8_t *y) {
  for (ptrdiff_t i = 0; i < N; ++i)
    y[i] = table[x[i] + 128];
}

/// y = f(x) on int16 by interpolation in a 513-knot table (lut_interp_s16).
/// In place: y may be x.
template <int32_t N>
inline void lut_s16(const int16_t *x, const int16_t *EDGEC_RESTRICT table, int16_t *y) {
  for (ptrdiff_t i = 0; i < N; ++i)
    y[i] = static_cast<int16_t>(lut_interp_s16(table, x[i]));
}

/// TFLite's LEAKY_RELU (numerics = tflite): x - in_zero requantized by the
/// identity multiplier where non-negative, by the alpha one below 0. In
/// place: y may be x.
struct LeakyReluParams {
  int32_t size, in_zero, id_mult, id_shift, alpha_mult, alpha_shift, out_zero;
};

template <const LeakyReluParams &P, typename T> inline void leaky_relu_tflite(const T *x, T *y) {
  for (ptrdiff_t i = 0; i < P.size; ++i) {
    const int32_t v = x[i] - P.in_zero;
    const int32_t r = v >= 0 ? requantize(v, P.id_mult, P.id_shift)
                             : requantize(v, P.alpha_mult, P.alpha_shift);
    y[i] = static_cast<T>(clamp_i32(r + P.out_zero, QuantType<T>::min, QuantType<T>::max));
  }
}

/// Float to int8 (or int16) with one scale and zero point (inputs of the
/// float wrapper).
template <typename T>
inline void quantize_f32_s8(const float *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y, ptrdiff_t n,
                            float scale, int32_t zero) {
  for (ptrdiff_t i = 0; i < n; ++i)
    y[i] = static_cast<T>(quantize_value(x[i], scale, zero, QuantType<T>::min, QuantType<T>::max));
}

/// Int8 (or int16) to float: (q - zero) * scale.
template <typename T>
inline void dequantize_s8_f32(const T *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y, ptrdiff_t n,
                              float scale, int32_t zero) {
  for (ptrdiff_t i = 0; i < n; ++i)
    y[i] = dequantize_value(x[i], scale, zero);
}

/// Int8 to int8 with other parameters: zero_out + requantize(x - zero_in).
struct RequantizeParams {
  int32_t size, in_zero, mult, shift, out_zero;
};

/// In place: y may be x when T and U are the same size. T and U are int8,
/// int16 or int32; an int32 x minus its zero point wraps as TFLite's does
/// (taken in 64 bits, then to 32: no signed overflow), and so does the sum
/// with the output's zero point.
template <const RequantizeParams &P, typename T, typename U>
inline void requantize_s8(const T *x, U *y) {
  for (ptrdiff_t i = 0; i < P.size; ++i) {
    const int32_t v = static_cast<int32_t>(static_cast<int64_t>(x[i]) - P.in_zero);
    const int32_t r = requantize_const<P.mult, P.shift>(v);
    y[i] = static_cast<U>(clamp_i32(static_cast<int32_t>(static_cast<int64_t>(r) + P.out_zero),
                                    QuantType<U>::min, QuantType<U>::max));
  }
}

} // namespace edgec

namespace edgec {

/// One input of an int8 concatenation whose quantization differs from the
/// result's: copied with requantization (ConcatPartParams as for concat_part).
template <const ConcatPartParams &P, const RequantizeParams &R, typename T>
inline void concat_part_s8(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t j = 0; j < P.chunk; ++j)
      y[o * P.row + P.offset + j] = static_cast<T>(
          clamp_i32(requantize_const<R.mult, R.shift>(x[o * P.chunk + j] - R.in_zero) + R.out_zero,
                    QuantType<T>::min, QuantType<T>::max));
}

} // namespace edgec
