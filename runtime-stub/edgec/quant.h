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

#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
#include <arm_acle.h>
#endif

namespace edgec {

/// a * b / 2^31 rounded to nearest, ties toward +infinity (gemmlowp's nudge
/// then truncation), saturating the one overflow
/// case (INT32_MIN * INT32_MIN).
constexpr int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN)
    return INT32_MAX;
  // gemmlowp adds 2^30 (1 - 2^30 for a negative product) and divides by 2^31
  // truncating toward zero; for both signs that equals adding 2^30 and an
  // arithmetic shift, which is one SMULL, one add and one shift on Arm.
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  return static_cast<int32_t>((ab + (int64_t{1} << 30)) >> 31);
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
  if (shift > 0) {
    const int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << shift);
    const int32_t sat = shifted > INT32_MAX   ? INT32_MAX
                        : shifted < INT32_MIN ? INT32_MIN
                                              : static_cast<int32_t>(shifted);
    return saturating_rounding_doubling_high_mul(sat, multiplier);
  }
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, multiplier), -shift);
}

/// The rounding term of requantize_right for a shift in [-31, -1]:
/// 2^30 (the doubling high multiply's nudge) plus 2^(30 - shift) (half of
/// the final division's step).
constexpr int64_t requantize_right_round(int32_t shift) {
  // Written with 32-bit shifts only: the high word is 2^(e-2) (0 for e = 1),
  // the low word 2^30, plus 2^31 for e = 1.
  const uint32_t e = static_cast<uint32_t>(-shift);
  const uint32_t hi = (1u << e) >> 2, lo = 0x40000000u + ((2u >> e) << 31);
  return static_cast<int64_t>((static_cast<uint64_t>(hi) << 32) | lo);
}

/// requantize_right_round for a shift in [-31, -2], whose low word is 2^30
/// alone: where no channel of a layer shifts by one (the compiler says so,
/// Conv2DS8Params::shift_one), the output stage computes its rounding term
/// with two instructions fewer per channel.
constexpr int64_t requantize_right_round_from2(int32_t shift) {
  const uint32_t e = static_cast<uint32_t>(-shift);
  return static_cast<int64_t>((static_cast<uint64_t>((1u << e) >> 2) << 32) | 0x40000000u);
}

/// requantize(x, multiplier, shift) for -31 <= shift <= -1 and multiplier
/// >= 0, with round = requantize_right_round(shift) and top_shift = -shift - 1:
/// the same value from one 32x32 + 64 multiply-accumulate and one shift.
/// requantize rounds twice, v = floor((x M + 2^30) / 2^31), then v / 2^e
/// (e = -shift) half away from zero, i.e. floor((v + 2^(e-1) - [v < 0]) / 2^e);
/// since floor(floor(a) / n) = floor(a / n), that is
/// floor((x M + 2^30 + 2^(30+e) - [v < 0] 2^31) / 2^(31+e)), and v < 0 only
/// when x < 0 (for x < 0 with v = 0 both corrections give 0). The top word of
/// the sum, shifted by e - 1, is the result (docs/numerics.md;
/// QuantArithmeticTest checks it against requantize). On Armv7E-M: AND, ADDS,
/// ADC, SMLAL, ASR.
constexpr int32_t requantize_right(int32_t x, int32_t multiplier, int64_t round,
                                   int32_t top_shift) {
  // -2^31 when x < 0 as a 64-bit addend: high word x >> 31, low word x & 2^31.
  const int64_t sign =
      static_cast<int64_t>((static_cast<uint64_t>(static_cast<uint32_t>(x >> 31)) << 32) |
                           (static_cast<uint32_t>(x) & 0x80000000u));
  const int64_t sum = round + sign + static_cast<int64_t>(x) * multiplier;
  return static_cast<int32_t>(sum >> 32) >> top_shift;
}

/// requantize(x, M, S) for a multiplier and shift known at compile time, in
/// its cheapest exact form: requantize_right for a right shift (one
/// multiply-accumulate and one shift instead of a multiply, a nudge and a
/// rounding division), requantize otherwise.
template <int32_t M, int32_t S> constexpr int32_t requantize_const(int32_t x) {
  if constexpr (M >= 0 && S <= -1 && S >= -31)
    return requantize_right(x, M, requantize_right_round(S), -S - 1);
  else
    return requantize(x, M, S);
}

/// v clamped to [Lo, Hi] within int8 (a fused Relu / Clip narrows it): one
/// SSAT where the core has it, plus a compare for each bound it narrows.
template <int32_t Lo, int32_t Hi> inline int32_t saturate_s8(int32_t v) {
  static_assert(-128 <= Lo && Lo <= Hi && Hi <= 127, "an int8 range");
#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
  v = __ssat(v, 8);
  if constexpr (Lo > -128)
    v = v < Lo ? Lo : v;
  if constexpr (Hi < 127)
    v = v > Hi ? Hi : v;
  return v;
#else
  return v < Lo ? Lo : (v > Hi ? Hi : v);
#endif
}

