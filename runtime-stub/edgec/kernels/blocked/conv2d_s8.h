// Blocked int8 convolution and fully-connected layers: two output channels
// times two pixels per pass over an im2col column. With the Helium vector
// extension (MVE; Cortex-M55, M85) the dot products are 16 int8 multiply-
// accumulates per VMLADAVA.S8; with AVX2 (x86-64) 16 taps per step widened to
// int16 and multiplied pairwise with VPMADDWD; elsewhere (RISC-V rv32) they
// are plain loops over bytes (no unaligned loads) that share each loaded
// value between two accumulators.
//
// Same results as kernels/ref/conv2d_s8.h. The products are taken on the raw
// int8 values, acc = bias' + sum x * w, where the compiler has folded the
// input zero point into the bias: bias'[m] = bias[m] - zx * sum_k w[m][k].
// The im2col column therefore holds x itself, with padding stored as zx (so
// that a padded tap adds zx * w, which bias' takes away again). Two output
// channels times two pixels per pass: 4 loads and 4 VMLADAVA per 16 taps,
// the last partial vector predicated (VCTP). Depthwise layers do not come
// here: on Arm they use the DSP kernel (conv2d_s8_dsp.h), elsewhere the
// portable one.
#pragma once

#include "edgec/kernels/arm/mve.h"
#include "edgec/kernels/ref/conv2d_s8.h"

#if !defined(EDGEC_HAVE_MVE) && defined(__AVX2__)
#include <immintrin.h>
#define EDGEC_HAVE_AVX2 1
#endif

namespace edgec::blocked {

/// Whether the output stage may take the shorter rounding term of a layer
/// without a shift by one (Conv2DS8Params::shift_one). These kernels build
/// the stage per output; with plain C++ on rv32imac the shorter term left
/// GCC a register short in the tap loop (one spill per tap, +12 % on the
/// digits CNN), so there the stage keeps the general term.
#ifdef EDGEC_HAVE_MVE
inline constexpr bool kShortRounding = true;
#else
inline constexpr bool kShortRounding = false;
#endif

/// The output stage of these kernels for a layer with parameters Q.
template <const Conv2DS8Params &Q>
using BlockedOutputS8 = OutputStageS8<Q.output_zero, Q.act_min, Q.act_max, Q.right_shift,
                                      Q.shift_one || !kShortRounding>;

template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE int8_t requantize_out(int32_t acc, int32_t mult, int32_t shift) {
  return BlockedOutputS8<Q>(mult, shift)(acc);
}

/// Scratch bytes of conv2d_s8: two int8 columns of the receptive field.
template <const Conv2DS8Params &Q> constexpr int64_t conv2d_s8_scratch_size() {
  constexpr const Conv2DParams &P = Q.conv;
  return 2 * static_cast<int64_t>(P.in_c / P.groups) * P.kernel_h * P.kernel_w;
}

/// Channels per unrolled block of an interior pixel's im2col (raw int8, no
/// reordering, so any count works): enough for up to 64 taps, or 0 for the
/// compact loop. An unrolled block costs about 6 bytes of code per tap and
/// saves about 5 instructions per tap each time it runs; it is taken where it
/// runs at least 64 times per inference (the rule of the DSP kernel's
/// im2col_channel_block).
template <const Conv2DParams &P> constexpr ptrdiff_t im2col_s8_channel_block() {
  constexpr ptrdiff_t KK = P.kernel_h * P.kernel_w, Cg = P.in_c / P.groups;
  constexpr ptrdiff_t G = KK >= 64 ? 1 : min_of<ptrdiff_t>(Cg, 64 / KK);
  constexpr int64_t runs = static_cast<int64_t>(conv2d_interior_pixels<P>()) * P.batch *
                           P.groups * ((Cg + G - 1) / G);
  return KK <= 64 && runs >= 64 ? G : 0;
}

/// N channels of an interior pixel's window, from xp (the window's top-left
/// element in the first channel) into col, unrolled: constant offsets.
template <const Conv2DS8Params &Q, ptrdiff_t N>
EDGEC_ALWAYS_INLINE void im2col_s8_block(const int8_t *EDGEC_RESTRICT xp,
                                         int8_t *EDGEC_RESTRICT col) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t KW = P.kernel_w, KK = P.kernel_h * KW;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  _Pragma("GCC unroll 64") for (ptrdiff_t j = 0; j < N * KK; ++j) {
    const ptrdiff_t c = j / KK, kh = j % KK / KW, kw = j % KW;
    col[j] = xp[c * HW + kh * P.dilation_h * P.in_w + kw * P.dilation_w];
  }
}

