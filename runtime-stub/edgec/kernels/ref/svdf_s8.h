// Integer SVDF (TFLite's SVDF, TFLite-Micro's integer arithmetic) with its
// state kept in the arena between runs.
#pragma once

#include <string.h>

#include "edgec/quant.h"
#include "edgec/runtime.h"

namespace edgec {

struct SvdfS8Params {
  int32_t batch, inputs, filters, memory, rank;
  int32_t in_zero, state_zero, out_zero;
  int32_t feature_mult, feature_shift; ///< s_x s_wf / s_state
  int32_t out_mult, out_shift;         ///< s_state s_wt / s_y
};

/// One step: the state ([batch, filters * memory], each filter's `memory`
/// slots oldest first) moves one slot left; each filter's newest slot takes
/// weights_feature x (x - in_zero), requantized into the state's type; each
/// unit sums bias and, over its `rank` filters and all slots,
/// weights_time x (state - state_zero), requantized to int8. Sums are int32
/// and wrap, as TFLite-Micro's do on a two's complement core.
/// TState is int8_t or int16_t: the state's and weights_time's storage.
template <const SvdfS8Params &P, typename TState>
inline void svdf_s8(const int8_t *EDGEC_RESTRICT x, const int8_t *EDGEC_RESTRICT wf,
                    const TState *EDGEC_RESTRICT wt, const int32_t *EDGEC_RESTRICT bias,
                    TState *EDGEC_RESTRICT state, int8_t *EDGEC_RESTRICT y) {
  constexpr ptrdiff_t span = static_cast<ptrdiff_t>(P.filters) * P.memory;
  constexpr ptrdiff_t units = P.filters / P.rank;
  for (ptrdiff_t b = 0; b < P.batch; ++b) {
    TState *s = state + b * span;
    const int8_t *xb = x + b * P.inputs;
    memmove(s, s + 1, static_cast<size_t>(span - 1) * sizeof(TState));
    for (ptrdiff_t f = 0; f < P.filters; ++f) {
      const int8_t *w = wf + f * P.inputs;
      uint32_t dot = 0;
      for (ptrdiff_t c = 0; c < P.inputs; ++c)
        dot += static_cast<uint32_t>(w[c] * (xb[c] - P.in_zero));
      const int32_t v =
          requantize(static_cast<int32_t>(dot), P.feature_mult, P.feature_shift) + P.state_zero;
      s[f * P.memory + P.memory - 1] =
          static_cast<TState>(clamp_i32(v, QuantType<TState>::min, QuantType<TState>::max));
    }
    for (ptrdiff_t u = 0; u < units; ++u) {
      uint32_t acc = bias ? static_cast<uint32_t>(bias[u]) : 0u;
      const TState *sf = s + u * P.rank * P.memory;
      const TState *wu = wt + u * P.rank * P.memory;
      for (ptrdiff_t k = 0; k < P.rank * P.memory; ++k)
        acc += static_cast<uint32_t>(wu[k] * (sf[k] - P.state_zero));
      y[b * units + u] = static_cast<int8_t>(clamp_i32(
          requantize(static_cast<int32_t>(acc), P.out_mult, P.out_shift) + P.out_zero, -128, 127));
    }
  }
}

} // namespace edgec