/// x * M * 2^shift for a 64-bit x (the accumulators of int16 x int8 layers),
/// TFLite's 16x8 formulation: M reduced to 16 bits (rounded), then one
/// rounding shift (ties toward +infinity). Needs |x| < 2^47; the result
/// saturates to int32 (as does a multiplier of 2^15 or more).
constexpr int32_t requantize_wide(int64_t x, int32_t multiplier, int32_t shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - shift;
  int64_t r = x * reduced;
  if (total_shift > 0) {
    r = (r + (int64_t{1} << (total_shift - 1))) >> total_shift;
  } else {
    for (int i = 0; i < -total_shift && r <= INT32_MAX && r >= INT32_MIN; ++i)
      r *= 2;
  }
  return r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : static_cast<int32_t>(r));
}

/// The storage range and accumulator of a quantized activation type: int8
/// (accumulating in int32) or int16 (16x8: int16 activations with int8
/// weights, accumulating in int64).
template <typename T> struct QuantType;
template <> struct QuantType<int8_t> {
  static constexpr int32_t min = -128, max = 127;
  using acc = int32_t;
};
template <> struct QuantType<int16_t> {
  static constexpr int32_t min = -32768, max = 32767;
  using acc = int64_t;
};
/// Int32 is only rescaled from or to (a .tflite QUANTIZE), never multiplied.
template <> struct QuantType<int32_t> {
  static constexpr int32_t min = INT32_MIN, max = INT32_MAX;
  using acc = int64_t;
};

/// The accumulator of a layer reading T and writing U: int64 (and
/// requantize_wide) as soon as either side is int16, so that a 16x8 layer
/// requantizes the same way whichever side its int16 tensor is on (the
/// evaluator's requantizeFor(in, out, ...) follows the same rule).
template <bool Wide> struct AccSel {
  using type = int32_t;
};
template <> struct AccSel<true> {
  using type = int64_t;
};
template <typename T, typename U = T> struct AccOf {
  using type = typename AccSel<(sizeof(T) > 1 || sizeof(U) > 1)>::type;
};

/// An elementwise function on int16 (16x8): 513 knots, table[i] the output at
/// input -32768 + 128 i, and linear interpolation between the two knots
/// around q, rounded half up (the arithmetic shift of a negative product
/// rounds toward -infinity, as GCC and Clang define it). E is int16_t in the
/// generated code and int32_t in the compiler's evaluator: one definition.
constexpr int32_t kLut16Knots = 513;
template <typename E> constexpr int32_t lut_interp_s16(const E *table, int32_t q) {
  const int32_t u = q + 32768;
  const int32_t a = table[u >> 7], b = table[(u >> 7) + 1];
  return a + (((b - a) * (u & 127) + 64) >> 7);
}

/// requantize for an int32 accumulator, requantize_wide for an int64 one.
constexpr int32_t requantize_acc(int32_t x, int32_t multiplier, int32_t shift) {
  return requantize(x, multiplier, shift);
}
constexpr int32_t requantize_acc(int64_t x, int32_t multiplier, int32_t shift) {
  return requantize_wide(x, multiplier, shift);
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

/// Quantized to float: (q - zero_point) * scale, the difference taken in
/// 64 bits (an int32 q minus its zero point may not fit 32).
constexpr float dequantize_value(int32_t q, float scale, int32_t zero_point) {
  return static_cast<float>(static_cast<int64_t>(q) - zero_point) * scale;
}

// TFLite's fixed-point softmax (numerics = tflite) divides by the row's sum
// of exponentials with gemmlowp's reciprocal; the exponentials themselves are
// a compile-time table (compiler/quant/QuantUtils.cpp). gemmlowp names:
// SaturatingRoundingMultiplyByPOT, one_over_one_plus_x_for_x_in_0_1 and
// TFLite's GetReciprocal.

/// x * 2^e for 1 <= e <= 30, saturated to int32 (gemmlowp's
/// SaturatingRoundingMultiplyByPOT with a positive exponent).
constexpr int32_t saturating_left_shift(int32_t x, int e) {
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - e)) - 1);
  return x > threshold    ? INT32_MAX
         : x < -threshold ? INT32_MIN
                          : static_cast<int32_t>(static_cast<uint32_t>(x) << e);
}

/// Leading zero bits of a 32-bit value (32 for 0).
constexpr int count_leading_zeros(uint32_t x) {
#if defined(__GNUC__) || defined(__clang__)
  return x == 0 ? 32 : __builtin_clz(x);
#else
  int n = 0;
  for (uint32_t bit = 0x80000000u; bit != 0 && (x & bit) == 0; bit >>= 1)
    ++n;
  return n;
#endif
}

