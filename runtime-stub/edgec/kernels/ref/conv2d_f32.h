// conv2d_f32: float 2-D convolution, NCHW input, OIHW weight.
//
// Three specializations chosen at compile time from the layer's shape:
//  - pointwise (1x1, stride 1, no padding): the input plane is already the
//    GEMM's B matrix, no copy;
//  - depthwise (one input and one output channel per group): direct
//    accumulation with the valid output range computed per kernel tap;
//  - general: im2col of a tile of `tile` output pixels into scratch, then the
//    blocked GEMM. Scratch size: conv2d_f32_scratch_size<P>(). A spread input
//    (a ConvTranspose) always takes this path, its zeros written by im2col.
#pragma once

#include "edgec/kernels/ref/conv2d_params.h"
#include "edgec/kernels/ref/gemm_f32.h"

namespace edgec {

template <const Conv2DParams &P> constexpr bool conv2d_is_pointwise() {
  return !conv2d_is_spread<P>() && P.kernel_h == 1 && P.kernel_w == 1 && P.stride_h == 1 && P.stride_w == 1 &&
         P.pad_top == 0 && P.pad_left == 0 && P.out_h == P.in_h && P.out_w == P.in_w;
}

template <const Conv2DParams &P> constexpr bool conv2d_is_depthwise() {
  return !conv2d_is_spread<P>() && P.groups == P.in_c && P.groups == P.out_c && P.groups > 1;
}

/// Depthwise with unit strides: computed on a zero-padded copy of each plane.
template <const Conv2DParams &P> constexpr bool conv2d_is_depthwise_s1() {
  return conv2d_is_depthwise<P>() && P.stride_h == 1 && P.stride_w == 1;
}

/// Padded plane geometry of the unit-stride depthwise path: rows, row
/// length, and the floats of scratch (padded input with its tail, plus one
/// output plane at the padded row length).
template <const Conv2DParams &P> constexpr ptrdiff_t dw_padded_h() {
  return P.out_h + (P.kernel_h - 1) * P.dilation_h;
}
template <const Conv2DParams &P> constexpr ptrdiff_t dw_padded_w() {
  return P.out_w + (P.kernel_w - 1) * P.dilation_w;
}
template <const Conv2DParams &P> constexpr ptrdiff_t dw_input_floats() {
  return dw_padded_h<P>() * dw_padded_w<P>() + (P.kernel_w - 1) * P.dilation_w;
}

/// Bytes of scratch the kernel needs for this layer.
template <const Conv2DParams &P> constexpr size_t conv2d_f32_scratch_size() {
  if constexpr (conv2d_is_depthwise_s1<P>())
    return sizeof(float) * static_cast<size_t>(dw_input_floats<P>() + P.out_h * dw_padded_w<P>());
  if (conv2d_is_pointwise<P>() || conv2d_is_depthwise<P>())
    return 0;
  return sizeof(float) * static_cast<size_t>(P.in_c / P.groups) * P.kernel_h * P.kernel_w *
         P.tile;
}

namespace detail {

/// First and one-past-last output index whose input index o*s - p + k*d lies
/// in [0, in).
EDGEC_ALWAYS_INLINE constexpr void valid_range(ptrdiff_t out, ptrdiff_t in, ptrdiff_t s,
                                              ptrdiff_t p, ptrdiff_t kd, ptrdiff_t &lo,
                                              ptrdiff_t &hi) {
  lo = max_of<ptrdiff_t>(0, ceil_div(p - kd, s));
  hi = min_of<ptrdiff_t>(out, ceil_div(in + p - kd, s));
  if (hi < lo)
    hi = lo;
}

template <const Conv2DParams &P>
inline void conv2d_depthwise_f32(const float *EDGEC_RESTRICT in, const float *EDGEC_RESTRICT w,
                                 const float *EDGEC_RESTRICT bias, float *EDGEC_RESTRICT out) {
  constexpr ptrdiff_t OHW = P.out_h * P.out_w;
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t c = 0; c < P.in_c; ++c) {
      const float *x = in + (n * P.in_c + c) * P.in_h * P.in_w;
      float *y = out + (n * P.out_c + c) * OHW;
      const float *wc = w + c * P.kernel_h * P.kernel_w;
      const float b = bias ? bias[c] : 0.f;
      for (ptrdiff_t i = 0; i < OHW; ++i)
        y[i] = b;
      for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
        ptrdiff_t oh0, oh1;
        valid_range(P.out_h, P.in_h, P.stride_h, P.pad_top, kh * P.dilation_h, oh0, oh1);
        for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
          ptrdiff_t ow0, ow1;
          valid_range(P.out_w, P.in_w, P.stride_w, P.pad_left, kw * P.dilation_w, ow0, ow1);
          const float wv = wc[kh * P.kernel_w + kw];
          for (ptrdiff_t oh = oh0; oh < oh1; ++oh) {
            const float *xr = x + (oh * P.stride_h - P.pad_top + kh * P.dilation_h) * P.in_w +
                              kw * P.dilation_w - P.pad_left;
            float *yr = y + oh * P.out_w;
            if constexpr (P.stride_w == 1) {
              for (ptrdiff_t ow = ow0; ow < ow1; ++ow)
                yr[ow] += wv * xr[ow];
            } else {
              for (ptrdiff_t ow = ow0; ow < ow1; ++ow)
                yr[ow] += wv * xr[ow * P.stride_w];
            }
          }
        }
      }
    }
}