/// The receptive field of output pixel (oh, ow) of one group for a window of
/// more than one tap, as raw int8 with the padding as the input zero point.
/// Out of line, once per layer: an interior pixel copies unrolled blocks of
/// channels, a border pixel fills the column with the zero point and copies
/// the taps inside the image.
template <const Conv2DS8Params &Q>
EDGEC_NOINLINE void im2col_s8_window(const int8_t *EDGEC_RESTRICT x, ptrdiff_t oh, ptrdiff_t ow,
                                     int8_t *EDGEC_RESTRICT col) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t Cg = P.in_c / P.groups, KW = P.kernel_w, KK = P.kernel_h * KW;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t G = im2col_s8_channel_block<P>();
  static_assert(!conv2d_is_spread<P>(), "a spread input takes the DSP or portable kernel");
  im2col_gather<Q.conv, G>(
      x, oh, ow,
      [&]<ptrdiff_t N>(const int8_t *xp, ptrdiff_t c) EDGEC_LAMBDA_INLINE {
        im2col_s8_block<Q, N>(xp + c * HW, col + c * KK);
      },
      [&](const ConvWindow<Q.conv> &win) EDGEC_LAMBDA_INLINE {
        const ptrdiff_t kh0 = win.kh0(), kh1 = win.kh1(), kw0 = win.kw0(), kw1 = win.kw1();
        fill_n_unaligned<Cg * KK>(col, static_cast<int8_t>(Q.input_zero));
        for (ptrdiff_t c = 0; c < Cg; ++c)
          for (ptrdiff_t kh = kh0; kh < kh1; ++kh) {
            const int8_t *xr = x + c * HW + (win.ih0 + kh * P.dilation_h) * P.in_w + win.iw0;
            int8_t *cr = col + c * KK + kh * KW;
            for (ptrdiff_t kw = kw0; kw < kw1; ++kw)
              cr[kw] = xr[kw * P.dilation_w];
          }
      });
}

/// The receptive field of output pixel (oh, ow) of one group as raw int8,
/// padding as the input zero point.
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void im2col_s8(const int8_t *EDGEC_RESTRICT x, ptrdiff_t oh, ptrdiff_t ow,
                                   int8_t *EDGEC_RESTRICT col) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t Cg = P.in_c / P.groups;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  if constexpr (P.kernel_h == 1 && P.kernel_w == 1 && P.pad_top == 0 && P.pad_left == 0 &&
                P.out_h <= P.in_h && P.out_w <= P.in_w) {
    const int8_t *xp = x + oh * P.stride_h * P.in_w + ow * P.stride_w;
    for (ptrdiff_t c = 0; c < Cg; ++c)
      col[c] = xp[c * HW];
    return;
  }
  im2col_s8_window<Q>(x, oh, ow, col);
}

#ifdef EDGEC_HAVE_AVX2
/// Sum of the eight int32 lanes.
EDGEC_ALWAYS_INLINE int32_t hsum_epi32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}
/// 16 int8 values widened to int16.
EDGEC_ALWAYS_INLINE __m256i load_s8x16(const int8_t *p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
}
#endif

/// acc_ij += sum_k w_i[k] * c_j[k] for two rows and two columns.
template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE void dot_s8_2x2(const int8_t *EDGEC_RESTRICT w0,
                                    const int8_t *EDGEC_RESTRICT w1,
                                    const int8_t *EDGEC_RESTRICT c0,
                                    const int8_t *EDGEC_RESTRICT c1, int32_t &a00, int32_t &a01,
                                    int32_t &a10, int32_t &a11) {
#ifdef EDGEC_HAVE_MVE
  // Whole vectors unpredicated, the last partial one under VCTP: K is known,
  // so no predicate is computed in the loop. Each step is one asm block of
  // four post-incrementing loads and four VMLADAVA (accumulators in even
  // registers, "Te"): written with intrinsics, GCC hoisted the loads of an
  // unrolled loop into spilled Q registers, or kept a loop whose trip count
  // it recomputed for every block (11 instructions per step and about 20 of
  // set-up, against 8 and none).
  constexpr ptrdiff_t KF = K / 16 * 16;
  _Pragma("GCC unroll 64") for (ptrdiff_t k = 0; k < KF; k += 16) {
    int8x16_t t0, t1, t2, t3;
    __asm__("vldrb.8 %q[t0], [%[w0]], #16\n\t"
            "vldrb.8 %q[t2], [%[c0]], #16\n\t"
            "vldrb.8 %q[t1], [%[w1]], #16\n\t"
            "vldrb.8 %q[t3], [%[c1]], #16\n\t"
            "vmladava.s8 %[a00], %q[t0], %q[t2]\n\t"
            "vmladava.s8 %[a01], %q[t0], %q[t3]\n\t"
            "vmladava.s8 %[a10], %q[t1], %q[t2]\n\t"
            "vmladava.s8 %[a11], %q[t1], %q[t3]"
            : [a00] "+Te"(a00), [a01] "+Te"(a01), [a10] "+Te"(a10), [a11] "+Te"(a11),
              [w0] "+r"(w0), [w1] "+r"(w1), [c0] "+r"(c0), [c1] "+r"(c1), [t0] "=&w"(t0),
              [t1] "=&w"(t1), [t2] "=&w"(t2), [t3] "=&w"(t3)
            :
            : "memory");
  }
  if constexpr (K % 16 != 0) {
    // The pointers have moved past the whole vectors.
    const mve_pred16_t p = vctp8q(K % 16);
    const int8x16_t vw0 = vldrbq_z_s8(w0, p), vw1 = vldrbq_z_s8(w1, p);
    const int8x16_t vc0 = vldrbq_z_s8(c0, p), vc1 = vldrbq_z_s8(c1, p);
    a00 = vmladavaq_s8(a00, vw0, vc0);
    a01 = vmladavaq_s8(a01, vw0, vc1);
    a10 = vmladavaq_s8(a10, vw1, vc0);
    a11 = vmladavaq_s8(a11, vw1, vc1);
  }
#else
  ptrdiff_t k = 0;
#ifdef EDGEC_HAVE_AVX2
  // 16 taps per step: widen to int16, VPMADDWD into int32 lanes.
  __m256i s00 = _mm256_setzero_si256(), s01 = s00, s10 = s00, s11 = s00;
  for (; k + 16 <= K; k += 16) {
    const __m256i vw0 = load_s8x16(w0 + k), vw1 = load_s8x16(w1 + k);
    const __m256i vc0 = load_s8x16(c0 + k), vc1 = load_s8x16(c1 + k);
    s00 = _mm256_add_epi32(s00, _mm256_madd_epi16(vw0, vc0));
    s01 = _mm256_add_epi32(s01, _mm256_madd_epi16(vw0, vc1));
    s10 = _mm256_add_epi32(s10, _mm256_madd_epi16(vw1, vc0));
    s11 = _mm256_add_epi32(s11, _mm256_madd_epi16(vw1, vc1));
  }
  a00 += hsum_epi32(s00);
  a01 += hsum_epi32(s01);
  a10 += hsum_epi32(s10);
  a11 += hsum_epi32(s11);
#endif
  for (; k < K; ++k) {
    a00 += w0[k] * c0[k];
    a01 += w0[k] * c1[k];
    a10 += w1[k] * c0[k];
    a11 += w1[k] * c1[k];
  }
#endif
}

