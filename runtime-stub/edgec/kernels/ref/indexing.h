// edgec reference kernels: indexing with run-time indices (Gather,
// GatherElements, GatherND, ScatterElements, ScatterND), running sums, TopK
// and the one-axis resampling Resize and ConvTranspose lower to.
//
// Indices come from the model at run time. ONNX leaves an out-of-range index
// undefined; these kernels clamp every index into its axis, so a bad index
// reads or writes a valid element and never memory outside the tensor.
#pragma once

#include "edgec/quant.h"
#include "edgec/runtime.h"

namespace edgec {

namespace detail {

/// An index in [-len, len) made non-negative; anything else clamped into [0, len).
template <typename I> inline ptrdiff_t wrap_index(I v, ptrdiff_t len) {
  ptrdiff_t i = static_cast<ptrdiff_t>(v);
  if (i < 0)
    i += len;
  return i < 0 ? 0 : (i >= len ? len - 1 : i);
}

enum Reduction : int { kReduceNone, kReduceAdd, kReduceMul, kReduceMax, kReduceMin };

template <int R, typename T> inline void combine(T &dst, T v) {
  if constexpr (R == kReduceAdd)
    dst = static_cast<T>(dst + v);
  else if constexpr (R == kReduceMul)
    dst = static_cast<T>(dst * v);
  else if constexpr (R == kReduceMax)
    dst = dst < v ? v : dst;
  else if constexpr (R == kReduceMin)
    dst = v < dst ? v : dst;
  else
    dst = v;
}

/// Calls f(k, coords) for every position of dims[kMaxRank] in row-major order.
template <typename F> inline void for_each_position(const int32_t *dims, F &&f) {
  ptrdiff_t c[kMaxRank] = {}, k = 0;
  for (c[0] = 0; c[0] < dims[0]; ++c[0])
    for (c[1] = 0; c[1] < dims[1]; ++c[1])
      for (c[2] = 0; c[2] < dims[2]; ++c[2])
        for (c[3] = 0; c[3] < dims[3]; ++c[3])
          for (c[4] = 0; c[4] < dims[4]; ++c[4])
            for (c[5] = 0; c[5] < dims[5]; ++c[5])
              f(k++, c);
}

} // namespace detail

using detail::kReduceAdd;
using detail::kReduceMax;
using detail::kReduceMin;
using detail::kReduceMul;
using detail::kReduceNone;

/// y[0 .. N) = v: the base of a scatter onto a constant of equal elements.
template <ptrdiff_t N, typename T> inline void fill(T *EDGEC_RESTRICT y, T v) {
  for (ptrdiff_t k = 0; k < N; ++k)
    y[k] = v;
}

/// Gather along one axis of [outer, axis_len, inner] with run-time indices.
struct GatherDynamicParams {
  int32_t outer, axis_len, inner, num_indices;
};

template <const GatherDynamicParams &P, typename T, typename I>
inline void gather_dynamic(const T *EDGEC_RESTRICT x, const I *EDGEC_RESTRICT idx,
                           T *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t j = 0; j < P.num_indices; ++j) {
      const T *src = x + (o * P.axis_len + detail::wrap_index(idx[j], P.axis_len)) * P.inner;
      for (ptrdiff_t c = 0; c < P.inner; ++c)
        *y++ = src[c];
    }
}

/// GatherElements: dims are the indices' (= output's) shape, padded to kMaxRank.
struct GatherElementsParams {
  int32_t dims[kMaxRank];
  int32_t in_strides[kMaxRank];
  int32_t axis, axis_len;
};

template <const GatherElementsParams &P, typename T, typename I>
inline void gather_elements(const T *EDGEC_RESTRICT x, const I *EDGEC_RESTRICT idx,
                            T *EDGEC_RESTRICT y) {
  detail::for_each_position(P.dims, [&](ptrdiff_t k, const ptrdiff_t *c) {
    ptrdiff_t off = 0;
    for (int d = 0; d < kMaxRank; ++d)
      off += (d == P.axis ? detail::wrap_index(idx[k], P.axis_len) : c[d]) * P.in_strides[d];
    y[k] = x[off];
  });
}

/// ScatterElements: dims are the indices' shape, strides the data's.
struct ScatterElementsParams {
  int32_t size; ///< elements of data
  int32_t dims[kMaxRank];
  int32_t strides[kMaxRank];
  int32_t axis, axis_len;
};

