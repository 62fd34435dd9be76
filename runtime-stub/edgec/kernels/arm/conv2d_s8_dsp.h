// int8 convolution, depthwise convolution and fully-connected layers for
// cores with the DSP extension (Cortex-M4, M7, M33, M55): two 16-bit
// multiply-accumulates per SMLAD.
//
// Same arithmetic as kernels/ref/conv2d_s8.h, so the results are identical
// (integer sums in a different order): acc = bias + sum (x - zx) * w, then the
// shared requantization epilogue.
//
// Convolution: for two output pixels at a time, the receptive field of each
// is copied once into `scratch` as int16 (x - zx, 0 for padding), the
// "im2col" column. Within every group of four taps the column is stored as
// x0 x2 x1 x3, so that a 32-bit load of four weights w0 w1 w2 w3 unpacks with
// SXTB16 into (w0, w2) and with SXTB16 ROR 8 into (w1, w3), each matching one
// 32-bit load of the column: 2 weight unpacks, 4 column loads and 8 SMLADs
// give 16 MACs for two output channels times two pixels. The column costs
// K stores per pixel and is reused by every output channel. Where K is not a
// multiple of four, the compiler pads every filter row with zeros to the next
// multiple (im2col_column_stride; KernelTable's dspConvRow), so the last group
// of taps is reordered and paired like the others; the column's places that
// no tap takes stay zero.
//
// A spread input (a ConvTranspose's, Conv2DParams::in_dilation_h/w) is read in
// place: the column, or the depthwise plane, gets 0 for the taps that fall
// between its elements, as for padding.
//
// Depthwise convolution (one input channel per output channel) has no reuse
// of a column across channels, so instead each input plane is copied once,
// padded, as int16 x - zx, and every output pixel runs the same branch-free
// taps with two adjacent taps per SMLAD.
#pragma once

#include "edgec/kernels/arm/simd32.h"
#include "edgec/kernels/ref/conv2d_s8.h"

// Small constant trip counts (filter taps) are unrolled so that the filter
// stays in registers.
#if defined(__GNUC__) && !defined(__clang__)
#define EDGEC_UNROLL _Pragma("GCC unroll 16")
#define EDGEC_UNROLL_ALL _Pragma("GCC unroll 256")
#elif defined(__clang__)
#define EDGEC_UNROLL _Pragma("unroll 16")
#define EDGEC_UNROLL_ALL _Pragma("unroll")
#else
#define EDGEC_UNROLL
#define EDGEC_UNROLL_ALL
#endif

namespace edgec::arm {

/// Depthwise: in_c == out_c == groups (one filter per channel).
template <const Conv2DS8Params &Q> constexpr bool conv2d_s8_dsp_is_depthwise() {
  return Q.conv.groups > 1 && Q.conv.groups == Q.conv.in_c && Q.conv.groups == Q.conv.out_c;
}


/// The stride between the two im2col columns of a pixel pair, and between
/// the filter rows: K rounded up to a multiple of four, so that both columns
/// start 8-byte aligned (the scratch is) and every group of four taps, the
/// last one too, is one LDRD against one word of weights (the rows padded
/// with zeros by the compiler).
template <ptrdiff_t K> constexpr ptrdiff_t im2col_column_stride() { return (K + 3) & ~ptrdiff_t{3}; }

/// Whether conv2d_s8_dsp can run a layer over its own input through a ring of
/// delayed outputs (InPlace): one image, one group, unit strides, the input
/// not spread, output planes as large as input planes and no more output than
/// input channels, and not pointwise (which runs in place without a ring).
/// Output (m, q) lies over input (m, q); input pixel q (every channel) is last
/// read by output pixel q + D, D = pad_top * W + pad_left, so an output goes
/// to its place once the pixel D after it is gathered, and waits in the ring
/// until then. KernelTable.cpp's ringInPlace states the same.
template <const Conv2DS8Params &Q> constexpr bool conv2d_s8_dsp_ring_in_place() {
  constexpr const Conv2DParams &P = Q.conv;
  return !conv2d_s8_dsp_is_depthwise<Q>() && P.batch == 1 && P.groups == 1 &&
         P.stride_h == 1 && P.stride_w == 1 && !conv2d_is_spread<P>() && P.in_h == P.out_h &&
         P.in_w == P.out_w && P.out_c <= P.in_c &&
         !(P.kernel_h == 1 && P.kernel_w == 1 && P.pad_top == 0 && P.pad_left == 0);
}

/// Pixels of the ring of a layer run in place: outputs go to their place
/// four at a time, so up to D + 3 wait when a pixel pair is written, D + 5
/// with it; rounded up to a multiple of four (so that a pair, which starts at
/// an even pixel, and a group of four never wrap).
template <const Conv2DS8Params &Q> constexpr ptrdiff_t conv2d_s8_dsp_ring_pixels() {
  constexpr const Conv2DParams &P = Q.conv;
  return (static_cast<ptrdiff_t>(P.pad_top) * P.out_w + P.pad_left + 5 + 3) & ~ptrdiff_t{3};
}

/// Scratch bytes of conv2d_s8_dsp: two int16 columns of the receptive field
/// (each K rounded up to a multiple of four, im2col_column_stride), and for a
/// layer that can run in place through a ring (conv2d_s8_dsp_ring_in_place)
/// the ring, out_c bytes per pixel; or for a depthwise layer one padded int16
/// input plane. KernelTable.cpp's dspConvScratch states the same.
template <const Conv2DS8Params &Q> constexpr int64_t conv2d_s8_dsp_scratch_size() {
  constexpr const Conv2DParams &P = Q.conv;
  if constexpr (conv2d_s8_dsp_is_depthwise<Q>())
    return 2 * static_cast<int64_t>(depthwise_plane_h<Q>()) * depthwise_plane_w<Q>();
  else
    return 2 * 2 * static_cast<int64_t>(im2col_column_stride<(P.in_c / P.groups) * P.kernel_h *
                                                          P.kernel_w>()) +
           (conv2d_s8_dsp_ring_in_place<Q>()
                ? static_cast<int64_t>(P.out_c) * conv2d_s8_dsp_ring_pixels<Q>()
                : 0);
}

/// Where tap k of a column is stored: k with the middle two of its group of
/// four swapped (x0 x2 x1 x3), the last, incomplete group's too.
EDGEC_ALWAYS_INLINE constexpr ptrdiff_t reordered_tap(ptrdiff_t k) {
  return k ^ (((k >> 1) ^ k) & 1) * 3;
}

/// Channels per unrolled im2col block of an interior pixel: the fewest whose
/// taps are a multiple of four (so the x0 x2 x1 x3 places repeat from block to
/// block and are constants), or 0 for the compact loop instead. An unrolled
/// block costs about 8 bytes of code per tap and saves about 4 instructions
/// per tap each time it runs; it is taken where it runs at least 64 times
/// (some 30 instructions saved per byte), has at most 256 taps, and the
/// input is not spread (a ConvTranspose's taps fall between its elements).
template <const Conv2DParams &P> constexpr ptrdiff_t im2col_channel_block() {
  constexpr ptrdiff_t KK = P.kernel_h * P.kernel_w, Cg = P.in_c / P.groups;
  constexpr ptrdiff_t G = KK % 4 == 0 ? 1 : KK % 2 == 0 ? 2 : 4;
  constexpr int64_t runs = static_cast<int64_t>(conv2d_interior_pixels<P>()) * P.batch *
                           P.groups * ((Cg + G - 1) / G);
  return !conv2d_is_spread<P>() && G * KK <= 256 && runs >= 64 ? G : 0;
}

/// Taps of N channels of an interior pixel (every tap inside the image) from
/// xp, the window's top-left element in the first channel, into col: int16
/// x - zx, groups of four reordered x0 x2 x1 x3; CS elements from one input
/// channel to the next. The loop is unrolled completely, so every load offset
/// and store place is a constant.
template <const Conv2DS8Params &Q, ptrdiff_t N, ptrdiff_t CS>
EDGEC_ALWAYS_INLINE void im2col_block(const int8_t *EDGEC_RESTRICT xp,
                                      int16_t *EDGEC_RESTRICT col) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t KH = P.kernel_h, KW = P.kernel_w, KK = KH * KW;
  EDGEC_UNROLL_ALL for (ptrdiff_t j = 0; j < N * KK; ++j) {
    const ptrdiff_t c = j / KK, kh = j % KK / KW, kw = j % KW;
    col[reordered_tap(j)] = static_cast<int16_t>(
        xp[c * CS + kh * P.dilation_h * P.in_w + kw * P.dilation_w] - Q.input_zero);
  }
}

