// The fixed-point arithmetic of the int8 path (runtime-stub/edgec/quant.h and
// the compile-time parameters of passes/Quantize/QuantUtils) against
// independent exact references: 128-bit integers and long double, on edge
// values (saturation, negative and positive shifts, zero points at the ends of
// the int8 range) and exhaustively over int8 where that is cheap.
#include "edgec/Quant/QuantUtils.h"
#include "edgec/quant.h"
#include "edgec/kernels/ref/conv2d_s8.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using namespace edgec;

namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

/// n / 2^e rounded to nearest, ties toward +infinity (floor(n / 2^e + 1/2)).
__int128 divPotHalfUp(__int128 n, int e) { return (n + (__int128(1) << (e - 1))) >> e; }

/// n / 2^e rounded to nearest, ties away from zero, in 128-bit arithmetic.
__int128 divPotRef(__int128 n, int e) {
  if (e == 0)
    return n;
  __int128 mag = n < 0 ? -n : n;
  __int128 q = (mag + (__int128(1) << (e - 1))) >> e;
  return n < 0 ? -q : q;
}

int32_t sat32(__int128 v) { return (int32_t)std::clamp<__int128>(v, kMin, kMax); }

/// Values where fixed-point code tends to break.
std::vector<int32_t> edgeValues() {
  std::vector<int32_t> v = {kMin, kMin + 1, -65536, -32769, -256, -129, -128, -127, -3, -2, -1,
                            0,    1,        2,      3,      127,  128,  255,  32767, 65536,
                            kMax - 1, kMax};
  for (int k = 1; k < 31; ++k) {
    v.push_back(1 << k);
    v.push_back((1 << k) - 1);
    v.push_back(-(1 << k));
    v.push_back(-(1 << k) + 1);
  }
  return v;
}

} // namespace

TEST(QuantArithmetic, DoublingHighMulIsRoundedProductOver2To31TiesUp) {
  std::vector<int32_t> vals = edgeValues();
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  for (int k = 0; k < 2000; ++k)
    vals.push_back(any(rng));
  for (int32_t a : vals)
    for (int32_t b : vals) {
      int32_t want = sat32(divPotHalfUp((__int128)a * b, 31));
      ASSERT_EQ(saturating_rounding_doubling_high_mul(a, b), want) << a << " * " << b;
    }
  // Ties go toward +infinity (gemmlowp), not away from zero.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);   // 1.5 -> 2
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1); // -1.5 -> -1
  // The one overflow saturates.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, kMin), kMax);
}

TEST(QuantArithmetic, RoundingDivideByPowerOfTwoRoundsHalfAwayFromZero) {
  std::vector<int32_t> vals = edgeValues();
  for (int32_t x = -70000; x <= 70000; ++x)
    vals.push_back(x);
  for (int32_t x : vals)
    for (int e = 0; e <= 31; ++e)
      ASSERT_EQ(rounding_divide_by_pot(x, e), (int32_t)divPotRef(x, e)) << x << " >> " << e;
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);   // 2.5 -> 3
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3); // -2.5 -> -3
  EXPECT_EQ(rounding_divide_by_pot(-4, 3), -1); // -0.5 -> -1
  EXPECT_EQ(rounding_divide_by_pot(kMin, 31), -1);
  EXPECT_EQ(rounding_divide_by_pot(kMax, 31), 1);
}

TEST(QuantArithmetic, RequantizeIsTwoRoundingsOfTheExactProduct) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> mult(1 << 30, kMax);
  std::vector<int32_t> xs = edgeValues();
  for (int shift = -31; shift <= 30; ++shift)
    for (int32_t m : {1 << 30, (1 << 30) + 1, kMax, mult(rng), mult(rng)})
      for (int32_t x : xs) {
        // The model: saturate x * 2^left, round the high product, round the right shift.
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        int32_t shifted = sat32((__int128)x << left);
        int32_t high = sat32(divPotHalfUp((__int128)shifted * m, 31));
        int32_t want = (int32_t)divPotRef(high, right);
        int32_t got = requantize(x, m, shift);
        ASSERT_EQ(got, want) << "x " << x << " m " << m << " shift " << shift;
        // Within one unit of the exactly rounded value when nothing saturates.
        if ((__int128)x << left == shifted) {
          long double exact = (long double)x * m * std::ldexp(1.0L, shift - 31);
          ASSERT_LE(std::fabs((long double)got - std::round(exact)), 1.0L)
              << "x " << x << " m " << m << " shift " << shift;
        }
      }
}

