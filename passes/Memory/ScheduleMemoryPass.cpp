//===- ScheduleMemoryPass.cpp - the layer order with the smallest arena ----===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Passes.h"

#include "mlir/IR/Builders.h"

namespace edgec::memory {
#define GEN_PASS_DEF_SCHEDULEMEMORYPASS
#include "passes/Memory/Passes.h.inc"

namespace {
struct ScheduleMemoryPass : impl::ScheduleMemoryPassBase<ScheduleMemoryPass> {
  using ScheduleMemoryPassBase::ScheduleMemoryPassBase;

  void runOnOperation() override {
    mlir::func::FuncOp func = getOperation();
    if (!kernelsChosen(func, "scheduling") || !alignmentValid(func, alignment, getArgument()))
      return signalPassFailure();
    if (stateLimit < 1) {
      func.emitError() << getArgument() << ": state-limit must be at least 1, not "
                       << stateLimit.getValue();
      return signalPassFailure();
    }
    ScheduleGraph graph = scheduleGraphOf(func, alignment);
    MemorySchedule s = scheduleForMemory(graph.nodes, alignment, stateLimit);
    bool moved = false;
    for (size_t i = 0; i < s.order.size(); ++i)
      moved |= s.order[i] != static_cast<int64_t>(i);
    if (moved) {
      // Weights (free nodes) lead the order; every op then goes before the
      // terminator in turn.
      mlir::Operation *terminator = func.getBody().front().getTerminator();
      for (int64_t i : s.order)
        graph.ops[i]->moveBefore(terminator);
    }
    mlir::Builder b(func.getContext());
    func->setAttr(kScheduleAttr, b.getStringAttr(s.exact ? "exact" : "greedy"));
    func->setAttr(kScheduleSourceBoundAttr, b.getI64IntegerAttr(s.sourceBound));
  }
};
} // namespace

} // namespace edgec::memory
