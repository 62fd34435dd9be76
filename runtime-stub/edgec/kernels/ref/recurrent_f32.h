// edgec reference kernel: RNN, GRU and LSTM layers over a whole sequence
// (ONNX RNN / GRU / LSTM, sequence-major).
//
// One call runs every step of every direction. Shapes (D directions, G gates,
// H hidden): x [T, B, I], w [D, G*H, I], r [D, G*H, H], bias [D, 2*G*H],
// h0 / c0 [D, B, H], peepholes [D, 3*H] (i, o, f), lens [B]. The output packs
// Y (rows 0 .. T-1), the final hidden state (row T) and, for an LSTM, the
// final cell state (row T + 1) as [T + S, D, B, H]; the state rows double as
// the running state, so the layer needs only a small scratch.
#pragma once

#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

enum RecurrentActivation : int8_t {
  kActSigmoid,
  kActTanh,
  kActRelu,
  kActAffine,
  kActLeakyRelu,
  kActThresholdedRelu,
  kActScaledTanh,
  kActHardSigmoid,
  kActElu,
  kActSoftsign,
  kActSoftplus,
};

enum RecurrentCell : int8_t { kCellRnn, kCellGru, kCellLstm };

struct RecurrentActivationSpec {
  RecurrentActivation kind;
  float alpha, beta;
};

struct RecurrentParams {
  int32_t seq, batch, input, hidden, directions;
  RecurrentCell cell;
  bool reverse; ///< a single direction that runs from the last step
  float clip;   ///< > 0: pre-activations are clamped to [-clip, clip]
  bool input_forget, linear_before_reset;
  /// Per direction: f (all cells), g (GRU, LSTM), h (LSTM).
  RecurrentActivationSpec act[2][3];
};

template <const RecurrentParams &P> constexpr int32_t recurrent_gates() {
  return P.cell == kCellLstm ? 4 : P.cell == kCellGru ? 3 : 1;
}

/// Bytes of scratch: one batch row's gate pre-activations and, for a GRU,
/// the reset-gated hidden state.
template <const RecurrentParams &P> constexpr size_t recurrent_f32_scratch_size() {
  return sizeof(float) * static_cast<size_t>(recurrent_gates<P>() * P.hidden + P.hidden);
}