TEST(QuantArithmetic, RequantizeRightEqualsRequantizeForRightShifts) {
  // The kernels' one-multiply form must be bit-identical to requantize for
  // every x, every shift in [-31, -1] and every multiplier >= 0 (not only
  // the normalized [2^30, 2^31) ones the compiler writes).
  std::mt19937 rng(23);
  std::uniform_int_distribution<int32_t> any(kMin, kMax), mult(1 << 30, kMax), small(0, 1 << 30);
  std::vector<int32_t> xs = edgeValues();
  for (int i = 0; i < 64; ++i)
    xs.push_back(any(rng));
  for (int shift = -31; shift <= -1; ++shift) {
    const int64_t round = requantize_right_round(shift);
    ASSERT_EQ(round, (int64_t{1} << 30) + (int64_t{1} << (30 - shift))) << shift;
    // The form for layers without a shift by one: the same term.
    if (shift <= -2) {
      ASSERT_EQ(requantize_right_round_from2(shift), round) << shift;
    }
    for (int32_t m : {0, 1, 1 << 30, (1 << 30) + 1, kMax, mult(rng), mult(rng), small(rng)})
      for (int32_t x : xs)
        ASSERT_EQ(requantize_right(x, m, round, -shift - 1), requantize(x, m, shift))
            << "x " << x << " m " << m << " shift " << shift;
  }
  // Dense random sweep around the rounding boundaries of small results.
  for (int i = 0; i < 200000; ++i) {
    const int shift = -1 - static_cast<int>(rng() % 12);
    const int32_t m = mult(rng), x = static_cast<int32_t>(rng() % 200001) - 100000;
    ASSERT_EQ(requantize_right(x, m, requantize_right_round(shift), -shift - 1),
              requantize(x, m, shift))
        << "x " << x << " m " << m << " shift " << shift;
  }
}

TEST(QuantArithmetic, RequantizeConstEqualsRequantizeForEveryShiftKind) {
  // The elementwise kernels' compile-time dispatch: the one-multiply form for
  // right shifts (the ends -1 and -31 included), requantize itself for a shift
  // of 0 or a left shift; the same value either way.
  std::vector<int32_t> xs = edgeValues();
  std::mt19937 rng(29);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  for (int i = 0; i < 2000; ++i)
    xs.push_back(any(rng));
  for (int32_t x : xs) {
    ASSERT_EQ((requantize_const<2016179916, -2>(x)), requantize(x, 2016179916, -2)) << x;
    ASSERT_EQ((requantize_const<1080541533, -18>(x)), requantize(x, 1080541533, -18)) << x;
    ASSERT_EQ((requantize_const<1073741824, -1>(x)), requantize(x, 1073741824, -1)) << x;
    ASSERT_EQ((requantize_const<kMax, -31>(x)), requantize(x, kMax, -31)) << x;
    ASSERT_EQ((requantize_const<1073741824, 0>(x)), requantize(x, 1073741824, 0)) << x;
    ASSERT_EQ((requantize_const<1518500250, 3>(x)), requantize(x, 1518500250, 3)) << x;
  }
}

TEST(QuantArithmetic, OutputStageMatchesRequantizeClamp) {
  const OutputStageS8<-3, -128, 127, true> fast(1518500250, -7);
  const OutputStageS8<-3, -128, 127, false> slow(1518500250, -7);
  const OutputStageS8<5, 5, 100, true> relu(1 << 30, -1);
  for (int32_t x : edgeValues()) {
    const int32_t want = clamp_i32(requantize(x, 1518500250, -7) - 3, -128, 127);
    ASSERT_EQ(fast(x), want) << x;
    ASSERT_EQ(slow(x), want) << x;
    ASSERT_EQ(relu(x), clamp_i32(requantize(x, 1 << 30, -1) + 5, 5, 100)) << x;
  }
}

TEST(QuantArithmetic, RequantizeSaturatesLeftShifts) {
  EXPECT_EQ(requantize(kMax, 1 << 30, 2), 1 << 30 /* 2^31 - 1 saturated, times 1/2 */);
  EXPECT_EQ(requantize(kMin, kMax, 1), kMin + 1);
  EXPECT_EQ(requantize(kMax, kMax, 30), kMax - 1);
  EXPECT_EQ(requantize(0, kMax, 30), 0);
  EXPECT_EQ(requantize(-1, 1 << 30, -31), 0); // -2^-32 rounds to 0
}

