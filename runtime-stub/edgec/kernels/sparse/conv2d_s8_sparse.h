// Sparse int8 convolution, depthwise convolution and fully-connected layers:
// the zero weights of a pruned layer are neither stored nor multiplied.
//
// Weight format (written by the compiler, docs/sparsity.md):
//   mask   uint8  [M][ceil(K / 8)]  bit k % 8 of byte k / 8 is set when the
//                                   weight of reduction index k is non-zero
//                                   (K = in_c/groups x kH x kW, OIHW order;
//                                   for a fully-connected layer B's row)
//   values int8   [nnz]             the non-zero weights, output channel by
//                                   output channel, in increasing k
// Same arithmetic as kernels/ref/conv2d_s8.h, so the outputs are identical
// to the dense kernels' (the skipped products are exactly 0).
//
// The kernels are kept out of line: inlined into a model's schedule they lose
// registers to it and their inner loops spill.
//
// With Dsp (cores with the DSP extension) the multiply-accumulates use the
// 16-bit SMLAxy forms on two pixels per register; otherwise plain C++.
#pragma once

#include "edgec/kernels/arm/conv2d_s8_dsp.h"

namespace edgec::sparse {

using arm::load32;

/// The index of the lowest set bit of m (m != 0). Cores with a count-zeros
/// instruction (Arm's RBIT + CLZ, x86's TZCNT / BSF, RISC-V Zbb) take the
/// builtin; RV32IMAC has none, and the builtin would be a libgcc call, so a
/// de Bruijn multiply and a 32-entry table instead (5 instructions).
EDGEC_ALWAYS_INLINE ptrdiff_t lowest_bit(uint32_t m) {
#if defined(__riscv) && !defined(__riscv_zbb)
  static constexpr uint8_t kIndex[32] = {0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
                                         15, 25, 17, 4,  8,  31, 27, 13, 23, 21, 19,
                                         16, 7,  26, 12, 18, 6,  11, 5,  10, 9};
  return kIndex[((m & (0u - m)) * 0x077CB531u) >> 27];
#else
  return __builtin_ctz(m);
#endif
}

/// Calls f(k) for every set bit k of a K-bit mask, in increasing k.
template <ptrdiff_t K, typename F>
EDGEC_ALWAYS_INLINE void for_each_nonzero(const uint8_t *EDGEC_RESTRICT mask, F &&f) {
  constexpr ptrdiff_t KB = (K + 7) / 8, Words = KB / 4, Tail = KB % 4;
  for (ptrdiff_t j = 0; j < Words; ++j) {
    uint32_t m = load32(mask + 4 * j);
    while (m) {
      const ptrdiff_t t = lowest_bit(m);
      m &= m - 1;
      f(32 * j + t);
    }
  }
  if constexpr (Tail > 0) {
    uint32_t m = 0;
    for (ptrdiff_t b = 0; b < Tail; ++b)
      m |= static_cast<uint32_t>(mask[4 * Words + b]) << (8 * b);
    while (m) {
      const ptrdiff_t t = lowest_bit(m);
      m &= m - 1;
      f(32 * Words + t);
    }
  }
}

/// Adds one tap's products to four consecutive output pixels: e is
/// (w << 16) | offset, xs the tap's input for the first pixel. With Dsp one
/// 32-bit load, two SXTB16 and four SMLATx; otherwise four byte products.
template <bool Dsp>
EDGEC_ALWAYS_INLINE void tap_x4(uint32_t e, const int8_t *EDGEC_RESTRICT xs, int32_t &a0,
                                int32_t &a1, int32_t &a2, int32_t &a3) {
  if constexpr (Dsp) {
    const uint32_t xw = load32(xs);
    const uint32_t x02 = arm::sxtb16(xw), x13 = arm::sxtb16_ror8(xw);
    a0 = arm::smlatb(e, x02, a0);
    a2 = arm::smlatt(e, x02, a2);
    a1 = arm::smlatb(e, x13, a1);
    a3 = arm::smlatt(e, x13, a3);
  } else {
    const int32_t w = static_cast<int16_t>(e >> 16);
    a0 += w * xs[0];
    a1 += w * xs[1];
    a2 += w * xs[2];
    a3 += w * xs[3];
  }
}

/// Four outputs through one channel's output stage.
template <typename Stage>
EDGEC_ALWAYS_INLINE void store_x4(int8_t *EDGEC_RESTRICT y, const Stage &stage, int32_t a0,
                                  int32_t a1, int32_t a2, int32_t a3) {
  y[0] = stage(a0);
  y[1] = stage(a1);
  y[2] = stage(a2);
  y[3] = stage(a3);
}

template <const Conv2DS8Params &Q> constexpr ptrdiff_t reduction_size() {
  return static_cast<ptrdiff_t>(Q.conv.in_c / Q.conv.groups) * Q.conv.kernel_h * Q.conv.kernel_w;
}

/// Which sparse convolution runs a layer. The compiler chooses it (the
/// `kind` of the layer's #edge.sparse, from KernelTable.cpp's sparseKindOf)
/// and passes it as a template argument: it also decides the bias the layer
/// gets (folded for kPointwise), so the kernel never re-derives the choice;
/// it only checks at compile time that the geometry allows it.
enum class SparseConv { kPointwise, kDepthwise, kIm2col };

/// 1x1, stride 1, no padding, one group, and every input offset c * H * W
/// fits 16 bits: the layers kPointwise can run channel by channel straight
/// from the int8 input (the compiler folds the zero point into the bias).
template <const Conv2DS8Params &Q> constexpr bool sparse_is_pointwise() {
  constexpr const Conv2DParams &P = Q.conv;
  return P.groups == 1 && P.kernel_h == 1 && P.kernel_w == 1 && P.stride_h == 1 &&
         P.stride_w == 1 && P.pad_top == 0 && P.pad_left == 0 && P.out_h == P.in_h &&
         P.out_w == P.in_w &&
         static_cast<int64_t>(P.in_c) * P.in_h * P.in_w <= 65535;
}

/// Scratch bytes of conv2d_s8_sparse: the decoded taps of one output channel
/// (pointwise: 32-bit weight and offset words with Dsp, 16-bit offsets
/// otherwise; in place the same bytes hold a pixel pair's int8 columns),
/// one padded int8 plane (depthwise) or a four-pixel im2col block (int16
/// with Dsp, int8 otherwise).
template <const Conv2DS8Params &Q> constexpr ptrdiff_t sparse_plane_bytes();
template <const Conv2DS8Params &Q, bool Dsp, SparseConv Kind>
constexpr int64_t conv2d_s8_sparse_scratch_size() {
  if constexpr (Kind == SparseConv::kDepthwise)
    return sparse_plane_bytes<Q>();
  else if constexpr (Kind == SparseConv::kPointwise)
    return (Dsp ? 4 : 2) * static_cast<int64_t>(Q.conv.in_c);
  else
    return (Dsp ? 2 : 1) * 4 * static_cast<int64_t>(reduction_size<Q>());
}

/// Pointwise: for each output channel the set taps are decoded once, then
/// four pixels at a time read one 32-bit word (Dsp) or four bytes of raw
/// int8 input per tap. With Dsp a tap is (w << 16) | (c * H * W), the weight
/// in the top half for SMLATx; otherwise only the 16-bit offset c * H * W is
/// decoded and the weight read from the packed non-zeros (half the scratch).
/// `bias` is bias - zx * sum(w).
template <const Conv2DS8Params &Q, bool Dsp>
EDGEC_NOINLINE void pointwise_s8_sparse(const int8_t *EDGEC_RESTRICT in, const uint8_t *EDGEC_RESTRICT mask,
                                const int8_t *EDGEC_RESTRICT values,
                                const int32_t *EDGEC_RESTRICT bias,
                                const int32_t *EDGEC_RESTRICT mult,
                                const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT out,
                                void *EDGEC_RESTRICT scratch) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t K = P.in_c, KB = (K + 7) / 8;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  uint32_t *EDGEC_RESTRICT list = static_cast<uint32_t *>(scratch);
  uint16_t *EDGEC_RESTRICT offs = static_cast<uint16_t *>(scratch);
  for (ptrdiff_t n = 0; n < P.batch; ++n) {
    const int8_t *v = values;
    const int8_t *x = in + n * P.in_c * HW;
    for (ptrdiff_t m = 0; m < P.out_c; ++m) {
      const int8_t *EDGEC_RESTRICT vm = v;
      ptrdiff_t count = 0;
      for_each_nonzero<K>(mask + m * KB, [&](ptrdiff_t k) {
        if constexpr (Dsp)
          list[count] = (static_cast<uint32_t>(static_cast<uint16_t>(vm[count])) << 16) |
                        static_cast<uint32_t>(k * HW);
        else
          offs[count] = static_cast<uint16_t>(k * HW);
        ++count;
      });
      v += count;
      const int32_t b = bias[m];
      const ConvOutputS8<Q> stage(mult[m], shift[m]);
      int8_t *y = out + (n * P.out_c + m) * HW;
      ptrdiff_t p = 0;
      for (; p + 4 <= HW; p += 4) {
        int32_t a0 = b, a1 = b, a2 = b, a3 = b;
        const int8_t *xp = x + p;
        if constexpr (Dsp) {
          for (const uint32_t *it = list, *end = list + count; it != end; ++it)
            tap_x4<true>(*it, xp + (*it & 0xffff), a0, a1, a2, a3);
        } else {
          for (ptrdiff_t i = 0; i < count; ++i)
            tap_x4<false>(static_cast<uint32_t>(vm[i]) << 16, xp + offs[i], a0, a1, a2, a3);
        }
        store_x4(y + p, stage, a0, a1, a2, a3);
      }
      for (; p < HW; ++p) {
        int32_t a = b;
        for (ptrdiff_t i = 0; i < count; ++i)
          a += Dsp ? static_cast<int16_t>(list[i] >> 16) * x[p + (list[i] & 0xffff)]
                   : vm[i] * x[p + offs[i]];
        y[p] = stage(a);
      }
    }
  }
}