/// The receptive field of output pixel (oh, ow) of one group for a window
/// of more than one tap, as im2col_s16_reordered describes. Out of line, once
/// per layer: an interior pixel runs unrolled blocks of G channels (G * KK
/// taps a multiple of four, so the reordered places repeat from block to block
/// and are constants); a pixel whose window crosses the border, a few per
/// row, zeroes the column and copies the taps inside the image. x holds the
/// input from row row0 on (Banded; the whole image otherwise, row0 unread),
/// CS elements from one channel to the next. im2col_window (the whole image)
/// and im2col_window_band run it out of line.
template <const Conv2DS8Params &Q, ptrdiff_t CS, bool Banded>
EDGEC_ALWAYS_INLINE void im2col_window_at(const int8_t *EDGEC_RESTRICT x, ptrdiff_t band_row0,
                                          ptrdiff_t oh, ptrdiff_t ow,
                                          int16_t *EDGEC_RESTRICT col) {
  const ptrdiff_t row0 = Banded ? band_row0 : 0;
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t Cg = P.in_c / P.groups, KH = P.kernel_h, KW = P.kernel_w, KK = KH * KW;
  constexpr ptrdiff_t KS = im2col_column_stride<Cg * KK>();
  constexpr ptrdiff_t G = im2col_channel_block<P>();
  im2col_gather<Q.conv, G, Banded>(
      x, oh, ow,
      [&]<ptrdiff_t N>(const int8_t *xp, ptrdiff_t c) EDGEC_LAMBDA_INLINE {
        im2col_block<Q, N, CS>(xp + c * CS, col + c * KK);
      },
      [&](const ConvWindow<Q.conv> &win) EDGEC_LAMBDA_INLINE {
        const ptrdiff_t kh0 = win.kh0(), kh1 = win.kh1(), kw0 = win.kw0(), kw1 = win.kw1();
        fill_n<KS>(col, int16_t{0});
        for (ptrdiff_t c = 0; c < Cg; ++c)
          for (ptrdiff_t kh = kh0; kh < kh1; ++kh) {
            const int8_t *xr =
                x + c * CS + (win.ih0 + kh * P.dilation_h - row0) * P.in_w + win.iw0;
            for (ptrdiff_t kw = kw0; kw < kw1; ++kw)
              col[reordered_tap(c * KK + kh * KW + kw)] =
                  static_cast<int16_t>(xr[kw * P.dilation_w] - Q.input_zero);
          }
      },
      row0);
}

/// im2col_window_at on the whole image: four arguments, all in registers.
template <const Conv2DS8Params &Q, ptrdiff_t CS>
EDGEC_NOINLINE void im2col_window(const int8_t *EDGEC_RESTRICT x, ptrdiff_t oh, ptrdiff_t ow,
                                  int16_t *EDGEC_RESTRICT col) {
  im2col_window_at<Q, CS, false>(x, 0, oh, ow, col);
}

/// im2col_window_at on a band of rows from row0 on.
template <const Conv2DS8Params &Q, ptrdiff_t CS>
EDGEC_NOINLINE void im2col_window_band(const int8_t *EDGEC_RESTRICT x, ptrdiff_t row0,
                                       ptrdiff_t oh, ptrdiff_t ow, int16_t *EDGEC_RESTRICT col) {
  im2col_window_at<Q, CS, true>(x, row0, oh, ow, col);
}

/// The receptive field of output pixel (oh, ow) of one group, as int16
/// x - zx (0 outside the image), taps reordered x0 x2 x1 x3 within each
/// group of four. x holds the input from row row0 on (Banded: a band of
/// rows; the whole image otherwise, row0 unread), HW elements from one
/// channel to the next.
template <const Conv2DS8Params &Q, ptrdiff_t HW, bool Banded>
EDGEC_ALWAYS_INLINE void im2col_s16_reordered(const int8_t *EDGEC_RESTRICT x,
                                              ptrdiff_t band_row0, ptrdiff_t oh, ptrdiff_t ow,
                                              int16_t *EDGEC_RESTRICT col) {
  const ptrdiff_t row0 = Banded ? band_row0 : 0;
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t Cg = P.in_c / P.groups, KK = P.kernel_h * P.kernel_w;
  constexpr ptrdiff_t K = Cg * KK, K4 = K & ~ptrdiff_t{3};
  if constexpr (!conv2d_is_spread<P>() && P.kernel_h == 1 && P.kernel_w == 1 &&
                P.pad_top == 0 && P.pad_left == 0 && P.out_h <= P.in_h && P.out_w <= P.in_w) {
    // Pointwise: one tap per channel, always inside the image.
    const int8_t *xp = x + (oh * P.stride_h - row0) * P.in_w + ow * P.stride_w;
    ptrdiff_t c = 0;
    for (; c < K4; c += 4) {
      col[c] = static_cast<int16_t>(xp[c * HW] - Q.input_zero);
      col[c + 1] = static_cast<int16_t>(xp[(c + 2) * HW] - Q.input_zero);
      col[c + 2] = static_cast<int16_t>(xp[(c + 1) * HW] - Q.input_zero);
      col[c + 3] = static_cast<int16_t>(xp[(c + 3) * HW] - Q.input_zero);
    }
    for (; c < K; ++c)
      col[reordered_tap(c)] = static_cast<int16_t>(xp[c * HW] - Q.input_zero);
    return;
  }
  if constexpr (conv2d_is_spread<P>()) {
    // A spread input (a ConvTranspose): the input row and column of every
    // tap, once per pixel; taps between its elements (-1) read 0.
    constexpr ptrdiff_t KH = P.kernel_h, KW = P.kernel_w;
    ptrdiff_t ihs[KH], iws[KW];
    for (ptrdiff_t kh = 0; kh < KH; ++kh) {
      const ptrdiff_t ih = conv_tap<P, 0>(oh, kh);
      ihs[kh] = ih < P.in_h ? ih : -1;
    }
    for (ptrdiff_t kw = 0; kw < KW; ++kw) {
      const ptrdiff_t iw = conv_tap<P, 1>(ow, kw);
      iws[kw] = iw < P.in_w ? iw : -1;
    }
    ptrdiff_t k = 0;
    for (ptrdiff_t c = 0; c < Cg; ++c)
      for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
        const int8_t *xr = x + c * HW + (ihs[kh] - row0) * P.in_w;
        for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw, ++k) {
          const int16_t v = ihs[kh] >= 0 && iws[kw] >= 0
                                ? static_cast<int16_t>(xr[iws[kw]] - Q.input_zero)
                                : int16_t{0};
          col[reordered_tap(k)] = v;
        }
      }
    return;
  }
  if constexpr (Banded)
    im2col_window_band<Q, HW>(x, row0, oh, ow, col);
  else
    im2col_window<Q, HW>(x, oh, ow, col);
}




