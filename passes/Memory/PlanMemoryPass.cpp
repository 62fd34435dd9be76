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
    std::vector<ArenaBuffer> buffers = collectArenaBuffers(func);
    std::vector<BufferRequest> requests;
    for (const ArenaBuffer &b : buffers)
      requests.push_back(b.request);
    MemoryPlan plan = planner->plan(requests, alignment);

    mlir::Builder builder(func.getContext());
    for (auto [buf, offset] : llvm::zip(buffers, plan.offsets))
      buf.op->setAttr(offsetAttrOf(buf.kind),
                      builder.getI64IntegerAttr(offset));
    func->setAttr(kArenaSizeAttr, builder.getI64IntegerAttr(plan.arenaSize));
    func->setAttr(kLowerBoundAttr,
                  builder.getI64IntegerAttr(arenaLowerBound(requests, alignment)));
    func->setAttr(kPlannerAttr, builder.getStringAttr(planner->name()));
    func->setAttr(kArenaAlignmentAttr, builder.getI64IntegerAttr(alignment));
  }
};
} // namespace

} // namespace edgec::memory