/// Pointwise over its own input (out and in at the same address, the
/// memory planner's choice on cores without the DSP extension; the generated
/// code then passes InPlace): two pixels at a time, their input columns are
/// copied into the scratch (channel k's pair at col[2k]) before any output of
/// them is written, so output (m, p) lies over input (m, p) only once that is
/// read. The columns take the scratch pointwise_s8_sparse uses for its
/// decoded offsets; each output channel walks its mask bits per pair instead
/// (the cost model's pwIp term). `bias` is bias - zx * sum(w).
template <const Conv2DS8Params &Q>
EDGEC_NOINLINE void pointwise_s8_sparse_in_place(const int8_t *in, const uint8_t *EDGEC_RESTRICT mask,
                                         const int8_t *EDGEC_RESTRICT values,
                                         const int32_t *EDGEC_RESTRICT bias,
                                         const int32_t *EDGEC_RESTRICT mult,
                                         const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                         void *EDGEC_RESTRICT scratch) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t K = P.in_c, KB = (K + 7) / 8;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  int8_t *EDGEC_RESTRICT col = static_cast<int8_t *>(scratch);
  for (ptrdiff_t n = 0; n < P.batch; ++n) {
    const int8_t *x = in + n * P.in_c * HW;
    int8_t *y = out + n * P.out_c * HW;
    for (ptrdiff_t p = 0; p < HW; p += 2) {
      const bool pair = p + 1 < HW;
      // Both columns are read before any output of the pair is written.
      for (ptrdiff_t k = 0; k < K; ++k) {
        col[2 * k] = x[k * HW + p];
        col[2 * k + 1] = pair ? x[k * HW + p + 1] : 0;
      }
      const int8_t *EDGEC_RESTRICT v = values;
      for (ptrdiff_t m = 0; m < P.out_c; ++m) {
        int32_t a0 = bias[m], a1 = a0;
        for_each_nonzero<K>(mask + m * KB, [&](ptrdiff_t k) {
          const int32_t w = *v++;
          a0 += w * col[2 * k];
          a1 += w * col[2 * k + 1];
        });
        const ConvOutputS8<Q> stage(mult[m], shift[m]);
        int8_t *ym = y + m * HW + p;
        ym[0] = stage(a0);
        if (pair)
          ym[1] = stage(a1);
      }
    }
  }
}