/// One input plane x as int16 x - zx with the padding (and, for a spread
/// input, the zeros between its elements) as zeros, PH x PW.
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void copy_depthwise_plane(const int8_t *EDGEC_RESTRICT x,
                                              int16_t *EDGEC_RESTRICT plane) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t PH = depthwise_plane_h<Q>(), PW = depthwise_plane_w<Q>();
  if constexpr (conv2d_is_spread<P>()) {
    for (ptrdiff_t r = 0; r < PH; ++r) {
      const ptrdiff_t ih = conv_input_index(r, 0, 1, P.pad_top, 1, P.in_dilation_h, P.in_h);
      for (ptrdiff_t c = 0; c < PW; ++c) {
        const ptrdiff_t iw = conv_input_index(c, 0, 1, P.pad_left, 1, P.in_dilation_w, P.in_w);
        plane[r * PW + c] = ih >= 0 && iw >= 0
                                ? static_cast<int16_t>(x[ih * P.in_w + iw] - Q.input_zero)
                                : int16_t{0};
      }
    }
    return;
  }
  // The padding rows above and below are each one run of zeros (the plane
  // is word-aligned, so every store's place is known at compile time); each
  // row between is its left padding, the input row, its right padding, with
  // constant trip counts (the window may end before the row does).
  constexpr ptrdiff_t Top = min_of<ptrdiff_t>(P.pad_top, PH);
  constexpr ptrdiff_t Rows = min_of<ptrdiff_t>(P.in_h, PH - Top);
  constexpr ptrdiff_t L = min_of<ptrdiff_t>(P.pad_left, PW);
  constexpr ptrdiff_t N = min_of<ptrdiff_t>(P.in_w, PW - L);
  fill_n<Top * PW>(plane, int16_t{0});
  for (ptrdiff_t ih = 0; ih < Rows; ++ih) {
    int16_t *pr = plane + (Top + ih) * PW;
    const int8_t *xr = x + ih * P.in_w;
    for (ptrdiff_t c = 0; c < L; ++c)
      pr[c] = 0;
    for (ptrdiff_t i = 0; i < N; ++i)
      pr[L + i] = static_cast<int16_t>(xr[i] - Q.input_zero);
    for (ptrdiff_t c = L + N; c < PW; ++c)
      pr[c] = 0;
  }
  fill_n<(PH - Top - Rows) * PW, (Top + Rows) * PW>(plane, int16_t{0});
}

/// Rows [r0, r1) of the padded plane copy_depthwise_plane makes (its row r is
/// input row r - pad_top), from one channel of a band of input rows that
/// starts at row row0: plane row r0 at `plane`. Not for a spread input.
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void copy_depthwise_rows(const int8_t *EDGEC_RESTRICT x, ptrdiff_t row0,
                                             ptrdiff_t r0, ptrdiff_t r1,
                                             int16_t *EDGEC_RESTRICT plane) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>();
  constexpr ptrdiff_t L = min_of<ptrdiff_t>(P.pad_left, PW);
  constexpr ptrdiff_t N = min_of<ptrdiff_t>(P.in_w, PW - L);
  for (ptrdiff_t r = r0; r < r1; ++r) {
    int16_t *pr = plane + (r - r0) * PW;
    const ptrdiff_t ih = r - P.pad_top;
    if (ih < 0 || ih >= P.in_h) {
      for (ptrdiff_t c = 0; c < PW; ++c)
        pr[c] = 0;
      continue;
    }
    const int8_t *xr = x + (ih - row0) * P.in_w;
    for (ptrdiff_t c = 0; c < L; ++c)
      pr[c] = 0;
    for (ptrdiff_t i = 0; i < N; ++i)
      pr[L + i] = static_cast<int16_t>(xr[i] - Q.input_zero);
    for (ptrdiff_t c = L + N; c < PW; ++c)
      pr[c] = 0;
  }
}

