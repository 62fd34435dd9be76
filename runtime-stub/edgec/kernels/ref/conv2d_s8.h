// conv2d_s8 / fc_s8: int8 convolution and fully-connected layers, portable C++.
//
// acc = bias[m] + sum (x - input_zero) * w over the taps inside the image
// (padding, and the zeros between the elements of a spread input, contribute
// nothing, i.e. they are the real value 0);
// y = clamp(requantize(acc, mult[m], shift[m]) + output_zero, act_min, act_max).
// Weights are int8 symmetric per output channel, bias int32 (may be null).
// Activations T are int8 or, for 16x8 models, int16 (accumulating in int64).
#pragma once

#include "edgec/kernels/arm/mve.h"
#include "edgec/kernels/ref/conv2d_params.h"
#include "edgec/quant.h"

namespace edgec {

struct Conv2DS8Params {
  Conv2DParams conv; ///< geometry (its float-only fields are unused)
  int32_t input_zero, output_zero;
  int32_t act_min, act_max; ///< int8 saturation, narrowed by a fused Relu / Clip
  /// Every channel's shift is in [-31, -1] (multipliers >= 0): the int8
  /// kernels' output stage may use requantize_right.
  bool right_shift = false;
  /// With right_shift, some channel's shift is -1 (its rounding term needs
  /// the low word's top bit); without, the output stage takes
  /// requantize_right_round_from2.
  bool shift_one = false;
};

/// The output stage of an int8 layer for one output channel: requantize the
/// accumulator, add the output zero point, clamp to the activation range.
/// Built once per channel (the rounding term is computed there); with
/// RightShift it is requantize_right, one multiply-accumulate and one shift.
template <int32_t Zero, int32_t Lo, int32_t Hi, bool RightShift, bool ShiftOne = true>
struct OutputStageS8 {
  int32_t mult, shift; ///< shift, or with RightShift the top-word shift -shift - 1
  int64_t round;
  EDGEC_ALWAYS_INLINE OutputStageS8(int32_t m, int32_t s)
      : mult(m), shift(RightShift ? -s - 1 : s),
        round(!RightShift ? 0
              : ShiftOne  ? requantize_right_round(s)
                          : requantize_right_round_from2(s)) {}
  EDGEC_ALWAYS_INLINE int8_t operator()(int32_t acc) const {
    const int32_t r =
        RightShift ? requantize_right(acc, mult, round, shift) : requantize(acc, mult, shift);
    return static_cast<int8_t>(saturate_s8<Lo, Hi>(r + Zero));
  }
};

/// Rows and columns of the input window a depthwise kernel reads, padding
/// included (the plane the DSP, blocked and sparse depthwise kernels copy).
template <const Conv2DS8Params &Q> constexpr ptrdiff_t depthwise_plane_h() {
  return static_cast<ptrdiff_t>(Q.conv.out_h - 1) * Q.conv.stride_h +
         static_cast<ptrdiff_t>(Q.conv.kernel_h - 1) * Q.conv.dilation_h + 1;
}
template <const Conv2DS8Params &Q> constexpr ptrdiff_t depthwise_plane_w() {
  return static_cast<ptrdiff_t>(Q.conv.out_w - 1) * Q.conv.stride_w +
         static_cast<ptrdiff_t>(Q.conv.kernel_w - 1) * Q.conv.dilation_w + 1;
}

#ifdef EDGEC_HAVE_MVE
/// Helium: every byte of the padded plane set to the input zero point, 16 per
/// step. The padding stays so while copy_plane_inside_s8 fills in one
/// channel after another, so a kernel writes it once per layer.
template <const Conv2DS8Params &Q> EDGEC_ALWAYS_INLINE void fill_plane_s8(int8_t *plane) {
  mve::fill_s8(plane, static_cast<int8_t>(Q.input_zero),
               depthwise_plane_h<Q>() * depthwise_plane_w<Q>());
}

/// Helium: the image part of the padded plane (copy_plane_s8's) from one
/// input plane, 16 bytes per step; the padding is left as it is.
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void copy_plane_inside_s8(const int8_t *EDGEC_RESTRICT x,
                                              int8_t *EDGEC_RESTRICT plane) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t PH = depthwise_plane_h<Q>(), PW = depthwise_plane_w<Q>();
  constexpr ptrdiff_t Left = P.pad_left < PW ? P.pad_left : PW;
  constexpr ptrdiff_t Inside = P.in_w < PW - Left ? P.in_w : PW - Left;
  constexpr ptrdiff_t R0 = P.pad_top > 0 ? P.pad_top : 0;
  constexpr ptrdiff_t R1 = P.pad_top + P.in_h < PH ? P.pad_top + P.in_h : PH;
  if constexpr (Left == 0 && Inside == PW && PW == P.in_w) // whole rows: one run
    mve::copy_s8(plane + R0 * PW, x + (R0 - P.pad_top) * P.in_w, (R1 - R0) * PW);
  else
    for (ptrdiff_t r = R0; r < R1; ++r)
      mve::copy_s8(plane + r * PW + Left, x + (r - P.pad_top) * P.in_w, Inside);
}
#endif

