// edgec reference kernel: integer LSTM over a sequence with its hidden and
// cell state kept in the arena between runs (TFLite's
// UNIDIRECTIONAL_SEQUENCE_LSTM in TFLite-Micro's 8x8->16 arithmetic).
//
// The arithmetic (docs/numerics.md, "LSTM of a .tflite model"), per batch row
// and step, gates g in the order input, forget, cell, output:
//   pre_g  = sat16(sat16(rq(b_g + sum W_g (x - zx), in_g))
//                  + sat16(rq(sum R_g (h - zh), rec_g)))             Q3.12
//   gate_g = tflite_logistic_s16(pre_g, 3, 0), for the cell gate
//            tflite_tanh_s16(pre_g, 3, 0)                            ~Q0.15
//   c      = sat16(sat16(rq(f c, forget)) + sat16(rq(i g, input))),
//            then clipped to +-cell_clip when `clip`                 int16
//   h      = sat8(rq(tflite_tanh_s16(c, tanh_mult, tanh_shift) o, hidden) + zh)
// where rq is requantize (TFLite's MultiplyByQuantizedMultiplier) and every
// sum is int32. The output row of the step is h. Every gate reads the
// hidden state of the previous step, so all four are computed first. The
// zero points are folded out of the dot products at compile time (offsets:
// -zx sum W_g[j, :] and -zh sum R_g[j, :]), which leaves plain int8 dot
// products (two SMLADs per four products on a DSP core); the sums are the
// same integers.
#pragma once

#include "edgec/kernels/ref/recurrent_s8.h"
#include "edgec/quant.h"
#include "edgec/runtime.h"

namespace edgec {

struct SequenceLstmS8Params {
  int32_t batch, steps, input, hidden;
  bool time_major; ///< x and y are [steps, batch, .] (else [batch, steps, .])
  bool clip;       ///< clip the cell state to +-cell_clip
  int32_t cell_clip;
  int32_t hidden_zero;
  int32_t in_mult[4], in_shift[4];   ///< s_x s_W / 2^-12 per gate
  int32_t rec_mult[4], rec_shift[4]; ///< s_h s_R / 2^-12 per gate
  int32_t forget_mult, forget_shift; ///< forget x cell -> cell
  int32_t input_mult, input_shift;   ///< input x cell gate -> cell
  int32_t hidden_mult, hidden_shift; ///< output x tanh(cell) -> hidden
  int32_t tanh_mult, tanh_shift;     ///< tanh of the cell state
};

/// Bytes of scratch: the four gates of one batch row, int16 each.
template <const SequenceLstmS8Params &P> constexpr size_t sequence_lstm_s8_scratch_size() {
  return sizeof(int16_t) * 4 * static_cast<size_t>(P.hidden);
}

namespace detail {

EDGEC_ALWAYS_INLINE int32_t sat16(int32_t v) { return clamp_i32(v, -32768, 32767); }

/// Gate G of one batch row from its input row x and hidden state h;
/// `offsets` holds the four gates' input offsets, then their recurrent ones.
template <const SequenceLstmS8Params &P, int G>
inline void sequence_lstm_gate(const int8_t *EDGEC_RESTRICT x, const int8_t *EDGEC_RESTRICT h,
                               const int8_t *EDGEC_RESTRICT w, const int8_t *EDGEC_RESTRICT r,
                               const int32_t *EDGEC_RESTRICT bias,
                               const int32_t *EDGEC_RESTRICT offsets,
                               int16_t *EDGEC_RESTRICT out) {
  const int32_t *x_offset = offsets + G * P.hidden, *h_offset = offsets + (4 + G) * P.hidden;
  for (ptrdiff_t j = 0; j < P.hidden; ++j) {
    const int32_t acc = bias[j] + x_offset[j] + dot_s8(w + j * P.input, x, P.input);
    const int32_t racc = h_offset[j] + dot_s8(r + j * P.hidden, h, P.hidden);
    const int32_t pre = sat16(sat16(requantize(acc, P.in_mult[G], P.in_shift[G])) +
                              sat16(requantize(racc, P.rec_mult[G], P.rec_shift[G])));
    out[j] = static_cast<int16_t>(G == 2 ? tflite_tanh_s16(pre, 3, 0)
                                         : tflite_logistic_s16(pre, 3, 0));
  }
}

} // namespace detail

/// x, y as the layout says; W_g [hidden, input], R_g [hidden, hidden],
/// b_g [hidden], offsets [8, hidden] (the input gate's -zx sum W_i[j, :] ...
/// the output gate's -zh sum R_o[j, :]); hidden [batch, hidden] int8 and
/// cell [batch, hidden] int16 are the layer's state, read and left updated.
template <const SequenceLstmS8Params &P>
inline void sequence_lstm_s8(const int8_t *EDGEC_RESTRICT x, const int8_t *wi, const int8_t *wf,
                             const int8_t *wc, const int8_t *wo, const int8_t *ri,
                             const int8_t *rf, const int8_t *rc, const int8_t *ro,
                             const int32_t *bi, const int32_t *bf, const int32_t *bc,
                             const int32_t *bo, const int32_t *EDGEC_RESTRICT offsets,
                             int8_t *EDGEC_RESTRICT hidden,
                             int16_t *EDGEC_RESTRICT cell, int8_t *EDGEC_RESTRICT y,
                             void *scratch) {
  int16_t *gi = static_cast<int16_t *>(scratch), *gf = gi + P.hidden, *gc = gf + P.hidden,
          *go = gc + P.hidden;
  for (ptrdiff_t b = 0; b < P.batch; ++b) {
    int8_t *h = hidden + b * P.hidden;
    int16_t *c = cell + b * P.hidden;
    for (ptrdiff_t t = 0; t < P.steps; ++t) {
      const ptrdiff_t row = P.time_major ? t * P.batch + b : b * P.steps + t;
      const int8_t *xt = x + row * P.input;
      detail::sequence_lstm_gate<P, 0>(xt, h, wi, ri, bi, offsets, gi);
      detail::sequence_lstm_gate<P, 1>(xt, h, wf, rf, bf, offsets, gf);
      detail::sequence_lstm_gate<P, 2>(xt, h, wc, rc, bc, offsets, gc);
      detail::sequence_lstm_gate<P, 3>(xt, h, wo, ro, bo, offsets, go);
      int8_t *yt = y + row * P.hidden;
      for (ptrdiff_t j = 0; j < P.hidden; ++j) {
        int32_t v = detail::sat16(detail::sat16(requantize(gf[j] * c[j], P.forget_mult,
                                                           P.forget_shift)) +
                                  detail::sat16(requantize(gi[j] * gc[j], P.input_mult,
                                                           P.input_shift)));
        if (P.clip)
          v = clamp_i32(v, -P.cell_clip, P.cell_clip);
        c[j] = static_cast<int16_t>(v);
        const int32_t th = tflite_tanh_s16(v, P.tanh_mult, P.tanh_shift);
        const int32_t hv = requantize(th * go[j], P.hidden_mult, P.hidden_shift) + P.hidden_zero;
        h[j] = static_cast<int8_t>(clamp_i32(hv, -128, 127));
        yt[j] = h[j];
      }
    }
  }
}

} // namespace edgec
