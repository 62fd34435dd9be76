// Layer and RMS normalization in float (edge.layer_norm).
#pragma once

#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

struct LayerNormParams {
  int32_t rows, inner; ///< the input as [rows, inner], each row normalized
  float epsilon;
  bool rms;            ///< x / sqrt(mean(x^2) + eps), no mean subtracted
  bool has_scale, has_bias;
};

/// Each row: its mean (layer norm), the mean square of x - mean, then
/// (x - mean) / sqrt(that + epsilon) * scale[j] + bias[j]. A row is read
/// whole before it is written, so y may be x (in place).
template <const LayerNormParams &P>
inline void layer_norm_f32(const float *x, const float *EDGEC_RESTRICT scale,
                           const float *EDGEC_RESTRICT bias, float *y) {
  const float n = static_cast<float>(P.inner);
  for (ptrdiff_t r = 0; r < P.rows; ++r) {
    const float *xr = x + r * P.inner;
    float *yr = y + r * P.inner;
    float mean = 0.f;
    if constexpr (!P.rms) {
      float s = 0.f;
      for (ptrdiff_t j = 0; j < P.inner; ++j)
        s += xr[j];
      mean = s / n;
    }
    float sq = 0.f;
    for (ptrdiff_t j = 0; j < P.inner; ++j) {
      const float d = xr[j] - mean;
      sq += d * d;
    }
    const float inv = 1.f / sqrtf(sq / n + P.epsilon);
    for (ptrdiff_t j = 0; j < P.inner; ++j) {
      float v = (xr[j] - mean) * inv;
      if constexpr (P.has_scale)
        v *= scale[j];
      if constexpr (P.has_bias)
        v += bias[j];
      yr[j] = v;
    }
  }
}

} // namespace edgec
