// The integer layer norm (a quantized edge.layer_norm, docs/numerics.md
// "Layer normalization") against the float definition in double: on random
// rows and on the rows that stress it (constant rows with and without
// epsilon, a spread of one step on a large offset, the ends of the range,
// rows of one element), for int8 and int16, layer and RMS, every output
// within one step of the correctly rounded float result.
#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeDialect.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Quant/QuantUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

using namespace edgec;
using namespace mlir;

namespace {

struct Case {
  const char *storage; ///< i8 or i16
  int64_t rows, n;
  double sx;
  int zx;
  double sy;
  int zy;
  float eps;
  bool rms;
};

/// Every row of `x` through the parsed op in the evaluator, and the float
/// definition: at most one step apart.
void check(const Case &c, const std::vector<std::vector<int64_t>> &rowsIn) {
  MLIRContext ctx;
  ctx.loadDialect<edge::EdgeDialect, func::FuncDialect, mlir::quant::QuantizationDialect>();
  std::string tin = "tensor<" + std::to_string(c.rows) + "x" + std::to_string(c.n) +
                    "x!quant.uniform<" + c.storage + ":f32, " + std::to_string(c.sx) +
                    (c.zx ? ":" + std::to_string(c.zx) : "") + ">>";
  std::string tout = "tensor<" + std::to_string(c.rows) + "x" + std::to_string(c.n) +
                     "x!quant.uniform<" + c.storage + ":f32, " + std::to_string(c.sy) +
                     (c.zy ? ":" + std::to_string(c.zy) : "") + ">>";
  std::string vec = "tensor<" + std::to_string(c.n) + "xf32>";
  std::string ir = "func.func @f(%x: " + tin + ", %w: " + vec + ", %b: " + vec + ") -> " + tout +
                   " {\n  %y = edge.layer_norm %x scale %w bias %b {axis = 1 : i64, epsilon = " +
                   std::to_string(c.eps) + " : f32, rms = " + (c.rms ? "true" : "false") +
                   "} : (" + tin + ", " + vec + ", " + vec + ") -> " + tout +
                   "\n  return %y : " + tout + "\n}";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &ctx);
  ASSERT_TRUE(module) << ir;
  edge::LayerNormOp op;
  module->walk([&](edge::LayerNormOp o) { op = o; });
  ASSERT_TRUE(op);

  std::mt19937 rng(5);
  Tensor x = Tensor::zeros(DType::I64, {c.rows, c.n});
  Tensor w = Tensor::zeros(DType::F32, {c.n}), b = Tensor::zeros(DType::F32, {c.n});
  for (int64_t j = 0; j < c.n; ++j) {
    w.f[j] = std::uniform_real_distribution<float>(-1.5f, 1.5f)(rng);
    b.f[j] = std::uniform_real_distribution<float>(-0.5f, 0.5f)(rng);
  }
  for (int64_t r = 0; r < c.rows; ++r)
    for (int64_t j = 0; j < c.n; ++j)
      x.i[r * c.n + j] = rowsIn[r][j];
  FailureOr<Tensor> y = evaluateOp(op, {&x, &w, &b});
  ASSERT_TRUE(succeeded(y));
  // The parameters as the types hold them (the IR text rounds the scales).
  edgec::quant::QParams px = edgec::quant::paramsOf(op.getInput().getType());
  edgec::quant::QParams py = edgec::quant::paramsOf(op.getOutput().getType());
  double eps = op.getEpsilon().convertToDouble();
  for (int64_t r = 0; r < c.rows; ++r) {
    // The row's statistics from exact integer sums, so that a row without
    // spread has a variance of exactly 0.
    long double s1 = 0, s2 = 0;
    for (int64_t j = 0; j < c.n; ++j) {
      long double v = rowsIn[r][j] - px.zeroPoint;
      s1 += v;
      s2 += v * v;
    }
    long double mean = c.rms ? 0.0L : s1 / c.n;
    long double ms = (c.rms ? s2 / c.n : (c.n * s2 - s1 * s1) / ((long double)c.n * c.n)) *
                     px.scale * px.scale;
    // No spread and no epsilon: 0 / 0, which the integers make 0 (the bias).
    long double inv = ms + eps > 0 ? 1.0L / std::sqrt(ms + eps) : 0.0L;
    for (int64_t j = 0; j < c.n; ++j) {
      double v = (double)(px.scale * ((rowsIn[r][j] - px.zeroPoint) - mean) * inv) * w.f[j] +
                 b.f[j];
      double want = std::clamp(std::nearbyint(v / py.scale) + py.zeroPoint, (double)py.qmin,
                               (double)py.qmax);
      ASSERT_LE(std::fabs((double)y->i[r * c.n + j] - want), 1.0)
          << c.storage << " n " << c.n << " row " << r << " element " << j << " (rms " << c.rms
          << ", eps " << c.eps << ")";
    }
  }
}

/// Random rows plus the hard ones, for the storage range [lo, hi].
std::vector<std::vector<int64_t>> rowsFor(int64_t n, int64_t lo, int64_t hi, int64_t count) {
  std::mt19937 rng(11);
  std::vector<std::vector<int64_t>> rows;
  for (int64_t r = 0; r + 4 < count; ++r) {
    std::vector<int64_t> row(n);
    for (auto &v : row)
      v = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    rows.push_back(row);
  }
  rows.push_back(std::vector<int64_t>(n, hi / 3)); // constant
  std::vector<int64_t> step(n), ends(n), offset(n);
  for (int64_t j = 0; j < n; ++j) {
    step[j] = hi - 1 + (j % 2);    // a spread of one step at the top
    ends[j] = j % 2 ? hi : lo;     // the ends of the range
    offset[j] = lo + (j % 3 == 0); // one step above the bottom, now and then
  }
  rows.push_back(step);
  rows.push_back(ends);
  rows.push_back(offset);
  return rows;
}

TEST(LayerNorm, Int8LayerAndRmsWithinOneStep) {
  for (bool rms : {false, true})
    for (int64_t n : {1, 7, 64, 768}) {
      Case c{"i8", 12, n, 0.05, -3, 0.04, 5, 1e-5f, rms};
      check(c, rowsFor(n, -128, 127, c.rows));
    }
}

TEST(LayerNorm, Int8WithoutEpsilon) {
  // A constant row then has no spread at all: every output is its bias.
  for (bool rms : {false, true}) {
    Case c{"i8", 8, 16, 0.1, 0, 0.05, 0, 0.0f, rms};
    check(c, rowsFor(16, -128, 127, c.rows));
  }
}

TEST(LayerNorm, Int16LayerAndRmsWithinOneStep) {
  for (bool rms : {false, true})
    for (int64_t n : {5, 256, 8192}) {
      Case c{"i16", 6, n, 1.0 / 4096, 0, 1.0 / 8192, 0, 1e-6f, rms};
      check(c, rowsFor(n, -32768, 32767, c.rows));
    }
}

} // namespace