namespace detail {

template <RecurrentActivationSpec A, float Clip> EDGEC_ALWAYS_INLINE float recurrent_act(float x) {
  if constexpr (Clip > 0)
    x = x < -Clip ? -Clip : (x > Clip ? Clip : x);
  if constexpr (A.kind == kActSigmoid)
    return 1.f / (1.f + expf(-x));
  else if constexpr (A.kind == kActTanh)
    return tanhf(x);
  else if constexpr (A.kind == kActRelu)
    return x > 0.f ? x : 0.f;
  else if constexpr (A.kind == kActAffine)
    return A.alpha * x + A.beta;
  else if constexpr (A.kind == kActLeakyRelu)
    return x < 0.f ? A.alpha * x : x;
  else if constexpr (A.kind == kActThresholdedRelu)
    return x > A.alpha ? x : 0.f;
  else if constexpr (A.kind == kActScaledTanh)
    return A.alpha * tanhf(A.beta * x);
  else if constexpr (A.kind == kActHardSigmoid) {
    const float y = A.alpha * x + A.beta;
    return y < 0.f ? 0.f : (y > 1.f ? 1.f : y);
  } else if constexpr (A.kind == kActElu)
    return x < 0.f ? A.alpha * (expf(x) - 1.f) : x;
  else if constexpr (A.kind == kActSoftsign)
    return x / (1.f + fabsf(x));
  else
    return x > 30.f ? x : log1pf(expf(x));
}

EDGEC_ALWAYS_INLINE float dot_f32(const float *EDGEC_RESTRICT a, const float *EDGEC_RESTRICT b,
                                  ptrdiff_t n) {
  float s = 0.f;
  for (ptrdiff_t k = 0; k < n; ++k)
    s += a[k] * b[k];
  return s;
}

/// One direction D of the layer, all batch rows.
template <const RecurrentParams &P, int D, typename L>
void recurrent_direction(const float *EDGEC_RESTRICT x, const float *EDGEC_RESTRICT w,
                         const float *EDGEC_RESTRICT r, const float *EDGEC_RESTRICT bias,
                         const L *EDGEC_RESTRICT lens, const float *EDGEC_RESTRICT h0,
                         const float *EDGEC_RESTRICT c0, const float *EDGEC_RESTRICT peep,
                         float *EDGEC_RESTRICT out, float *EDGEC_RESTRICT scratch) {
  constexpr ptrdiff_t T = P.seq, B = P.batch, I = P.input, H = P.hidden, G = recurrent_gates<P>();
  constexpr ptrdiff_t rowStride = P.directions * B * H;
  constexpr RecurrentActivationSpec F = P.act[D][0], Gf = P.act[D][1], Hf = P.act[D][2];
  constexpr bool reverse = D == 1 || P.reverse;
  const float *W = w + D * G * H * I, *R = r + D * G * H * H;
  const float *Wb = bias ? bias + D * 2 * G * H : nullptr;
  const float *Rb = bias ? Wb + G * H : nullptr;
  const float *Pp = peep ? peep + D * 3 * H : nullptr;
  float *g = scratch, *gated = scratch + G * H;
  for (ptrdiff_t b = 0; b < B; ++b) {
    float *h = out + T * rowStride + (D * B + b) * H;
    float *c = P.cell == kCellLstm ? out + (T + 1) * rowStride + (D * B + b) * H : h;
    for (ptrdiff_t j = 0; j < H; ++j) {
      h[j] = h0 ? h0[(D * B + b) * H + j] : 0.f;
      if constexpr (P.cell == kCellLstm)
        c[j] = c0 ? c0[(D * B + b) * H + j] : 0.f;
    }
    ptrdiff_t len = T;
    if (lens) {
      len = static_cast<ptrdiff_t>(lens[b]);
      len = len < 0 ? 0 : (len > T ? T : len);
      for (ptrdiff_t t = len; t < T; ++t) // steps past the row's length read as zeros
        memset(out + t * rowStride + (D * B + b) * H, 0, sizeof(float) * H);
    }
    for (ptrdiff_t s = 0; s < len; ++s) {
      const ptrdiff_t t = reverse ? len - 1 - s : s;
      const float *xt = x + (t * B + b) * I;
      // Pre-activations x W^T + Wb + h R^T + Rb (GRU's h gate: no recurrent term yet).
      for (ptrdiff_t q = 0; q < G * H; ++q) {
        float v = dot_f32(W + q * I, xt, I) + (Wb ? Wb[q] : 0.f);
        if (P.cell != kCellGru || q < 2 * H)
          v += dot_f32(R + q * H, h, H) + (Rb ? Rb[q] : 0.f);
        g[q] = v;
      }
      if constexpr (P.cell == kCellRnn) {
        for (ptrdiff_t j = 0; j < H; ++j)
          h[j] = recurrent_act<F, P.clip>(g[j]);
      } else if constexpr (P.cell == kCellGru) { // gates z, r, h
        for (ptrdiff_t j = 0; j < 2 * H; ++j)
          g[j] = recurrent_act<F, P.clip>(g[j]);
        if constexpr (!P.linear_before_reset)
          for (ptrdiff_t k = 0; k < H; ++k)
            gated[k] = g[H + k] * h[k];
        for (ptrdiff_t j = 0; j < H; ++j) {
          const float *Rh = R + (2 * H + j) * H;
          const float rb = Rb ? Rb[2 * H + j] : 0.f;
          const float v = P.linear_before_reset ? g[H + j] * (dot_f32(Rh, h, H) + rb)
                                                : dot_f32(Rh, gated, H) + rb;
          g[2 * H + j] = recurrent_act<Gf, P.clip>(g[2 * H + j] + v);
        }
        for (ptrdiff_t j = 0; j < H; ++j)
          h[j] = (1.f - g[j]) * g[2 * H + j] + g[j] * h[j];
      } else { // LSTM, gates i, o, f, c
        for (ptrdiff_t j = 0; j < H; ++j) {
          const float it = recurrent_act<F, P.clip>(g[j] + (Pp ? Pp[j] * c[j] : 0.f));
          float ft;
          if constexpr (P.input_forget)
            ft = 1.f - it;
          else
            ft = recurrent_act<F, P.clip>(g[2 * H + j] + (Pp ? Pp[2 * H + j] * c[j] : 0.f));
          const float ct = recurrent_act<Gf, P.clip>(g[3 * H + j]);
          c[j] = ft * c[j] + it * ct;
          const float ot = recurrent_act<F, P.clip>(g[H + j] + (Pp ? Pp[H + j] * c[j] : 0.f));
          h[j] = ot * recurrent_act<Hf, P.clip>(c[j]);
        }
      }
      memcpy(out + t * rowStride + (D * B + b) * H, h, sizeof(float) * H);
    }
  }
}

} // namespace detail

/// The layer: every direction over every batch row. `lens` may be null (every
/// row runs all T steps); so may bias, h0, c0 and peep (zeros).
template <const RecurrentParams &P, typename L = int32_t>
void recurrent_f32(const float *EDGEC_RESTRICT x, const float *EDGEC_RESTRICT w,
                   const float *EDGEC_RESTRICT r, const float *EDGEC_RESTRICT bias,
                   const L *EDGEC_RESTRICT lens, const float *EDGEC_RESTRICT h0,
                   const float *EDGEC_RESTRICT c0, const float *EDGEC_RESTRICT peep,
                   float *EDGEC_RESTRICT out, void *EDGEC_RESTRICT scratch) {
  float *s = static_cast<float *>(scratch);
  detail::recurrent_direction<P, 0>(x, w, r, bias, lens, h0, c0, peep, out, s);
  if constexpr (P.directions == 2)
    detail::recurrent_direction<P, 1>(x, w, r, bias, lens, h0, c0, peep, out, s);
}

} // namespace edgec