template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE void dot_s8_2x1(const int8_t *EDGEC_RESTRICT w0,
                                    const int8_t *EDGEC_RESTRICT w1,
                                    const int8_t *EDGEC_RESTRICT c0, int32_t &a0, int32_t &a1) {
#ifdef EDGEC_HAVE_MVE
  constexpr ptrdiff_t KF = K / 16 * 16;
  for (ptrdiff_t k = 0; k < KF; k += 16) {
    const int8x16_t vc = vldrbq_s8(c0 + k);
    a0 = vmladavaq_s8(a0, vldrbq_s8(w0 + k), vc);
    a1 = vmladavaq_s8(a1, vldrbq_s8(w1 + k), vc);
  }
  if constexpr (K % 16 != 0) {
    const mve_pred16_t p = vctp8q(K % 16);
    const int8x16_t vc = vldrbq_z_s8(c0 + KF, p);
    a0 = vmladavaq_s8(a0, vldrbq_z_s8(w0 + KF, p), vc);
    a1 = vmladavaq_s8(a1, vldrbq_z_s8(w1 + KF, p), vc);
  }
#else
  ptrdiff_t k = 0;
#ifdef EDGEC_HAVE_AVX2
  __m256i s0 = _mm256_setzero_si256(), s1 = s0;
  for (; k + 16 <= K; k += 16) {
    const __m256i vc = load_s8x16(c0 + k);
    s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(load_s8x16(w0 + k), vc));
    s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(load_s8x16(w1 + k), vc));
  }
  a0 += hsum_epi32(s0);
  a1 += hsum_epi32(s1);
#endif
  for (; k < K; ++k) {
    a0 += w0[k] * c0[k];
    a1 += w1[k] * c0[k];
  }
#endif
}

template <ptrdiff_t K>
EDGEC_ALWAYS_INLINE int32_t dot_s8(const int8_t *EDGEC_RESTRICT w0,
                                   const int8_t *EDGEC_RESTRICT c0, int32_t a) {
#ifdef EDGEC_HAVE_MVE
  constexpr ptrdiff_t KF = K / 16 * 16;
  for (ptrdiff_t k = 0; k < KF; k += 16)
    a = vmladavaq_s8(a, vldrbq_s8(w0 + k), vldrbq_s8(c0 + k));
  if constexpr (K % 16 != 0) {
    const mve_pred16_t p = vctp8q(K % 16);
    a = vmladavaq_s8(a, vldrbq_z_s8(w0 + KF, p), vldrbq_z_s8(c0 + KF, p));
  }
#else
  ptrdiff_t k = 0;
#ifdef EDGEC_HAVE_AVX2
  __m256i s0 = _mm256_setzero_si256();
  for (; k + 16 <= K; k += 16)
    s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(load_s8x16(w0 + k), load_s8x16(c0 + k)));
  a += hsum_epi32(s0);
#endif
  for (; k < K; ++k)
    a += w0[k] * c0[k];
#endif
  return a;
}

#if !defined(EDGEC_HAVE_MVE) && !defined(EDGEC_HAVE_AVX2)
/// Plain C++ (rv32imac): four output channels times two pixels per pass, so
/// each loaded byte feeds two or four multiply-accumulates (6 loads, 8 MUL
/// and 8 ADD per tap). `w` holds the four filters at a stride of K, `col` the
/// two columns at a stride of K; `y` is output (0, p). Out of line, one
/// function per layer, so that its eight accumulators and pointers have the
/// registers to themselves. Taken where at least 4,096 of the layer's MACs
/// go through it: it saves about 1.2 instructions per MAC, so some 5,000
/// instructions per inference, for some 200 bytes of code.
template <const Conv2DS8Params &Q> constexpr bool conv_block_4x2_pays() {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr int64_t OHW = static_cast<int64_t>(P.out_h) * P.out_w;
  constexpr int64_t K = static_cast<int64_t>(P.in_c / P.groups) * P.kernel_h * P.kernel_w;
  return static_cast<int64_t>(P.batch) * P.groups * (OHW / 2 * 2) * (P.out_c / P.groups / 4 * 4) *
             K >= 4096;
}

