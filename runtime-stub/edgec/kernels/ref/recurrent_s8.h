// edgec reference kernel: integer RNN, GRU and LSTM layers (int8 in and out,
// int8 weights, int16 state), ONNX gate order, sequence-major.
//
// The arithmetic (docs/numerics.md, "Recurrent layers"):
//   pre  = requantize(sum (x - zx) w, w_mult, w_shift)           Q3.12
//          (computed as x_offset + sum x w, x_offset = -zx sum w)
//        + requantize(sum h r, r_mult, r_shift) + bias           (int64, then
//          saturated to the activation's bounds P.clip_lo .. P.clip_hi)
//   gate = lut_interp_s16(sigmoid or tanh table, pre)             Q0.15
//   LSTM c = rshift(f c, 15) + rshift(i g, 30 - cell_shift)       int16 at
//          2^-cell_shift; h = rshift(o tanh(c as Q3.12), 15)
//   GRU  h = rshift((32768 - z) h~ + z h, 15)                     Q0.15
//   RNN  h = tanh(pre)
// where rshift(v, n) = (v + 2^(n-1)) >> n. Outputs and the final states are
// requantized to the output's parameters. Shapes as recurrent_f32: x [T, B, I],
// w [D, G*H, I], r [D, G*H, H], bias [D, 2*G*H] (int32 Q3.12), h0 / c0
// [D, B, H]; per-row multipliers w_mult / w_shift / r_mult / r_shift [G*H]
// (shared by the directions, every shift at most -1: requantize_right);
// out [T + S, D, B, H].
#pragma once

#include "edgec/kernels/arm/simd32.h"
#include "edgec/kernels/ref/recurrent_f32.h"
#include "edgec/quant.h"

#include <string.h>