/// One input plane of a depthwise layer as raw int8, PH x PW, the padding
/// written as the input zero point (so that a padded tap adds zx * w, which
/// the kernel's folded bias takes away again).
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void copy_plane_s8(const int8_t *EDGEC_RESTRICT x, int8_t *EDGEC_RESTRICT plane) {
#ifdef EDGEC_HAVE_MVE
  fill_plane_s8<Q>(plane);
  copy_plane_inside_s8<Q>(x, plane);
#else
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t PH = depthwise_plane_h<Q>(), PW = depthwise_plane_w<Q>();
  constexpr int8_t Z = static_cast<int8_t>(Q.input_zero);
  constexpr ptrdiff_t Left = P.pad_left < PW ? P.pad_left : PW;
  constexpr ptrdiff_t Inside = P.in_w < PW - Left ? P.in_w : PW - Left;
  for (ptrdiff_t r = 0; r < PH; ++r) {
    const ptrdiff_t ih = r - P.pad_top;
    int8_t *pr = plane + r * PW;
    if (ih < 0 || ih >= P.in_h) {
      for (ptrdiff_t c = 0; c < PW; ++c)
        pr[c] = Z;
      continue;
    }
    for (ptrdiff_t c = 0; c < Left; ++c)
      pr[c] = Z;
    const int8_t *xr = x + ih * P.in_w;
    for (ptrdiff_t c = 0; c < Inside; ++c)
      pr[Left + c] = xr[c];
    for (ptrdiff_t c = Left + Inside; c < PW; ++c)
      pr[c] = Z;
  }
#endif
}

/// The output stage of an int8 convolution with parameters Q.
template <const Conv2DS8Params &Q>
using ConvOutputS8 =
    OutputStageS8<Q.output_zero, Q.act_min, Q.act_max, Q.right_shift, Q.shift_one>;

/// T (input) and U (output) are int8_t or int16_t, independently: a 16x8
/// layer of a mixed-precision model may read int8 and write int16 or the
/// reverse.
template <const Conv2DS8Params &Q, typename T, typename U>
inline void conv2d_s8(const T *EDGEC_RESTRICT in, const int8_t *EDGEC_RESTRICT w,
                      const int32_t *EDGEC_RESTRICT bias, const int32_t *EDGEC_RESTRICT mult,
                      const int32_t *EDGEC_RESTRICT shift, U *EDGEC_RESTRICT out) {
  using Acc = typename AccOf<T, U>::type;
  constexpr const Conv2DParams &P = Q.conv;
  static_assert(P.in_c % P.groups == 0 && P.out_c % P.groups == 0, "bad grouping");
  constexpr ptrdiff_t Cg = P.in_c / P.groups, Mg = P.out_c / P.groups;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t KK = static_cast<ptrdiff_t>(P.kernel_h) * P.kernel_w;
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t m = 0; m < P.out_c; ++m) {
      const ptrdiff_t g = m / Mg;
      const T *x = in + (n * P.in_c + g * Cg) * HW;
      const int8_t *wm = w + m * Cg * KK;
      const Acc b = bias ? bias[m] : 0;
      U *y = out + (n * P.out_c + m) * P.out_h * P.out_w;
      for (ptrdiff_t oh = 0; oh < P.out_h; ++oh) {
        const ptrdiff_t ih0 = oh * P.stride_h - P.pad_top;
        for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
          const ptrdiff_t iw0 = ow * P.stride_w - P.pad_left;
          Acc acc = b;
          for (ptrdiff_t c = 0; c < Cg; ++c) {
            const T *xc = x + c * HW;
            const int8_t *wc = wm + c * KK;
            for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
              // (the row offset hoisted, unless the input is spread)
              const ptrdiff_t ih =
                  conv2d_is_spread<P>() ? conv_tap<P, 0>(oh, kh) : ih0 + kh * P.dilation_h;
              if (ih < 0 || ih >= P.in_h)
                continue;
              for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
                const ptrdiff_t iw =
                    conv2d_is_spread<P>() ? conv_tap<P, 1>(ow, kw) : iw0 + kw * P.dilation_w;
                if (iw < 0 || iw >= P.in_w)
                  continue;
                acc += static_cast<Acc>(static_cast<int32_t>(xc[ih * P.in_w + iw]) - Q.input_zero) *
                       wc[kh * P.kernel_w + kw];
              }
            }
          }
          const int32_t v = requantize_acc(acc, mult[m], shift[m]) + Q.output_zero;
          y[oh * P.out_w + ow] = static_cast<U>(clamp_i32(v, Q.act_min, Q.act_max));
        }
      }
    }
}

