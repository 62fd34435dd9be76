//===- MagnitudePrunePass.cpp - zero the smallest weights -------------------===//

#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Sparsity/Passes.h"
#include "passes/Sparsity/Sparsity.h"

#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;

namespace edgec::sparsity {
#define GEN_PASS_DEF_MAGNITUDEPRUNEPASS
#include "passes/Sparsity/Passes.h.inc"

namespace {

struct Layer {
  Operation *op;
  Value weight;
  Tensor w;
  int64_t rows;
};

/// Zeroes the `count` smallest |w| of `values` (ties broken by position, so
/// the result is deterministic).
void zeroSmallest(std::vector<float *> &values, int64_t count) {
  std::stable_sort(values.begin(), values.end(),
                   [](const float *a, const float *b) { return std::fabs(*a) < std::fabs(*b); });
  for (int64_t k = 0; k < count && k < (int64_t)values.size(); ++k)
    *values[k] = 0.f;
}

struct MagnitudePrunePass : impl::MagnitudePrunePassBase<MagnitudePrunePass> {
  using MagnitudePrunePassBase::MagnitudePrunePassBase;

  void runOnOperation() override {
    int64_t n = 0, m = 0;
    if (!nm.empty()) {
      if (std::sscanf(nm.c_str(), "%ld:%ld", &n, &m) != 2 || n < 1 || m < 2 || n >= m) {
        emitError(getOperation().getLoc())
            << "edge-magnitude-prune: n-m must be N:M with 1 <= N < M, not '" << nm << "'";
        return signalPassFailure();
      }
    } else if (!(sparsity >= 0.0 && sparsity < 1.0)) {
      emitError(getOperation().getLoc())
          << "edge-magnitude-prune: sparsity must be in [0, 1), not " << sparsity;
      return signalPassFailure();
    }
    if (scope != "layer" && scope != "global") {
      emitError(getOperation().getLoc())
          << "edge-magnitude-prune: scope must be layer or global, not '" << scope << "'";
      return signalPassFailure();
    }
    std::vector<Layer> layers;
    getOperation().walk([&](Operation *op) {
      Value w;
      if (auto conv = dyn_cast<edge::Conv2DOp>(op))
        w = conv.getWeight();
      else if (auto gemm = dyn_cast<edge::GemmOp>(op))
        w = gemm.getB();
      auto c = w ? w.getDefiningOp<edge::ConstantOp>() : nullptr;
      if (!c || !getElementTypeOrSelf(w.getType()).isF32())
        return;
      Tensor t = tensorFromAttr(c.getValue());
      int64_t rows = cast<ShapedType>(w.getType()).getShape()[0];
      if (auto gemm = dyn_cast<edge::GemmOp>(op); gemm && !gemm.getTransB())
        rows = 0; // K x N: groups run down columns; handled as one block below
      layers.push_back({op, w, std::move(t), rows});
    });
    if (!nm.empty()) {
      for (Layer &l : layers) {
        auto shape = cast<ShapedType>(l.weight.getType()).getShape();
        int64_t rows = l.rows ? l.rows : shape[1];
        int64_t k = l.w.numElements() / rows;
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t g = 0; g < k; g += m) {
            std::vector<float *> group;
            for (int64_t q = g; q < std::min(k, g + m); ++q)
              group.push_back(l.rows ? &l.w.f[r * k + q] : &l.w.f[q * rows + r]);
            int64_t keep = std::min<int64_t>(n, group.size());
            zeroSmallest(group, (int64_t)group.size() - keep);
          }
      }
    } else if (scope == "layer") {
      for (Layer &l : layers) {
        std::vector<float *> all;
        for (float &v : l.w.f)
          all.push_back(&v);
        zeroSmallest(all, std::llround(sparsity * double(all.size())));
      }
    } else {
      std::vector<float *> all;
      for (Layer &l : layers)
        for (float &v : l.w.f)
          all.push_back(&v);
      zeroSmallest(all, std::llround(sparsity * double(all.size())));
    }
    for (Layer &l : layers) {
      OpBuilder b(l.op);
      std::string name = "pruned";
      if (auto nl = dyn_cast<NameLoc>(l.op->getLoc()))
        name = nl.getName().str() + "_pruned";
      Value nw = materializeConstant(b, l.weight.getLoc(), l.w, name);
      l.op->setOperand(1, nw);
    }
  }
};

} // namespace
} // namespace edgec::sparsity