/// The im2col kernel's tap type: int16 x - zx with Dsp, raw int8 otherwise
/// (<type_traits> is not in every bare-metal toolchain).
template <bool Dsp> struct Im2colTap { using type = int16_t; };
template <> struct Im2colTap<false> { using type = int8_t; };

/// General convolution (one group): four output pixels at a time, their
/// receptive fields copied into `col` interleaved tap by tap (col[4k + j] is
/// tap k of pixel j); every output channel then walks its set bits once for
/// the four pixels. With Dsp the taps are int16 x - zx (0 for padding), for
/// SMLABx; otherwise raw int8 x (zx for padding), half the scratch, the
/// compiler having folded the zero point into the bias (bias - zx * sum(w)).
template <const Conv2DS8Params &Q, bool Dsp>
EDGEC_NOINLINE void im2col_s8_sparse(const int8_t *EDGEC_RESTRICT in, const uint8_t *EDGEC_RESTRICT mask,
                             const int8_t *EDGEC_RESTRICT values,
                             const int32_t *EDGEC_RESTRICT bias,
                             const int32_t *EDGEC_RESTRICT mult,
                             const int32_t *EDGEC_RESTRICT shift, int8_t *EDGEC_RESTRICT out,
                             void *EDGEC_RESTRICT scratch) {
  using Tap = typename Im2colTap<Dsp>::type;
  Tap *EDGEC_RESTRICT col = static_cast<Tap *>(scratch);
  constexpr const Conv2DParams &P = Q.conv;
  static_assert(P.groups == 1, "the sparse im2col kernel takes one group");
  constexpr ptrdiff_t K = reduction_size<Q>(), KB = (K + 7) / 8;
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t OHW = static_cast<ptrdiff_t>(P.out_h) * P.out_w;
  for (ptrdiff_t n = 0; n < P.batch; ++n) {
    const int8_t *x = in + n * P.in_c * HW;
    int8_t *yn = out + n * P.out_c * OHW;
    for (ptrdiff_t p = 0; p < OHW; p += 4) {
      const ptrdiff_t valid = OHW - p < 4 ? OHW - p : 4;
      for (ptrdiff_t j = 0; j < 4; ++j) {
        const ptrdiff_t q = p + (j < valid ? j : 0);
        const ptrdiff_t ih0 = q / P.out_w * P.stride_h - P.pad_top;
        const ptrdiff_t iw0 = q % P.out_w * P.stride_w - P.pad_left;
        ptrdiff_t k = 0;
        for (ptrdiff_t c = 0; c < P.in_c; ++c)
          for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
            const ptrdiff_t ih = ih0 + kh * P.dilation_h;
            const bool row = ih >= 0 && ih < P.in_h;
            const int8_t *xr = x + c * HW + ih * P.in_w;
            for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw, ++k) {
              const ptrdiff_t iw = iw0 + kw * P.dilation_w;
              const bool inside = row && iw >= 0 && iw < P.in_w;
              if constexpr (Dsp)
                col[4 * k + j] =
                    inside ? static_cast<int16_t>(xr[iw] - Q.input_zero) : int16_t{0};
              else
                col[4 * k + j] = inside ? xr[iw] : static_cast<int8_t>(Q.input_zero);
            }
          }
      }
      const int8_t *v = values;
      for (ptrdiff_t m = 0; m < P.out_c; ++m) {
        const int32_t b = bias ? bias[m] : 0;
        int32_t a0 = b, a1 = b, a2 = b, a3 = b;
        for_each_nonzero<K>(mask + m * KB, [&](ptrdiff_t k) {
          const int32_t w = *v++;
          const Tap *c4 = col + 4 * k;
          if constexpr (Dsp) {
            const uint32_t x01 = load32(c4), x23 = load32(c4 + 2);
            a0 = arm::smlabb(static_cast<uint32_t>(w), x01, a0);
            a1 = arm::smlabt(static_cast<uint32_t>(w), x01, a1);
            a2 = arm::smlabb(static_cast<uint32_t>(w), x23, a2);
            a3 = arm::smlabt(static_cast<uint32_t>(w), x23, a3);
          } else {
            a0 += w * c4[0];
            a1 += w * c4[1];
            a2 += w * c4[2];
            a3 += w * c4[3];
          }
        });
        const ConvOutputS8<Q> stage(mult[m], shift[m]);
        int8_t *y = yn + m * OHW + p;
        y[0] = stage(a0);
        if (valid > 1)
          y[1] = stage(a1);
        if (valid > 2)
          y[2] = stage(a2);
        if (valid > 3)
          y[3] = stage(a3);
      }
    }
  }
}

