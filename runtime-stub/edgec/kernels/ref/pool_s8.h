// Quantized pooling (int8, or int16 for 16x8 models) and int8 softmax.
#pragma once

#include "edgec/kernels/arm/mve.h"
#include "edgec/kernels/ref/pool_f32.h"
#include "edgec/quant.h"

namespace edgec {

/// Max pooling keeps the input's quantization; padding never wins.
template <const Pool2DParams &P, typename T>
inline void max_pool2d_s8(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t pl = 0; pl < P.planes; ++pl) {
    const T *xp = x + pl * P.in_h * P.in_w;
    for (ptrdiff_t oh = 0; oh < P.out_h; ++oh)
      for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
        int32_t best = QuantType<T>::min;
        for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
          const ptrdiff_t ih = oh * P.stride_h - P.pad_top + kh * P.dilation_h;
          if (ih < 0 || ih >= P.in_h)
            continue;
          for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
            const ptrdiff_t iw = ow * P.stride_w - P.pad_left + kw * P.dilation_w;
            if (iw >= 0 && iw < P.in_w && xp[ih * P.in_w + iw] > best)
              best = xp[ih * P.in_w + iw];
          }
        }
        *y++ = static_cast<T>(best);
      }
  }
}

/// Whether an average pool's one window is each whole plane (a global
/// average written as AveragePool: DS-CNN's), so that each output is the
/// mean of one contiguous run.
template <const Pool2DParams &P> constexpr bool pool_is_whole_plane() {
  return P.out_h == 1 && P.out_w == 1 && P.kernel_h == P.in_h && P.kernel_w == P.in_w &&
         P.pad_top == 0 && P.pad_left == 0 && P.pad_bottom == 0 && P.pad_right == 0 &&
         (P.in_h == 1 || P.dilation_h == 1) && (P.in_w == 1 || P.dilation_w == 1);
}

/// sum of x[i] for i < N.
template <ptrdiff_t N, typename T> EDGEC_ALWAYS_INLINE int32_t sum_run(const T *EDGEC_RESTRICT x) {
#ifdef EDGEC_HAVE_MVE
  if constexpr (sizeof(T) == 1) { // 16 bytes per VADDVA.S8
    int32_t sum = 0;
    for (ptrdiff_t i = 0; i < N; i += 16) {
      const mve_pred16_t p = vctp8q(static_cast<uint32_t>(N - i));
      sum = vaddvaq_p_s8(sum, vldrbq_z_s8(reinterpret_cast<const int8_t *>(x) + i, p), p);
    }
    return sum;
  }
#endif
  int32_t sum = 0;
  for (ptrdiff_t i = 0; i < N; ++i)
    sum += x[i];
  return sum;
}

/// Average pooling keeps the input's quantization: zero + the rounded mean of
/// (x - zero) over the counted positions (padded ones add 0).
template <const Pool2DParams &P, int32_t Zero, typename T>
inline void avg_pool2d_s8(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  if constexpr (pool_is_whole_plane<P>()) {
    // sum (x - Zero) over a plane of N is sum x - N Zero (int32: N < 2^23).
    constexpr ptrdiff_t N = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
    for (ptrdiff_t pl = 0; pl < P.planes; ++pl) {
      const int32_t v = rounded_average(sum_run<N>(x + pl * N) - static_cast<int32_t>(N) * Zero,
                                        static_cast<int32_t>(N)) + Zero;
      y[pl] = static_cast<T>(clamp_i32(v, QuantType<T>::min, QuantType<T>::max));
    }
    return;
  }
  for (ptrdiff_t pl = 0; pl < P.planes; ++pl) {
    const T *xp = x + pl * P.in_h * P.in_w;
    for (ptrdiff_t oh = 0; oh < P.out_h; ++oh)
      for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
        int32_t sum = 0, count = 0;
        for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
          const ptrdiff_t ih = oh * P.stride_h - P.pad_top + kh * P.dilation_h;
          for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
            const ptrdiff_t iw = ow * P.stride_w - P.pad_left + kw * P.dilation_w;
            const bool inside = ih >= 0 && ih < P.in_h && iw >= 0 && iw < P.in_w;
            if (inside) {
              sum += xp[ih * P.in_w + iw] - Zero;
              ++count;
            } else if (P.count_include_pad && ih >= -P.pad_top && ih < P.in_h + P.pad_bottom &&
                       iw >= -P.pad_left && iw < P.in_w + P.pad_right) {
              ++count;
            }
          }
        }
        const int32_t v = rounded_average(sum, count > 0 ? count : 1) + Zero;
        *y++ = static_cast<T>(clamp_i32(v, QuantType<T>::min, QuantType<T>::max));
      }
  }
}

/// Global average pooling with its own output quantization: the sum of
/// (x - in_zero) times in_scale / (out_scale * size) as mult / shift.
struct GlobalPoolS8Params {
  int32_t planes, size, in_zero, mult, shift, out_zero;
};

template <const GlobalPoolS8Params &P, typename T>
inline void global_avg_pool_s8(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t pl = 0; pl < P.planes; ++pl) {
    typename QuantType<T>::acc sum = 0;
    for (ptrdiff_t i = 0; i < P.size; ++i)
      sum += x[pl * P.size + i] - P.in_zero;
    y[pl] = static_cast<T>(clamp_i32(requantize_acc(sum, P.mult, P.shift) + P.out_zero,
                                     QuantType<T>::min, QuantType<T>::max));
  }
}

