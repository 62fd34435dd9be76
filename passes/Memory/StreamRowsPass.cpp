//===- StreamRowsPass.cpp - mark chains to run a band of rows at a time ---===//

#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Passes.h"
#include "passes/Memory/Stream.h"

#include "llvm/ADT/DenseSet.h"

namespace edgec::memory {
#define GEN_PASS_DEF_STREAMROWSPASS
#include "passes/Memory/Passes.h.inc"

namespace {
struct StreamRowsPass : impl::StreamRowsPassBase<StreamRowsPass> {
  using StreamRowsPassBase::StreamRowsPassBase;

  void runOnOperation() override {
    mlir::func::FuncOp func = getOperation();
    if (rows < 1) {
      func.emitError() << getArgument() << ": rows must be at least 1, not " << rows.getValue();
      return signalPassFailure();
    }
    if (!kernelsChosen(func, "streaming"))
      return signalPassFailure();
    // Each longest chain from a layer that is not yet in one: streamable
    // layers each read by the next, then a last layer that reads the one
    // before (or the chain's last streamable layer ends it).
    llvm::DenseSet<mlir::Operation *> taken;
    for (mlir::Operation &first : func.getBody().front()) {
      if (taken.count(&first) || first.hasAttr(kStreamedAttr) ||
          first.hasAttr(kStreamRowsAttr) || !streamableLayer(&first))
        continue;
      std::vector<mlir::Operation *> layers{&first};
      while (true) {
        mlir::Operation *next = *layers.back()->getResult(0).getUsers().begin();
        if (taken.count(next) || !streamableLast(next, layers.back()))
          break;
        layers.push_back(next);
        if (!streamableLayer(next) || next->getOperand(0).getDefiningOp() != layers[layers.size() - 2])
          break;
      }
      // A chain whose last streamable layer's reader cannot join ends there.
      if (layers.size() < 2)
        continue;
      if (!streamPlan(layers, rows))
        continue;
      markStream(layers, rows);
      taken.insert(layers.begin(), layers.end());
    }
  }
};
} // namespace

} // namespace edgec::memory