template <const Conv2DS8Params &Q> constexpr ptrdiff_t sparse_plane_bytes() {
  return depthwise_plane_h<Q>() * depthwise_plane_w<Q>();
}

/// Depthwise: each channel's set taps are decoded once into (w << 16) |
/// plane offset, its plane copied as raw int8 with zero-point padding, and
/// the zero point folded into the bias (bias - zx * sum(w)). With stride 1
/// four pixels of a row share every tap's one 32-bit load (as the pointwise
/// kernel does); the rest of a row, and strided layers, go pixel by pixel.
/// A channel without taps is its bias, requantized.
///
/// In place: `out` may be `in` when an output plane is no larger than an
/// input plane: plane m is copied before output plane m is written (a
/// channel without taps reads no input), and output plane m lies over input
/// planes m and below only (sparseConvInPlace in KernelTable.cpp).
template <const Conv2DS8Params &Q, bool Dsp>
EDGEC_NOINLINE void depthwise_s8_sparse(const int8_t *in, const uint8_t *EDGEC_RESTRICT mask,
                                const int8_t *EDGEC_RESTRICT values,
                                const int32_t *EDGEC_RESTRICT bias,
                                const int32_t *EDGEC_RESTRICT mult,
                                const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                                int8_t *EDGEC_RESTRICT plane) {
  constexpr const Conv2DParams &P = Q.conv;
  constexpr ptrdiff_t KK = static_cast<ptrdiff_t>(P.kernel_h) * P.kernel_w, KB = (KK + 7) / 8;
  constexpr ptrdiff_t PW = depthwise_plane_w<Q>();
  static_assert(sparse_plane_bytes<Q>() <= 65536, "plane offsets are 16-bit");
  constexpr ptrdiff_t HW = static_cast<ptrdiff_t>(P.in_h) * P.in_w;
  constexpr ptrdiff_t OHW = static_cast<ptrdiff_t>(P.out_h) * P.out_w;
  for (ptrdiff_t n = 0; n < P.batch; ++n) {
    const int8_t *v = values;
    for (ptrdiff_t m = 0; m < P.out_c; ++m) {
      uint32_t taps[KK];
      ptrdiff_t count = 0;
      int32_t wsum = 0;
      for_each_nonzero<KK>(mask + m * KB, [&](ptrdiff_t k) {
        const int8_t w = *v++;
        wsum += w;
        taps[count++] = (static_cast<uint32_t>(static_cast<uint16_t>(w)) << 16) |
                        static_cast<uint32_t>(k / P.kernel_w * P.dilation_h * PW +
                                              k % P.kernel_w * P.dilation_w);
      });
      const int32_t b = (bias ? bias[m] : 0) - Q.input_zero * wsum;
      const ConvOutputS8<Q> stage(mult[m], shift[m]);
      int8_t *y = out + (n * P.out_c + m) * OHW;
      if (count == 0) {
        const int8_t c = stage(b);
        for (ptrdiff_t p = 0; p < OHW; ++p)
          y[p] = c;
        continue;
      }
      copy_plane_s8<Q>(in + (n * P.in_c + m) * HW, plane);
      const uint32_t *const end = taps + count;
      for (ptrdiff_t oh = 0; oh < P.out_h; ++oh) {
        const int8_t *row = plane + oh * P.stride_h * PW;
        int8_t *yr = y + oh * P.out_w;
        ptrdiff_t ow = 0;
        if constexpr (P.stride_w == 1) {
          for (; ow + 4 <= P.out_w; ow += 4) {
            int32_t a0 = b, a1 = b, a2 = b, a3 = b;
            for (const uint32_t *it = taps; it != end; ++it)
              tap_x4<Dsp>(*it, row + ow + (*it & 0xffff), a0, a1, a2, a3);
            store_x4(yr + ow, stage, a0, a1, a2, a3);
          }
        }
        for (; ow < P.out_w; ++ow) {
          const int8_t *xp = row + ow * P.stride_w;
          int32_t a = b;
          for (const uint32_t *it = taps; it != end; ++it)
            a += static_cast<int16_t>(*it >> 16) * xp[*it & 0xffff];
          yr[ow] = stage(a);
        }
      }
    }
  }
}