/// Mean over adjacent axes of an [outer, len, inner] view (ReduceMean): the
/// sum of (x - in_zero) over len, requantized by s_x / (len s_y).
struct MeanS8Params {
  int32_t outer, len, inner, in_zero, mult, shift, out_zero;
};

template <const MeanS8Params &P, typename T>
inline void reduce_mean_s8(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t i = 0; i < P.inner; ++i) {
      typename QuantType<T>::acc sum = 0;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        sum += x[(o * P.len + j) * P.inner + i] - P.in_zero;
      y[o * P.inner + i] = static_cast<T>(clamp_i32(requantize_acc(sum, P.mult, P.shift) +
                                                        P.out_zero,
                                                    QuantType<T>::min, QuantType<T>::max));
    }
}

/// Softmax to scale 1/256, zero point -128: e = table[max - x] (exp of the
/// scaled difference in Q16), y = round(256 * e / sum(e)) - 128.
template <const SoftmaxParams &P>
inline void softmax_s8(const int8_t *EDGEC_RESTRICT x, const int32_t *EDGEC_RESTRICT table,
                       int8_t *EDGEC_RESTRICT y) {
  static_assert(P.len <= 65535, "the row sum must fit 32 bits");
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t in = 0; in < P.inner; ++in) {
      const int8_t *xr = x + o * P.len * P.inner + in;
      int8_t *yr = y + o * P.len * P.inner + in;
      int32_t mx = -128;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        mx = xr[j * P.inner] > mx ? xr[j * P.inner] : mx;
      uint32_t sum = 0;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        sum += static_cast<uint32_t>(table[mx - xr[j * P.inner]]);
      for (ptrdiff_t j = 0; j < P.len; ++j) {
        const uint32_t e = static_cast<uint32_t>(table[mx - xr[j * P.inner]]);
        const int32_t v = static_cast<int32_t>((e * 256u + sum / 2) / sum) - 128;
        yr[j * P.inner] = static_cast<int8_t>(clamp_i32(v, -128, 127));
      }
    }
}

/// TFLite's int8 softmax (numerics = tflite): e = table[max - x] is gemmlowp's
/// exp in Q0.31 (0 below TFLite's diff_min), the row's sum of e / 2^12 (Q12.19)
/// is inverted with reciprocal_q31, and y = min(Out) + e / sum rounded to
/// 2^-8 (int8 output) or 2^-16 (int16). docs/numerics.md.
template <const SoftmaxParams &P, typename Out>
inline void softmax_s8_tflite(const int8_t *EDGEC_RESTRICT x, const int32_t *EDGEC_RESTRICT table,
                              Out *EDGEC_RESTRICT y) {
  static_assert(P.len <= 4095, "the Q12.19 row sum must fit 32 bits");
  constexpr int32_t lo = QuantType<Out>::min, hi = QuantType<Out>::max;
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t in = 0; in < P.inner; ++in) {
      const int8_t *xr = x + o * P.len * P.inner + in;
      Out *yr = y + o * P.len * P.inner + in;
      int32_t mx = -128;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        mx = xr[j * P.inner] > mx ? xr[j * P.inner] : mx;
      int32_t sum = 0;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        sum += rounding_divide_by_pot(table[mx - xr[j * P.inner]], 12);
      int bits = 0;
      const int32_t scale = reciprocal_q31(sum, 12, bits);
      const int exponent = bits + 31 - 8 * static_cast<int>(sizeof(Out));
      for (ptrdiff_t j = 0; j < P.len; ++j) {
        const int32_t e = table[mx - xr[j * P.inner]];
        const int32_t v = rounding_divide_by_pot_wide(
                              saturating_rounding_doubling_high_mul(scale, e), exponent) + lo;
        yr[j * P.inner] = static_cast<Out>(clamp_i32(v, lo, hi));
      }
    }
}

/// 16x8 softmax to scale 1/32767, zero point 0: e interpolated in a
/// 513-knot Q15 table of exp over d = max - x in [0, 65535] (lut_interp_s16
/// at d - 32768), y = round(32767 * e / sum(e)).
template <const SoftmaxParams &P>
inline void softmax_s16(const int16_t *EDGEC_RESTRICT x, const int16_t *EDGEC_RESTRICT table,
                        int16_t *EDGEC_RESTRICT y) {
  static_assert(P.len <= 65535, "the row sum must fit 32 bits");
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t in = 0; in < P.inner; ++in) {
      const int16_t *xr = x + o * P.len * P.inner + in;
      int16_t *yr = y + o * P.len * P.inner + in;
      int32_t mx = -32768;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        mx = xr[j * P.inner] > mx ? xr[j * P.inner] : mx;
      uint32_t sum = 0;
      for (ptrdiff_t j = 0; j < P.len; ++j)
        sum += static_cast<uint32_t>(lut_interp_s16(table, mx - xr[j * P.inner] - 32768));
      for (ptrdiff_t j = 0; j < P.len; ++j) {
        const uint32_t e =
            static_cast<uint32_t>(lut_interp_s16(table, mx - xr[j * P.inner] - 32768));
        const int32_t v = static_cast<int32_t>((e * 32767u + sum / 2) / sum);
        yr[j * P.inner] = static_cast<int16_t>(clamp_i32(v, -32768, 32767));
      }
    }
}

} // namespace edgec
