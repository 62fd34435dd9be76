//===- FuseActivationPass.cpp - Relu / Clip into the producer ---------------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace edgec::fusion {
#define GEN_PASS_DEF_FUSEACTIVATIONPASS
#include "passes/Fusion/Passes.h.inc"

namespace {

bool canTakeClamp(Operation *op) {
  return op->hasTrait<OpTrait::EdgeTakesClamp>() &&
         getElementTypeOrSelf(op->getResult(0)).isF32();
}

/// act(producer(...)) -> producer(...) {act_min = lo, act_max = hi}
template <typename ActOp> struct FuseIntoProducer : OpRewritePattern<ActOp> {
  using OpRewritePattern<ActOp>::OpRewritePattern;

  static std::pair<float, float> bounds(edge::ReluOp) { return {0.f, INFINITY}; }
  static std::pair<float, float> bounds(edge::ClipOp op) {
    return {op.getMin().convertToFloat(), op.getMax().convertToFloat()};
  }

  LogicalResult matchAndRewrite(ActOp act, PatternRewriter &rewriter) const override {
    Operation *producer = act.getInput().getDefiningOp();
    if (!producer || !canTakeClamp(producer) || !producer->getResult(0).hasOneUse())
      return failure();
    auto [lo, hi] = bounds(act);
    if (!(lo <= hi)) // Clip with min > max: ONNX gives max everywhere; keep the op.
      return failure();
    if (auto old = producer->getAttrOfType<FloatAttr>("act_min"))
      lo = std::max(lo, old.getValue().convertToFloat());
    if (auto old = producer->getAttrOfType<FloatAttr>("act_max"))
      hi = std::min(hi, old.getValue().convertToFloat());
    if (!(lo <= hi))
      return failure();
    rewriter.modifyOpInPlace(producer, [&] {
      if (lo > -INFINITY)
        producer->setAttr("act_min", rewriter.getF32FloatAttr(lo));
      if (hi < INFINITY)
        producer->setAttr("act_max", rewriter.getF32FloatAttr(hi));
      recordFusion(producer, act);
    });
    rewriter.replaceOp(act, producer->getResult(0));
    return success();
  }
};

struct FuseActivationPass : impl::FuseActivationPassBase<FuseActivationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseActivationPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateFuseActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseIntoProducer<edge::ReluOp>, FuseIntoProducer<edge::ClipOp>>(
      patterns.getContext());
}

} // namespace edgec::fusion
