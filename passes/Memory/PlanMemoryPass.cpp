//===- PlanMemoryPass.cpp - static arena planning --------------------------===//

#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Passes.h"
#include "passes/Memory/Stream.h"

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
    // Plans again after `change`; keeps that plan where its arena is smaller
    // (or, with `ties`, as small), and otherwise calls `undo`.
    auto attempt = [&](auto change, auto undo, bool ties) {
      change();
      std::vector<ArenaBuffer> b;
      std::vector<BufferRequest> r;
      MemoryPlan p = planned(b, r);
      if (p.arenaSize < plan.arenaSize || (ties && p.arenaSize == plan.arenaSize)) {
        plan = std::move(p);
        buffers = std::move(b);
        requests = std::move(r);
        return true;
      }
      undo();
      return false;
    };
    // A concatenation in slices keeps its slices' bytes from their producers
    // on, side by side; where copying it instead gives a smaller arena, it is
    // copied (one at a time, in body order).
    std::vector<mlir::Operation *> sliced;
    func.walk([&](mlir::Operation *op) {
      if (concatInSlices(op, alignment))
        sliced.push_back(op);
    });
    for (mlir::Operation *op : sliced)
      attempt([&] { op->setAttr(kConcatCopiesAttr, builder.getUnitAttr()); },
              [&] { op->removeAttr(kConcatCopiesAttr); }, false);
    // Streams, one at a time in body order, every other one as it stands:
    // first, a stream that ends at an add may stream the add's other operand
    // instead (a residual block: the shortcut rather than the body), kept
    // where the arena is smaller.
    std::vector<StreamPlan> streams;
    func.walk([&](mlir::Operation *op) {
      if (std::optional<StreamPlan> p = streamPlanOf(op))
        streams.push_back(std::move(*p));
    });
    for (StreamPlan &stream : streams) {
      std::vector<mlir::Operation *> other;
      if (stream.otherOperand >= 0)
        other = chainInto(stream.layers.back(), static_cast<unsigned>(stream.otherOperand));
      if (other.size() >= 2 && streamPlan(other, stream.rows) &&
          attempt(
              [&] {
                unmarkStream(stream.layers);
                markStream(other, stream.rows);
              },
              [&] {
                unmarkStream(other);
                markStream(stream.layers, stream.rows);
              },
              false))
        stream = *streamPlanOf(other.back());
    }
    // A long chain's bands add up (each layer's band holds the rows the
    // layers after it read ahead), so a stream cut in two can plan smaller:
    // each part a stream of two layers or more, or run whole. The best cut
    // of each chain is kept where the arena is smaller, and its parts are
    // tried again.
    std::vector<StreamPlan> parts;
    while (!streams.empty()) {
      StreamPlan stream = std::move(streams.back());
      streams.pop_back();
      const std::vector<mlir::Operation *> layers = stream.layers;
      const size_t n = layers.size();
      auto mark = [&](size_t cut) {
        unmarkStream(layers);
        for (auto part : {llvm::ArrayRef(layers).take_front(cut),
                          llvm::ArrayRef(layers).drop_front(cut)})
          if (part.size() >= 2 && streamPlan(part, stream.rows))
            markStream(part, stream.rows);
      };
      auto restore = [&] {
        unmarkStream(layers);
        markStream(layers, stream.rows);
      };
      size_t best = 0;
      int64_t bestArena = plan.arenaSize;
      for (size_t cut = 1; cut < n && n > 2; ++cut) {
        mark(cut);
        std::vector<ArenaBuffer> b;
        std::vector<BufferRequest> r;
        if (int64_t a = planned(b, r).arenaSize; a < bestArena)
          best = cut, bestArena = a;
        restore();
      }
      if (best == 0 || !attempt([&] { mark(best); }, restore, false)) {
        parts.push_back(std::move(stream));
        continue;
      }
      for (auto part : {llvm::ArrayRef(layers).take_front(best),
                        llvm::ArrayRef(layers).drop_front(best)})
        if (part.size() >= 2)
          if (std::optional<StreamPlan> p = streamPlanOf(part.back()))
            streams.push_back(std::move(*p));
    }
    streams = std::move(parts);
    // Then each is kept only where the arena is smaller than with its layers
    // run whole: a stream costs a kernel call per layer and step.
    for (StreamPlan &stream : streams) {
      if (attempt([&] { unmarkStream(stream.layers); },
                  [&] { markStream(stream.layers, stream.rows); }, true))
        stream.layers.clear();
    }
    // Then, the streams settled, fewer and larger steps (fewer calls): each
    // one's rows per step double while the arena stays as small.
    for (StreamPlan &stream : streams) {
      if (stream.layers.empty())
        continue;
      const int64_t height =
          mlir::cast<mlir::ShapedType>(stream.layers.back()->getResult(0).getType()).getDimSize(2);
      for (int64_t rows = stream.rows * 2; rows < height * 2; rows *= 2) {
        const int64_t larger = std::min(rows, height);
        if (!attempt([&] { markStream(stream.layers, larger); },
                     [&] { markStream(stream.layers, stream.rows); }, true))
          break;
        stream.rows = larger;
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