template <const Conv2DS8Params &Q, ptrdiff_t K>
EDGEC_NOINLINE void conv_block_4x2(const int8_t *EDGEC_RESTRICT w,
                                   const int8_t *EDGEC_RESTRICT col,
                                   const int32_t *EDGEC_RESTRICT bias,
                                   const int32_t *EDGEC_RESTRICT mult,
                                   const int32_t *EDGEC_RESTRICT shift,
                                   int8_t *EDGEC_RESTRICT y) {
  constexpr ptrdiff_t OHW = static_cast<ptrdiff_t>(Q.conv.out_h) * Q.conv.out_w;
  int32_t a00 = bias[0], a01 = bias[0], a10 = bias[1], a11 = bias[1];
  int32_t a20 = bias[2], a21 = bias[2], a30 = bias[3], a31 = bias[3];
  _Pragma("GCC unroll 2") for (ptrdiff_t k = 0; k < K; ++k) {
    const int32_t x0 = col[k], x1 = col[K + k];
    const int32_t w0 = w[k], w1 = w[K + k], w2 = w[2 * K + k], w3 = w[3 * K + k];
    a00 += w0 * x0;
    a01 += w0 * x1;
    a10 += w1 * x0;
    a11 += w1 * x1;
    a20 += w2 * x0;
    a21 += w2 * x1;
    a30 += w3 * x0;
    a31 += w3 * x1;
  }
  // One output stage in a loop, not eight inline: on ResNet-8, 5 KB less
  // code for 0.2 % more instructions.
  const int32_t acc[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
  _Pragma("GCC unroll 1") for (ptrdiff_t r = 0; r < 4; ++r) {
    y[r * OHW] = requantize_out<Q>(acc[r][0], mult[r], shift[r]);
    y[r * OHW + 1] = requantize_out<Q>(acc[r][1], mult[r], shift[r]);
  }
}
#endif

#ifdef EDGEC_HAVE_MVE
/// The output stage of a 2x2 block on four Helium lanes: accumulators of
/// channels m, m + 1 at pixels p, p + 1, requantized with each lane's
/// channel multiplier and shift (gathered as m, m, m+1, m+1) and stored by one
/// scatter to y[0], y[1], y[OHW], y[OHW + 1] (y is output (m, p)).
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void output_2x2(int32_t a00, int32_t a01, int32_t a10, int32_t a11,
                                    const int32_t *EDGEC_RESTRICT mult,
                                    const int32_t *EDGEC_RESTRICT shift, int8_t *y) {
  constexpr uint32_t OHW = static_cast<uint32_t>(Q.conv.out_h) * Q.conv.out_w;
  const uint32x4_t pair = {0, 0, 1, 1}, at = {0, 1, OHW, OHW + 1};
  const int32x4_t acc = {a00, a01, a10, a11};
  const int32x4_t v = mve::requantize_x4<Q.right_shift>(
      acc, vldrwq_gather_shifted_offset_s32(mult, pair),
      vldrwq_gather_shifted_offset_s32(shift, pair));
  // (arm_mve.h's intrinsics are macros: no template argument list inside.)
  const int32x4_t out = mve::output_x4<Q.output_zero, Q.act_min, Q.act_max>(v);
  vstrbq_scatter_offset_s32(y, at, out);
}
#endif

/// Drop-in for edgec::conv2d_s8 (int8, not depthwise) with `bias_adj` =
/// bias - zx * sum w per output channel (never null) and
/// conv2d_s8_scratch_size<Q>() bytes of scratch.
///
/// In place: `out` may be `in` for a pointwise layer (1x1, unit strides, no
/// padding, one group, one image): the columns of two pixels are gathered
/// before any output of those pixels is written, and output (m, p) lies over
/// input (m, p) (pointwiseInPlace in KernelTable.cpp). Hence no restrict on
/// `in` and `out`.
template <const Conv2DS8Params &Q>
inline void conv2d_s8(const int8_t *in, const int8_t *EDGEC_RESTRICT w,
                          const int32_t *EDGEC_RESTRICT bias_adj,
                          const int32_t *EDGEC_RESTRICT mult, const int32_t *EDGEC_RESTRICT shift,
                          int8_t *out, void *EDGEC_RESTRICT scratch) {
  constexpr const Conv2DParams &P = Q.conv;
  static_assert(!(P.groups > 1 && P.groups == P.in_c && P.groups == P.out_c),
                "depthwise layers use another kernel");
  constexpr ptrdiff_t Cg = P.in_c / P.groups, Mg = P.out_c / P.groups;
  constexpr ptrdiff_t K = Cg * P.kernel_h * P.kernel_w;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t OHW = static_cast<ptrdiff_t>(P.out_h) * P.out_w;
  int8_t *col0 = static_cast<int8_t *>(scratch), *col1 = col0 + K;
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t g = 0; g < P.groups; ++g) {
      const int8_t *x = in + (n * P.in_c + g * Cg) * HW;
      int8_t *yg = out + (n * P.out_c + g * Mg) * OHW;
      const int8_t *wg = w + g * Mg * K;
      const int32_t *bg = bias_adj + g * Mg;
      const int32_t *mg = mult + g * Mg, *sg = shift + g * Mg;
      ptrdiff_t p = 0;
      for (; p + 1 < OHW; p += 2) {
        im2col_s8<Q>(x, p / P.out_w, p % P.out_w, col0);
        im2col_s8<Q>(x, (p + 1) / P.out_w, (p + 1) % P.out_w, col1);
        ptrdiff_t m = 0;
#if !defined(EDGEC_HAVE_MVE) && !defined(EDGEC_HAVE_AVX2)
        if constexpr (conv_block_4x2_pays<Q>())
          for (; m + 3 < Mg; m += 4)
            conv_block_4x2<Q, K>(wg + m * K, col0, bg + m, mg + m, sg + m, yg + m * OHW + p);
#endif
        for (; m + 1 < Mg; m += 2) {
          int32_t a00 = bg[m], a01 = bg[m], a10 = bg[m + 1], a11 = bg[m + 1];
          dot_s8_2x2<K>(wg + m * K, wg + (m + 1) * K, col0, col1, a00, a01, a10, a11);
#ifdef EDGEC_HAVE_MVE
          output_2x2<Q>(a00, a01, a10, a11, mg + m, sg + m, yg + m * OHW + p);
#else
          yg[m * OHW + p] = requantize_out<Q>(a00, mg[m], sg[m]);
          yg[m * OHW + p + 1] = requantize_out<Q>(a01, mg[m], sg[m]);
          yg[(m + 1) * OHW + p] = requantize_out<Q>(a10, mg[m + 1], sg[m + 1]);
          yg[(m + 1) * OHW + p + 1] = requantize_out<Q>(a11, mg[m + 1], sg[m + 1]);
#endif
        }
        if (m < Mg) {
          yg[m * OHW + p] = requantize_out<Q>(dot_s8<K>(wg + m * K, col0, bg[m]), mg[m], sg[m]);
          yg[m * OHW + p + 1] =
              requantize_out<Q>(dot_s8<K>(wg + m * K, col1, bg[m]), mg[m], sg[m]);
        }
      }
      if (p < OHW) {
        im2col_s8<Q>(x, p / P.out_w, p % P.out_w, col0);
        for (ptrdiff_t m = 0; m < Mg; ++m)
          yg[m * OHW + p] = requantize_out<Q>(dot_s8<K>(wg + m * K, col0, bg[m]), mg[m], sg[m]);
      }
    }
}