TEST(QuantArithmetic, QuantizeMultiplierRepresentsTheRealWithin2ToMinus31) {
  for (double e = -30; e <= 14; e += 0.0137) {
    double real = std::pow(2.0, e);
    quant::FixedPoint f = quant::quantizeMultiplier(real);
    ASSERT_GE(f.multiplier, 1 << 30) << real;
    ASSERT_GE(f.shift, -31);
    ASSERT_LE(f.shift, 30);
    double back = f.multiplier * std::ldexp(1.0, f.shift - 31);
    ASSERT_LE(std::fabs(back - real) / real, std::ldexp(1.0, -31)) << real;
  }
  EXPECT_EQ(quant::quantizeMultiplier(1.0).multiplier, 1 << 30);
  EXPECT_EQ(quant::quantizeMultiplier(1.0).shift, 1);
  EXPECT_EQ(quant::quantizeMultiplier(0.5).shift, 0);
  EXPECT_EQ(quant::quantizeMultiplier(0.0).multiplier, 0);
  EXPECT_EQ(quant::quantizeMultiplier(-1.0).multiplier, 0);
  EXPECT_EQ(quant::quantizeMultiplier(std::nan("")).multiplier, 0);
  EXPECT_EQ(quant::quantizeMultiplier(1e-12).multiplier, 0); // below 2^-32: rounds to 0
  quant::FixedPoint huge = quant::quantizeMultiplier(1e12);
  EXPECT_EQ(huge.multiplier, kMax);
  EXPECT_EQ(huge.shift, 30);
  // Rounding the mantissa up to 2^31 renormalizes.
  quant::FixedPoint up = quant::quantizeMultiplier(std::nextafter(1.0, 0.0));
  EXPECT_EQ(up.multiplier, 1 << 30);
  EXPECT_EQ(up.shift, 1);
}

TEST(QuantArithmetic, QuantizeValueAtTheEndsOfTheRange) {
  for (int32_t zp : {-128, 0, 127}) {
    EXPECT_EQ(quantize_value(1e30f, 0.1f, zp, -128, 127), 127);
    EXPECT_EQ(quantize_value(-1e30f, 0.1f, zp, -128, 127), -128);
    EXPECT_EQ(quantize_value(INFINITY, 0.1f, zp, -128, 127), 127);
    EXPECT_EQ(quantize_value(-INFINITY, 0.1f, zp, -128, 127), -128);
    EXPECT_EQ(quantize_value(NAN, 0.1f, zp, -128, 127), zp);
    EXPECT_EQ(quantize_value(0.f, 0.1f, zp, -128, 127), zp);
  }
  EXPECT_EQ(quantize_value(0.5f, 1.f, 0, -128, 127), 1);   // ties away from zero
  EXPECT_EQ(quantize_value(-0.5f, 1.f, 0, -128, 127), -1);
  EXPECT_EQ(quantize_value(2.5f, 1.f, 0, -128, 127), 3);
  EXPECT_EQ(quantize_value(-1.f, 1.f, -128, -128, 127), -128); // just below the range
  EXPECT_EQ(quantize_value(1.f, 1.f, 127, -128, 127), 127);
  EXPECT_EQ(quantize_value(-255.f, 1.f, 127, -128, 127), -128);
  EXPECT_EQ(quantize_value(255.f, 1.f, -128, -128, 127), 127);
  // Every int8 value round-trips through dequantize for zero points at the ends.
  for (int32_t zp : {-128, 127})
    for (int32_t q = -128; q <= 127; ++q)
      ASSERT_EQ(quantize_value(dequantize_value(q, 0.037f, zp), 0.037f, zp, -128, 127), q);
}

TEST(QuantArithmetic, RescaleOfEveryInt8IsWithinOneUnit) {
  // q_out = zp_out + requantize(q_in - zp_in, M(s_in / s_out)), clamped:
  // what requantizing edge.quantize, concat and the conv epilogue compute.
  const double scales[] = {0.001, 0.0073, 0.02, 0.1, 0.5, 3.0};
  const int32_t zps[] = {-128, -1, 0, 127};
  for (double si : scales)
    for (double so : scales)
      for (int32_t zi : zps)
        for (int32_t zo : zps) {
          quant::FixedPoint f = quant::quantizeMultiplier(si / so);
          for (int32_t q = -128; q <= 127; ++q) {
            int32_t got = clamp_i32(zo + requantize(q - zi, f.multiplier, f.shift), -128, 127);
            double exact = std::clamp<double>(std::round((q - zi) * si / so) + zo, -128, 127);
            ASSERT_LE(std::fabs(got - exact), 1.0)
                << "q " << q << " s " << si << "->" << so << " zp " << zi << "->" << zo;
          }
        }
}

