// Pooling, softmax and reductions in float.
#pragma once

#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

struct Pool2DParams {
  int32_t planes; ///< batch * channels
  int32_t in_h, in_w, out_h, out_w;
  int32_t kernel_h, kernel_w, stride_h, stride_w;
  int32_t pad_top, pad_left, pad_bottom, pad_right;
  int32_t dilation_h, dilation_w;
  bool count_include_pad;
};

/// Window reducers: start value, combine, and the final value given how many
/// window positions fell inside the image (`count`) and inside the padded
/// image (`padded`; positions ceil_mode adds beyond the padding never count).
struct PoolMax {
  static EDGEC_ALWAYS_INLINE float init() { return -HUGE_VALF; }
  static EDGEC_ALWAYS_INLINE float add(float acc, float v) { return v > acc ? v : acc; }
  static EDGEC_ALWAYS_INLINE float finish(float acc, int32_t, int32_t, bool) { return acc; }
};
struct PoolAverage {
  static EDGEC_ALWAYS_INLINE float init() { return 0.f; }
  static EDGEC_ALWAYS_INLINE float add(float acc, float v) { return acc + v; }
  static EDGEC_ALWAYS_INLINE float finish(float acc, int32_t count, int32_t padded,
                                          bool include_pad) {
    const int32_t d = include_pad ? padded : count;
    return acc / static_cast<float>(d > 0 ? d : 1);
  }
};

template <const Pool2DParams &P, typename Reduce>
inline void pool2d_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t c = 0; c < P.planes; ++c) {
    const float *xp = x + c * P.in_h * P.in_w;
    float *yp = y + c * P.out_h * P.out_w;
    for (ptrdiff_t oh = 0; oh < P.out_h; ++oh)
      for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
        float acc = Reduce::init();
        int32_t count = 0, padded = 0;
        for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
          const ptrdiff_t ih = oh * P.stride_h - P.pad_top + kh * P.dilation_h;
          for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
            const ptrdiff_t iw = ow * P.stride_w - P.pad_left + kw * P.dilation_w;
            if (ih < P.in_h + P.pad_bottom && iw < P.in_w + P.pad_right)
              ++padded;
            if (ih < 0 || ih >= P.in_h || iw < 0 || iw >= P.in_w)
              continue;
            acc = Reduce::add(acc, xp[ih * P.in_w + iw]);
            ++count;
          }
        }
        yp[oh * P.out_w + ow] = Reduce::finish(acc, count, padded, P.count_include_pad);
      }
  }
}

template <const Pool2DParams &P>
inline void max_pool2d_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  pool2d_f32<P, PoolMax>(x, y);
}

template <const Pool2DParams &P>
inline void avg_pool2d_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  pool2d_f32<P, PoolAverage>(x, y);
}

/// MaxPool's Indices: for every output, the flat input index (h * W + w
/// within its plane, or h + w * H when ColumnMajor) of the first window
/// position holding the maximum; a window of only -inf or NaN keeps its first
/// valid position. Padding is never selected.
template <const Pool2DParams &P, bool ColumnMajor>
inline void max_pool2d_indices(const float *EDGEC_RESTRICT x, int64_t *EDGEC_RESTRICT y) {
  for (ptrdiff_t c = 0; c < P.planes; ++c) {
    const float *xp = x + c * P.in_h * P.in_w;
    int64_t *yp = y + c * P.out_h * P.out_w;
    for (ptrdiff_t oh = 0; oh < P.out_h; ++oh)
      for (ptrdiff_t ow = 0; ow < P.out_w; ++ow) {
        ptrdiff_t bh = -1, bw = 0;
        for (ptrdiff_t kh = 0; kh < P.kernel_h; ++kh) {
          const ptrdiff_t ih = oh * P.stride_h - P.pad_top + kh * P.dilation_h;
          if (ih < 0 || ih >= P.in_h)
            continue;
          for (ptrdiff_t kw = 0; kw < P.kernel_w; ++kw) {
            const ptrdiff_t iw = ow * P.stride_w - P.pad_left + kw * P.dilation_w;
            if (iw < 0 || iw >= P.in_w)
              continue;
            if (bh < 0 || xp[ih * P.in_w + iw] > xp[bh * P.in_w + bw]) {
              bh = ih;
              bw = iw;
            }
          }
        }
        const ptrdiff_t within = ColumnMajor ? bh + bw * P.in_h : bh * P.in_w + bw;
        yp[oh * P.out_w + ow] = static_cast<int64_t>(c * P.in_h * P.in_w + within);
      }
  }
}

