//===- SelectSparseKernelsPass.cpp - dense or sparse, per layer -------------===//

#include "edgec/Codegen/KernelInfo.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Sparsity/Passes.h"
#include "passes/Sparsity/Sparsity.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;

namespace edgec::sparsity {
#define GEN_PASS_DEF_SELECTSPARSEKERNELSPASS
#include "passes/Sparsity/Passes.h.inc"

namespace {

/// The greedy-by-size arena of `func` with the kernels chosen so far.
int64_t plannedArena(func::FuncOp func) {
  std::vector<memory::ArenaBuffer> buffers = memory::collectArenaBuffers(func);
  std::vector<memory::BufferRequest> requests;
  for (const auto &b : buffers)
    requests.push_back(b.request);
  return memory::GreedyBySizePlanner().plan(requests, memory::kArenaAlignment).arenaSize;
}

void setChoice(Operation *op, bool sparse) {
  auto d = op->getAttrOfType<DictionaryAttr>(kSparseAttr);
  NamedAttrList attrs(d);
  attrs.set("choice", StringAttr::get(op->getContext(), sparse ? "sparse" : "dense"));
  op->setAttr(kSparseAttr, attrs.getDictionary(op->getContext()));
}

/// RAM is a compile-time contract: in auto mode a sparse kernel whose scratch
/// is larger than the dense kernel's must not grow the arena. While the plan
/// with the chosen kernels is larger than the all-dense plan, the sparse
/// layer that adds the most scratch goes back to dense.
void keepArena(func::FuncOp func, const std::vector<Operation *> &chosen) {
  auto scratchOf = [](Operation *op, bool sparse) {
    setChoice(op, sparse);
    return codegen::scratchBytes(op);
  };
  std::vector<std::pair<int64_t, Operation *>> growing; // (extra scratch, layer)
  for (Operation *op : chosen) {
    int64_t dense = scratchOf(op, false), sparse = scratchOf(op, true);
    if (sparse > dense)
      growing.emplace_back(sparse - dense, op);
  }
  if (growing.empty())
    return;
  for (Operation *op : chosen)
    setChoice(op, false);
  int64_t dense = plannedArena(func);
  for (Operation *op : chosen)
    setChoice(op, true);
  std::stable_sort(growing.begin(), growing.end(),
                   [](const auto &a, const auto &b) { return a.first > b.first; });
  for (auto &[extra, op] : growing) {
    if (plannedArena(func) <= dense)
      return;
    setChoice(op, false);
  }
}

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
    std::vector<Operation *> chosen;
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
      if (sparse && mode == "auto")
        chosen.push_back(op);
    });
    if (!chosen.empty())
      module.walk([&](func::FuncOp func) {
        std::vector<Operation *> mine;
        for (Operation *op : chosen)
          if (op->getParentOfType<func::FuncOp>() == func)
            mine.push_back(op);
        keepArena(func, mine);
      });
  }
};

} // namespace
} // namespace edgec::sparsity