template <const ScatterElementsParams &P, int R, typename T, typename I>
inline void scatter_elements(const T *x, const I *EDGEC_RESTRICT idx,
                             const T *EDGEC_RESTRICT upd, T *y) {
  if (x != y)
    for (ptrdiff_t k = 0; k < P.size; ++k)
      y[k] = x[k];
  detail::for_each_position(P.dims, [&](ptrdiff_t k, const ptrdiff_t *c) {
    ptrdiff_t off = 0;
    for (int d = 0; d < kMaxRank; ++d)
      off += (d == P.axis ? detail::wrap_index(idx[k], P.axis_len) : c[d]) * P.strides[d];
    detail::combine<R>(y[off], upd[k]);
  });
}

/// GatherND / ScatterND: index tuples of length q address the dimensions
/// (lens, strides) after the shared batch dimensions; each selects `slice`
/// contiguous elements.
struct IndexTupleParams {
  int32_t batches, tuples_per_batch, q, slice, batch_stride, size;
  int32_t lens[kMaxRank];
  int32_t strides[kMaxRank];
};

template <const IndexTupleParams &P, typename T, typename I>
inline void gather_nd(const T *EDGEC_RESTRICT x, const I *EDGEC_RESTRICT idx,
                      T *EDGEC_RESTRICT y) {
  for (ptrdiff_t b = 0; b < P.batches; ++b)
    for (ptrdiff_t t = 0; t < P.tuples_per_batch; ++t, idx += P.q) {
      ptrdiff_t off = b * P.batch_stride;
      for (ptrdiff_t d = 0; d < P.q; ++d)
        off += detail::wrap_index(idx[d], P.lens[d]) * P.strides[d];
      for (ptrdiff_t e = 0; e < P.slice; ++e)
        *y++ = x[off + e];
    }
}

template <const IndexTupleParams &P, int R, typename T, typename I>
inline void scatter_nd(const T *x, const I *EDGEC_RESTRICT idx, const T *EDGEC_RESTRICT upd,
                       T *y) {
  if (x != y)
    for (ptrdiff_t k = 0; k < P.size; ++k)
      y[k] = x[k];
  for (ptrdiff_t t = 0; t < P.tuples_per_batch; ++t, idx += P.q, upd += P.slice) {
    ptrdiff_t off = 0;
    for (ptrdiff_t d = 0; d < P.q; ++d)
      off += detail::wrap_index(idx[d], P.lens[d]) * P.strides[d];
    for (ptrdiff_t e = 0; e < P.slice; ++e)
      detail::combine<R>(y[off + e], upd[e]);
  }
}

/// Axis-wise operations over [outer, len, inner].
struct AxisParams {
  int32_t outer, len, inner;
};

namespace detail {
/// a + b and a * b wrapping around the width for integers (computed in
/// uint64_t: signed overflow would be undefined), plain for floats.
template <typename T> EDGEC_ALWAYS_INLINE T wrapping_add(T a, T b) {
  if constexpr (static_cast<T>(0.5) == static_cast<T>(0))
    return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  else
    return static_cast<T>(a + b);
}
template <typename T> EDGEC_ALWAYS_INLINE T wrapping_mul(T a, T b) {
  if constexpr (static_cast<T>(0.5) == static_cast<T>(0))
    return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
  else
    return static_cast<T>(a * b);
}

/// The running sum (Product false, from 0) or product (from 1) along the
/// axis: exclusive, without the element itself; reverse, from the end.
template <const AxisParams &P, bool Exclusive, bool Reverse, bool Product, typename T>
inline void running(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t c = 0; c < P.inner; ++c) {
      T s = static_cast<T>(Product ? 1 : 0);
      for (ptrdiff_t j = 0; j < P.len; ++j) {
        const ptrdiff_t jj = Reverse ? P.len - 1 - j : j;
        const ptrdiff_t k = (o * P.len + jj) * P.inner + c;
        const T v = x[k];
        const T next = Product ? wrapping_mul(s, v) : wrapping_add(s, v);
        y[k] = Exclusive ? s : next;
        s = next;
      }
    }
}
} // namespace detail

/// ONNX CumSum.
template <const AxisParams &P, bool Exclusive, bool Reverse, typename T>
inline void cumsum(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  detail::running<P, Exclusive, Reverse, false>(x, y);
}