/// Unit-stride depthwise: each plane is copied once into a zero-padded grid,
/// after which every tap is one flat, contiguous multiply-add over the whole
/// output at the padded row length (columns past out_w are computed and
/// dropped). No bounds tests and long vectorizable loops, even for planes only
/// a few pixels wide.
template <const Conv2DParams &P>
inline void conv2d_depthwise_s1_f32(const float *EDGEC_RESTRICT in, const float *EDGEC_RESTRICT w,
                                    const float *EDGEC_RESTRICT bias, float *EDGEC_RESTRICT out,
                                    float *EDGEC_RESTRICT scratch) {
  constexpr ptrdiff_t Wp = dw_padded_w<P>(), Np = dw_input_floats<P>();
  constexpr ptrdiff_t Ny = P.out_h * Wp;
  float *EDGEC_RESTRICT xp = scratch;
  float *EDGEC_RESTRICT yp = scratch + Np;
  // Input rows and columns that land inside the padded grid.
  constexpr ptrdiff_t r0 = P.pad_top, rows = min_of<ptrdiff_t>(P.in_h, dw_padded_h<P>() - r0);
  constexpr ptrdiff_t c0 = P.pad_left, cols = min_of<ptrdiff_t>(P.in_w, Wp - c0);
  for (ptrdiff_t i = 0; i < Np; ++i)
    xp[i] = 0.f;
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t c = 0; c < P.in_c; ++c) {
      const float *x = in + (n * P.in_c + c) * P.in_h * P.in_w;
      for (ptrdiff_t r = 0; r < rows; ++r)
        for (ptrdiff_t q = 0; q < cols; ++q)
          xp[(r0 + r) * Wp + c0 + q] = x[r * P.in_w + q];
      const float *wc = w + c * P.kernel_h * P.kernel_w;
      const float b = bias ? bias[c] : 0.f;
      // Taps innermost (a compile-time count, fully unrolled): each output is
      // summed in a register, in the same kh, kw order as the direct kernel.
      for (ptrdiff_t i = 0; i < Ny; ++i) {
        float acc = b;
        for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh)
          for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw)
            acc += wc[kh * P.kernel_w + kw] * xp[i + kh * P.dilation_h * Wp + kw * P.dilation_w];
        yp[i] = acc;
      }
      float *y = out + (n * P.out_c + c) * P.out_h * P.out_w;
      for (ptrdiff_t r = 0; r < P.out_h; ++r)
        for (ptrdiff_t q = 0; q < P.out_w; ++q)
          y[r * P.out_w + q] = yp[r * Wp + q];
    }
}