/// 1 / (1 + a) for a in [0, 1), both Q0.31: three Newton-Raphson steps from
/// 48/17 - 32/17 d on d = (1 + a) / 2, in Q2.29.
constexpr int32_t one_over_one_plus_x(int32_t a) {
  // d = (a + 1) / 2 rounded half away from zero (gemmlowp's RoundingHalfSum).
  const int64_t sum = static_cast<int64_t>(a) + INT32_MAX;
  const int32_t d = static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + saturating_rounding_doubling_high_mul(d, -1010580540);
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus_dx = (1 << 29) - saturating_rounding_doubling_high_mul(d, x);
    x = x + saturating_left_shift(saturating_rounding_doubling_high_mul(x, one_minus_dx), 2);
  }
  return saturating_left_shift(x, 1);
}

/// 1 / x for x > 0 in Q(integer_bits): a Q0.31 mantissa, with x's bits above
/// the unit in `bits_over_unit` (TFLite's GetReciprocal).
constexpr int32_t reciprocal_q31(int32_t x, int integer_bits, int &bits_over_unit) {
  const int headroom_plus_one = count_leading_zeros(static_cast<uint32_t>(x));
  bits_over_unit = integer_bits - headroom_plus_one;
  const int32_t shifted_minus_one = static_cast<int32_t>(
      (static_cast<uint32_t>(x) << headroom_plus_one) - (static_cast<uint32_t>(1) << 31));
  return one_over_one_plus_x(shifted_minus_one);
}

/// rounding_divide_by_pot for 0 <= exponent <= 62. Beyond 31 TFLite's own
/// shift is undefined; this keeps the rounding (ties away from zero).
constexpr int32_t rounding_divide_by_pot_wide(int32_t x, int exponent) {
  if (exponent <= 31)
    return rounding_divide_by_pot(x, exponent);
  return x == INT32_MIN && exponent == 32 ? -1 : 0;
}

/// Average of `count` values whose sum is `sum`, rounded half away from zero
/// (TFLite's average pooling rounding).
constexpr int32_t rounded_average(int32_t sum, int32_t count) {
  return (sum + (sum > 0 ? count / 2 : -(count / 2))) / count;
}

/// TFLite's int16 sigmoid / tanh table (sigmoid_table_uint16 of TFLite's
/// reference kernels and CMSIS-NN): sigmoid(i / 24) in unsigned Q0.16 for
/// i = 0..255. It is data, not the formula: 43 entries are one above
/// round(65536 sigmoid(i / 24)) (i = 4, 8, 12, ...), and the last is 65535.
inline constexpr uint16_t kTfliteSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
};

/// TFLite's int16 LOGISTIC (reference_integer_ops::Logistic): v = x *
/// multiplier rounded right by `shift` indexes kTfliteSigmoidTable with 9
/// fraction bits (|v| / 512), interpolated linearly, mirrored for v < 0 and
/// rounded to Q0.15; from index 255 on it saturates. `multiplier` and
/// `shift` are TFLite's after its power-of-two case (an input multiplier of
/// 0 becomes 3 << shift with no shift). A Q3.12 input takes 3 and 0.
constexpr int32_t tflite_logistic_s16(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t round = shift > 0 ? (int32_t{1} << (shift - 1)) : 0;
  const int32_t v = (x * multiplier + round) >> shift;
  const uint32_t a = static_cast<uint32_t>(v < 0 ? -v : v);
  const uint32_t i = a >> 9;
  uint32_t r = 0x7FFFu << 10;
  if (i < 255) {
    const uint32_t lo = kTfliteSigmoidTable[i], hi = kTfliteSigmoidTable[i + 1];
    r = (lo << 9) + (a & 0x1FFu) * (hi - lo);
  }
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
  return static_cast<int32_t>(r >> 10);
}

/// TFLite's int16 TANH (reference_integer_ops::Tanh): as tflite_logistic_s16
/// with 8 fraction bits of index (tanh x = 2 sigmoid(2x) - 1), the result
/// centred and rounded to Q0.15; the shift of a negative intermediate is
/// arithmetic (rounds toward -infinity), as in TFLite.
constexpr int32_t tflite_tanh_s16(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t round = shift > 0 ? (int32_t{1} << (shift - 1)) : 0;
  const int32_t v = (x * multiplier + round) >> shift;
  const uint32_t a = static_cast<uint32_t>(v < 0 ? -v : v);
  const uint32_t i = a >> 8;
  int32_t r = static_cast<int32_t>(0xFFFFu << 8);
  if (i < 255) {
    const uint32_t lo = kTfliteSigmoidTable[i], hi = kTfliteSigmoidTable[i + 1];
    r = static_cast<int32_t>((lo << 8) + (a & 0xFFu) * (hi - lo));
  }
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return r >> 8;
}

} // namespace edgec