/// ONNX CumProd.
template <const AxisParams &P, bool Exclusive, bool Reverse, typename T>
inline void cumprod(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  detail::running<P, Exclusive, Reverse, true>(x, y);
}

/// Indices of the K most extreme elements along the axis, most extreme
/// first; ties keep the lower index first. Insertion into the output itself,
/// O(len * K), no scratch.
template <const AxisParams &P, int32_t K, bool Largest, typename T>
inline void top_k_indices(const T *EDGEC_RESTRICT x, int64_t *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t c = 0; c < P.inner; ++c) {
      const T *line = x + o * P.len * P.inner + c;
      int64_t *out = y + o * K * P.inner + c;
      ptrdiff_t n = 0;
      for (ptrdiff_t j = 0; j < P.len; ++j) {
        const T v = line[j * P.inner];
        // Position after every kept element at least as extreme as v.
        ptrdiff_t pos = n;
        while (pos > 0) {
          const T w = line[out[(pos - 1) * P.inner] * P.inner];
          if (Largest ? !(v > w) : !(v < w))
            break;
          --pos;
        }
        if (pos >= K)
          continue;
        for (ptrdiff_t m = (n < K ? n : K - 1); m > pos; --m)
          out[m * P.inner] = out[(m - 1) * P.inner];
        out[pos * P.inner] = j;
        if (n < K)
          ++n;
      }
    }
}

/// Weighted taps along one axis: for output position j, the sum over t of
/// weights[j*taps+t] * x[.., indices[j*taps+t], ..]; index -1 is no tap and
/// a first index of -2 makes the output `fill`.
struct ResampleParams {
  int32_t outer, len, out_len, inner, taps;
  const int32_t *indices;
  const float *weights;
  float fill;
};

template <const ResampleParams &P>
inline void resample_f32(const float *EDGEC_RESTRICT x, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o) {
    const float *xo = x + o * P.len * P.inner;
    for (ptrdiff_t j = 0; j < P.out_len; ++j) {
      const int32_t *ind = P.indices + j * P.taps;
      const float *w = P.weights + j * P.taps;
      float *yj = y + (o * P.out_len + j) * P.inner;
      if (ind[0] == -2) {
        for (ptrdiff_t c = 0; c < P.inner; ++c)
          yj[c] = P.fill;
        continue;
      }
      for (ptrdiff_t c = 0; c < P.inner; ++c) {
        float s = 0;
        for (ptrdiff_t t = 0; t < P.taps; ++t)
          if (ind[t] >= 0)
            s += w[t] * xo[ind[t] * P.inner + c];
        yj[c] = s;
      }
    }
  }
}

/// edge.resample on int8 / int16 data whose input and output share a zero
/// point: y = zero + ((sum_t w[t] * (x - zero) + 2^13) >> 14) with Q14
/// integer weights (quant::resampleWeightsQ14), saturated; `fill` is already
/// quantized.
struct ResampleS8Params {
  int32_t outer, len, out_len, inner, taps;
  const int32_t *indices;
  const int32_t *weights;
  int32_t zero, fill;
};

template <const ResampleS8Params &P, typename T>
inline void resample_s8(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  using Acc = typename AccOf<T>::type;
  for (ptrdiff_t o = 0; o < P.outer; ++o) {
    const T *xo = x + o * P.len * P.inner;
    for (ptrdiff_t j = 0; j < P.out_len; ++j) {
      const int32_t *ind = P.indices + j * P.taps;
      const int32_t *w = P.weights + j * P.taps;
      T *yj = y + (o * P.out_len + j) * P.inner;
      if (ind[0] == -2) {
        for (ptrdiff_t c = 0; c < P.inner; ++c)
          yj[c] = static_cast<T>(P.fill);
        continue;
      }
      for (ptrdiff_t c = 0; c < P.inner; ++c) {
        Acc s = 0;
        for (ptrdiff_t t = 0; t < P.taps; ++t)
          if (ind[t] >= 0)
            s += static_cast<Acc>(w[t]) * (static_cast<int32_t>(xo[ind[t] * P.inner + c]) - P.zero);
        const Acc r = (s + (Acc(1) << 13)) >> 14;
        const Acc v = r + P.zero;
        yj[c] = static_cast<T>(v < QuantType<T>::min ? QuantType<T>::min
                               : v > QuantType<T>::max ? QuantType<T>::max
                                                       : v);
      }
    }
  }
}

} // namespace edgec
