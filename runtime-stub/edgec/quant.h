// edgec/quant.h: the fixed-point arithmetic of the int8 path, written once.
//
// The generated kernels and the compiler's reference evaluator both use these
// functions, so "bit-exact" is a property of one implementation of the
// arithmetic plus two independent loop nests (see docs/numerics.md).
// gemmlowp's SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, and
// TFLite's MultiplyByQuantizedMultiplier built from them. C++17, constexpr,
// no dependencies beyond <stdint.h>.
#pragma once

#include <stdint.h>

namespace edgec {

/// a * b / 2^31 rounded to nearest, ties toward +infinity (gemmlowp's nudge
/// then truncation), saturating the one overflow
/// case (INT32_MIN * INT32_MIN).
constexpr int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN)
    return INT32_MAX;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

/// x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31.
constexpr int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// x * M * 2^shift for the Q31 multiplier M in [2^30, 2^31) (or 0) and
/// -31 <= shift <= 30. A left shift that overflows int32 saturates (TFLite
/// leaves that case undefined).
constexpr int32_t requantize(int32_t x, int32_t multiplier, int32_t shift) {
  int32_t left = shift > 0 ? shift : 0;
  int32_t right = shift > 0 ? 0 : -shift;
  int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << left);
  if (shifted > INT32_MAX)
    shifted = INT32_MAX;
  if (shifted < INT32_MIN)
    shifted = INT32_MIN;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(static_cast<int32_t>(shifted), multiplier), right);
}

constexpr int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/// Float to quantized: round half away from zero of x / scale, plus the zero
/// point, saturated to [lo, hi]. NaN maps to the zero point.
inline int32_t quantize_value(float x, float scale, int32_t zero_point, int32_t lo, int32_t hi) {
  const float v = x / scale;
  if (!(v == v))
    return zero_point;
  if (v >= 2147483520.f)
    return hi;
  if (v <= -2147483520.f)
    return lo;
  const int32_t r = static_cast<int32_t>(__builtin_roundf(v));
  const int64_t q = static_cast<int64_t>(r) + zero_point;
  return q < lo ? lo : (q > hi ? hi : static_cast<int32_t>(q));
}

/// Quantized to float: (q - zero_point) * scale.
constexpr float dequantize_value(int32_t q, float scale, int32_t zero_point) {
  return static_cast<float>(q - zero_point) * scale;
}

/// Average of `count` values whose sum is `sum`, rounded half away from zero
/// (TFLite's average pooling rounding).
constexpr int32_t rounded_average(int32_t sum, int32_t count) {
  return (sum + (sum > 0 ? count / 2 : -(count / 2))) / count;
}

} // namespace edgec