/// Mean of each of `planes` contiguous runs of `size` elements.
struct GlobalPoolParams {
  int32_t planes, size;
};

template <const GlobalPoolParams &P>
inline void global_avg_pool_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t c = 0; c < P.planes; ++c) {
    float s = 0.f;
    for (ptrdiff_t i = 0; i < P.size; ++i)
      s += x[c * P.size + i];
    y[c] = s / static_cast<float>(P.size);
  }
}

/// Softmax over the middle dimension of [outer, len, inner].
struct SoftmaxParams {
  int32_t outer, len, inner;
};

/// The largest of `len` values `inner` apart.
inline float strided_max(const float *EDGEC_RESTRICT x, ptrdiff_t len, ptrdiff_t inner) {
  float m = -HUGE_VALF;
  for (ptrdiff_t k = 0; k < len; ++k)
    m = x[k * inner] > m ? x[k * inner] : m;
  return m;
}

/// Softmax over the middle dimension or, with Log, its logarithm
/// x - max - log(sum(exp(x - max))).
template <const SoftmaxParams &P, bool Log = false>
inline void softmax_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t i = 0; i < P.inner; ++i) {
      const float *xp = x + o * P.len * P.inner + i;
      float *yp = y + o * P.len * P.inner + i;
      const float m = strided_max(xp, P.len, P.inner);
      float s = 0.f;
      for (ptrdiff_t k = 0; k < P.len; ++k) {
        const float e = expf(xp[k * P.inner] - m);
        if constexpr (!Log)
          yp[k * P.inner] = e;
        s += e;
      }
      if constexpr (Log) {
        const float l = m + logf(s);
        for (ptrdiff_t k = 0; k < P.len; ++k)
          yp[k * P.inner] = xp[k * P.inner] - l;
      } else {
        const float r = 1.f / s;
        for (ptrdiff_t k = 0; k < P.len; ++k)
          yp[k * P.inner] *= r;
      }
    }
}

/// 1 at the first maximum of the middle dimension, 0 elsewhere.
template <const SoftmaxParams &P>
inline void hardmax_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t i = 0; i < P.inner; ++i) {
      const float *xp = x + o * P.len * P.inner + i;
      float *yp = y + o * P.len * P.inner + i;
      ptrdiff_t best = 0;
      for (ptrdiff_t k = 1; k < P.len; ++k)
        if (xp[k * P.inner] > xp[best * P.inner])
          best = k;
      for (ptrdiff_t k = 0; k < P.len; ++k)
        yp[k * P.inner] = k == best ? 1.f : 0.f;
    }
}

/// Index of the first (or, with Last, the last) maximum / minimum of the
/// middle dimension of [outer, len, inner], as int64.
template <const SoftmaxParams &P, bool IsMax, bool Last, typename T>
inline void arg_extreme(const T *EDGEC_RESTRICT x, int64_t *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t i = 0; i < P.inner; ++i) {
      const T *xp = x + o * P.len * P.inner + i;
      ptrdiff_t best = 0;
      for (ptrdiff_t k = 1; k < P.len; ++k) {
        const T v = xp[k * P.inner], w = xp[best * P.inner];
        const bool better = IsMax ? (Last ? v >= w : v > w) : (Last ? v <= w : v < w);
        if (better)
          best = k;
      }
      y[o * P.inner + i] = best;
    }
}

/// Reduction over the middle dimension of [outer, len, inner]; the compiler
/// transposes nothing: non-adjacent axes are reduced one group at a time.
struct ReduceParams {
  int32_t outer, len, inner;
};

