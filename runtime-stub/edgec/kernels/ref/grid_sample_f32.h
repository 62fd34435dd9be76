// edgec reference kernel: GridSample (ONNX GridSample-16, PyTorch's
// grid_sample): output[n, c, i, j] interpolates input[n, c] at the grid's
// normalized location grid[n, i, j] = (x, y) in [-1, 1].
#pragma once

#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

enum SampleMode : int8_t { kSampleBilinear, kSampleNearest, kSampleBicubic };
enum SamplePadding : int8_t { kPadZeros, kPadBorder, kPadReflection };

struct GridSampleParams {
  int32_t n, c, h, w, out_h, out_w;
  SampleMode mode;
  SamplePadding padding;
  bool align_corners;
};

namespace detail {

/// Reflects v into [twice_low / 2, twice_high / 2] (PyTorch's reflect_coordinates).
EDGEC_ALWAYS_INLINE float reflect_coordinate(float v, float twice_low, float twice_high) {
  if (twice_low == twice_high)
    return 0.f;
  const float lo = twice_low / 2, span = (twice_high - twice_low) / 2;
  v = fabsf(v - lo);
  const float extra = fmodf(v, span), flips = floorf(v / span);
  return fmodf(flips, 2.f) == 0.f ? extra + lo : span - extra + lo;
}

/// A coordinate in input pixels after the padding mode (zeros leaves it).
template <const GridSampleParams &P> EDGEC_ALWAYS_INLINE float pad_coordinate(float v, int32_t size) {
  if constexpr (P.padding == kPadZeros) {
    return v;
  } else {
    if constexpr (P.padding == kPadReflection)
      v = P.align_corners ? reflect_coordinate(v, 0.f, 2.f * (size - 1))
                          : reflect_coordinate(v, -1.f, 2.f * size - 1);
    const float hi = static_cast<float>(size - 1);
    return v < 0.f ? 0.f : (v > hi ? hi : v);
  }
}

/// The input value at integral (y, x), 0 outside the plane (NaN included).
template <const GridSampleParams &P>
EDGEC_ALWAYS_INLINE float sample_tap(const float *EDGEC_RESTRICT plane, float y, float x) {
  if (!(y >= 0.f && y <= P.h - 1 && x >= 0.f && x <= P.w - 1))
    return 0.f;
  return plane[static_cast<ptrdiff_t>(y) * P.w + static_cast<ptrdiff_t>(x)];
}

EDGEC_ALWAYS_INLINE void cubic_weights(float t, float *wt) {
  constexpr float a = -0.75f;
  const float t1 = t + 1.f, t2 = 1.f - t, t3 = 2.f - t;
  wt[0] = ((a * t1 - 5.f * a) * t1 + 8.f * a) * t1 - 4.f * a;
  wt[1] = ((a + 2.f) * t - (a + 3.f)) * t * t + 1.f;
  wt[2] = ((a + 2.f) * t2 - (a + 3.f)) * t2 * t2 + 1.f;
  wt[3] = ((a * t3 - 5.f * a) * t3 + 8.f * a) * t3 - 4.f * a;
}

} // namespace detail

template <const GridSampleParams &P>
inline void grid_sample_f32(const float *EDGEC_RESTRICT x, const float *EDGEC_RESTRICT grid,
                            float *EDGEC_RESTRICT y) {
  for (ptrdiff_t b = 0; b < P.n; ++b)
    for (ptrdiff_t i = 0; i < P.out_h; ++i)
      for (ptrdiff_t j = 0; j < P.out_w; ++j) {
        const float *g = grid + ((b * P.out_h + i) * P.out_w + j) * 2;
        // Unnormalize: pixel centres of the corners (align_corners) or their edges.
        const float gx = P.align_corners ? (g[0] + 1.f) / 2.f * (P.w - 1)
                                         : ((g[0] + 1.f) * P.w - 1.f) / 2.f;
        const float gy = P.align_corners ? (g[1] + 1.f) / 2.f * (P.h - 1)
                                         : ((g[1] + 1.f) * P.h - 1.f) / 2.f;
        float *out = y + (b * P.c * P.out_h + i) * P.out_w + j;
        const float *in = x + b * P.c * P.h * P.w;
        if constexpr (P.mode == kSampleBicubic) {
          const float x0 = floorf(gx), y0 = floorf(gy);
          float cx[4], cy[4];
          detail::cubic_weights(gx - x0, cx);
          detail::cubic_weights(gy - y0, cy);
          for (ptrdiff_t c = 0; c < P.c; ++c) {
            const float *plane = in + c * P.h * P.w;
            float v = 0.f;
            for (int q = 0; q < 4; ++q)
              for (int p = 0; p < 4; ++p) {
                const float tx = detail::pad_coordinate<P>(x0 - 1.f + p, P.w);
                const float ty = detail::pad_coordinate<P>(y0 - 1.f + q, P.h);
                v += cy[q] * cx[p] * detail::sample_tap<P>(plane, ty, tx);
              }
            out[c * P.out_h * P.out_w] = v;
          }
        } else {
          const float px = detail::pad_coordinate<P>(gx, P.w);
          const float py = detail::pad_coordinate<P>(gy, P.h);
          if constexpr (P.mode == kSampleNearest) {
            const float nx = nearbyintf(px), ny = nearbyintf(py); // ties to even
            for (ptrdiff_t c = 0; c < P.c; ++c)
              out[c * P.out_h * P.out_w] = detail::sample_tap<P>(in + c * P.h * P.w, ny, nx);
          } else {
            const float x0 = floorf(px), y0 = floorf(py), fx = px - x0, fy = py - y0;
            for (ptrdiff_t c = 0; c < P.c; ++c) {
              const float *plane = in + c * P.h * P.w;
              out[c * P.out_h * P.out_w] =
                  detail::sample_tap<P>(plane, y0, x0) * (1.f - fx) * (1.f - fy) +
                  detail::sample_tap<P>(plane, y0, x0 + 1.f) * fx * (1.f - fy) +
                  detail::sample_tap<P>(plane, y0 + 1.f, x0) * (1.f - fx) * fy +
                  detail::sample_tap<P>(plane, y0 + 1.f, x0 + 1.f) * fx * fy;
            }
          }
        }
      }
}

} // namespace edgec