/// One channel at a time: the input plane is copied once into `plane` as
/// int16 x - zx with the padding as zeros, so every output pixel runs the
/// same branch-free taps; along a row, two adjacent taps are one SMLAD.
/// Output rows [oh0, oh1); with Banded, the input holds rows from in_row0
/// on, CS elements per channel, the output rows from out_row0 on, OS per
/// channel, and only the plane rows those outputs read are copied; otherwise
/// the whole tensors (0, 0, 0, out_h and the planes' sizes).
/// depthwise_s8_dsp and depthwise_s8_dsp_band run it out of line, one
/// function per layer, so that its filter registers do not depend on what
/// the caller keeps live.
template <const Conv2DS8Params &Q, ptrdiff_t CS, ptrdiff_t OS, bool Banded>
EDGEC_ALWAYS_INLINE void depthwise_s8_dsp_at(const int8_t *in, ptrdiff_t in_row0,
                                             const int8_t *EDGEC_RESTRICT w,
                                             const int32_t *EDGEC_RESTRICT bias,
                                             const int32_t *EDGEC_RESTRICT mult,
                                             const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                             ptrdiff_t out_row0, ptrdiff_t oh0, ptrdiff_t oh1,
                                             int16_t *EDGEC_RESTRICT plane) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t KH = P.kernel_h, KW = P.kernel_w;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>();
  // Taps per row taken in pairs (adjacent only without dilation).
  constexpr ptrdiff_t Pairs = P.dilation_w == 1 ? KW / 2 : 0;
  // The plane rows the outputs read: from pr0 (0: the whole plane).
  const ptrdiff_t pr0 = Banded ? oh0 * P.stride_h : 0;
  const ptrdiff_t pr1 =
      Banded ? (oh1 - 1) * P.stride_h + static_cast<ptrdiff_t>(KH - 1) * P.dilation_h + 1 : 0;
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t m = 0; m < P.out_c; ++m) {
      if constexpr (Banded)
        copy_depthwise_rows<Q>(in + (n * P.in_c + m) * CS, in_row0, pr0, pr1, plane);
      else
        copy_depthwise_plane<Q>(in + (n * P.in_c + m) * CS, plane);
      const int8_t *wm = w + m * KH * KW;
      uint32_t wp[KH * (Pairs > 0 ? Pairs : 1)];
      int32_t wt[KH * KW];
      for (ptrdiff_t kh = 0; kh < KH; ++kh) {
        for (ptrdiff_t j = 0; j < Pairs; ++j)
          wp[kh * Pairs + j] = static_cast<uint16_t>(static_cast<int16_t>(wm[kh * KW + 2 * j])) |
                               static_cast<uint32_t>(static_cast<uint16_t>(
                                   static_cast<int16_t>(wm[kh * KW + 2 * j + 1])))
                                   << 16;
        for (ptrdiff_t kw = 0; kw < KW; ++kw)
          wt[kh * KW + kw] = wm[kh * KW + kw];
      }
      const int32_t b = bias ? bias[m] : 0;
      const ConvOutputS8<Q> stage(mult[m], shift[m]);
      int8_t *y = out + (n * P.out_c + m) * OS;
      if constexpr (P.stride_w == 1 && P.dilation_w == 1 && KW >= 2) {
        // Two adjacent output pixels per step: along a row, pixel ow reads
        // the tap pairs at even offsets and pixel ow + 1 the same pairs one
        // element on (an unaligned word load each); an odd last tap of both
        // pixels is one word, its halves taken by SMLABB / SMLABT. The
        // weights stay in registers across the pair.
        uint32_t wl[KH];
        for (ptrdiff_t kh = 0; kh < KH; ++kh)
          wl[kh] = static_cast<uint16_t>(static_cast<int16_t>(wm[kh * KW + KW - 1]));
        for (ptrdiff_t oh = Banded ? oh0 : 0; oh < (Banded ? oh1 : P.out_h); ++oh) {
          const int16_t *pr = plane + (oh * P.stride_h - pr0) * PW;
          int8_t *yr = y + (oh - (Banded ? out_row0 : 0)) * P.out_w;
          ptrdiff_t ow = 0;
          for (; ow + 1 < P.out_w; ow += 2) {
            int32_t a0 = b, a1 = b;
            EDGEC_UNROLL
            for (ptrdiff_t kh = 0; kh < KH; ++kh) {
              const int16_t *row = pr + kh * P.dilation_h * PW + ow;
              EDGEC_UNROLL
              for (ptrdiff_t j = 0; j < Pairs; ++j) {
                a0 = smlad(load32(row + 2 * j), wp[kh * Pairs + j], a0);
                a1 = smlad(load32(row + 2 * j + 1), wp[kh * Pairs + j], a1);
              }
              if constexpr (KW % 2 != 0) {
                const uint32_t last = load32(row + KW - 1);
                a0 = smlabb(wl[kh], last, a0);
                a1 = smlabt(wl[kh], last, a1);
              }
            }
            yr[ow] = stage(a0);
            yr[ow + 1] = stage(a1);
          }
          if (ow < P.out_w) { // an odd row width: the last pixel alone
            int32_t acc = b;
            EDGEC_UNROLL
            for (ptrdiff_t kh = 0; kh < KH; ++kh) {
              const int16_t *row = pr + kh * P.dilation_h * PW + ow;
              EDGEC_UNROLL
              for (ptrdiff_t j = 0; j < Pairs; ++j)
                acc = smlad(load32(row + 2 * j), wp[kh * Pairs + j], acc);
              if constexpr (KW % 2 != 0)
                acc += row[KW - 1] * wt[kh * KW + KW - 1];
            }
            yr[ow] = stage(acc);
          }
        }
        continue;
      }
      for (ptrdiff_t oh = Banded ? oh0 : 0; oh < (Banded ? oh1 : P.out_h); ++oh)
        for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
          const int16_t *pp = plane + (oh * P.stride_h - pr0) * PW + ow * P.stride_w;
          int32_t acc = b;
          EDGEC_UNROLL
          for (ptrdiff_t kh = 0; kh < KH; ++kh) {
            const int16_t *row = pp + kh * P.dilation_h * PW;
            EDGEC_UNROLL
            for (ptrdiff_t j = 0; j < Pairs; ++j)
              acc = smlad(load32(row + 2 * j), wp[kh * Pairs + j], acc);
            EDGEC_UNROLL
            for (ptrdiff_t kw = 2 * Pairs; kw < KW; ++kw)
              acc += row[kw * P.dilation_w] * wt[kh * KW + kw];
          }
          y[(oh - (Banded ? out_row0 : 0)) * P.out_w + ow] = stage(acc);
        }
    }
}

template <const Conv2DS8Params &Q>
EDGEC_NOINLINE void depthwise_s8_dsp(const int8_t *in, const int8_t *EDGEC_RESTRICT w,
                                     const int32_t *EDGEC_RESTRICT bias,
                                     const int32_t *EDGEC_RESTRICT mult,
                                     const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                     int16_t *EDGEC_RESTRICT plane) {
  constexpr const Conv2DParams &P = Q.conv;
  depthwise_s8_dsp_at<Q, static_cast<ptrdiff_t>(P.in_h) * P.in_w,
                      static_cast<ptrdiff_t>(P.out_h) * P.out_w, false>(
      in, 0, w, bias, mult, shift, out, 0, 0, P.out_h, plane);
}

template <const Conv2DS8Params &Q, ptrdiff_t CS, ptrdiff_t OS>
EDGEC_NOINLINE void depthwise_s8_dsp_band(const int8_t *in, ptrdiff_t in_row0,
                                          const int8_t *EDGEC_RESTRICT w,
                                          const int32_t *EDGEC_RESTRICT bias,
                                          const int32_t *EDGEC_RESTRICT mult,
                                          const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                          ptrdiff_t out_row0, ptrdiff_t oh0, ptrdiff_t oh1,
                                          int16_t *EDGEC_RESTRICT plane) {
  depthwise_s8_dsp_at<Q, CS, OS, true>(in, in_row0, w, bias, mult, shift, out, out_row0, oh0,
                                       oh1, plane);
}

/// The sum of the N int16 values at c (N a multiple of four, c 4-byte
/// aligned): two SMLADs against ones per LDRD.
template <ptrdiff_t N> EDGEC_ALWAYS_INLINE int32_t sum_s16(const int16_t *EDGEC_RESTRICT col) {
  static_assert(N % 4 == 0, "whole groups of four");
  const int16_t *c = col;
  int32_t s = 0;
  for (ptrdiff_t q = 0; q < N; q += 4) {
    uint32_t lo, hi;
    load_pair_advance(c, lo, hi);
    s = smlad(lo, 0x00010001u, s);
    s = smlad(hi, 0x00010001u, s);
  }
  return s;
}