// What a reduction accumulates and how it finishes; `n` is the reduced count.
struct ReduceSum {
  static constexpr float init = 0.f;
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return a + x; }
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t) { return a; }
};
struct ReduceMean : ReduceSum {
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t n) { return a / static_cast<float>(n); }
};
struct ReduceMax {
  static constexpr float init = -HUGE_VALF;
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return x > a ? x : a; }
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t) { return a; }
};
struct ReduceMin {
  static constexpr float init = HUGE_VALF;
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return x < a ? x : a; }
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t) { return a; }
};
struct ReduceProd {
  static constexpr float init = 1.f;
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return a * x; }
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t) { return a; }
};
struct ReduceL1 : ReduceSum {
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return a + fabsf(x); }
};
struct ReduceSumSquare : ReduceSum {
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return a + x * x; }
};
struct ReduceL2 : ReduceSumSquare {
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t) { return sqrtf(a); }
};
struct ReduceLogSum : ReduceSum {
  static EDGEC_ALWAYS_INLINE float finish(float a, int32_t) { return logf(a); }
};
struct ReduceLogSumExp : ReduceLogSum {
  static EDGEC_ALWAYS_INLINE float step(float a, float x) { return a + expf(x); }
};

template <typename R, const ReduceParams &P>
inline void reduce_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o) {
    float *yp = y + o * P.inner;
    for (ptrdiff_t i = 0; i < P.inner; ++i)
      yp[i] = R::init;
    for (ptrdiff_t k = 0; k < P.len; ++k) {
      const float *xp = x + (o * P.len + k) * P.inner;
      for (ptrdiff_t i = 0; i < P.inner; ++i)
        yp[i] = R::step(yp[i], xp[i]);
    }
    for (ptrdiff_t i = 0; i < P.inner; ++i)
      yp[i] = R::finish(yp[i], P.len);
  }
}

/// ONNX Reduce* whose `axes` is computed at run time, into the model's
/// declared result shape: the result's elements are the input's non-reduced
/// positions in order (keepdims only changes the shape). Negative axes count
/// from the end and repeats count once, as ONNX says; an axis out of range is
/// ignored and an output position past `out_size` clamped, so axes that do
/// not give the declared shape never address memory outside either tensor
/// (the evaluator refuses them).
struct ReduceAxesParams {
  int32_t rank, naxes, out_size;
  int32_t dims[kMaxRank];
};

template <typename R, const ReduceAxesParams &P>
inline void reduce_runtime_axes_f32(const float *EDGEC_RESTRICT x,
                                    const int64_t *EDGEC_RESTRICT axes,
                                    float *EDGEC_RESTRICT y) {
  uint32_t mask = 0;
  for (int32_t k = 0; k < P.naxes; ++k) {
    int64_t a = axes[k] < 0 ? axes[k] + P.rank : axes[k];
    if (a >= 0 && a < P.rank)
      mask |= 1u << a;
  }
  int32_t n = 1;
  ptrdiff_t total = 1;
  for (int32_t d = 0; d < P.rank; ++d) {
    total *= P.dims[d];
    if ((mask >> d) & 1u)
      n *= P.dims[d];
  }
  if (P.out_size == 0)
    return;
  for (ptrdiff_t o = 0; o < P.out_size; ++o)
    y[o] = R::init;
  ptrdiff_t c[kMaxRank] = {};
  for (ptrdiff_t k = 0; k < total; ++k) {
    ptrdiff_t o = 0;
    for (int32_t d = 0; d < P.rank; ++d)
      if (!((mask >> d) & 1u))
        o = o * P.dims[d] + c[d];
    if (o >= P.out_size)
      o = P.out_size - 1;
    y[o] = R::step(y[o], x[k]);
    for (int32_t d = P.rank - 1; d >= 0 && ++c[d] == P.dims[d]; --d)
      c[d] = 0;
  }
  for (ptrdiff_t o = 0; o < P.out_size; ++o)
    y[o] = R::finish(y[o], n);
}

} // namespace edgec
