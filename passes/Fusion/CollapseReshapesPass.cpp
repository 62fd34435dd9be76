//===- CollapseReshapesPass.cpp - reshape chains to one view ---------------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
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

/// transpose(x) -> reshape(x) when the permutation moves only axes of size
/// 1: the elements keep their order in memory (an LSTM's [1, T, I] input
/// made sequence-major [T, 1, I]), so the copy is a view.
struct TransposeOfUnitAxes : OpRewritePattern<edge::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::TransposeOp op, PatternRewriter &rewriter) const override {
    auto type = cast<ShapedType>(op.getInput().getType());
    if (isa<mlir::quant::UniformQuantizedPerAxisType>(type.getElementType()))
      return failure(); // its axis would move
    auto shape = type.getShape();
    int64_t last = -1;
    for (int64_t axis : op.getPerm()) {
      if (shape[axis] == 1)
        continue;
      if (axis < last)
        return failure();
      last = axis;
    }
    rewriter.replaceOpWithNewOp<edge::ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};

/// transpose(transpose(x, p), q) -> transpose(x, p o q), and -> x when the
/// composition is the identity: the NHWC -> NCHW -> NHWC pairs a .tflite
/// model leaves between two layers cancel, so only the graph's boundary
/// keeps a run-time transpose.
struct TransposeChain : OpRewritePattern<edge::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::TransposeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<edge::TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> perm;
    bool identity = true;
    for (int64_t axis : op.getPerm()) {
      perm.push_back(inner.getPerm()[axis]);
      identity &= perm.back() == (int64_t)perm.size() - 1;
    }
    if (identity && inner.getInput().getType() == op.getType())
      rewriter.replaceOp(op, inner.getInput());
    else
      rewriter.replaceOpWithNewOp<edge::TransposeOp>(op, op.getType(), inner.getInput(),
                                                     rewriter.getDenseI64ArrayAttr(perm));
    return success();
  }
};

/// pad(transpose(x, p)) -> transpose(pad(x), p), the pads moved back to x's
/// axes: the pad runs in the layout of the layers around it, so the layout
/// transposes of a .tflite PAD between two NHWC layers (mobilenet_v2 has 18)
/// meet and cancel (TransposeChain) instead of copying twice at run time.
/// Only where the pad alone reads the transpose, which then goes.
struct PadOfTranspose : OpRewritePattern<edge::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::PadOp op, PatternRewriter &rewriter) const override {
    auto t = op.getInput().getDefiningOp<edge::TransposeOp>();
    if (!t || !t->hasOneUse())
      return failure();
    auto xType = cast<RankedTensorType>(t.getInput().getType());
    if (isa<mlir::quant::UniformQuantizedPerAxisType>(xType.getElementType()))
      return failure(); // its axis would move
    ArrayRef<int64_t> perm = t.getPerm(), pads = op.getPads();
    size_t rank = perm.size();
    SmallVector<int64_t> moved(2 * rank), shape(xType.getShape());
    for (size_t i = 0; i < rank; ++i) {
      moved[perm[i]] = pads[i];
      moved[rank + perm[i]] = pads[rank + i];
    }
    for (size_t j = 0; j < rank; ++j)
      shape[j] += moved[j] + moved[rank + j];
    Value padded = rewriter.create<edge::PadOp>(
        op.getLoc(), RankedTensorType::get(shape, xType.getElementType()), t.getInput(),
        rewriter.getDenseI64ArrayAttr(moved), op.getModeAttr(), op.getValueAttr());
    rewriter.replaceOp(op, rewriter.create<edge::TransposeOp>(t.getLoc(), op.getType(), padded,
                                                              t.getPermAttr()));
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
  patterns.add<CollapseReshapeChain, TransposeOfUnitAxes, TransposeChain, PadOfTranspose>(
      patterns.getContext());
}

} // namespace edgec::fusion