/// The sparse int8 convolution: pointwise, depthwise or general (one group),
/// as the compiler chose (`Kind`). `bias` is folded (bias - zx * sum(w)) for
/// kPointwise, and for kIm2col without Dsp; plain otherwise. The depthwise kernel may run in place as it
/// is; a pointwise layer the memory planner put over its input (cores
/// without DSP) takes InPlace = true (pixel pairs gathered first), otherwise
/// one output channel over every pixel at a time (its taps decoded once).
template <const Conv2DS8Params &Q, bool Dsp, SparseConv Kind, bool InPlace = false>
inline void conv2d_s8_sparse(const int8_t *in, const uint8_t *EDGEC_RESTRICT mask,
                             const int8_t *EDGEC_RESTRICT values,
                             const int32_t *EDGEC_RESTRICT bias,
                             const int32_t *EDGEC_RESTRICT mult,
                             const int32_t *EDGEC_RESTRICT shift, int8_t *out,
                             void *EDGEC_RESTRICT scratch) {
  if constexpr (Kind == SparseConv::kDepthwise) {
    static_assert(arm::conv2d_s8_dsp_is_depthwise<Q>(), "not a depthwise layer");
    depthwise_s8_sparse<Q, Dsp>(in, mask, values, bias, mult, shift, out,
                                static_cast<int8_t *>(scratch));
  } else if constexpr (Kind == SparseConv::kPointwise) {
    static_assert(sparse_is_pointwise<Q>(), "not a layer the pointwise kernel can run");
    if constexpr (InPlace) {
      static_assert(!Dsp, "the DSP cores run sparse pointwise layers out of place");
      pointwise_s8_sparse_in_place<Q>(in, mask, values, bias, mult, shift, out, scratch);
    } else
      pointwise_s8_sparse<Q, Dsp>(in, mask, values, bias, mult, shift, out, scratch);
  } else {
    static_assert(!InPlace, "only the pointwise and depthwise kernels run in place");
    static_assert(Q.conv.groups == 1, "the im2col kernel runs one group");
    im2col_s8_sparse<Q, Dsp>(in, mask, values, bias, mult, shift, out, scratch);
  }
}

