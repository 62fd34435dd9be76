// Conv2DParams: the geometry of a 2-D convolution layer (NCHW input, OIHW
// weight), shared by the float and int8 kernels.
#pragma once

#include "edgec/runtime.h"

namespace edgec {

struct Conv2DParams {
  int32_t batch, in_c, in_h, in_w;
  int32_t out_c, out_h, out_w;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w;
  int32_t pad_top, pad_left;
  int32_t dilation_h, dilation_w;
  int32_t groups;
  /// Input element i sits at position i * in_dilation of the spread input the
  /// window slides over; the positions between hold zeros (a ConvTranspose).
  int32_t in_dilation_h = 1, in_dilation_w = 1;
  int32_t tile = 0; ///< output pixels per im2col tile (general float path)
  float act_min = kNoLowerBound, act_max = kNoUpperBound; ///< fused Relu / Clip
};

/// Whether the layer reads a spread input (in_dilation above 1).
template <const Conv2DParams &P> constexpr bool conv2d_is_spread() {
  return P.in_dilation_h != 1 || P.in_dilation_w != 1;
}

/// The input element that tap k of output o reads along one axis (stride s,
/// padding p, dilation d, input dilation id, n input elements), or -1 when
/// the tap falls on padding or on a zero between spread elements.
EDGEC_ALWAYS_INLINE constexpr ptrdiff_t conv_input_index(ptrdiff_t o, ptrdiff_t k, ptrdiff_t s,
                                                         ptrdiff_t p, ptrdiff_t d, ptrdiff_t id,
                                                         ptrdiff_t n) {
  const ptrdiff_t pos = o * s - p + k * d;
  if (pos < 0 || pos % id != 0)
    return -1;
  return pos / id < n ? pos / id : -1;
}

/// The input row (Axis 0) or column (Axis 1) that tap k of output o reads:
/// o * stride - pad + k * dilation, or along an axis with an input dilation
/// conv_input_index (-1 for a zero between elements). Either may fall
/// outside [0, n): the caller bounds-checks it.
template <const Conv2DParams &P, int Axis>
EDGEC_ALWAYS_INLINE constexpr ptrdiff_t conv_tap(ptrdiff_t o, ptrdiff_t k) {
  constexpr bool h = Axis == 0;
  constexpr ptrdiff_t s = h ? P.stride_h : P.stride_w, p = h ? P.pad_top : P.pad_left;
  constexpr ptrdiff_t d = h ? P.dilation_h : P.dilation_w;
  constexpr ptrdiff_t id = h ? P.in_dilation_h : P.in_dilation_w, n = h ? P.in_h : P.in_w;
  if constexpr (id != 1)
    return conv_input_index(o, k, s, p, d, id, n);
  else
    return o * s - p + k * d;
}

/// Output pixels whose whole window lies inside the image (no padding tap),
/// for a layer whose input is not spread.
template <const Conv2DParams &P> constexpr ptrdiff_t conv2d_interior_pixels() {
  const auto inside = [](ptrdiff_t in, ptrdiff_t out, ptrdiff_t k, ptrdiff_t s, ptrdiff_t pad,
                         ptrdiff_t d) {
    // o is interior when o * s - pad >= 0 and o * s - pad + (k - 1) * d < in.
    const ptrdiff_t lo = (pad + s - 1) / s, last = in - 1 - (k - 1) * d + pad;
    const ptrdiff_t hi = last < 0 ? -1 : min_of(out - 1, last / s);
    return hi >= lo ? hi - lo + 1 : ptrdiff_t{0};
  };
  return inside(P.in_h, P.out_h, P.kernel_h, P.stride_h, P.pad_top, P.dilation_h) *
         inside(P.in_w, P.out_w, P.kernel_w, P.stride_w, P.pad_left, P.dilation_w);
}

/// The window of output pixel (oh, ow) of a layer whose input is not spread:
/// its top-left input position (ih0, iw0), possibly in the padding, and the
/// window rows [kh0, kh1) and columns [kw0, kw1) that fall inside the image.
/// The im2col kernels copy an interior window (every tap inside) by constant
/// offsets and a border one by these ranges.
template <const Conv2DParams &P> struct ConvWindow {
  ptrdiff_t ih0, iw0;
  EDGEC_ALWAYS_INLINE ConvWindow(ptrdiff_t oh, ptrdiff_t ow)
      : ih0(oh * P.stride_h - P.pad_top), iw0(ow * P.stride_w - P.pad_left) {}
  EDGEC_ALWAYS_INLINE bool interior() const {
    return ih0 >= 0 && ih0 + (P.kernel_h - 1) * P.dilation_h < P.in_h && iw0 >= 0 &&
           iw0 + (P.kernel_w - 1) * P.dilation_w < P.in_w;
  }
  EDGEC_ALWAYS_INLINE ptrdiff_t kh0() const { return ih0 >= 0 ? 0 : ceil_div(-ih0, P.dilation_h); }
  EDGEC_ALWAYS_INLINE ptrdiff_t kh1() const {
    return min_of<ptrdiff_t>(P.kernel_h, ceil_div(P.in_h - ih0, P.dilation_h));
  }
  EDGEC_ALWAYS_INLINE ptrdiff_t kw0() const { return iw0 >= 0 ? 0 : ceil_div(-iw0, P.dilation_w); }
  EDGEC_ALWAYS_INLINE ptrdiff_t kw1() const {
    return min_of<ptrdiff_t>(P.kernel_w, ceil_div(P.in_w - iw0, P.dilation_w));
  }
};

/// The im2col gather of output pixel (oh, ow), shared by the kernels that
/// copy a window into a column (conv2d_s8_dsp, blocked conv2d_s8): for a
/// window inside the image, block.template operator()<N>(xp, c) for channel
/// blocks of G channels (c = 0, G, 2G...; then the last Cg % G), xp the
/// window's top-left element in channel 0; otherwise, or with G = 0 (no
/// unrolled blocks), border(win) to copy by the window's ranges. With Banded,
/// x holds the input from row band_row0 on (a band of rows); otherwise the
/// whole image.
template <const Conv2DParams &P, ptrdiff_t G, bool Banded = false, typename Block,
          typename Border>
EDGEC_ALWAYS_INLINE void im2col_gather(const int8_t *x, ptrdiff_t oh, ptrdiff_t ow, Block &&block,
                                       Border &&border, ptrdiff_t band_row0 = 0) {
  constexpr ptrdiff_t Cg = P.in_c / P.groups;
  const ConvWindow<P> win(oh, ow);
  if constexpr (G > 0) {
    if (win.interior()) {
      const int8_t *xp = x + (win.ih0 - (Banded ? band_row0 : 0)) * P.in_w + win.iw0;
      ptrdiff_t c = 0;
      for (; c + G <= Cg; c += G)
        block.template operator()<G>(xp, c);
      if constexpr (Cg % G != 0)
        block.template operator()<Cg % G>(xp, c);
      return;
    }
  }
  border(win);
}

} // namespace edgec
