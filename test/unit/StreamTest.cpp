//===- StreamTest.cpp - streams' plans against a brute-force simulation ---===//
//
// Random chains of int8 convolutions (dense and depthwise, windows 1 to 5,
// strides 1 and 2, dilation 1 and 2, asymmetric padding), ending in a
// convolution or in an add
// with a tensor of the same shape (the chain's input itself where the shapes
// allow it), streamed 1 to 3 rows at a time. The plan (passes/Memory/Stream.h)
// must compute every row of every layer once, in order; have in each band, at
// each step, every row the next layer reads (computed from the window's taps,
// not from the plan's formula); keep only rows it computed before; stay
// within the band sizes it states; and allow the add over the chain's input
// only when no step reads a row an earlier step wrote (and then always, but
// for a dilated first window, where the plan is conservative).
//
//===----------------------------------------------------------------------===//

#include "edgec/IR/EdgeOps.h"
#include "edgec/Pipelines/Pipelines.h"
#include "passes/Kernels/Passes.h"
#include "passes/Memory/Stream.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>
#include <set>

using namespace edgec;
using namespace mlir;

namespace {

struct Geometry {
  int64_t k, stride, dilation, padTop, padBottom, outC;
  bool depthwise = false;
};

/// The input rows output row `o` of a layer reads: its taps inside the image.
std::set<int64_t> tapRows(const Geometry &g, int64_t o, int64_t inH) {
  std::set<int64_t> rows;
  for (int64_t j = 0; j < g.k; ++j) {
    int64_t r = o * g.stride - g.padTop + j * g.dilation;
    if (r >= 0 && r < inH)
      rows.insert(r);
  }
  return rows;
}

std::string tensor(int64_t c, int64_t h, int64_t w) {
  return fmt::format("tensor<1x{}x{}x{}x!quant.uniform<i8:f32, 0.1:-3>>", c, h, w);
}

TEST(Stream, RandomChainsMatchSimulation) {
  MLIRContext ctx;
  ctx.loadDialect<edge::EdgeDialect, func::FuncDialect, mlir::quant::QuantizationDialect>();
  std::mt19937 rng(20261207);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int planned = 0, overInput = 0, unsafe = 0, depthwise = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t c0 = pick(2, 6), h0 = pick(1, 14), w = pick(1, 9);
    const int n = static_cast<int>(pick(2, 3));
    std::vector<Geometry> geo;
    std::vector<int64_t> heights{h0}, channels{c0};
    // Every other chain keeps its input's shape (unit strides, padding as
    // large as the window, the input's channels last), so that an add may
    // take the chain's input.
    const bool keepShape = pick(0, 1) == 1;
    for (int k = 0; k < n; ++k) {
      Geometry g{pick(1, 5), keepShape ? 1 : pick(1, 2), pick(1, 2), 0, 0, pick(2, 6)};
      const int64_t span = g.dilation * (g.k - 1) + 1;
      g.padTop = pick(0, keepShape ? span - 1 : g.k - 1);
      g.padBottom = keepShape ? span - 1 - g.padTop : pick(0, g.k - 1);
      g.depthwise = pick(0, 2) == 0; // one filter per channel
      if (g.depthwise)
        g.outC = channels.back();
      if (keepShape && k + 1 == n && !g.depthwise)
        g.outC = c0;
      if (keepShape && k + 1 == n && g.depthwise && g.outC != c0)
        g.depthwise = false, g.outC = c0;
      const int64_t padded = heights.back() + g.padTop + g.padBottom;
      if (padded < span)
        g.padBottom += span - padded;
      geo.push_back(g);
      heights.push_back((heights.back() + g.padTop + g.padBottom - span) / g.stride + 1);
      channels.push_back(g.outC);
    }
    // Widths stay w: every layer pads left and right by the half window.
    std::string ir = fmt::format("func.func @main(%x: {}, %other: {}) -> {} {{\n",
                                 tensor(c0, h0, w), tensor(channels.back(), heights.back(), w),
                                 tensor(channels.back(), heights.back(), w));
    std::string v = "%x";
    for (int k = 0; k < n; ++k) {
      const Geometry &g = geo[k];
      const int64_t kw = g.k % 2 ? g.k : g.k - 1, padW = (kw - 1) / 2;
      const int64_t perFilter = g.depthwise ? 1 : channels[k];
      ir += fmt::format("  %w{0} = edge.constant dense<1> : tensor<{1}x{2}x{3}x{4}xi8> as "
                        "tensor<{1}x{2}x{3}x{4}x!quant.uniform<i8:f32, 0.01>>\n",
                        k, g.outC, perFilter, g.k, kw);
      ir += fmt::format(
          "  %c{0} = edge.conv2d {1}, %w{0} {{strides = array<i64: {2}, 1>, pads = array<i64: "
          "{3}, {4}, {5}, {4}>, dilations = array<i64: {6}, 1>, group = {13} : i64}} : ({7}, "
          "tensor<{8}x{9}x{10}x{11}x!quant.uniform<i8:f32, 0.01>>) -> {12}\n",
          k, v, g.stride, g.padTop, padW, g.padBottom, g.dilation,
          tensor(channels[k], heights[k], w), g.outC, perFilter, g.k, kw,
          tensor(g.outC, heights[k + 1], w), g.depthwise ? channels[k] : 1);
      v = fmt::format("%c{}", k);
    }
    // An add of the chain's result and the chain's input (when the shapes
    // match, every other time) or the other argument; or none.
    const bool sameShape = channels.back() == c0 && heights.back() == h0;
    const int ending = static_cast<int>(pick(0, 2));
    std::string result = v;
    if (ending > 0) {
      std::string other = ending == 1 && sameShape ? "%x" : "%other";
      std::string t = tensor(channels.back(), heights.back(), w);
      ir += fmt::format("  %sum = edge.add {}, {} : ({}, {}) -> {}\n", v, other, t, t, t);
      result = "%sum";
    }
    ir += fmt::format("  return {} : {}\n}}\n", result, tensor(channels.back(), heights.back(), w));
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &ctx);
    ASSERT_TRUE(module) << ir;
    PassManager pm(&ctx);
    kernels::SelectKernelsPassOptions k;
    k.family = edge::KernelFamily::ArmDsp;
    pm.addPass(kernels::createSelectKernelsPass(k));
    ASSERT_TRUE(succeeded(pm.run(*module))) << ir;