/// Output channels m (A) and m + 1 (B) at pixel p, and with Two at p + 1 too,
/// of a convolution: the pair's filters at w in the paired layout (two
/// words per four taps, as fc_s8_dsp_paired's: the int16 halves are
/// 256 A[k] + B[k] + 128), against the columns c and c + KS (KS =
/// im2col_column_stride<K>()); sx0 and sx1 are 128 times the columns' sums,
/// modulo 2^32. Then the output stage, written to y[0], y[1] (channel m) and
/// y[OHW], y[OHW + 1] (channel m + 1); bias, mult and shift point at channel
/// m's entries (bias may be null).
///
/// r accumulates 256 A + B + 128 sum(x) with one SMLAD per word, a the A
/// row alone with one SXTB16 ROR 8 more, and B = r - 256 a - 128 sum(x),
/// exact modulo 2^32. Per four taps: 3 LDRDs (the two weight words and each
/// column's four taps), 2 SXTB16s and 8 SMLADs, unrolled twice (about 15.5
/// instructions in all, against 18.5 with the two rows apart).
///
/// Out of line, once per layer: inlined into the pixel and channel loops,
/// whose pointers hold most of the registers, the accumulators spilled inside
/// the SMLAD loop and the output stage reloaded its constants.
template <const Conv2DS8Params &Q, ptrdiff_t K, ptrdiff_t OHW, bool Two = true>
EDGEC_NOINLINE void conv_2x2_block(const int8_t *EDGEC_RESTRICT w, const int16_t *EDGEC_RESTRICT c,
                                   const int32_t *EDGEC_RESTRICT bias,
                                   const int32_t *EDGEC_RESTRICT mult,
                                   const int32_t *EDGEC_RESTRICT shift, int8_t *y, uint32_t sx0,
                                   uint32_t sx1) {
  constexpr ptrdiff_t KS = im2col_column_stride<K>();
  const uint32_t ba = bias ? static_cast<uint32_t>(bias[0]) : 0u;
  const uint32_t bb = bias ? static_cast<uint32_t>(bias[1]) : 0u;
  int32_t a0 = static_cast<int32_t>(ba), a1 = a0;
  int32_t r0 = static_cast<int32_t>(bb + (ba << 8) - sx0);
  int32_t r1 = static_cast<int32_t>(bb + (ba << 8) - sx1);
  {
    const int8_t *wp = w;
    const int16_t *cp = c;
    const int16_t *const ce = c + KS;
    _Pragma("GCC unroll 2") do {
      uint32_t e, o, x0a, x0b, x1a = 0, x1b = 0;
      load_pair_advance(wp, e, o);
      if constexpr (Two) {
        if constexpr (2 * KS <= 1020)
          load_pair<2 * KS>(cp, x1a, x1b);
        else
          load_pair<0>(cp + KS, x1a, x1b);
      }
      load_pair_advance(cp, x0a, x0b);
      r0 = smlad(e, x0a, r0);
      r0 = smlad(o, x0b, r0);
      if constexpr (Two) {
        r1 = smlad(e, x1a, r1);
        r1 = smlad(o, x1b, r1);
      }
      uint32_t t = sxtb16_ror8(e);
      a0 = smlad(t, x0a, a0);
      if constexpr (Two)
        a1 = smlad(t, x1a, a1);
      t = sxtb16_ror8(o);
      a0 = smlad(t, x0b, a0);
      if constexpr (Two)
        a1 = smlad(t, x1b, a1);
    } while (cp != ce);
  }
  auto rest = [](int32_t r, int32_t a) EDGEC_LAMBDA_INLINE {
    return static_cast<int32_t>(static_cast<uint32_t>(r) - (static_cast<uint32_t>(a) << 8));
  };
  // The output stage once per channel (a loop, not unrolled: half the code,
  // two more instructions per output).
  const int32_t acc[2][2] = {{a0, a1}, {rest(r0, a0), rest(r1, a1)}};
  _Pragma("GCC unroll 1") for (ptrdiff_t j = 0; j < 2; ++j) {
    const ConvOutputS8<Q> s(mult[j], shift[j]);
    y[j * OHW] = s(acc[j][0]);
    if constexpr (Two)
      y[j * OHW + 1] = s(acc[j][1]);
  }
}

template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE void dot_2x1(const int8_t *EDGEC_RESTRICT w0, const int8_t *EDGEC_RESTRICT w1,
                                 const int16_t *EDGEC_RESTRICT c0, int32_t &a0, int32_t &a1) {
  constexpr ptrdiff_t K4 = K & ~ptrdiff_t{3};
  ptrdiff_t k = 0;
  for (; k < K4; k += 4) {
    const uint32_t wa = load32(w0 + k), wb = load32(w1 + k);
    const uint32_t xa = load32(c0 + k), xb = load32(c0 + k + 2);
    a0 = smlad(sxtb16(wa), xa, a0);
    a0 = smlad(sxtb16_ror8(wa), xb, a0);
    a1 = smlad(sxtb16(wb), xa, a1);
    a1 = smlad(sxtb16_ror8(wb), xb, a1);
  }
  for (; k < K; ++k) {
    a0 += w0[k] * c0[k];
    a1 += w1[k] * c0[k];
  }
}

template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE int32_t dot_1x1(const int8_t *EDGEC_RESTRICT w0,
                                    const int16_t *EDGEC_RESTRICT c0, int32_t a) {
  constexpr ptrdiff_t K4 = K & ~ptrdiff_t{3};
  ptrdiff_t k = 0;
  for (; k < K4; k += 4) {
    const uint32_t wa = load32(w0 + k);
    a = smlad(sxtb16(wa), load32(c0 + k), a);
    a = smlad(sxtb16_ror8(wa), load32(c0 + k + 2), a);
  }
  for (; k < K; ++k)
    a += w0[k] * c0[k];
  return a;
}

/// The dense layers (not depthwise) of conv2d_s8_dsp and conv2d_s8_dsp_rows:
/// output rows [oh0, oh1) of every image. The input holds rows from in_row0
/// on, CS elements from one channel to the next; the output rows from
/// out_row0 on, OS elements from one channel to the next (the whole tensor:
/// 0, 0 and the planes' sizes, and not Banded, so that the row offsets are
/// constants in the out-of-line gather too).
template <const Conv2DS8Params &Q, bool InPlace, ptrdiff_t CS, ptrdiff_t OS, bool Banded>
EDGEC_ALWAYS_INLINE void conv2d_s8_dsp_dense(const int8_t *in, ptrdiff_t in_row0,
                                             const int8_t *EDGEC_RESTRICT w,
                                             const int32_t *EDGEC_RESTRICT bias,
                                             const int32_t *EDGEC_RESTRICT mult,
                                             const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                             ptrdiff_t out_row0, ptrdiff_t oh0, ptrdiff_t oh1,
                                             void *EDGEC_RESTRICT scratch) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t Cg = P.in_c / P.groups, Mg = P.out_c / P.groups;
  constexpr ptrdiff_t K = Cg * P.kernel_h * P.kernel_w, KS = im2col_column_stride<K>();
  constexpr ptrdiff_t OHW = static_cast<ptrdiff_t>(P.out_h) * P.out_w;
  int16_t *col0 = static_cast<int16_t *>(scratch), *col1 = col0 + KS;
  // The places of the last group that no tap takes, zero once.
  if constexpr (K != KS)
    fill_n<2 * KS>(col0, int16_t{0});
  // The whole tensor's bounds as constants where it is not banded.
  const ptrdiff_t p0 = Banded ? oh0 * P.out_w : 0, p1 = Banded ? oh1 * P.out_w : OHW;
  const ptrdiff_t y0 = Banded ? out_row0 * P.out_w : 0;
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t g = 0; g < P.groups; ++g) {
      const int8_t *x = in + (n * P.in_c + g * Cg) * CS;
      int8_t *yg = out + (n * P.out_c + g * Mg) * OS;
      const int8_t *wg = w + g * Mg * KS;
      // Output pixel p, and p + 1 when Two, of every channel of the group:
      // written at y (channel 0 of pixel p), YS bytes from one channel to
      // the next.
      auto pixels = [&]<ptrdiff_t YS, bool Two>(ptrdiff_t p, int8_t *y) EDGEC_LAMBDA_INLINE {
        im2col_s16_reordered<Q, CS, Banded>(x, in_row0, p / P.out_w, p % P.out_w, col0);
        if constexpr (Two)
          im2col_s16_reordered<Q, CS, Banded>(x, in_row0, (p + 1) / P.out_w, (p + 1) % P.out_w,
                                              col1);
        const uint32_t sx0 = static_cast<uint32_t>(sum_s16<KS>(col0)) << 7;
        uint32_t sx1 = 0;
        if constexpr (Two)
          sx1 = static_cast<uint32_t>(sum_s16<KS>(col1)) << 7;
        for (ptrdiff_t m = 0; m + 1 < Mg; m += 2) {
          const ptrdiff_t mo = g * Mg + m;
          conv_2x2_block<Q, K, YS, Two>(wg + m * KS, col0, bias ? bias + mo : nullptr,
                                        mult + mo, shift + mo, y + m * YS, sx0, sx1);
        }
        if constexpr (Mg % 2 != 0) {
          // The odd output channel of a group, its filter as it is after
          // the pairs.
          const ptrdiff_t mo = g * Mg + Mg - 1;
          const ConvOutputS8<Q> s(mult[mo], shift[mo]);
          const int8_t *wm = wg + (Mg - 1) * KS;
          y[(Mg - 1) * YS] = s(dot_1x1<KS>(wm, col0, bias ? bias[mo] : 0));
          if constexpr (Two)
            y[(Mg - 1) * YS + 1] = s(dot_1x1<KS>(wm, col1, bias ? bias[mo] : 0));
        }
      };
      ptrdiff_t p = p0;
      if constexpr (InPlace) {
        // Outputs go to the ring first; output q to its place once pixel
        // q + D has been gathered (input q is then read no more).
        static_assert(CS == static_cast<ptrdiff_t>(P.in_h) * P.in_w && OS == OHW,
                      "a layer runs in place on whole planes");
        constexpr ptrdiff_t D = static_cast<ptrdiff_t>(P.pad_top) * P.out_w + P.pad_left;
        constexpr ptrdiff_t L = conv2d_s8_dsp_ring_pixels<Q>();
        int8_t *ring = reinterpret_cast<int8_t *>(col0 + 2 * KS);
        ptrdiff_t f = 0, slot = 0; // the first output not in place, its slot
        // Four outputs of a channel at a time (one word), those before end.
        auto flush = [&](ptrdiff_t end) EDGEC_LAMBDA_INLINE {
          for (; f + 4 <= end; f += 4, slot = slot + 4 == L ? 0 : slot + 4)
            for (ptrdiff_t m = 0; m < Mg; ++m)
              memcpy(yg + m * OHW + f, ring + m * L + slot, 4);
        };
        for (; p + 1 < OHW; p += 2) {
          pixels.template operator()<L, true>(p, ring + p % L);
          flush(p + 2 - D);
        }
        if (p < OHW)
          pixels.template operator()<L, false>(p, ring + p % L);
        flush(OHW);
        for (; f < OHW; ++f, ++slot) // the last OHW % 4 (slot < L: L is a multiple of 4)
          for (ptrdiff_t m = 0; m < Mg; ++m)
            yg[m * OHW + f] = ring[m * L + slot];
      } else {
        for (; p + 1 < p1; p += 2)
          pixels.template operator()<OS, true>(p, yg + (p - y0));
        if (p < p1) // odd pixel count: the last one alone
          pixels.template operator()<OS, false>(p, yg + (p - y0));
      }
    }
}