#ifdef EDGEC_HAVE_MVE
/// Scratch bytes of conv2d_s8_hwc: a ring of kernel_h padded input rows,
/// channels last (PW x in_c bytes each, PW the padded width the layer reads).
template <const Conv2DS8Params &Q> constexpr int64_t conv2d_s8_hwc_scratch_size() {
  return static_cast<int64_t>(Q.conv.kernel_h) * depthwise_plane_w<Q>() * Q.conv.in_c;
}

/// Padded input row r (r - pad_top the image row) into `slot` channels last:
/// slot[(Left + iw) * C + c] = x[c][r - pad_top][iw], each channel's row read
/// eight bytes at a time and scattered at a stride of C; a row of padding is
/// the input zero point throughout. The padding columns are written once, by
/// conv2d_s8_hwc's first fill, and never change.
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void hwc_row_s8(const int8_t *EDGEC_RESTRICT x, ptrdiff_t r,
                                    int8_t *EDGEC_RESTRICT slot) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>(), C = P.in_c;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t Left = P.pad_left < PW ? P.pad_left : PW;
  constexpr ptrdiff_t Inside = P.in_w < PW - Left ? P.in_w : PW - Left;
  const ptrdiff_t ih = r - P.pad_top;
  if (ih < 0 || ih >= P.in_h) {
    mve::fill_s8(slot, static_cast<int8_t>(Q.input_zero), PW * C);
    return;
  }
  const uint16x8_t at = vmulq_n_u16(vidupq_n_u16(0, 1), static_cast<uint16_t>(C));
  for (ptrdiff_t c = 0; c < C; ++c) {
    const int8_t *xr = x + c * HW + ih * P.in_w;
    int8_t *sr = slot + Left * C + c;
    ptrdiff_t iw = 0;
    for (; iw + 8 <= Inside; iw += 8)
      vstrbq_scatter_offset_s16(sr + iw * C, at, vldrbq_s16(xr + iw));
    if constexpr (Inside % 8 != 0) {
      const mve_pred16_t p = vctp16q(Inside % 8);
      vstrbq_scatter_offset_p_s16(sr + iw * C, at, vldrbq_z_s16(xr + iw, p), p);
    }
  }
}

