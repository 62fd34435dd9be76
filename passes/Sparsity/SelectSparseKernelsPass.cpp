//===- SelectSparseKernelsPass.cpp - dense or sparse, per layer -------------===//

#include "edgec/Codegen/KernelInfo.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Sparsity/Passes.h"
#include "passes/Sparsity/Sparsity.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;

namespace edgec::sparsity {
#define GEN_PASS_DEF_SELECTSPARSEKERNELSPASS
#include "passes/Sparsity/Passes.h.inc"

namespace {

struct SelectSparseKernelsPass : impl::SelectSparseKernelsPassBase<SelectSparseKernelsPass> {
  using SelectSparseKernelsPassBase::SelectSparseKernelsPassBase;

  void runOnOperation() override {
    if (mode != "auto" && mode != "off" && mode != "force") {
      emitError(getOperation().getLoc()) << "edge-select-sparse-kernels: mode must be auto, off "
                                            "or force, not '" << mode << "'";
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    std::string family = "portable";
    if (auto a = module->getAttrOfType<StringAttr>(codegen::kKernelsAttr))
      family = a.str();
    module.walk([&](Operation *op) {
      if (!isa<edge::Conv2DOp, edge::GemmOp>(op))
        return;
      std::string kind = sparseKernelKind(op);
      int64_t taps = 1;
      auto w = constantWeights(op, &taps);
      if (kind.empty() || !w)
        return;
      WeightStats s = analyzeWeights(w->first, w->second, taps);
      auto cost = predictCost(op, family, s);
      if (!cost)
        return;
      // auto: fewer predicted instructions, and never more weight bytes.
      bool sparse = mode == "force" ||
                    (mode == "auto" && cost->sparse < cost->dense &&
                     sparseBytes(s.rows, s.k, s.nonzero) < s.total);
      Builder b(op->getContext());
      op->setAttr(kSparseAttr,
                  b.getDictionaryAttr({
                      b.getNamedAttr("kernel", b.getStringAttr(kind)),
                      b.getNamedAttr("choice", b.getStringAttr(sparse ? "sparse" : "dense")),
                      b.getNamedAttr("dense", b.getI64IntegerAttr(std::llround(cost->dense))),
                      b.getNamedAttr("sparse", b.getI64IntegerAttr(std::llround(cost->sparse))),
                      b.getNamedAttr("dense_bytes", b.getI64IntegerAttr(s.total)),
                      b.getNamedAttr("sparse_bytes",
                                     b.getI64IntegerAttr(sparseBytes(s.rows, s.k, s.nonzero))),
                  }));
    });
  }
};

} // namespace
} // namespace edgec::sparsity
