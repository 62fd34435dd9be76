// Data movement kernels, generic over the element type: transpose, concat,
// slice, pad, gather, cast. Shapes are padded by the compiler to kMaxRank
// dimensions (leading 1s) so one loop nest serves every rank.
#pragma once

#include "edgec/runtime.h"

namespace edgec {

/// Strided gather: y[i0..i5] = x[sum_k (offset_k + i_k * in_strides[k])].
/// Transpose and slice both lower to it.
struct StridedCopyParams {
  int32_t out_dims[kMaxRank];
  int32_t in_strides[kMaxRank];
  int32_t in_offset;
};

template <const StridedCopyParams &P, typename T>
inline void strided_copy(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  const int32_t *d = P.out_dims, *s = P.in_strides;
  for (ptrdiff_t i0 = 0; i0 < d[0]; ++i0)
    for (ptrdiff_t i1 = 0; i1 < d[1]; ++i1)
      for (ptrdiff_t i2 = 0; i2 < d[2]; ++i2)
        for (ptrdiff_t i3 = 0; i3 < d[3]; ++i3)
          for (ptrdiff_t i4 = 0; i4 < d[4]; ++i4) {
            const T *xp = x + P.in_offset + i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3] +
                          i4 * s[4];
            if constexpr (P.in_strides[5] == 1) {
              for (ptrdiff_t i5 = 0; i5 < d[5]; ++i5)
                *y++ = xp[i5];
            } else {
              for (ptrdiff_t i5 = 0; i5 < d[5]; ++i5)
                *y++ = xp[i5 * s[5]];
            }
          }
}

/// Copies one concat input of `chunk` elements per outer index into the
/// output at column `offset` of rows `row` elements long.
struct ConcatPartParams {
  int32_t outer, chunk, row, offset;
};

template <const ConcatPartParams &P, typename T>
inline void concat_part(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    memcpy(y + o * P.row + P.offset, x + o * P.chunk, sizeof(T) * P.chunk);
}

/// Constant, reflect or edge padding (negative pads crop).
enum PadMode : int32_t { kPadConstant = 0, kPadReflect = 1, kPadEdge = 2 };

struct PadParams {
  int32_t in_dims[kMaxRank];
  int32_t out_dims[kMaxRank];
  int32_t pad_begin[kMaxRank];
  PadMode mode;
  float value; ///< the fill (for int8 tensors: the quantized fill, an exact integer)
};

namespace detail {
/// One element converted as the evaluator does. Float to integer, which C
/// leaves undefined out of range (x86 wraps, Arm saturates): NaN, infinities
/// and values beyond int64 give 0 (uint64 takes [2^63, 2^64) too); others
/// truncate to int64, then wrap to To. Everything else is static_cast.
template <typename To, typename From> EDGEC_ALWAYS_INLINE To cast_value_numeric(From v) {
  constexpr bool floatToInt = static_cast<From>(0.5) != static_cast<From>(0) &&
                              static_cast<To>(0.5) == static_cast<To>(0);
  if constexpr (floatToInt) {
    if (v > -9223372036854775808.0 && v < 9223372036854775808.0)
      return static_cast<To>(static_cast<int64_t>(v));
    if constexpr (sizeof(To) == 8 && static_cast<To>(-1) > static_cast<To>(0))
      if (v >= 9223372036854775808.0 && v < 18446744073709551616.0)
        return static_cast<To>(static_cast<uint64_t>(v));
    return static_cast<To>(0);
  } else {
    return static_cast<To>(v);
  }
}

/// The narrow storage types (edgec/narrow_types.h) convert through float
/// (floats) or int64 (4- and 2-bit integers); `Saturate` is ONNX Cast's
/// attribute, read by the float8 targets only.
template <typename To, bool Saturate = true, typename From>
EDGEC_ALWAYS_INLINE To cast_value(From v) {
  if constexpr (__is_same(From, f16)) {
    return cast_value<To, Saturate>(f16_to_float(v)); // halves convert through float
  } else if constexpr (is_narrow_float<From>) {
    return cast_value<To, Saturate>(narrow_float_value(v));
  } else if constexpr (is_sub_byte<From>) {
    return cast_value<To, Saturate>(v.value);
  } else if constexpr (__is_same(To, f16)) {
    return float_to_f16(static_cast<float>(v));
  } else if constexpr (is_narrow_float<To>) {
    return to_narrow_float<To>(static_cast<float>(v), Saturate);
  } else if constexpr (is_sub_byte<To>) {
    return wrap_sub_byte<To>(cast_value_numeric<int64_t>(v));
  } else {
    return cast_value_numeric<To>(v);
  }
}

/// Source index along one axis, or -1 for a constant-padded position.
EDGEC_ALWAYS_INLINE int32_t pad_source(int32_t o, int32_t begin, int32_t n, PadMode mode) {
  int32_t i = o - begin;
  if (i >= 0 && i < n)
    return i;
  if (mode == kPadConstant)
    return -1;
  if (mode == kPadEdge)
    return i < 0 ? 0 : n - 1;
  const ptrdiff_t period = 2 * (n - 1);
  if (period == 0)
    return 0;
  i %= period;
  if (i < 0)
    i += period;
  return i >= n ? period - i : i;
}
} // namespace detail

