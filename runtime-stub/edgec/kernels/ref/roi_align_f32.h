// edgec reference kernel: RoiAlign (ONNX RoiAlign-10/16, ONNX Runtime's
// algorithm): every region's output_h x output_w bins average (or take the
// maximum of) a grid of bilinear samples of its image.
#pragma once

#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

struct RoiAlignParams {
  int32_t n, c, h, w, rois, out_h, out_w;
  int32_t sampling_ratio; ///< samples per bin side; 0: ceil(region side / bins)
  float spatial_scale;
  bool half_pixel; ///< shift by -0.5 (ONNX half_pixel); else regions are >= 1 pixel
  bool max_mode;
};

template <const RoiAlignParams &P, typename I>
inline void roi_align_f32(const float *EDGEC_RESTRICT x, const float *EDGEC_RESTRICT rois,
                          const I *EDGEC_RESTRICT batch, float *EDGEC_RESTRICT y) {
  constexpr float off = P.half_pixel ? 0.5f : 0.f;
  for (ptrdiff_t q = 0; q < P.rois; ++q) {
    ptrdiff_t b = static_cast<ptrdiff_t>(batch[q]);
    b = b < 0 ? 0 : (b >= P.n ? P.n - 1 : b); // a bad index reads a valid image
    const float *roi = rois + q * 4;
    const float x0 = roi[0] * P.spatial_scale - off, y0 = roi[1] * P.spatial_scale - off;
    float rw = roi[2] * P.spatial_scale - off - x0, rh = roi[3] * P.spatial_scale - off - y0;
    if constexpr (!P.half_pixel) {
      rw = rw > 1.f ? rw : 1.f;
      rh = rh > 1.f ? rh : 1.f;
    }
    const float bh = rh / P.out_h, bw = rw / P.out_w;
    // An adaptive grid from a huge or NaN region is bounded to the image.
    auto grid = [](float side, int32_t bins, int32_t limit) -> ptrdiff_t {
      if (P.sampling_ratio > 0)
        return P.sampling_ratio;
      const float g = ceilf(side / bins);
      return g >= 1.f ? (g < limit ? static_cast<ptrdiff_t>(g) : limit) : 0;
    };
    const ptrdiff_t gh = grid(rh, P.out_h, P.h), gw = grid(rw, P.out_w, P.w);
    const float count = static_cast<float>(gh * gw > 0 ? gh * gw : 1);
    for (ptrdiff_t c = 0; c < P.c; ++c) {
      const float *plane = x + (b * P.c + c) * P.h * P.w;
      float *out = y + (q * P.c + c) * P.out_h * P.out_w;
      for (ptrdiff_t i = 0; i < P.out_h; ++i)
        for (ptrdiff_t j = 0; j < P.out_w; ++j) {
          float acc = 0.f;
          bool any = false;
          for (ptrdiff_t iy = 0; iy < gh; ++iy)
            for (ptrdiff_t ix = 0; ix < gw; ++ix) {
              float yy = y0 + i * bh + (iy + 0.5f) * bh / gh;
              float xx = x0 + j * bw + (ix + 0.5f) * bw / gw;
              float v = 0.f;
              if (yy >= -1.f && yy <= P.h && xx >= -1.f && xx <= P.w) { // NaN: outside
                yy = yy > 0.f ? yy : 0.f;
                xx = xx > 0.f ? xx : 0.f;
                ptrdiff_t yl = static_cast<ptrdiff_t>(yy), xl = static_cast<ptrdiff_t>(xx), yh, xh;
                if (yl >= P.h - 1) {
                  yh = yl = P.h - 1;
                  yy = static_cast<float>(yl);
                } else {
                  yh = yl + 1;
                }
                if (xl >= P.w - 1) {
                  xh = xl = P.w - 1;
                  xx = static_cast<float>(xl);
                } else {
                  xh = xl + 1;
                }
                const float ly = yy - yl, lx = xx - xl, hy = 1.f - ly, hx = 1.f - lx;
                const float t1 = hy * hx * plane[yl * P.w + xl], t2 = hy * lx * plane[yl * P.w + xh];
                const float t3 = ly * hx * plane[yh * P.w + xl], t4 = ly * lx * plane[yh * P.w + xh];
                if constexpr (P.max_mode) {
                  const float m1 = t1 > t2 ? t1 : t2, m2 = t3 > t4 ? t3 : t4;
                  v = m1 > m2 ? m1 : m2;
                } else {
                  v = t1 + t2 + t3 + t4;
                }
              }
              if constexpr (P.max_mode)
                acc = any ? (v > acc ? v : acc) : v;
              else
                acc += v;
              any = true;
            }
          out[i * P.out_w + j] = P.max_mode ? acc : acc / count;
        }
    }
  }
}

} // namespace edgec
