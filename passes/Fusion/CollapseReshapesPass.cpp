//===- CollapseReshapesPass.cpp - reshape chains to one view ---------------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace edgec::fusion {
#define GEN_PASS_DEF_COLLAPSERESHAPESPASS
#include "passes/Fusion/Passes.h.inc"

namespace {

/// reshape(reshape(x)) -> reshape(x); reshape(x) -> x when the types agree.
struct CollapseReshapeChain : OpRewritePattern<edge::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::ReshapeOp op, PatternRewriter &rewriter) const override {
    Value source = op.getInput();
    while (auto inner = source.getDefiningOp<edge::ReshapeOp>())
      source = inner.getInput();
    if (source == op.getInput() && source.getType() != op.getType())
      return failure();
    if (source.getType() == op.getType())
      rewriter.replaceOp(op, source);
    else
      rewriter.modifyOpInPlace(op, [&] { op.getInputMutable().assign(source); });
    return success();
  }
};

struct CollapseReshapesPass : impl::CollapseReshapesPassBase<CollapseReshapesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateCollapseReshapesPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateCollapseReshapesPatterns(RewritePatternSet &patterns) {
  patterns.add<CollapseReshapeChain>(patterns.getContext());
}

} // namespace edgec::fusion