/// Helium convolution over rows held channels last (one group, unit
/// dilation): the filters come as HWC (w[m][kh][kw][c], codegen's
/// hwcConvWeights), so each kernel row of a pixel's window is kernel_w * in_c
/// contiguous bytes of a ring row and the dot products read the ring in
/// place: no im2col. Each input row is transposed once (hwc_row_s8) into a
/// ring of kernel_h rows, as the output rows come to need it. Two output
/// channels times two pixels per block as conv2d_s8, the same output stage
/// (output_2x2). `bias_adj` = bias - zx * sum w (the padding holds zx).
/// Same results as edgec::conv2d_s8, conv2d_s8_hwc_scratch_size<Q>() bytes
/// of scratch; not in place.
template <const Conv2DS8Params &Q>
inline void conv2d_s8_hwc(const int8_t *EDGEC_RESTRICT in, const int8_t *EDGEC_RESTRICT w,
                          const int32_t *EDGEC_RESTRICT bias_adj,
                          const int32_t *EDGEC_RESTRICT mult, const int32_t *EDGEC_RESTRICT shift,
                          int8_t *EDGEC_RESTRICT out, void *EDGEC_RESTRICT scratch) {
  constexpr const Conv2DParams &P = Q.conv;
  static_assert(P.groups == 1 && P.dilation_h == 1 && P.dilation_w == 1 && !conv2d_is_spread<P>(),
                "one group, unit dilation (KernelTable.cpp: hwcConvApplies)");
  constexpr ptrdiff_t KH = P.kernel_h, C = P.in_c, M = P.out_c;
  constexpr ptrdiff_t KR = P.kernel_w * C; // bytes of one kernel row
  constexpr ptrdiff_t K = KH * KR;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>(), Row = PW * C;
  constexpr ptrdiff_t SC = static_cast<ptrdiff_t>(P.stride_w) * C;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t OW = P.out_w, OHW = static_cast<ptrdiff_t>(P.out_h) * OW;
  int8_t *ring = static_cast<int8_t *>(scratch);
  for (ptrdiff_t n = 0; n < P.batch; ++n) {
    const int8_t *x = in + n * C * HW;
    int8_t *y = out + n * M * OHW;
    mve::fill_s8(ring, static_cast<int8_t>(Q.input_zero), KH * Row);
    ptrdiff_t next = 0; // the first padded row not yet in the ring
    for (ptrdiff_t oh = 0; oh < P.out_h; ++oh) {
      const ptrdiff_t r0 = oh * P.stride_h;
      for (ptrdiff_t r = next > r0 ? next : r0; r < r0 + KH; ++r)
        hwc_row_s8<Q>(x, r, ring + r % KH * Row);
      next = r0 + KH;
      const int8_t *rows[KH];
      _Pragma("GCC unroll 16") for (ptrdiff_t kh = 0; kh < KH; ++kh) rows[kh] =
          ring + (r0 + kh) % KH * Row;
      int8_t *yr = y + oh * OW;
      ptrdiff_t ow = 0;
      for (; ow + 1 < OW; ow += 2) {
        ptrdiff_t m = 0;
        for (; m + 1 < M; m += 2) {
          int32_t a00 = bias_adj[m], a01 = a00, a10 = bias_adj[m + 1], a11 = a10;
          _Pragma("GCC unroll 16") for (ptrdiff_t kh = 0; kh < KH; ++kh) {
            const int8_t *c0 = rows[kh] + ow * SC;
            dot_s8_2x2<KR>(w + m * K + kh * KR, w + (m + 1) * K + kh * KR, c0, c0 + SC, a00,
                           a01, a10, a11);
          }
          output_2x2<Q>(a00, a01, a10, a11, mult + m, shift + m, yr + m * OHW + ow);
        }
        if (m < M) {
          int32_t a0 = bias_adj[m], a1 = a0;
          _Pragma("GCC unroll 16") for (ptrdiff_t kh = 0; kh < KH; ++kh) {
            const int8_t *c0 = rows[kh] + ow * SC;
            a0 = dot_s8<KR>(w + m * K + kh * KR, c0, a0);
            a1 = dot_s8<KR>(w + m * K + kh * KR, c0 + SC, a1);
          }
          yr[m * OHW + ow] = requantize_out<Q>(a0, mult[m], shift[m]);
          yr[m * OHW + ow + 1] = requantize_out<Q>(a1, mult[m], shift[m]);
        }
      }
      if (ow < OW)
        for (ptrdiff_t m = 0; m < M; ++m) {
          int32_t a = bias_adj[m];
          _Pragma("GCC unroll 16") for (ptrdiff_t kh = 0; kh < KH; ++kh) a =
              dot_s8<KR>(w + m * K + kh * KR, rows[kh] + ow * SC, a);
          yr[m * OHW + ow] = requantize_out<Q>(a, mult[m], shift[m]);
        }
    }
  }
}
#endif

/// Scratch bytes of depthwise_s8: one padded int8 plane.
template <const Conv2DS8Params &Q> constexpr int64_t depthwise_s8_scratch_size() {
  return static_cast<int64_t>(depthwise_plane_h<Q>()) * depthwise_plane_w<Q>();
}

#ifdef EDGEC_HAVE_MVE
/// G groups of four output pixels of each of Rows rows of one channel of
/// depthwise_s8 on Helium, from xp (the window of the chunk's first pixel in
/// the padded plane) to yp: group g of a row starts at pixel 4g, the last one
/// Back pixels earlier
/// (it then recomputes pixels of the group before it, the same values, so a
/// row of at least four pixels never needs a predicate). G int32x4
/// accumulators, taps outer: each tap's weight is loaded once and feeds G
/// VMLAs, each of one widening load (a gather for a stride above one). With
/// Tail (a row of fewer than four pixels), the one group runs under p, its
/// loads too.
/// Where group g of a depthwise_chunk_x4 of G groups per row starts: row
/// g / G of the chunk, pixel col(g) of that row; its offsets in the padded
/// plane and in the output from the chunk's first pixel.
template <const Conv2DS8Params &Q, ptrdiff_t G, ptrdiff_t Back> struct DepthwiseChunk {
  static constexpr ptrdiff_t col(ptrdiff_t g) { return 4 * (g % G) - (g % G == G - 1 ? Back : 0); }
  static constexpr ptrdiff_t in_at(ptrdiff_t g) {
    return g / G * Q.conv.stride_h * depthwise_plane_w<Q>() + col(g) * Q.conv.stride_w;
  }
  static constexpr ptrdiff_t out_at(ptrdiff_t g) { return g / G * Q.conv.out_w + col(g); }
};

template <const Conv2DS8Params &Q, ptrdiff_t G, ptrdiff_t Back, bool Tail = false,
          ptrdiff_t Rows = 1>