template <const PadParams &P, typename T>
inline void pad(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  constexpr T fill = static_cast<T>(P.value);
  const int32_t *od = P.out_dims, *id = P.in_dims;
  int32_t st[kMaxRank];
  st[kMaxRank - 1] = 1;
  for (int k = kMaxRank - 2; k >= 0; --k)
    st[k] = st[k + 1] * id[k + 1];
  int32_t idx[kMaxRank];
  for (ptrdiff_t i0 = 0; i0 < od[0]; ++i0) {
    idx[0] = detail::pad_source(i0, P.pad_begin[0], id[0], P.mode);
    for (ptrdiff_t i1 = 0; i1 < od[1]; ++i1) {
      idx[1] = detail::pad_source(i1, P.pad_begin[1], id[1], P.mode);
      for (ptrdiff_t i2 = 0; i2 < od[2]; ++i2) {
        idx[2] = detail::pad_source(i2, P.pad_begin[2], id[2], P.mode);
        for (ptrdiff_t i3 = 0; i3 < od[3]; ++i3) {
          idx[3] = detail::pad_source(i3, P.pad_begin[3], id[3], P.mode);
          for (ptrdiff_t i4 = 0; i4 < od[4]; ++i4) {
            idx[4] = detail::pad_source(i4, P.pad_begin[4], id[4], P.mode);
            const bool outer_pad =
                idx[0] < 0 || idx[1] < 0 || idx[2] < 0 || idx[3] < 0 || idx[4] < 0;
            const ptrdiff_t base =
                idx[0] * st[0] + idx[1] * st[1] + idx[2] * st[2] + idx[3] * st[3] + idx[4] * st[4];
            for (ptrdiff_t i5 = 0; i5 < od[5]; ++i5) {
              const ptrdiff_t j = detail::pad_source(i5, P.pad_begin[5], id[5], P.mode);
              *y++ = (outer_pad || j < 0) ? fill : x[base + j];
            }
          }
        }
      }
    }
  }
}

/// Gather along one axis of [outer, axis_len, inner] with constant indices.
struct GatherParams {
  int32_t outer, axis_len, inner, num_indices;
  const int32_t *indices; ///< already made non-negative by the compiler
};

template <const GatherParams &P, typename T>
inline void gather(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t j = 0; j < P.num_indices; ++j)
      memcpy(y + (o * P.num_indices + j) * P.inner, x + (o * P.axis_len + P.indices[j]) * P.inner,
             sizeof(T) * P.inner);
}

/// ONNX BitCast: each element's bytes read as To (of From's size).
template <int32_t N, typename From, typename To>
inline void bitcast(const From *EDGEC_RESTRICT x, To *EDGEC_RESTRICT y) {
  static_assert(sizeof(From) == sizeof(To), "bitcast keeps the element size");
  memcpy(y, x, sizeof(To) * N);
}

/// Element type conversion with C++ semantics (float -> int truncates);
/// `Saturate`: ONNX Cast's attribute for float8 targets.
template <int32_t N, typename From, typename To, bool Saturate = true>
inline void cast(const From *EDGEC_RESTRICT x, To *EDGEC_RESTRICT y) {
  for (ptrdiff_t i = 0; i < N; ++i)
    y[i] = detail::cast_value<To, Saturate>(x[i]);
}

} // namespace edgec
