// edgec reference kernel: determinants (ONNX Det) of `count` contiguous
// M x M float matrices, by LU decomposition with partial pivoting on a copy.
#pragma once

#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

struct DetParams {
  int32_t count, m;
};

/// Bytes of scratch: one matrix to factor in place.
template <const DetParams &P> constexpr size_t det_f32_scratch_size() {
  return sizeof(float) * static_cast<size_t>(P.m) * static_cast<size_t>(P.m);
}

template <const DetParams &P>
inline void det_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y,
                    void *EDGEC_RESTRICT scratch) {
  constexpr ptrdiff_t M = P.m;
  float *a = static_cast<float *>(scratch);
  for (ptrdiff_t q = 0; q < P.count; ++q) {
    memcpy(a, x + q * M * M, sizeof(float) * M * M);
    float d = 1.f;
    for (ptrdiff_t col = 0; col < M; ++col) {
      ptrdiff_t piv = col;
      for (ptrdiff_t row = col + 1; row < M; ++row)
        if (fabsf(a[row * M + col]) > fabsf(a[piv * M + col]))
          piv = row;
      if (a[piv * M + col] == 0.f) {
        d = 0.f;
        break;
      }
      if (piv != col) {
        for (ptrdiff_t k = 0; k < M; ++k) {
          const float t = a[piv * M + k];
          a[piv * M + k] = a[col * M + k];
          a[col * M + k] = t;
        }
        d = -d;
      }
      d *= a[col * M + col];
      for (ptrdiff_t row = col + 1; row < M; ++row) {
        const float f = a[row * M + col] / a[col * M + col];
        for (ptrdiff_t k = col; k < M; ++k)
          a[row * M + k] -= f * a[col * M + k];
      }
    }
    y[q] = d;
  }
}

} // namespace edgec
