// The narrow storage types (runtime-stub/edgec/narrow_types.h), which the
// generated code and the evaluator share: every conversion checked against
// an independent method, and ONNX Cast's saturation rules pinned.
#include "edgec/Support/Tensor.h"
#include "edgec/narrow_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace edgec;

namespace {

float fromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// A float8 format's conversion by brute force: the nearest of its finite
/// non-negative values, ties to the even code, with "one step above the
/// largest" standing for overflow (even when its mantissa bits are 0).
template <typename F> uint32_t nearestByScan(float x, bool saturate) {
  constexpr int M = F::kMantissaBits;
  const uint32_t sign = std::signbit(x) ? F::kSign : 0u;
  const uint32_t nan = F::kKind == FloatKind::fnuz ? F::kSign
                       : F::kKind == FloatKind::fn ? sign | F::kExpMask | F::kManMask
                                                   : ~0u; // ieee: checked by isnan
  const uint32_t overflow = saturate                      ? sign | F::kMaxCode
                            : F::kKind == FloatKind::ieee ? sign | F::kExpMask
                                                          : nan;
  double a = std::fabs((double)x);
  if (std::isinf(x))
    return overflow;
  double maxValue = narrow_to_float<F>(F::kMaxCode);
  int maxExp = std::ilogb(maxValue);
  double beyond = maxValue + std::ldexp(1.0, maxExp - M);
  if (a >= beyond) // (far beyond, double's differences below would all tie)
    return overflow;
  uint32_t best = 0;
  double bestDist = a;
  for (uint32_t code = 1; code <= F::kMaxCode + 1; ++code) {
    double v = code <= F::kMaxCode ? (double)narrow_to_float<F>(code) : beyond;
    uint32_t parity = code <= F::kMaxCode ? code & 1u : (F::kMaxCode + 1) & 1u;
    double d = std::fabs(a - v);
    if (d < bestDist || (d == bestDist && parity == 0)) {
      best = code;
      bestDist = d;
    }
  }
  if (best > F::kMaxCode)
    return overflow;
  if (best == 0)
    return F::kKind == FloatKind::fnuz ? 0u : sign;
  return sign | best;
}

template <typename F> void checkAgainstScan(const char *name) {
  std::vector<float> probes;
  // Every value, its midpoints with the next, and a little either side.
  for (uint32_t code = 0; code <= F::kMaxCode; ++code) {
    double v = narrow_to_float<F>(code),
           next = code < F::kMaxCode ? narrow_to_float<F>(code + 1)
                                     : v + std::ldexp(1.0, std::ilogb(v) - F::kMantissaBits);
    double mid = (v + next) / 2;
    for (double p : {v, mid, std::nextafter(mid, 0.0), std::nextafter(mid, 1e9), next * 1.5})
      probes.push_back((float)p);
  }
  std::mt19937 rng(7);
  for (int k = 0; k < 20000; ++k) // random bit patterns: every exponent
    probes.push_back(fromBits(rng()));
  probes.push_back(INFINITY);
  probes.push_back(1e6f);
  probes.push_back(1e-7f);
  for (float p : probes)
    for (float x : {p, -p})
      for (bool sat : {true, false}) {
        if (std::isnan(x))
          continue;
        EXPECT_EQ(float_to_narrow<F>(x, sat), nearestByScan<F>(x, sat))
            << name << " x=" << x << " saturate=" << sat;
      }
  // Every code converts back to itself (NaN to a NaN).
  for (uint32_t code = 0; code < (F::kSign << 1); ++code) {
    float v = narrow_to_float<F>(code);
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(narrow_to_float<F>(float_to_narrow<F>(v, true)))) << name << code;
    } else if (!(F::kKind == FloatKind::ieee && std::isinf(v))) {
      EXPECT_EQ(float_to_narrow<F>(v, true), code) << name << " code " << code;
    }
  }
}

} // namespace

TEST(NarrowTypes, Float8ConversionsMatchANearestValueScan) {
  checkAgainstScan<F8E4M3FNFormat>("e4m3fn");
  checkAgainstScan<F8E4M3FNUZFormat>("e4m3fnuz");
  checkAgainstScan<F8E5M2Format>("e5m2");
  checkAgainstScan<F8E5M2FNUZFormat>("e5m2fnuz");
}