/// Copies the receptive fields of output pixels [p0, p0 + np) of one group
/// into col[K][np] (K = Cg * KH * KW), zero where the window hits padding.
/// Works one output row segment at a time: zeros, a contiguous (or strided)
/// run of input, zeros; no per-element bounds tests.
template <const Conv2DParams &P>
inline void im2col_tile_f32(const float *EDGEC_RESTRICT x, ptrdiff_t p0, ptrdiff_t np,
                            float *EDGEC_RESTRICT col) {
  constexpr ptrdiff_t Cg = P.in_c / P.groups;
  for (ptrdiff_t c = 0; c < Cg; ++c)
    for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh)
      for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
        float *row = col + ((c * P.kernel_h + kh) * P.kernel_w + kw) * np;
        const float *xc = x + c * P.in_h * P.in_w;
        if constexpr (conv2d_is_spread<P>()) { // gathered tap by tap
          for (ptrdiff_t j = 0, p = p0; j < np; ++j, ++p) {
            const ptrdiff_t ih = conv_tap<P, 0>(p / P.out_w, kh);
            const ptrdiff_t iw = conv_tap<P, 1>(p % P.out_w, kw);
            row[j] = ih < 0 || ih >= P.in_h || iw < 0 || iw >= P.in_w ? 0.f
                                                                      : xc[ih * P.in_w + iw];
          }
          continue;
        }
        ptrdiff_t lo, hi; // output columns whose input column is inside the image
        valid_range(P.out_w, P.in_w, P.stride_w, P.pad_left, kw * P.dilation_w, lo, hi);
        for (ptrdiff_t j = 0, p = p0; j < np;) {
          const ptrdiff_t oh = p / P.out_w, ow0 = p % P.out_w;
          const ptrdiff_t len = min_of<ptrdiff_t>(P.out_w - ow0, np - j);
          const ptrdiff_t ih = oh * P.stride_h - P.pad_top + kh * P.dilation_h;
          float *dst = row + j - ow0; // indexed by output column
          if (ih < 0 || ih >= P.in_h) {
            for (ptrdiff_t ow = ow0; ow < ow0 + len; ++ow)
              dst[ow] = 0.f;
          } else {
            const float *src = xc + ih * P.in_w - P.pad_left + kw * P.dilation_w;
            const ptrdiff_t a = max_of(ow0, min_of(lo, ow0 + len));
            const ptrdiff_t b = max_of(a, min_of(hi, ow0 + len));
            for (ptrdiff_t ow = ow0; ow < a; ++ow)
              dst[ow] = 0.f;
            if constexpr (P.stride_w == 1) {
              for (ptrdiff_t ow = a; ow < b; ++ow)
                dst[ow] = src[ow];
            } else {
              for (ptrdiff_t ow = a; ow < b; ++ow)
                dst[ow] = src[ow * P.stride_w];
            }
            for (ptrdiff_t ow = b; ow < ow0 + len; ++ow)
              dst[ow] = 0.f;
          }
          j += len;
          p += len;
        }
      }
}

} // namespace detail

template <const Conv2DParams &P>
inline void conv2d_f32(const float *EDGEC_RESTRICT in, const float *EDGEC_RESTRICT w,
                       const float *EDGEC_RESTRICT bias, float *EDGEC_RESTRICT out,
                       float *EDGEC_RESTRICT scratch) {
  static_assert(P.in_c % P.groups == 0 && P.out_c % P.groups == 0, "bad grouping");
  if constexpr (conv2d_is_depthwise_s1<P>()) {
    detail::conv2d_depthwise_s1_f32<P>(in, w, bias, out, scratch);
  } else if constexpr (conv2d_is_depthwise<P>()) {
    (void)scratch;
    detail::conv2d_depthwise_f32<P>(in, w, bias, out);
  } else {
    constexpr ptrdiff_t Cg = P.in_c / P.groups, Mg = P.out_c / P.groups;
    constexpr ptrdiff_t K = Cg * P.kernel_h * P.kernel_w, OHW = P.out_h * P.out_w;
    for (ptrdiff_t n = 0; n < P.batch; ++n)
      for (ptrdiff_t g = 0; g < P.groups; ++g) {
        const float *x = in + (n * P.in_c + g * Cg) * P.in_h * P.in_w;
        const float *wg = w + g * Mg * K;
        const float *bg = bias ? bias + g * Mg : nullptr;
        float *y = out + (n * P.out_c + g * Mg) * OHW;
        if constexpr (conv2d_is_pointwise<P>()) {
          (void)scratch;
          gemm_nn_f32(Mg, OHW, K, wg, K, x, OHW, y, OHW, bg);
        } else {
          for (ptrdiff_t p0 = 0; p0 < OHW; p0 += P.tile) {
            const ptrdiff_t np = min_of<ptrdiff_t>(P.tile, OHW - p0);
            detail::im2col_tile_f32<P>(x, p0, np, scratch);
            gemm_nn_f32(Mg, np, K, wg, K, scratch, np, y + p0, OHW, bg);
          }
        }
      }
  }
  if constexpr (has_clamp(P.act_min, P.act_max))
    clamp_f32(out, static_cast<ptrdiff_t>(P.batch) * P.out_c * P.out_h * P.out_w, P.act_min,
              P.act_max);
}

} // namespace edgec