namespace edgec {

struct RecurrentS8Params {
  int32_t seq, batch, input, hidden, directions;
  RecurrentCell cell;
  bool reverse, input_forget, linear_before_reset;
  int32_t input_zero, output_zero;
  int32_t cell_shift;       ///< the cell state is q * 2^-cell_shift
  int32_t clip_lo, clip_hi; ///< bounds of an activation's Q3.12 input
  int32_t h0_zero, h0_mult, h0_shift;
  int32_t c0_zero, c0_mult, c0_shift;
  int32_t out_h_mult, out_h_shift, out_c_mult, out_c_shift;
};

template <const RecurrentS8Params &P> constexpr int32_t recurrent_s8_gates() {
  return P.cell == kCellLstm ? 4 : P.cell == kCellGru ? 3 : 1;
}

/// Bytes of scratch: one batch row's int16 pre-activations, then gates
/// (G * H; saturating them changes nothing, the tables clamp to the clip
/// bounds within int16), its hidden state, cell state and reset-gated hidden
/// state (H each), and for a GRU the int32 input term of its h gate (H),
/// which its recurrent term is added to before saturating.
template <const RecurrentS8Params &P> constexpr size_t recurrent_s8_scratch_size() {
  return sizeof(int16_t) * static_cast<size_t>((recurrent_s8_gates<P>() + 3) * P.hidden) +
         (P.cell == kCellGru ? sizeof(int32_t) * static_cast<size_t>(P.hidden) : 0);
}

namespace detail {

EDGEC_ALWAYS_INLINE int32_t rshift_round(int32_t v, int n) {
  return (v + (int32_t{1} << (n - 1))) >> n;
}

EDGEC_ALWAYS_INLINE int32_t saturate_i16(int64_t v) {
  return v < -32768 ? -32768 : (v > 32767 ? 32767 : static_cast<int32_t>(v));
}

/// An activation's table at a Q3.12 input, clamped to the clip bounds.
template <const RecurrentS8Params &P>
EDGEC_ALWAYS_INLINE int32_t recurrent_gate(const int16_t *EDGEC_RESTRICT table, int64_t pre) {
  const int64_t v = pre < P.clip_lo ? P.clip_lo : (pre > P.clip_hi ? P.clip_hi : pre);
  return lut_interp_s16(table, static_cast<int32_t>(v));
}

/// sum a[k] * b[k]: on a core with the DSP extension four products per two
/// SMLADs (SXTB16 takes bytes 0, 2 and 1, 3 of both sides alike).
EDGEC_ALWAYS_INLINE int32_t dot_s8(const int8_t *EDGEC_RESTRICT a,
                                   const int8_t *EDGEC_RESTRICT b, ptrdiff_t n) {
  int32_t acc = 0;
  ptrdiff_t k = 0;
#ifdef EDGEC_HAVE_ARM_DSP
  for (; k + 4 <= n; k += 4) {
    const uint32_t va = arm::load32(a + k), vb = arm::load32(b + k);
    acc = arm::smlad(arm::sxtb16(va), arm::sxtb16(vb), acc);
    acc = arm::smlad(arm::sxtb16_ror8(va), arm::sxtb16_ror8(vb), acc);
  }
#endif
  for (; k < n; ++k)
    acc += a[k] * b[k];
  return acc;
}

/// sum h[k] * r[k] for an int16 h and int8 r: on a DSP core the pairs of h
/// are repacked (PKHBT / PKHTB) to match SXTB16's bytes 0, 2 and 1, 3 of r.
EDGEC_ALWAYS_INLINE int32_t dot_s16_s8(const int16_t *EDGEC_RESTRICT h,
                                       const int8_t *EDGEC_RESTRICT r, ptrdiff_t n) {
  int32_t acc = 0;
  ptrdiff_t k = 0;
#ifdef EDGEC_HAVE_ARM_DSP
  for (; k + 4 <= n; k += 4) {
    const uint32_t h01 = arm::load32(h + k), h23 = arm::load32(h + k + 2), vr = arm::load32(r + k);
    acc = arm::smlad(arm::pack_bottoms(h01, h23), arm::sxtb16(vr), acc);
    acc = arm::smlad(arm::pack_tops(h01, h23), arm::sxtb16_ror8(vr), acc);
  }
#endif
  for (; k < n; ++k)
    acc += h[k] * r[k];
  return acc;
}

template <const RecurrentS8Params &P>
EDGEC_ALWAYS_INLINE int8_t recurrent_out(int32_t v, int32_t mult, int32_t shift) {
  return static_cast<int8_t>(clamp_i32(requantize(v, mult, shift) + P.output_zero, -128, 127));
}

template <const RecurrentS8Params &P, int D, typename L>
void recurrent_s8_direction(const int8_t *EDGEC_RESTRICT x, const int8_t *EDGEC_RESTRICT w,
                            const int8_t *EDGEC_RESTRICT r, const int32_t *EDGEC_RESTRICT bias,
                            const int32_t *EDGEC_RESTRICT x_offset,
                            const L *EDGEC_RESTRICT lens, const int8_t *EDGEC_RESTRICT h0,
                            const int8_t *EDGEC_RESTRICT c0, const int32_t *EDGEC_RESTRICT w_mult,
                            const int32_t *EDGEC_RESTRICT w_shift,
                            const int32_t *EDGEC_RESTRICT r_mult,
                            const int32_t *EDGEC_RESTRICT r_shift,
                            const int16_t *EDGEC_RESTRICT sigmoid,
                            const int16_t *EDGEC_RESTRICT tanh_table, int8_t *EDGEC_RESTRICT out,
                            void *EDGEC_RESTRICT scratch) {
  constexpr ptrdiff_t T = P.seq, B = P.batch, I = P.input, H = P.hidden,
                      G = recurrent_s8_gates<P>();
  constexpr ptrdiff_t rowStride = P.directions * B * H;
  constexpr bool reverse = D == 1 || P.reverse;
  constexpr int K = P.cell_shift;
  const int8_t *W = w + D * G * H * I, *R = r + D * G * H * H;
  const int32_t *Wb = bias ? bias + D * 2 * G * H : nullptr;
  const int32_t *Rb = bias ? Wb + G * H : nullptr;
  int32_t *hx = static_cast<int32_t *>(scratch); // GRU: x W_h^T + Wb_h
  int16_t *g = reinterpret_cast<int16_t *>(hx + (P.cell == kCellGru ? H : 0));
  int16_t *h = g + G * H, *c = h + H, *gated = c + H;
  for (ptrdiff_t b = 0; b < B; ++b) {
    for (ptrdiff_t j = 0; j < H; ++j) {
      const ptrdiff_t at = (D * B + b) * H + j;
      h[j] = static_cast<int16_t>(
          h0 ? saturate_i16(requantize(h0[at] - P.h0_zero, P.h0_mult, P.h0_shift)) : 0);
      c[j] = static_cast<int16_t>(
          c0 ? saturate_i16(requantize(c0[at] - P.c0_zero, P.c0_mult, P.c0_shift)) : 0);
    }
    ptrdiff_t len = T;
    if (lens) {
      len = static_cast<ptrdiff_t>(lens[b]);
      len = len < 0 ? 0 : (len > T ? T : len);
      for (ptrdiff_t t = len; t < T; ++t) // steps past the row's length read as zeros
        memset(out + t * rowStride + (D * B + b) * H, P.output_zero, H);
    }
    for (ptrdiff_t s = 0; s < len; ++s) {
      const ptrdiff_t t = reverse ? len - 1 - s : s;
      const int8_t *xt = x + (t * B + b) * I;
      // Pre-activations (GRU's h gate: no recurrent term yet).
      for (ptrdiff_t q = 0; q < G * H; ++q) {
        const int32_t acc = x_offset[D * G * H + q] + dot_s8(xt, W + q * I, I);
        int64_t v = static_cast<int64_t>(requantize_right(
                        acc, w_mult[q], requantize_right_round(w_shift[q]), -w_shift[q] - 1)) +
                    (Wb ? Wb[q] : 0);
        if (P.cell == kCellGru && q >= 2 * H) {
          hx[q - 2 * H] =
              v < INT32_MIN ? INT32_MIN : (v > INT32_MAX ? INT32_MAX : static_cast<int32_t>(v));
          continue;
        }
        const int32_t racc = dot_s16_s8(h, R + q * H, H);
        v += static_cast<int64_t>(requantize_right(racc, r_mult[q],
                                                   requantize_right_round(r_shift[q]),
                                                   -r_shift[q] - 1)) +
             (Rb ? Rb[q] : 0);
        g[q] = static_cast<int16_t>(saturate_i16(v));
      }
      if constexpr (P.cell == kCellRnn) {
        for (ptrdiff_t j = 0; j < H; ++j)
          h[j] = static_cast<int16_t>(recurrent_gate<P>(tanh_table, g[j]));
      } else if constexpr (P.cell == kCellGru) { // gates z, r, h
        for (ptrdiff_t j = 0; j < 2 * H; ++j) // z and r in Q0.15, at most 32767
          g[j] = static_cast<int16_t>(recurrent_gate<P>(sigmoid, g[j]));
        if constexpr (!P.linear_before_reset)
          for (ptrdiff_t k = 0; k < H; ++k)
            gated[k] = static_cast<int16_t>(rshift_round(g[H + k] * h[k], 15));
        for (ptrdiff_t j = 0; j < H; ++j) {
          const int8_t *Rh = R + (2 * H + j) * H;
          const int32_t rb = Rb ? Rb[2 * H + j] : 0;
          const int32_t racc = dot_s16_s8(P.linear_before_reset ? h : gated, Rh, H);
          const int64_t rh =
              static_cast<int64_t>(requantize_right(racc, r_mult[2 * H + j],
                                                    requantize_right_round(r_shift[2 * H + j]),
                                                    -r_shift[2 * H + j] - 1)) +
              rb;
          const int64_t v = P.linear_before_reset
                                ? (g[H + j] * rh + (int64_t{1} << 14)) >> 15
                                : rh;
          g[2 * H + j] = static_cast<int16_t>(recurrent_gate<P>(tanh_table, hx[j] + v));
        }
        for (ptrdiff_t j = 0; j < H; ++j)
          h[j] = static_cast<int16_t>(
              saturate_i16(rshift_round((32768 - g[j]) * g[2 * H + j] + g[j] * h[j], 15)));
      } else { // LSTM, gates i, o, f, c
        for (ptrdiff_t j = 0; j < H; ++j) {
          const int32_t it = recurrent_gate<P>(sigmoid, g[j]);
          const int32_t ot = recurrent_gate<P>(sigmoid, g[H + j]);
          const int32_t ft = P.input_forget ? 32768 - it : recurrent_gate<P>(sigmoid, g[2 * H + j]);
          const int32_t ct = recurrent_gate<P>(tanh_table, g[3 * H + j]);
          const int32_t cn = saturate_i16(static_cast<int64_t>(rshift_round(ft * c[j], 15)) +
                                          rshift_round(it * ct, 30 - K));
          c[j] = static_cast<int16_t>(cn);
          const int32_t tc = recurrent_gate<P>(tanh_table, static_cast<int64_t>(cn) << (12 - K));
          h[j] = static_cast<int16_t>(saturate_i16(rshift_round(ot * tc, 15)));
        }
      }
      int8_t *y = out + t * rowStride + (D * B + b) * H;
      for (ptrdiff_t j = 0; j < H; ++j)
        y[j] = recurrent_out<P>(h[j], P.out_h_mult, P.out_h_shift);
    }
    for (ptrdiff_t j = 0; j < H; ++j) {
      out[T * rowStride + (D * B + b) * H + j] = recurrent_out<P>(h[j], P.out_h_mult, P.out_h_shift);
      if constexpr (P.cell == kCellLstm)
        out[(T + 1) * rowStride + (D * B + b) * H + j] =
            recurrent_out<P>(c[j], P.out_c_mult, P.out_c_shift);
    }
  }
}

} // namespace detail

/// The layer: every direction over every batch row. `lens`, bias, h0 and c0
/// may be null (all T steps; zeros). x_offset [D * G * H] is -zx * (the sum
/// of each W row), the input zero point folded out of the dot products.
template <const RecurrentS8Params &P, typename L = int32_t>
void recurrent_s8(const int8_t *EDGEC_RESTRICT x, const int8_t *EDGEC_RESTRICT w,
                  const int8_t *EDGEC_RESTRICT r, const int32_t *EDGEC_RESTRICT bias,
                  const int32_t *EDGEC_RESTRICT x_offset,
                  const L *EDGEC_RESTRICT lens, const int8_t *EDGEC_RESTRICT h0,
                  const int8_t *EDGEC_RESTRICT c0, const int32_t *EDGEC_RESTRICT w_mult,
                  const int32_t *EDGEC_RESTRICT w_shift, const int32_t *EDGEC_RESTRICT r_mult,
                  const int32_t *EDGEC_RESTRICT r_shift, const int16_t *EDGEC_RESTRICT sigmoid,
                  const int16_t *EDGEC_RESTRICT tanh_table, int8_t *EDGEC_RESTRICT out,
                  void *EDGEC_RESTRICT scratch) {
  static_assert(P.cell_shift >= 0 && P.cell_shift <= 12, "the cell state's scale");
  detail::recurrent_s8_direction<P, 0>(x, w, r, bias, x_offset, lens, h0, c0, w_mult, w_shift, r_mult,
                                       r_shift, sigmoid, tanh_table, out, scratch);
  if constexpr (P.directions == 2)
    detail::recurrent_s8_direction<P, 1>(x, w, r, bias, x_offset, lens, h0, c0, w_mult, w_shift, r_mult,
                                         r_shift, sigmoid, tanh_table, out, scratch);
}

} // namespace edgec
