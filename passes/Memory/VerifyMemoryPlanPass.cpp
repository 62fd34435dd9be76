//===- VerifyMemoryPlanPass.cpp - arena overlap checker --------------------===//

#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Passes.h"
#include "passes/Memory/Stream.h"

#include "mlir/IR/Diagnostics.h"

namespace edgec::memory {
#define GEN_PASS_DEF_VERIFYMEMORYPLANPASS
#include "passes/Memory/Passes.h.inc"

namespace {

std::string describe(const ArenaBuffer &b) {
  std::string s = b.kind == BufferKind::Result ? "result of " : kindPrefix(b.kind);
  if (auto nl = mlir::dyn_cast<mlir::NameLoc>(b.op->getLoc()))
    s += "'" + nl.getName().str() + "'";
  else
    s += b.op->getName().getStringRef().str();
  return s;
}

struct VerifyMemoryPlanPass : impl::VerifyMemoryPlanPassBase<VerifyMemoryPlanPass> {
  void runOnOperation() override {
    mlir::func::FuncOp func = getOperation();
    auto arena = func->getAttrOfType<mlir::IntegerAttr>(kArenaSizeAttr);
    if (!arena) {
      func.emitError("no memory plan: run --edge-plan-memory first");
      return signalPassFailure();
    }
    std::vector<ArenaBuffer> buffers = collectArenaBuffers(func);
    std::vector<BufferRequest> requests;
    MemoryPlan plan;
    plan.arenaSize = arena.getInt();
    for (const ArenaBuffer &b : buffers) {
      auto off = b.op->getAttrOfType<mlir::IntegerAttr>(offsetAttrOf(b.kind));
      if (!off) {
        b.op->emitError("memory plan: ") << describe(b) << " has no arena offset";
        return signalPassFailure();
      }
      requests.push_back(b.request);
      plan.offsets.push_back(off.getInt());
    }
    int64_t alignment = kDefaultArenaAlignment;
    if (auto a = func->getAttrOfType<mlir::IntegerAttr>(kArenaAlignmentAttr))
      alignment = a.getInt();
    // A concatenation in slices is read at its first slice's offset.
    mlir::Operation *misplaced = nullptr;
    func.walk([&](mlir::Operation *op) {
      if (!misplaced && concatInSlices(op, alignment) &&
          op->getAttr(kOffsetAttr) != op->getOperand(0).getDefiningOp()->getAttr(kOffsetAttr))
        misplaced = op;
    });
    if (misplaced) {
      misplaced->emitError("memory plan: the concatenation in slices is not at the offset of "
                           "its first slice");
      return signalPassFailure();
    }
    // Every layer marked as streamed is in a stream that can run.
    mlir::Operation *broken = nullptr;
    func.walk([&](mlir::Operation *op) {
      if (!broken && (op->hasAttr(kStreamedAttr) || op->hasAttr(kStreamRowsAttr)) &&
          !streamOf(op))
        broken = op;
    });
    if (broken) {
      broken->emitError("memory plan: the layer is marked as streamed, but its chain cannot "
                        "run a band of rows at a time");
      return signalPassFailure();
    }
    if (auto v = checkPlan(requests, plan, alignment)) {
      auto diag = buffers[v->a].op->emitError("memory plan: ")
                  << describe(buffers[v->a]);
      if (v->b != v->a)
        diag << " and " << describe(buffers[v->b]);
      diag << ": " << v->message;
      return signalPassFailure();
    }
  }
};
} // namespace

} // namespace edgec::memory
