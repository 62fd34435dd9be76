//===- AnalyzeSparsityPass.cpp - per-layer weight sparsity ------------------===//

#include "passes/Sparsity/Passes.h"
#include "passes/Sparsity/Sparsity.h"
#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace edgec::sparsity {
#define GEN_PASS_DEF_ANALYZESPARSITYPASS
#include "passes/Sparsity/Passes.h.inc"

namespace {

struct AnalyzeSparsityPass : impl::AnalyzeSparsityPassBase<AnalyzeSparsityPass> {
  void runOnOperation() override {
    getOperation().walk([&](Operation *op) {
      if (!isa<edge::Conv2DOp, edge::GemmOp>(op))
        return;
      int64_t taps = 1;
      auto w = constantWeights(op, &taps);
      if (!w)
        return;
      WeightStats s = analyzeWeights(w->first, w->second, taps);
      Builder b(op->getContext());
      op->setAttr(kSparsityAttr,
                  b.getDictionaryAttr({
                      b.getNamedAttr("total", b.getI64IntegerAttr(s.total)),
                      b.getNamedAttr("nonzero", b.getI64IntegerAttr(s.nonzero)),
                      b.getNamedAttr("zero_out", b.getI64IntegerAttr(s.zeroRows)),
                      b.getNamedAttr("zero_in", b.getI64IntegerAttr(s.zeroInputs)),
                      b.getNamedAttr("n_m", b.getStringAttr(s.nm)),
                      b.getNamedAttr("zero_blocks", b.getF64FloatAttr(s.zeroBlocks)),
                  }));
    });
  }
};

} // namespace
} // namespace edgec::sparsity