/// Y[M x N] = A[M x K] * B' with B [K x N] or, with trans_b, [N x K]; output
/// channels are the columns.
struct FcS8Params {
  int32_t m, n, k;
  bool trans_b;
  int32_t input_zero, output_zero;
  int32_t act_min, act_max;
  bool right_shift = false; ///< as Conv2DS8Params::right_shift
  bool shift_one = false;   ///< as Conv2DS8Params::shift_one
};

/// The output stage of an int8 fully-connected layer with parameters P.
template <const FcS8Params &P>
using FcOutputS8 =
    OutputStageS8<P.output_zero, P.act_min, P.act_max, P.right_shift, P.shift_one>;

/// T (input) and U (output) are int8_t or int16_t, independently (as
/// conv2d_s8).
template <const FcS8Params &P, typename T, typename U>
inline void fc_s8(const T *EDGEC_RESTRICT a, const int8_t *EDGEC_RESTRICT b,
                  const int32_t *EDGEC_RESTRICT bias, const int32_t *EDGEC_RESTRICT mult,
                  const int32_t *EDGEC_RESTRICT shift, U *EDGEC_RESTRICT y) {
  using Acc = typename AccOf<T, U>::type;
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    const T *ai = a + i * P.k;
    for (ptrdiff_t j = 0; j < P.n; ++j) {
      Acc acc = bias ? bias[j] : 0;
      if constexpr (P.trans_b) {
        const int8_t *bj = b + j * P.k;
        for (ptrdiff_t q = 0; q < P.k; ++q)
          acc += static_cast<Acc>(static_cast<int32_t>(ai[q]) - P.input_zero) * bj[q];
      } else {
        for (ptrdiff_t q = 0; q < P.k; ++q)
          acc += static_cast<Acc>(static_cast<int32_t>(ai[q]) - P.input_zero) * b[q * P.n + j];
      }
      const int32_t v = requantize_acc(acc, mult[j], shift[j]) + P.output_zero;
      y[i * P.n + j] = static_cast<U>(clamp_i32(v, P.act_min, P.act_max));
    }
  }
}

/// fc_s8 with B (N x K, trans_b) a weight-only int4 model's own integers,
/// two to a byte (the first in the low bits, as ONNX packs int4), each row
/// starting on a byte: half the flash of int8 weights, for a nibble unpack
/// per multiply. The arithmetic is fc_s8's, so results are the same.
template <const FcS8Params &P, typename T, typename U>
inline void fc_s8_w4(const T *EDGEC_RESTRICT a, const uint8_t *EDGEC_RESTRICT b,
                     const int32_t *EDGEC_RESTRICT bias, const int32_t *EDGEC_RESTRICT mult,
                     const int32_t *EDGEC_RESTRICT shift, U *EDGEC_RESTRICT y) {
  static_assert(P.trans_b, "int4 weights are stored N x K");
  using Acc = typename AccOf<T, U>::type;
  constexpr ptrdiff_t kRowBytes = (P.k + 1) / 2;
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    const T *ai = a + i * P.k;
    for (ptrdiff_t j = 0; j < P.n; ++j) {
      const uint8_t *bj = b + j * kRowBytes;
      Acc acc = bias ? bias[j] : 0;
      for (ptrdiff_t q = 0; q < P.k; ++q) {
        const int32_t nibble = (q & 1) ? (bj[q >> 1] >> 4) : (bj[q >> 1] & 0xF);
        const int32_t w = (nibble ^ 8) - 8; // sign-extend 4 bits
        acc += static_cast<Acc>(static_cast<int32_t>(ai[q]) - P.input_zero) * w;
      }
      const int32_t v = requantize_acc(acc, mult[j], shift[j]) + P.output_zero;
      y[i * P.n + j] = static_cast<U>(clamp_i32(v, P.act_min, P.act_max));
    }
  }
}

} // namespace edgec