EDGEC_ALWAYS_INLINE void depthwise_chunk_x4(const int8_t *EDGEC_RESTRICT xp,
                                            const int8_t *EDGEC_RESTRICT w, int32_t b,
                                            int32x4_t vm, int32x4_t vs, int8_t *EDGEC_RESTRICT yp,
                                            mve_pred16_t p = 0) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t KW = P.kernel_w, KK = P.kernel_h * KW;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>(), S = P.stride_w;
  constexpr ptrdiff_t N = G * Rows; // groups in the chunk
  static_assert(!Tail || N == 1, "a predicated chunk is one group");
  using L = DepthwiseChunk<Q, G, Back>;
  const uint32x4_t at = vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<uint32_t>(S));
  int32x4_t acc[N];
  _Pragma("GCC unroll 8") for (ptrdiff_t g = 0; g < N; ++g) acc[g] = vdupq_n_s32(b);
  _Pragma("GCC unroll 64") for (ptrdiff_t k = 0; k < KK; ++k) {
    const int8_t *t = xp + k / KW * P.dilation_h * PW + k % KW * P.dilation_w;
    const int32_t wk = w[k];
    _Pragma("GCC unroll 8") for (ptrdiff_t g = 0; g < N; ++g) {
      const int8_t *tg = t + L::in_at(g);
      int32x4_t x;
      if constexpr (Tail)
        x = S == 1 ? vldrbq_z_s32(tg, p) : vldrbq_gather_offset_z_s32(tg, at, p);
      else
        x = S == 1 ? vldrbq_s32(tg) : vldrbq_gather_offset_s32(tg, at);
      acc[g] = vmlaq_n_s32(acc[g], x, wk);
    }
  }
  _Pragma("GCC unroll 8") for (ptrdiff_t g = 0; g < N; ++g) {
    const int32x4_t v = mve::requantize_x4<Q.right_shift>(acc[g], vm, vs);
    const int32x4_t o = mve::output_x4<Q.output_zero, Q.act_min, Q.act_max>(v);
    int8_t *yg = yp + L::out_at(g);
    if constexpr (Tail)
      vstrbq_p_s32(yg, o, p);
    else
      vstrbq_s32(yg, o);
  }
}

/// One channel of depthwise_s8 on Helium, from its padded plane: each row in
/// chunks of 16 pixels (four groups of four), then the rest; rows of 4 to 8
/// pixels two at a time.
template <const Conv2DS8Params &Q>
EDGEC_ALWAYS_INLINE void depthwise_rows_x4(const int8_t *EDGEC_RESTRICT plane,
                                           const int8_t *EDGEC_RESTRICT w, int32_t b,
                                           int32_t mult, int32_t shift, int8_t *EDGEC_RESTRICT y) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>(), OW = P.out_w, S = P.stride_w;
  constexpr ptrdiff_t R = OW % 16, GR = (R + 3) / 4;
  const int32x4_t vm = vdupq_n_s32(mult), vs = vdupq_n_s32(shift);
  ptrdiff_t oh = 0;
  if constexpr (OW >= 4 && OW < 16 && GR <= 2)
    // Narrow rows two at a time: each weight loaded once for up to four groups.
    for (; oh + 1 < P.out_h; oh += 2)
      depthwise_chunk_x4<Q, GR, 4 * GR - R, false, 2>(plane + oh * P.stride_h * PW + (OW - R) * S,
                                                      w, b, vm, vs, y + oh * OW + OW - R);
  for (; oh < P.out_h; ++oh) {
    const int8_t *row = plane + oh * P.stride_h * PW;
    int8_t *yr = y + oh * OW;
    for (ptrdiff_t ow = 0; ow + 16 <= OW; ow += 16)
      depthwise_chunk_x4<Q, 4, 0>(row + ow * S, w, b, vm, vs, yr + ow);
    if constexpr (OW < 4)
      depthwise_chunk_x4<Q, 1, 0, true>(row, w, b, vm, vs, yr, vctp32q(OW));
    else if constexpr (R != 0)
      depthwise_chunk_x4<Q, GR, 4 * GR - R>(row + (OW - R) * S, w, b, vm, vs, yr + OW - R);
  }
}
#endif