    std::vector<Operation *> layers;
    module->walk([&](Operation *op) {
      if (isa<edge::Conv2DOp, edge::AddOp>(op))
        layers.push_back(op);
    });
    const int64_t rows = pick(1, 3);
    std::optional<memory::StreamPlan> plan = memory::streamPlan(layers, rows);
    // A chain of dense one-image convolutions with the SMLAD kernel always
    // streams.
    ASSERT_TRUE(plan) << ir;
    ++planned;
    for (const Geometry &g : geo)
      depthwise += g.depthwise;
    const size_t m = layers.size();
    const int64_t lastH = heights[n];
    ASSERT_EQ(plan->steps, (lastH + rows - 1) / rows);
    // Per layer but the last: the next row to compute, and the band's rows.
    std::vector<int64_t> next(m - 1, 0), lo(m - 1, 0), hi(m - 1, 0);
    // Rows of the chain's input written by the add so far (over the input).
    const bool addOverInput = ending == 1 && sameShape;
    bool violated = false;
    int64_t written = 0;
    for (int64_t s = 0; s < plan->steps; ++s) {
      const std::vector<memory::BandRows> &b = plan->bands[s];
      for (size_t j = 0; j + 1 < m; ++j) {
        // Rows kept were in the band before; new rows continue the order.
        EXPECT_LE(lo[j], b[j].lo) << ir;
        EXPECT_LE(b[j].from, std::max(b[j].lo, hi[j])) << ir;
        if (b[j].from < b[j].to) {
          EXPECT_EQ(b[j].from, std::max(next[j], b[j].lo)) << ir;
          next[j] = b[j].to;
        }
        EXPECT_LE(b[j].to - b[j].lo, plan->bandRows[j]) << ir;
        lo[j] = b[j].lo;
        hi[j] = b[j].to;
      }
      // Every row a layer computes at this step reads rows in the band
      // before it (or, for the first, the whole input, read now).
      auto reads = [&](size_t j, int64_t f, int64_t t) {
        for (int64_t o = f; o < t; ++o)
          for (int64_t r : tapRows(geo[j], o, heights[j])) {
            if (j == 0) {
              if (addOverInput && r < written)
                violated = true;
              continue;
            }
            EXPECT_GE(r, b[j - 1].lo) << ir;
            EXPECT_LT(r, b[j - 1].to) << ir;
          }
      };
      for (size_t j = 0; j + 1 < m; ++j)
        if (j < static_cast<size_t>(n))
          reads(j, b[j].from, b[j].to);
      const int64_t r0 = s * rows, r1 = std::min(lastH, r0 + rows);
      if (ending == 0) {
        reads(static_cast<size_t>(n - 1), r0, r1);
      } else {
        for (int64_t o = r0; o < r1; ++o) { // the add reads its rows of the chain
          EXPECT_GE(o, b[m - 2].lo) << ir;
          EXPECT_LT(o, b[m - 2].to) << ir;
        }
        written = r1;
      }
    }
    for (size_t j = 0; j + 1 < m; ++j)
      EXPECT_LE(next[j], j < static_cast<size_t>(n) ? heights[j + 1] : lastH) << ir;
    if (ending > 0) {
      // The add over its other operand: always safe when that is not the
      // chain's input; over the input only when no read came too late, and
      // then always where the first layer's taps are contiguous (the plan
      // takes a dilated window's rows as one range from its first row inside
      // the image, which may lie in a gap between taps).
      if (plan->inPlaceSafe)
        EXPECT_FALSE(addOverInput && violated) << ir;
      if (geo[0].dilation == 1 || geo[0].k == 1)
        EXPECT_EQ(plan->inPlaceSafe, !(addOverInput && violated)) << ir;
      overInput += addOverInput;
      unsafe += addOverInput && violated;
    } else {
      EXPECT_FALSE(plan->inPlaceSafe);
      EXPECT_EQ(plan->otherOperand, -1);
    }
  }
  EXPECT_EQ(planned, 300);
  // The draw covers both answers of the in-place question.
  EXPECT_GT(overInput, 10);
  EXPECT_GT(unsafe, 0);
  EXPECT_GT(depthwise, 100);
}

} // namespace
