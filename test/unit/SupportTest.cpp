// Support pieces: identifier sanitizing, .npy round trips, shape helpers.
#include <cmath>
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Names.h"
#include "edgec/Support/Npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace edgec;

TEST(Names, SanitizeProducesIdentifiers) {
  EXPECT_EQ(sanitizeIdentifier("conv1/weight:0"), "conv1_weight_0");
  EXPECT_EQ(sanitizeIdentifier("/features/features.0/Conv"), "features_features_0_Conv");
  EXPECT_EQ(sanitizeIdentifier("1st"), "v_1st");
  EXPECT_EQ(sanitizeIdentifier(""), "v");
  EXPECT_EQ(sanitizeIdentifier("*/ evil(); /*"), "evil_");
  EXPECT_EQ(sanitizeIdentifier("\xc3\xa9t\xc3\xa9"), "t_");
}

TEST(Names, TableNeverHandsOutTheSameNameTwice) {
  NameTable t;
  EXPECT_EQ(t.unique("a.b"), "a_b");
  EXPECT_EQ(t.unique("a:b"), "a_b_1");
  EXPECT_EQ(t.unique("a_b"), "a_b_2");
}

TEST(Npy, RoundTripsEveryDtype) {
  for (DType dt : {DType::F32, DType::F16, DType::I64, DType::I32, DType::I16, DType::I8, DType::U8,
                   DType::U16, DType::U32, DType::U64, DType::Bool}) {
    Tensor t = Tensor::zeros(dt, {2, 3});
    for (int k = 0; k < 6; ++k) {
      if (dt == DType::F32 || dt == DType::F16) t.f[k] = 0.5f * k - 1;
      else t.i[k] = dt == DType::Bool ? k % 2 : k - (isUnsigned(dt) ? 0 : 2);
    }
    // The top of each unsigned range survives the round trip (uint64's top
    // bit pattern reads back as the same int64).
    if (dt == DType::U16) t.i[5] = 65535;
    if (dt == DType::U32) t.i[5] = 4294967295;
    if (dt == DType::U64) t.i[5] = -1;
    std::string path = ::testing::TempDir() + "/rt.npy", error;
    ASSERT_TRUE(writeNpy(path, t, error)) << error;
    Tensor back;
    ASSERT_TRUE(readNpy(path, back, error)) << error;
    EXPECT_EQ(back.dtype, dt);
    EXPECT_EQ(back.shape, t.shape);
    EXPECT_EQ(back.f, t.f);
    EXPECT_EQ(back.i, t.i);
  }
}

TEST(Tensor, WrapIntegerConvertsAsC) {
  EXPECT_EQ(wrapInteger(DType::I8, 200), -56);
  EXPECT_EQ(wrapInteger(DType::U8, -1), 255);
  EXPECT_EQ(wrapInteger(DType::I16, 40000), -25536);
  EXPECT_EQ(wrapInteger(DType::U16, 70000), 4464);
  EXPECT_EQ(wrapInteger(DType::U32, -1), 4294967295);
  EXPECT_EQ(wrapInteger(DType::I32, int64_t(1) << 32), 0);
  EXPECT_EQ(wrapInteger(DType::U64, -5), -5); // the bits stay
  EXPECT_EQ(wrapInteger(DType::Bool, 7), 1);
  EXPECT_TRUE(isUnsigned(DType::U64));
  EXPECT_FALSE(isUnsigned(DType::I16));
}

TEST(Tensor, TransposedPermutesAndReversesAxes) {
  // t[a][b][c] = 100a + 10b + c, shape 2x3x2.
  Tensor t = Tensor::zeros(DType::I32, {2, 3, 2});
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t c = 0; c < 2; ++c)
        t.i[(a * 3 + b) * 2 + c] = 100 * a + 10 * b + c;
  Tensor p = transposed(t, {2, 0, 1});
  EXPECT_EQ(p.shape, (std::vector<int64_t>{2, 2, 3}));
  EXPECT_EQ(p.i, (std::vector<int64_t>{0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121}));
  // Result axes 0 and 2 backwards: r[i][j][k] = p[1 - i][j][2 - k].
  Tensor r = transposed(t, {2, 0, 1}, {0, 2});
  EXPECT_EQ(r.shape, p.shape);
  EXPECT_EQ(r.i, (std::vector<int64_t>{21, 11, 1, 121, 111, 101, 20, 10, 0, 120, 110, 100}));
}

TEST(Tensor, HalfConversionsRoundToNearestEven) {
  // Every half survives the trip through float (NaNs stay NaN).
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = halfToFloat((uint16_t)h);
    if (std::isnan(f))
      EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(f)))) << h;
    else
      EXPECT_EQ(floatToHalf(f), h) << h;
  }
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);        // the largest half
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);        // halfway to 65536 rounds to infinity
  EXPECT_EQ(floatToHalf(1.0f + 1.0f / 2048), 0x3c00); // a tie rounds to the even mantissa
  EXPECT_EQ(floatToHalf(1.0f + 3.0f / 2048), 0x3c02);
  EXPECT_EQ(floatToHalf(5.960464477539063e-08f), 0x0001); // the smallest subnormal
  EXPECT_EQ(floatToHalf(2.9802322387695312e-08f), 0x0000); // half of it: a tie to even, 0
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_FLOAT_EQ(roundToHalf(0.1f), 0.0999755859375f);
}

TEST(Npy, RejectsTruncatedAndForeignFiles) {
  std::string path = ::testing::TempDir() + "/bad.npy", error;
  Tensor t = Tensor::zeros(DType::F32, {4, 4});
  ASSERT_TRUE(writeNpy(path, t, error));
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() - 5);
  Tensor back;
  EXPECT_FALSE(readNpy(path, back, error));
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
  std::ofstream(path, std::ios::binary) << "hello";
  EXPECT_FALSE(readNpy(path, back, error));
  EXPECT_NE(error.find("not a .npy"), std::string::npos) << error;
}

TEST(Shapes, BroadcastFollowsNumpy) {
  auto r = broadcastShapes({8, 1, 6, 1}, {7, 1, 5});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(std::vector<int64_t>(r->begin(), r->end()), (std::vector<int64_t>{8, 7, 6, 5}));
  EXPECT_TRUE(failed(broadcastShapes({3}, {4})));
}

TEST(Shapes, WindowOutputSizeMatchesOnnx) {
  EXPECT_EQ(windowOutputSize(32, 3, 1, 1, 1, 1, false), 32);
  EXPECT_EQ(windowOutputSize(49, 10, 2, 5, 5, 1, false), 25);
  EXPECT_EQ(windowOutputSize(5, 2, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(windowOutputSize(5, 2, 2, 0, 0, 1, true), 3);
  // A last window that would start inside the end padding is dropped.
  EXPECT_EQ(windowOutputSize(5, 2, 2, 1, 1, 1, false), 3);
  EXPECT_EQ(windowOutputSize(5, 2, 2, 1, 1, 1, true), 3);
  EXPECT_EQ(windowOutputSize(7, 3, 1, 0, 0, 2, false), 3);
}
