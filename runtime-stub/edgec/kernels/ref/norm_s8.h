// Layer and RMS normalization on integers (a quantized edge.layer_norm):
// int8 or int16 in and out, every step in integers (docs/numerics.md,
// "Layer normalization"); the compiler's constants from
// edgec::quant::layerNormConstants.
#pragma once

#include "edgec/quant.h"

namespace edgec {

struct LayerNormS8Params {
  int32_t rows, inner;
  int32_t input_zero, output_zero, qmin, qmax;
  int32_t root_shift; ///< k: the root of V 4^k + epsilon
  int64_t epsilon;
  int32_t shift;      ///< of the output step
  bool rms;
};

/// The sum of squares' type: int32_t when it cannot overflow.
template <bool Narrow> struct LayerNormSum {
  using type = int64_t;
};
template <> struct LayerNormSum<true> {
  using type = int32_t;
};

/// floor(sqrt(t)), digit by digit: 32 steps of shifts and compares.
inline uint64_t isqrt_u64(uint64_t t) {
  uint64_t r = 0, bit = uint64_t{1} << 62;
  while (bit > t)
    bit >>= 2;
  while (bit != 0) {
    if (t >= r + bit) {
      t -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return r;
}

/// Per row: S1 and S2 of v = x - z_x, r = isqrt((n S2 - S1^2) 4^k + eps),
/// one division for inv = 2^(29+L) / r (L the bits of r; inv <= 2^30), then
/// per element Y = (n v - S1) inv rounded to Q16 and the output
/// z_y + round(Y a_j + b_j) at 2^-shift: two 32x32->64 products. A row is
/// read whole before it is written (in place).
template <const LayerNormS8Params &P, typename TIn, typename TOut>
inline void layer_norm_q(const TIn *x, const int32_t *EDGEC_RESTRICT a,
                         const int64_t *EDGEC_RESTRICT b, TOut *y) {
  // S2 in 32 bits while n (2^bits - 1)^2 fits.
  using Sum = typename LayerNormSum<sizeof(TIn) == 1 && P.inner <= 32768>::type;
  const int32_t n = P.inner;
  for (ptrdiff_t r = 0; r < P.rows; ++r) {
    const TIn *xr = x + r * P.inner;
    TOut *yr = y + r * P.inner;
    int32_t s1 = 0;
    Sum s2 = 0;
    for (ptrdiff_t j = 0; j < P.inner; ++j) {
      const int32_t v = static_cast<int32_t>(xr[j]) - P.input_zero;
      s1 += v;
      s2 += static_cast<Sum>(v) * v;
    }
    if constexpr (P.rms)
      s1 = 0;
    const int64_t var = static_cast<int64_t>(n) * s2 - static_cast<int64_t>(s1) * s1;
    const uint64_t root =
        isqrt_u64((static_cast<uint64_t>(var) << (2 * P.root_shift)) + static_cast<uint64_t>(P.epsilon));
    int32_t bits = 0;
    while (bits < 64 && (root >> bits) != 0)
      ++bits;
    // root 0: every v alike and no epsilon, so every n v - S1 is 0.
    const int32_t inv =
        root ? static_cast<int32_t>(((uint64_t{1} << (29 + bits)) + (root >> 1)) / root) : 0;
    const int32_t s = 13 + bits - P.root_shift;
    const int64_t half = s > 0 ? int64_t{1} << (s - 1) : 0;
    for (ptrdiff_t j = 0; j < P.inner; ++j) {
      const int32_t d = n * (static_cast<int32_t>(xr[j]) - P.input_zero) - s1;
      const int64_t p = static_cast<int64_t>(d) * inv;
      const int32_t q = static_cast<int32_t>(s > 0 ? (p + half) >> s : p);
      const int64_t acc = static_cast<int64_t>(q) * a[j] + b[j];
      const int64_t o = ((acc + (int64_t{1} << (P.shift - 1))) >> P.shift) + P.output_zero;
      yr[j] = static_cast<TOut>(o < P.qmin ? P.qmin : o > P.qmax ? P.qmax : o);
    }
  }
}

} // namespace edgec