/// Drop-in for edgec::conv2d_s8 (int8 activations) with scratch of
/// conv2d_s8_dsp_scratch_size<Q>() bytes.
///
/// In place: `out` may be `in` (same base address) for a depthwise layer
/// whose output plane is no larger than its input plane, and for a pointwise
/// layer (1x1, unit strides, no padding, one group, one image). Depthwise
/// copies input plane m into the scratch before it writes output plane m,
/// which lies over input planes m and below only; pointwise gathers the
/// columns of two pixels before it writes any output of those pixels, and
/// output (m, p) lies over input (m, p). Hence no restrict on `in` and `out`.
/// With InPlace, a layer conv2d_s8_dsp_ring_in_place admits runs over its
/// input too: its outputs wait in the ring until the input they lie over is
/// read for the last time. The compiler's side of this contract:
/// dspConvInPlace in KernelTable.cpp.
template <const Conv2DS8Params &Q, bool InPlace = false>
inline void conv2d_s8_dsp(const int8_t *in, const int8_t *EDGEC_RESTRICT w,
                          const int32_t *EDGEC_RESTRICT bias, const int32_t *EDGEC_RESTRICT mult,
                          const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                          void *EDGEC_RESTRICT scratch) {
  static_assert(!InPlace || conv2d_s8_dsp_ring_in_place<Q>(),
                "InPlace is for a layer that runs over its input through the ring");
  constexpr const Conv2DParams &P = Q.conv;
  if constexpr (conv2d_s8_dsp_is_depthwise<Q>())
    depthwise_s8_dsp<Q>(in, w, bias, mult, shift, out, static_cast<int16_t *>(scratch));
  else
    conv2d_s8_dsp_dense<Q, InPlace, static_cast<ptrdiff_t>(P.in_h) * P.in_w,
                        static_cast<ptrdiff_t>(P.out_h) * P.out_w, false>(
        in, 0, w, bias, mult, shift, out, 0, 0, P.out_h, scratch);
}

/// The rows of the input and of the output a band holds, and the most
/// output rows one call computes (conv2d_s8_dsp_rows).
struct ConvBand {
  int32_t in_rows, out_rows, step_rows;
};

/// Whether conv2d_s8_dsp_rows computes a layer a band of rows at a time: one
/// image, one group or depthwise, the input not spread. KernelTable.cpp's
/// dspConvRows states the same.
template <const Conv2DS8Params &Q> constexpr bool conv2d_s8_dsp_rows_ok() {
  constexpr const Conv2DParams &P = Q.conv;
  return P.batch == 1 && (P.groups == 1 || conv2d_s8_dsp_is_depthwise<Q>()) &&
         !conv2d_is_spread<P>();
}

/// Plane rows a depthwise layer's call of B.step_rows output rows reads.
template <const Conv2DS8Params &Q, const ConvBand &B> constexpr ptrdiff_t depthwise_band_rows() {
  constexpr const Conv2DParams &P = Q.conv;
  return min_of<ptrdiff_t>(depthwise_plane_h<Q>(),
                           static_cast<ptrdiff_t>(B.step_rows - 1) * P.stride_h +
                               static_cast<ptrdiff_t>(P.kernel_h - 1) * P.dilation_h + 1);
}

/// Scratch bytes of conv2d_s8_dsp_rows: the two int16 columns, or for a
/// depthwise layer the int16 plane rows one call reads.
/// KernelTable.cpp's dspConvRowsScratch states the same.
template <const Conv2DS8Params &Q, const ConvBand &B>
constexpr int64_t conv2d_s8_dsp_rows_scratch_size() {
  constexpr const Conv2DParams &P = Q.conv;
  if constexpr (conv2d_s8_dsp_is_depthwise<Q>())
    return 2 * static_cast<int64_t>(depthwise_band_rows<Q, B>()) * depthwise_plane_w<Q>();
  else
    return 2 * 2 *
           static_cast<int64_t>(im2col_column_stride<P.in_c * P.kernel_h * P.kernel_w>());
}

/// Output rows [oh0, oh1) of a layer conv2d_s8_dsp_rows_ok admits, the same
/// values conv2d_s8_dsp gives them, for a layer run a band of rows at a time
/// (edgec streams a chain of layers so): `in` holds input rows from in_row0
/// on, B.in_rows of them per channel (every row the outputs read); `out`
/// takes output rows from out_row0 on, B.out_rows per channel. `in` and `out`
/// do not overlap.
template <const Conv2DS8Params &Q, const ConvBand &B>
inline void conv2d_s8_dsp_rows(const int8_t *EDGEC_RESTRICT in, ptrdiff_t in_row0,
                               const int8_t *EDGEC_RESTRICT w,
                               const int32_t *EDGEC_RESTRICT bias,
                               const int32_t *EDGEC_RESTRICT mult,
                               const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT out,
                               ptrdiff_t out_row0, ptrdiff_t oh0, ptrdiff_t oh1,
                               void *EDGEC_RESTRICT scratch) {
  static_assert(conv2d_s8_dsp_rows_ok<Q>(), "a band at a time: one image, one group or depthwise");
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t CS = static_cast<ptrdiff_t>(B.in_rows) * P.in_w;
  constexpr ptrdiff_t OS = static_cast<ptrdiff_t>(B.out_rows) * P.out_w;
  if constexpr (conv2d_s8_dsp_is_depthwise<Q>())
    depthwise_s8_dsp_band<Q, CS, OS>(in, in_row0, w, bias, mult, shift, out, out_row0, oh0, oh1,
                                     static_cast<int16_t *>(scratch));
  else
    conv2d_s8_dsp_dense<Q, false, CS, OS, true>(in, in_row0, w, bias, mult, shift, out, out_row0,
                                                oh0, oh1, scratch);
}

