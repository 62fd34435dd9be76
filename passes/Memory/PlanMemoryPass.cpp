//===- PlanMemoryPass.cpp - static arena planning --------------------------===//

#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Passes.h"

#include "mlir/IR/Builders.h"

namespace edgec::memory {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "passes/Memory/Passes.h.inc"

namespace {
struct PlanMemoryPass : impl::PlanMemoryPassBase<PlanMemoryPass> {
  using PlanMemoryPassBase::PlanMemoryPassBase;

  void runOnOperation() override {
    mlir::func::FuncOp func = getOperation();
    std::unique_ptr<MemoryPlanner> planner = createPlanner(strategy);
    if (!planner) {
      func.emitError("unknown memory planning strategy '")
          << strategy << "' (expected greedy-by-size or linear)";
      return signalPassFailure();
    }
    if (!kernelsChosen(func, "planning memory") || !alignmentValid(func, alignment, getArgument()))
      return signalPassFailure();
    mlir::Builder builder(func.getContext());
    auto planned = [&](std::vector<ArenaBuffer> &buffers, std::vector<BufferRequest> &requests) {
      buffers = collectArenaBuffers(func, alignment);
      requests.clear();
      for (const ArenaBuffer &b : buffers)
        requests.push_back(b.request);
      return planner->plan(requests, alignment);
    };
    std::vector<ArenaBuffer> buffers;
    std::vector<BufferRequest> requests;
    MemoryPlan plan = planned(buffers, requests);
    // A concatenation in slices keeps its slices' bytes from their producers
    // on, side by side; where copying it instead gives a smaller arena, it is
    // copied (one at a time, in body order).
    std::vector<mlir::Operation *> sliced;
    func.walk([&](mlir::Operation *op) {
      if (concatInSlices(op, alignment))
        sliced.push_back(op);
    });
    for (mlir::Operation *op : sliced) {
      op->setAttr(kConcatCopiesAttr, builder.getUnitAttr());
      std::vector<ArenaBuffer> b;
      std::vector<BufferRequest> r;
      MemoryPlan copied = planned(b, r);
      if (copied.arenaSize < plan.arenaSize) {
        plan = std::move(copied);
        buffers = std::move(b);
        requests = std::move(r);
      } else {
        op->removeAttr(kConcatCopiesAttr);
      }
    }

    for (auto [buf, offset] : llvm::zip(buffers, plan.offsets))
      buf.op->setAttr(offsetAttrOf(buf.kind),
                      builder.getI64IntegerAttr(offset));
    // A concatenation in slices starts where its first slice does.
    func.walk([&](mlir::Operation *op) {
      if (concatInSlices(op, alignment))
        op->setAttr(kOffsetAttr, op->getOperand(0).getDefiningOp()->getAttr(kOffsetAttr));
    });
    func->setAttr(kArenaSizeAttr, builder.getI64IntegerAttr(plan.arenaSize));
    func->setAttr(kLowerBoundAttr,
                  builder.getI64IntegerAttr(arenaLowerBound(requests, alignment)));
    func->setAttr(kPlannerAttr, builder.getStringAttr(planner->name()));
    func->setAttr(kArenaAlignmentAttr, builder.getI64IntegerAttr(alignment));
  }
};
} // namespace

} // namespace edgec::memory