/// Depthwise int8 on the blocked family (rv32imac, x86-64, and on Helium
/// cores four pixels per step; Armv7E-M cores run the DSP kernel): each
/// channel's plane is copied once as raw int8 with the
/// padding as the input zero point (copy_plane_s8) and `bias_adj` = bias -
/// zx * sum w takes the zero point away again, so every output pixel runs
/// the same branch-free taps with the channel's filter in registers. Out of
/// line, one function per layer. Drop-in for edgec::conv2d_s8 with
/// depthwise_s8_scratch_size<Q>() bytes of scratch.
///
/// In place: `out` may be `in` when an output plane is no larger than an
/// input plane: plane m is copied before output plane m is written, and
/// output plane m lies over input planes m and below only (depthwiseInPlace
/// in KernelTable.cpp). Hence no restrict on `in` and `out`.
template <const Conv2DS8Params &Q>
EDGEC_NOINLINE void depthwise_s8(const int8_t *in, const int8_t *EDGEC_RESTRICT w,
                                 const int32_t *EDGEC_RESTRICT bias_adj,
                                 const int32_t *EDGEC_RESTRICT mult,
                                 const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                 void *EDGEC_RESTRICT scratch) {
  constexpr const Conv2DParams &P = Q.conv;
  static_assert(P.groups == P.in_c && P.groups == P.out_c, "a depthwise layer");
  static_assert(!conv2d_is_spread<P>(), "a spread input takes the portable kernel");
  constexpr ptrdiff_t KK = P.kernel_h * P.kernel_w;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t OHW = static_cast<ptrdiff_t>(P.out_h) * P.out_w;
  int8_t *plane = static_cast<int8_t *>(scratch);
#ifdef EDGEC_HAVE_MVE
  fill_plane_s8<Q>(plane); // the padding, once: each channel copies its inside only
#endif
  for (ptrdiff_t n = 0; n < P.batch; ++n)
    for (ptrdiff_t m = 0; m < P.out_c; ++m) {
#ifdef EDGEC_HAVE_MVE
      copy_plane_inside_s8<Q>(in + (n * P.in_c + m) * HW, plane);
#else
      copy_plane_s8<Q>(in + (n * P.in_c + m) * HW, plane);
#endif
      const int32_t b = bias_adj[m];
      int8_t *y = out + (n * P.out_c + m) * OHW;
#ifdef EDGEC_HAVE_MVE
      depthwise_rows_x4<Q>(plane, w + m * KK, b, mult[m], shift[m], y);
#else
      constexpr ptrdiff_t KW = P.kernel_w, PW = depthwise_plane_w<Q>();
      int32_t wt[KK];
      _Pragma("GCC unroll 64") for (ptrdiff_t k = 0; k < KK; ++k) wt[k] = w[m * KK + k];
      const BlockedOutputS8<Q> stage(mult[m], shift[m]);
      for (ptrdiff_t oh = 0; oh < P.out_h; ++oh) {
        const int8_t *row = plane + oh * P.stride_h * PW;
        int8_t *yr = y + oh * P.out_w;
        for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
          const int8_t *xp = row + ow * P.stride_w;
          int32_t acc = b;
          _Pragma("GCC unroll 64") for (ptrdiff_t k = 0; k < KK; ++k) acc +=
              wt[k] * xp[k / KW * P.dilation_h * PW + k % KW * P.dilation_w];
          yr[ow] = stage(acc);
        }
      }
#endif
    }
}

/// The output stage of these kernels for a fully-connected layer.
template <const FcS8Params &P>
using BlockedFcOutputS8 = OutputStageS8<P.output_zero, P.act_min, P.act_max, P.right_shift,
                                        P.shift_one || !kShortRounding>;

#if !defined(EDGEC_HAVE_MVE) && !defined(EDGEC_HAVE_AVX2)
/// Plain C++ (rv32imac): four outputs per pass over A's row, so each loaded
/// value of A feeds four multiply-accumulates (5 loads, 4 MUL, 4 ADD per k).
/// `b` holds the four rows of B at a stride of K. Out of line, one function
/// per layer, as conv_block_4x2; taken where at least 4,096 MACs go through
/// it.
template <const FcS8Params &P> constexpr bool fc_block_4x1_pays() {
  return static_cast<int64_t>(P.m) * (P.n / 4 * 4) * P.k >= 4096;
}

template <const FcS8Params &P>
EDGEC_NOINLINE void fc_block_4x1(const int8_t *EDGEC_RESTRICT b, const int8_t *EDGEC_RESTRICT a,
                                 const int32_t *EDGEC_RESTRICT bias,
                                 const int32_t *EDGEC_RESTRICT mult,
                                 const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT y) {
  constexpr ptrdiff_t K = P.k;
  int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
  _Pragma("GCC unroll 2") for (ptrdiff_t k = 0; k < K; ++k) {
    const int32_t x = a[k];
    a0 += b[k] * x;
    a1 += b[K + k] * x;
    a2 += b[2 * K + k] * x;
    a3 += b[3 * K + k] * x;
  }
  const int32_t acc[4] = {a0, a1, a2, a3};
  _Pragma("GCC unroll 1") for (ptrdiff_t r = 0; r < 4; ++r)
    y[r] = BlockedFcOutputS8<P>(mult[r], shift[r])(acc[r]);
}
#endif

/// Drop-in for edgec::fc_s8 (int8, trans_b: B is N x K) with `bias_adj` =
/// bias - za * sum_k B[j][k]; A's rows are read as they are (no scratch).
template <const FcS8Params &P>
inline void fc_s8(const int8_t *EDGEC_RESTRICT a, const int8_t *EDGEC_RESTRICT b,
                      const int32_t *EDGEC_RESTRICT bias_adj, const int32_t *EDGEC_RESTRICT mult,
                      const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT y) {
  static_assert(P.trans_b, "fc_s8 reads B as N x K");
  constexpr ptrdiff_t K = P.k;
  auto out = [&](int32_t acc, ptrdiff_t j) {
    return BlockedFcOutputS8<P>(mult[j], shift[j])(acc);
  };
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    const int8_t *ai = a + i * K;
    int8_t *yi = y + i * P.n;
    ptrdiff_t j = 0;
#if !defined(EDGEC_HAVE_MVE) && !defined(EDGEC_HAVE_AVX2)
    if constexpr (fc_block_4x1_pays<P>())
      for (; j + 3 < P.n; j += 4)
        fc_block_4x1<P>(b + j * K, ai, bias_adj + j, mult + j, shift + j, yi + j);
#endif
    for (; j + 1 < P.n; j += 2) {
      int32_t a0 = bias_adj[j], a1 = bias_adj[j + 1];
      dot_s8_2x1<K>(b + j * K, b + (j + 1) * K, ai, a0, a1);
      yi[j] = out(a0, j);
      yi[j + 1] = out(a1, j + 1);
    }
    if (j < P.n)
      yi[j] = out(dot_s8<K>(b + j * K, ai, bias_adj[j]), j);
  }
}

} // namespace edgec::blocked