/// Scratch bytes of fc_s8_dsp: one int16 row of A.
template <const FcS8Params &P> constexpr int64_t fc_s8_dsp_scratch_size() {
  return 2 * static_cast<int64_t>(P.k);
}

/// Drop-in for edgec::fc_s8 (int8, trans_b: B is N x K) with one row of A
/// widened into `scratch`.
template <const FcS8Params &P>
inline void fc_s8_dsp(const int8_t *EDGEC_RESTRICT a, const int8_t *EDGEC_RESTRICT b,
                      const int32_t *EDGEC_RESTRICT bias, const int32_t *EDGEC_RESTRICT mult,
                      const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT y,
                      void *EDGEC_RESTRICT scratch) {
  static_assert(P.trans_b, "fc_s8_dsp reads B as N x K");
  constexpr ptrdiff_t K = P.k, K4 = K & ~ptrdiff_t{3};
  int16_t *row = static_cast<int16_t *>(scratch);
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    const int8_t *ai = a + i * K;
    for (ptrdiff_t k = 0; k < K; ++k)
      row[k < K4 ? (k ^ (((k >> 1) ^ k) & 1) * 3) : k] =
          static_cast<int16_t>(ai[k] - P.input_zero);
    int8_t *yi = y + i * P.n;
    ptrdiff_t j = 0;
    for (; j + 1 < P.n; j += 2) {
      int32_t a0 = bias ? bias[j] : 0, a1 = bias ? bias[j + 1] : 0;
      dot_2x1<K>(b + j * K, b + (j + 1) * K, row, a0, a1);
      yi[j] = FcOutputS8<P>(mult[j], shift[j])(a0);
      yi[j + 1] = FcOutputS8<P>(mult[j + 1], shift[j + 1])(a1);
    }
    if (j < P.n)
      yi[j] = FcOutputS8<P>(mult[j], shift[j])(dot_1x1<K>(b + j * K, row, bias ? bias[j] : 0));
  }
}

/// a_r += sum_k w_r[k] * x[k] over raw int8 values for four consecutive
/// rows w_r = w + r * K of B and one row x of A: each word of A is unpacked
/// once (SXTB16 and SXTB16 ROR 8 give its even and odd bytes) and serves all
/// four rows, whose words are unpacked the same way, so nothing is reordered.
/// The accumulators are scalars so that they stay in registers.
template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE void dot_s8_4rows(const int8_t *EDGEC_RESTRICT w,
                                      const int8_t *EDGEC_RESTRICT x, int32_t &a0, int32_t &a1,
                                      int32_t &a2, int32_t &a3) {
  constexpr ptrdiff_t K4 = K & ~ptrdiff_t{3};
  int32_t s0 = a0, s1 = a1, s2 = a2, s3 = a3;
  for (ptrdiff_t k = 0; k < K4; k += 4) {
    const uint32_t xv = load32(x + k);
    const uint32_t x02 = sxtb16(xv), x13 = sxtb16_ror8(xv);
    const uint32_t w0 = load32(w + k), w1 = load32(w + K + k);
    const uint32_t w2 = load32(w + 2 * K + k), w3 = load32(w + 3 * K + k);
    s0 = smlad(sxtb16(w0), x02, s0);
    s0 = smlad(sxtb16_ror8(w0), x13, s0);
    s1 = smlad(sxtb16(w1), x02, s1);
    s1 = smlad(sxtb16_ror8(w1), x13, s1);
    s2 = smlad(sxtb16(w2), x02, s2);
    s2 = smlad(sxtb16_ror8(w2), x13, s2);
    s3 = smlad(sxtb16(w3), x02, s3);
    s3 = smlad(sxtb16_ror8(w3), x13, s3);
  }
  for (ptrdiff_t k = K4; k < K; ++k) {
    s0 += w[k] * x[k];
    s1 += w[K + k] * x[k];
    s2 += w[2 * K + k] * x[k];
    s3 += w[3 * K + k] * x[k];
  }
  a0 = s0, a1 = s1, a2 = s2, a3 = s3;
}

/// a + sum_k w[k] * x[k] over raw int8 values (one row of B).
template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE int32_t dot_s8_row(const int8_t *EDGEC_RESTRICT w,
                                       const int8_t *EDGEC_RESTRICT x, int32_t a) {
  constexpr ptrdiff_t K4 = K & ~ptrdiff_t{3};
  for (ptrdiff_t k = 0; k < K4; k += 4) {
    const uint32_t xv = load32(x + k), wv = load32(w + k);
    a = smlad(sxtb16(wv), sxtb16(xv), a);
    a = smlad(sxtb16_ror8(wv), sxtb16_ror8(xv), a);
  }
  for (ptrdiff_t k = K4; k < K; ++k)
    a += w[k] * x[k];
  return a;
}

/// Drop-in for edgec::fc_s8 (int8, trans_b: B is N x K, constant) with
/// `bias_adj` = bias - za * sum_k B[j][k], folded by the compiler: the
/// products are taken on A's raw bytes, so nothing is widened into scratch.
/// Four output rows per pass share each unpacked word of A: 1 + 4 loads, 2 + 8
/// unpacks and 8 SMLADs per 16 MACs, against 12 instructions per 8 MACs with
/// a widened row.
template <const FcS8Params &P>
inline void fc_s8_dsp_blocked(const int8_t *EDGEC_RESTRICT a, const int8_t *EDGEC_RESTRICT b,
                              const int32_t *EDGEC_RESTRICT bias_adj,
                              const int32_t *EDGEC_RESTRICT mult,
                              const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT y) {
  static_assert(P.trans_b, "fc_s8_dsp_blocked reads B as N x K");
  constexpr ptrdiff_t K = P.k;
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    const int8_t *ai = a + i * K;
    int8_t *yi = y + i * P.n;
    ptrdiff_t j = 0;
    for (; j + 3 < P.n; j += 4) {
      int32_t a0 = bias_adj[j], a1 = bias_adj[j + 1], a2 = bias_adj[j + 2], a3 = bias_adj[j + 3];
      dot_s8_4rows<K>(b + j * K, ai, a0, a1, a2, a3);
      yi[j] = FcOutputS8<P>(mult[j], shift[j])(a0);
      yi[j + 1] = FcOutputS8<P>(mult[j + 1], shift[j + 1])(a1);
      yi[j + 2] = FcOutputS8<P>(mult[j + 2], shift[j + 2])(a2);
      yi[j + 3] = FcOutputS8<P>(mult[j + 3], shift[j + 3])(a3);
    }
    for (; j < P.n; ++j)
      yi[j] = FcOutputS8<P>(mult[j], shift[j])(dot_s8_row<K>(b + j * K, ai, bias_adj[j]));
  }
}

