//===- SelectSparseKernelsPass.cpp - dense or sparse, per layer -------------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Sparsity/Passes.h"
#include "passes/Sparsity/Sparsity.h"

#include "mlir/IR/Builders.h"

#include <algorithm>
#include <climits>
#include <cmath>

using namespace mlir;

namespace edgec::sparsity {
#define GEN_PASS_DEF_SELECTSPARSEKERNELSPASS
#include "passes/Sparsity/Passes.h.inc"

namespace {

/// The greedy-by-size arena of `func` with the kernels chosen so far.
int64_t plannedArena(func::FuncOp func, int64_t alignment) {
  std::vector<memory::ArenaBuffer> buffers = memory::collectArenaBuffers(func);
  std::vector<memory::BufferRequest> requests;
  for (const auto &b : buffers)
    requests.push_back(b.request);
  return memory::GreedyBySizePlanner().plan(requests, alignment).arenaSize;
}

/// Records the choice on `op` and rechooses its kernel from the table: the
/// sparse row exactly when the choice is sparse. Returns the kernel's scratch.
int64_t setChoice(Operation *op, bool sparse) {
  edge::SparseAttr d = edge::sparseOf(op);
  op->setAttr(edge::kSparseAttr,
              edge::SparseAttr::get(op->getContext(), d.getKind(),
                                    sparse ? edge::SparseChoice::Sparse : edge::SparseChoice::Dense,
                                    d.getDense(), d.getSparse(), d.getDenseBytes(),
                                    d.getSparseBytes()));
  edge::KernelFamily family = edge::familyOf(op);
  const kernels::KernelRow *row = kernels::selectRow(op, family);
  if (!row) { // the dense reference kernel always applies to an int8 conv / fc
    op->removeAttr(edge::kKernelAttr);
    return 0;
  }
  edge::KernelAttr k = kernels::kernelAttr(*row, op, family);
  op->setAttr(edge::kKernelAttr, k);
  return k.getScratch();
}

/// The kernel-table row a tuning file asks for on `op`, or null.
const kernels::KernelRow *tunedRow(Operation *op) {
  auto tuned = op->getAttrOfType<StringAttr>(edge::kTunedAttr);
  return tuned ? kernels::findRow(tuned.getValue()) : nullptr;
}

/// RAM is a compile-time contract: in auto mode the sparse kernels must not
/// make the arena larger than the all-dense plan's, or than `budget` when it
/// is larger. A sparse kernel can grow it by more scratch or by not running
/// in place where the dense one does. While the plan is over the limit, the
/// sparse layer whose return to dense shrinks the plan the most goes back
/// (ties: the earlier layer); then every reverted layer that fits after all
/// is sparse again.
void keepArena(func::FuncOp func, const std::vector<Operation *> &chosen, int64_t alignment,
               int64_t budget) {
  for (Operation *op : chosen)
    setChoice(op, false);
  int64_t limit = std::max(plannedArena(func, alignment), budget);
  for (Operation *op : chosen)
    setChoice(op, true);
  std::vector<Operation *> sparse = chosen, reverted;
  int64_t arena = plannedArena(func, alignment);
  while (arena > limit && !sparse.empty()) {
    size_t best = 0;
    int64_t bestArena = INT64_MAX;
    for (size_t k = 0; k < sparse.size(); ++k) {
      setChoice(sparse[k], false);
      int64_t a = plannedArena(func, alignment);
      setChoice(sparse[k], true);
      if (a < bestArena) {
        bestArena = a;
        best = k;
      }
    }
    setChoice(sparse[best], false);
    reverted.push_back(sparse[best]);
    sparse.erase(sparse.begin() + best);
    arena = bestArena;
  }
  // A layer reverted while no single revert could shrink the plan may not
  // have been needed: each goes back to sparse if the plan stays in bounds.
  for (Operation *op : reverted) {
    setChoice(op, true);
    if (plannedArena(func, alignment) > limit)
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
    if (!module->hasAttr(edge::kFamilyAttr)) {
      emitError(module.getLoc()) << "edge-select-sparse-kernels: run edge-select-kernels first "
                                    "(the module has no edge.family)";
      return signalPassFailure();
    }
    // The family edge-select-kernels chose the dense kernels for.
    edge::KernelFamily family = edge::familyOf(module);
    std::vector<Operation *> chosen;
    module.walk([&](Operation *op) {
      if (!isa<edge::Conv2DOp, edge::GemmOp>(op))
        return;
      std::optional<edge::SparseKind> kind = kernels::sparseKindOf(op);
      int64_t taps = 1;
      auto w = kind ? constantWeights(op, &taps) : std::nullopt;
      if (!w)
        return;
      WeightStats s = analyzeWeights(w->first, w->second, taps);
      auto cost = predictCost(op, family, s);
      if (!cost)
        return;
      // A tuning file's measured choice (edge-select-kernels' edge.tuned)
      // stands; else auto: fewer predicted instructions, and never more
      // weight bytes.
      const kernels::KernelRow *tuned = tunedRow(op);
      bool sparse = tuned ? kernels::isSparseRow(*tuned)
                          : mode == "force" || (mode == "auto" && cost->sparse < cost->dense &&
                                                sparseBytes(s.rows, s.k, s.nonzero) < s.total);
      op->setAttr(edge::kSparseAttr,
                  edge::SparseAttr::get(op->getContext(), *kind, edge::SparseChoice::Dense,
                                        std::llround(cost->dense), std::llround(cost->sparse),
                                        s.total, sparseBytes(s.rows, s.k, s.nonzero)));
      setChoice(op, sparse);
      if (sparse && mode == "auto" && !tuned)
        chosen.push_back(op);
    });
    // Every layer a tuning file names runs the kernel it asks for.
    bool honoured = true;
    module.walk([&](Operation *op) {
      const kernels::KernelRow *tuned = tunedRow(op);
      edge::KernelAttr k = edge::kernelOf(op);
      if (!tuned || (k && k.getName() == tuned->name))
        return;
      op->emitError() << "the tuning file asks kernel '" << tuned->name
                      << "' for this layer, but it runs '" << (k ? k.getName() : "none")
                      << "': the sparse cost model found no weights to decide on";
      honoured = false;
    });
    if (!honoured)
      return signalPassFailure();
    if (!chosen.empty())
      module.walk([&](func::FuncOp func) {
        std::vector<Operation *> mine;
        for (Operation *op : chosen)
          if (op->getParentOfType<func::FuncOp>() == func)
            mine.push_back(op);
        keepArena(func, mine, alignment, ramBudget);
      });
  }
};

} // namespace
} // namespace edgec::sparsity