TEST(QuantArithmetic, AddOfEveryInt8PairIsWithinOneUnit) {
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::quant::QuantizationDialect>();
  struct Case {
    quant::QParams a, b, out;
  } cases[] = {
      {{0.02, -128}, {0.02, -128}, {0.04, -128}},
      {{0.01, 5}, {0.3, 127}, {0.35, -3}},
      {{0.5, 127}, {0.001, -128}, {0.6, 0}},
  };
  for (const Case &c : cases) {
    auto t = [&](const quant::QParams &p) { return quant::makeQuantType(&ctx, p); };
    quant::AddParams p = quant::addParams(t(c.a), t(c.b), t(c.out));
    for (int32_t a = -128; a <= 127; ++a)
      for (int32_t b = -128; b <= 127; ++b) {
        int32_t sa = requantize((a - p.inZero[0]) * (1 << p.leftShift), p.in[0].multiplier,
                                p.in[0].shift);
        int32_t sb = requantize((b - p.inZero[1]) * (1 << p.leftShift), p.in[1].multiplier,
                                p.in[1].shift);
        int32_t got =
            clamp_i32(requantize(sa + sb, p.out.multiplier, p.out.shift) + p.outZero, -128, 127);
        double real = (a - c.a.zeroPoint) * c.a.scale + (b - c.b.zeroPoint) * c.b.scale;
        double exact = std::clamp<double>(std::round(real / c.out.scale) + c.out.zeroPoint, -128,
                                          127);
        ASSERT_LE(std::fabs(got - exact), 1.0) << a << " + " << b;
      }
  }
}

TEST(QuantArithmetic, RoundedAverageRoundsHalfAwayFromZero) {
  for (int32_t count = 1; count <= 64; ++count)
    for (int32_t sum = -128 * count; sum <= 127 * count; ++sum) {
      long double exact = (long double)sum / count;
      int32_t want = (int32_t)(exact < 0 ? -std::floor(-exact + 0.5L) : std::floor(exact + 0.5L));
      ASSERT_EQ(rounded_average(sum, count), want) << sum << " / " << count;
    }
}

TEST(QuantArithmetic, WideRequantizeIsTFLite16x8) {
  // TFLite's 16x8 epilogue: the multiplier rounded to 16 bits, one rounding
  // shift with ties toward +infinity, on 64-bit accumulators below 2^47.
  std::mt19937 rng(5);
  std::uniform_int_distribution<int64_t> acc(-(int64_t{1} << 46), (int64_t{1} << 46));
  std::uniform_int_distribution<int32_t> mult(1 << 30, kMax);
  std::vector<int64_t> xs = {0, 1, -1, 2, -2, 32767, -32768, (int64_t{1} << 46) - 1,
                             -(int64_t{1} << 46)};
  for (int k = 0; k < 200; ++k)
    xs.push_back(acc(rng));
  for (int shift = -31; shift <= 14; ++shift)
    for (int32_t m : {1 << 30, kMax - 1, 0x7FFF0000, mult(rng)})
      for (int64_t x : xs) {
        __int128 reduced = m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF;
        int32_t want = sat32(divPotHalfUp((__int128)x * reduced, 15 - shift));
        ASSERT_EQ(requantize_wide(x, m, shift), want) << x << " " << m << " " << shift;
      }
  // Multipliers of 2^15 and more (shift > 14) saturate instead of shifting by a
  // negative amount.
  EXPECT_EQ(requantize_wide(1, 1 << 30, 16), 1 << 15);
  EXPECT_EQ(requantize_wide(1 << 20, 1 << 30, 30), kMax);
  EXPECT_EQ(requantize_wide(-(1 << 20), 1 << 30, 30), kMin);
  // The 16x8 accumulator path of the int16 kernels and the evaluator.
  quant::QParams out16{0.01, 0, -32768, 32767}, out8{0.01, 0, -128, 127};
  quant::FixedPoint fp = quant::quantizeMultiplier(0.37);
  EXPECT_EQ(quant::requantizeFor(out16, int64_t{1} << 40, fp),
            requantize_wide(int64_t{1} << 40, fp.multiplier, fp.shift));
  EXPECT_EQ(quant::requantizeFor(out8, 1000, fp), requantize(1000, fp.multiplier, fp.shift));
  EXPECT_EQ(quant::chooseInt16Params(-3.0, 1.5).zeroPoint, 0);
  EXPECT_DOUBLE_EQ(quant::chooseInt16Params(-3.0, 1.5).scale, 3.0 / 32767);
}

// TFLite's fixed-point softmax (numerics = tflite). Its integers are checked
// against TFLite-Micro's on real models (test/e2e/tflite_reference.py); here,
// the pieces against the real functions they approximate, so that a slip in
// one term (a missing linear term of the exp polynomial made outputs 5 steps
// off) fails here first.