/// The sum of the K int8 values at x (K a multiple of 4): each word, its sign
/// bits flipped, holds the four values plus 128 as unsigned bytes, which one
/// USADA8 against zero adds up.
template <ptrdiff_t K> EDGEC_ALWAYS_INLINE int32_t sum_s8(const int8_t *EDGEC_RESTRICT x) {
  static_assert(K % 4 == 0, "whole words");
  uint32_t s = 0;
  for (ptrdiff_t k = 0; k < K; k += 4)
    s = usada8(load32(x + k) ^ 0x80808080u, 0, s);
  return static_cast<int32_t>(s - 128u * static_cast<uint32_t>(K));
}

/// fc_s8_dsp_paired's weight layout: two rows of B, A (even) and B (odd),
/// share each word. For every four k, two words
///   E = B[k] + 128, A[k], B[k+2] + 128, A[k+2]
///   O = B[k+1] + 128, A[k+1], B[k+3] + 128, A[k+3]   (bytes, low first),
/// so that an int16 half of E or O is 256 A[k] + (B[k] + 128) exactly, and
/// SXTB16 ROR 8 of it gives A's two weights alone. Rows are laid out four at
/// a time (two pairs, the pair-words of each four k side by side: E0 O0 E1 O1),
/// then one pair if two rows are left, then a last odd row as it is. The
/// compiler writes it (codegen: pairedFcWeights); K is a multiple of 4, so
/// every block starts on a word.
///
/// a_p and r_p accumulate, for pair p of the Pairs (1 or 2) pairs at w:
///   a_p += sum_k A[k] x[k],  r_p += sum_k (256 A[k] + B[k] + 128) x[k]
/// modulo 2^32: two SXTB16, four SMLADs and one LDRD per pair and four k,
/// against four SXTB16, four SMLADs and two loads for two rows kept apart.
template <ptrdiff_t K, int Pairs, bool Unroll>
EDGEC_ALWAYS_INLINE void dot_s8_paired(const int8_t *EDGEC_RESTRICT weights,
                                       const int8_t *EDGEC_RESTRICT input, int32_t *a, int32_t *r) {
  static_assert(K % 4 == 0 && (Pairs == 1 || Pairs == 2), "whole words, one or two pairs");
  const int8_t *w = weights, *x = input;
  int32_t a0 = a[0], r0 = r[0], a1 = Pairs == 2 ? a[1] : 0, r1 = Pairs == 2 ? r[1] : 0;
  // One pair's two words against the unpacked input word.
  auto pair = [&](uint32_t x02, uint32_t x13, int32_t &ap, int32_t &rp) EDGEC_LAMBDA_INLINE {
    uint32_t e, o;
    load_pair_advance(w, e, o);
    rp = smlad(e, x02, rp);
    rp = smlad(o, x13, rp);
    ap = smlad(sxtb16_ror8(e), x02, ap);
    ap = smlad(sxtb16_ror8(o), x13, ap);
  };
  // Four k: the input word unpacked once, then each pair's two words.
  auto step = [&](uint32_t xv) EDGEC_LAMBDA_INLINE {
    const uint32_t x02 = sxtb16(xv), x13 = sxtb16_ror8(xv);
    pair(x02, x13, a0, r0);
    if constexpr (Pairs == 2)
      pair(x02, x13, a1, r1);
  };
  // Sixteen k per trip, the words left over first, where that pays for its
  // code; four k per trip otherwise.
  const int8_t *const end = x + K;
  if constexpr (Unroll) {
    EDGEC_UNROLL
    for (ptrdiff_t q = 0; q < (K / 4) % 4; ++q)
      step(load32_advance(x));
    while (x != end) {
      step(load32_advance(x));
      step(load32_advance(x));
      step(load32_advance(x));
      step(load32_advance(x));
    }
  } else {
    _Pragma("GCC unroll 1") while (x != end) step(load32_advance(x));
  }
  a[0] = a0, r[0] = r0;
  if constexpr (Pairs == 2)
    a[1] = a1, r[1] = r1;
}

/// Drop-in for edgec::fc_s8 (int8, trans_b, B constant, K a multiple of 4)
/// with B in the paired layout above and `bias_adj` as fc_s8_dsp_blocked's.
/// Row A's sum is a_p; row B's is r_p - 256 a_p - 128 sum(x), exact in int32
/// because every term is taken modulo 2^32 and the true sum fits. Per 16
/// MACs: 1 LDR and 2 LDRDs, 2 + 4 unpacks and 8 SMLADs, 17 instructions
/// against fc_s8_dsp_blocked's 23. Out of line, so that the caller's live
/// values do not crowd the eight accumulators and four words out of registers.
template <const FcS8Params &P>
EDGEC_NOINLINE void fc_s8_dsp_paired(const int8_t *EDGEC_RESTRICT a,
                                     const int8_t *EDGEC_RESTRICT b,
                                     const int32_t *EDGEC_RESTRICT bias_adj,
                                     const int32_t *EDGEC_RESTRICT mult,
                                     const int32_t *EDGEC_RESTRICT shift,
                                     int8_t *EDGEC_RESTRICT y) {
  static_assert(P.trans_b && P.k % 4 == 0, "fc_s8_dsp_paired reads B as N x K, K = 4 q");
  constexpr ptrdiff_t K = P.k, N = P.n;
  // The 16-k trip (about 280 bytes of code per pass shape) where it runs at
  // least 64 times per inference; it saves 3 instructions per trip.
  constexpr bool Unroll = static_cast<int64_t>(P.m) * (N / 4) * (K / 16) >= 64;
  // One pair's start: r = bias_B + 256 bias_A - 128 sum(x), modulo 2^32.
  auto raw_start = [&](ptrdiff_t j, uint32_t sx128) EDGEC_LAMBDA_INLINE {
    return static_cast<int32_t>(static_cast<uint32_t>(bias_adj[j + 1]) +
                                (static_cast<uint32_t>(bias_adj[j]) << 8) - sx128);
  };
  auto out_pair = [&](int8_t *yj, ptrdiff_t j, int32_t ap, int32_t rp) EDGEC_LAMBDA_INLINE {
    yj[0] = FcOutputS8<P>(mult[j], shift[j])(ap);
    yj[1] = FcOutputS8<P>(mult[j + 1], shift[j + 1])(
        static_cast<int32_t>(static_cast<uint32_t>(rp) - (static_cast<uint32_t>(ap) << 8)));
  };
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    const int8_t *ai = a + i * K;
    int8_t *yi = y + i * N;
    const uint32_t sx128 = static_cast<uint32_t>(sum_s8<K>(ai)) << 7;
    const int8_t *w = b;
    ptrdiff_t j = 0;
    for (; j + 3 < N; j += 4, w += 4 * K) {
      int32_t acc[2] = {bias_adj[j], bias_adj[j + 2]};
      int32_t raw[2] = {raw_start(j, sx128), raw_start(j + 2, sx128)};
      dot_s8_paired<K, 2, Unroll>(w, ai, acc, raw);
      out_pair(yi + j, j, acc[0], raw[0]);
      out_pair(yi + j + 2, j + 2, acc[1], raw[1]);
    }
    if (j + 1 < N) {
      int32_t acc[1] = {bias_adj[j]}, raw[1] = {raw_start(j, sx128)};
      dot_s8_paired<K, 1, Unroll>(w, ai, acc, raw);
      out_pair(yi + j, j, acc[0], raw[0]);
      j += 2, w += 2 * K;
    }
    if (j < N)
      yi[j] = FcOutputS8<P>(mult[j], shift[j])(dot_s8_row<K>(w, ai, bias_adj[j]));
  }
}

} // namespace edgec::arm