/// Scratch bytes of fc_s8_sparse: one int16 row of A.
template <const FcS8Params &P> constexpr int64_t fc_s8_sparse_scratch_size() {
  return 2 * static_cast<int64_t>(P.k);
}

/// Fully-connected (B stored N x K): A's row widened once to int16 x - zx,
/// then every output walks its set bits.
template <const FcS8Params &P>
inline void fc_s8_sparse(const int8_t *EDGEC_RESTRICT a, const uint8_t *EDGEC_RESTRICT mask,
                         const int8_t *EDGEC_RESTRICT values, const int32_t *EDGEC_RESTRICT bias,
                         const int32_t *EDGEC_RESTRICT mult, const int32_t *EDGEC_RESTRICT shift,
                         int8_t *EDGEC_RESTRICT y, void *EDGEC_RESTRICT scratch) {
  static_assert(P.trans_b, "fc_s8_sparse reads B as N x K");
  constexpr ptrdiff_t K = P.k, KB = (K + 7) / 8;
  int16_t *row = static_cast<int16_t *>(scratch);
  for (ptrdiff_t i = 0; i < P.m; ++i) {
    for (ptrdiff_t k = 0; k < K; ++k)
      row[k] = static_cast<int16_t>(a[i * K + k] - P.input_zero);
    const int8_t *v = values;
    for (ptrdiff_t j = 0; j < P.n; ++j) {
      int32_t acc = bias ? bias[j] : 0;
      for_each_nonzero<K>(mask + j * KB, [&](ptrdiff_t k) { acc += *v++ * row[k]; });
      y[i * P.n + j] = FcOutputS8<P>(mult[j], shift[j])(acc);
    }
  }
}

} // namespace edgec::sparse