TEST(QuantArithmetic, OneOverOnePlusXIsWithinAFewUlpOfTheQuotient) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> any(0, INT32_MAX);
  for (int k = 0; k < 100000; ++k) {
    int32_t a = k < 3 ? std::array<int32_t, 3>{0, 1, INT32_MAX}[k] : any(rng);
    double exact = 1.0 / (1.0 + a / 2147483648.0) * 2147483648.0;
    EXPECT_NEAR(one_over_one_plus_x(a), std::min(exact, 2147483647.0), 12.0) << a;
  }
}

TEST(QuantArithmetic, ReciprocalQ31GivesMantissaAndExponent) {
  for (int32_t x : {1 << 19, (1 << 19) + 1, 3 << 18, 1000000, 123456789, INT32_MAX}) {
    int bits = 0;
    int32_t m = reciprocal_q31(x, 12, bits);
    // x in Q12.19 is x / 2^19; 1 / that = m / 2^31 / 2^bits.
    double got = m / 2147483648.0 / std::ldexp(1.0, bits), want = 524288.0 / x;
    EXPECT_NEAR(got, want, want * 1e-8) << x;
  }
}

TEST(QuantArithmetic, TfliteSoftmaxExpTableIsExpOfTheScaledDifference) {
  for (double scale : {0.003, 0.0917, 0.25, 1.0}) {
    std::vector<int32_t> t = quant::tfliteSoftmaxExpTable(scale);
    ASSERT_EQ(t.size(), 256u);
    EXPECT_EQ(t[0], INT32_MAX);
    for (int d = 1; d < 256; ++d) {
      if (d * scale >= 31.0) { // below TFLite's diff_min: left out
        EXPECT_EQ(t[d], 0) << scale << " " << d;
        continue;
      }
      EXPECT_NEAR(t[d] / 2147483648.0, std::exp(-d * scale), 5e-7) << scale << " " << d;
    }
  }
  std::string why;
  EXPECT_TRUE(quant::tfliteSoftmaxExpTable(1e-9, &why).empty());
  EXPECT_NE(why.find("below 2^-26"), std::string::npos) << why;
}

TEST(QuantArithmetic, TfliteLogisticTableIsTheFixedPointSigmoid) {
  // TFLite's int8 LOGISTIC: x - zp rescaled to Q4.27, gemmlowp's logistic,
  // rounded to 1/256 from -128. Against the real function: never more than
  // one step from round(256 sigmoid) - 128, exactly 1/2 (0) at the zero
  // point, never decreasing, and saturated where |x - zp| s reaches 2^4.
  for (auto [scale, zp] : {std::pair{0.1, 0}, std::pair{0.0685789, -128}, std::pair{0.5, 7},
                           std::pair{1.0 / 16, -20}}) {
    std::vector<int32_t> t = quant::tfliteLogisticTable(scale, zp);
    ASSERT_EQ(t.size(), 256u);
    for (int x = -128; x < 128; ++x) {
      double real = (x - zp) * (double)(float)scale;
      double exact = std::min(127.0, std::round(256.0 / (1.0 + std::exp(-real))) - 128);
      EXPECT_LE(std::abs(t[x + 128] - exact), 1) << scale << " " << x;
      if (x > -128) {
        EXPECT_GE(t[x + 128], t[x + 127]) << scale << " " << x;
      }
      if (real >= 16.0) {
        EXPECT_EQ(t[x + 128], 127) << scale << " " << x;
      }
      if (real <= -16.0) {
        EXPECT_EQ(t[x + 128], -128) << scale << " " << x;
      }
    }
    if (zp >= -128 && zp < 128) {
      EXPECT_EQ(t[zp + 128], 0) << scale;
    }
  }
  std::string why;
  EXPECT_TRUE(quant::tfliteLogisticTable(20.0, 0, &why).empty());
  EXPECT_NE(why.find("LOGISTIC"), std::string::npos) << why;
}

TEST(QuantArithmetic, RoundingDivideByWidePowersOfTwo) {
  for (int32_t x : {0, 1, -1, 123456, -123456, INT32_MAX, INT32_MIN})
    EXPECT_EQ(rounding_divide_by_pot_wide(x, 31), rounding_divide_by_pot(x, 31)) << x;
  EXPECT_EQ(rounding_divide_by_pot_wide(INT32_MIN, 32), -1); // -1/2: away from zero
  EXPECT_EQ(rounding_divide_by_pot_wide(INT32_MAX, 32), 0);
  EXPECT_EQ(rounding_divide_by_pot_wide(INT32_MIN, 40), 0);
}