TEST(NarrowTypes, OnnxCastRulesAtTheEdges) {
  // Values from ONNX's own Cast tests (test_cast_*FLOAT8E4M3FNUZ).
  EXPECT_EQ(float_to_narrow<F8E4M3FNUZFormat>(1e6f, true), 0x7fu);   // saturates to 240
  EXPECT_EQ(float_to_narrow<F8E4M3FNUZFormat>(1e6f, false), 0x80u);  // NaN
  EXPECT_EQ(float_to_narrow<F8E4M3FNUZFormat>(-INFINITY, true), 0xffu);
  EXPECT_EQ(float_to_narrow<F8E4M3FNUZFormat>(-1e-7f, true), 0x00u); // no -0
  EXPECT_EQ(float_to_narrow<F8E4M3FNFormat>(-0.0f, true), 0x80u);    // -0 kept
  EXPECT_EQ(float_to_narrow<F8E4M3FNFormat>(464.0f, false), 0x7eu);  // a tie: even, 448
  EXPECT_EQ(float_to_narrow<F8E4M3FNFormat>(465.0f, false), 0x7fu); // NaN
  EXPECT_EQ(float_to_narrow<F8E5M2Format>(INFINITY, false), 0x7cu);  // e5m2 keeps infinity
  EXPECT_EQ(float_to_narrow<F8E5M2Format>(INFINITY, true), 0x7bu);   // 57344
  EXPECT_EQ(narrow_to_float<F8E4M3FNFormat>(0x01), std::ldexp(1.0f, -9)); // smallest subnormal
  // bfloat16 ignores saturate, as ONNX's Cast does.
  EXPECT_EQ(float_to_narrow<Bf16Format>(INFINITY, true), 0x7f80u);
}

TEST(NarrowTypes, Bfloat16IsRoundedTopHalfOfFloat) {
  // The classic bit trick, independent of the generic encoder: add half an
  // ulp (minus one unless the kept half is odd) and truncate.
  std::mt19937 rng(11);
  for (int k = 0; k < 1000000; ++k) {
    uint32_t u = rng();
    if (k < 70000) // every exponent's edges, including subnormals
      u = (u & 0x807fffffu) | ((uint32_t)(k % 256) << 23);
    float x = fromBits(u);
    if (std::isnan(x))
      continue;
    uint32_t want = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    EXPECT_EQ(float_to_narrow<Bf16Format>(x, false), want) << std::hex << u;
    if (::testing::Test::HasFailure())
      return;
  }
  for (uint32_t b = 0; b < 0x10000; ++b) { // exact widening
    float v = narrow_to_float<Bf16Format>(b);
    if (!std::isnan(v)) {
      EXPECT_EQ(bitsOf(v), b << 16) << b;
    }
  }
}

TEST(NarrowTypes, SubByteIntegersWrapAsOnnxCast) {
  // test_cast_FLOAT_to_INT4: -9 -> 7, 8 -> -8; test_cast_FLOAT_to_UINT2: -1 -> 3.
  EXPECT_EQ(wrap_sub_byte<int4>(-9).value, 7);
  EXPECT_EQ(wrap_sub_byte<int4>(8).value, -8);
  EXPECT_EQ(wrap_sub_byte<uint4>(-1).value, 15);
  EXPECT_EQ(wrap_sub_byte<int2>(2).value, -2);
  EXPECT_EQ(wrap_sub_byte<uint2>(-1).value, 3);
  EXPECT_EQ(wrapInteger(DType::I4, 23), 7);
  // .npy carriers: int4 travels as int8 and must be in range.
  Tensor c = Tensor::zeros(DType::I8, {2});
  c.i = {7, -8};
  std::string why;
  ASSERT_TRUE(fromCarrier(c, DType::I4, why));
  c.i = {8, 0};
  EXPECT_FALSE(fromCarrier(c, DType::I4, why));
  EXPECT_NE(why.find("out of int4's range"), std::string::npos) << why;
}
