//===- FuseHardSwishPass.cpp - exported hard-swish into one op -------------===//
//
// Exporters that predate ONNX's HardSwish write it as arithmetic:
//   x * clip(x + 3, 0, 6) / 6        (or * 0.1666..., or x * (clip(...) / 6))
// Five ops, four intermediate tensors, and in int8 four requantizations that
// each lose precision. As one edge.hard_swish it is one kernel in float and
// one 256-entry table in int8.
//
//===----------------------------------------------------------------------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"


using namespace mlir;

namespace edgec::fusion {
#define GEN_PASS_DEF_FUSEHARDSWISHPASS
#include "passes/Fusion/Passes.h.inc"

namespace {

/// `v` scaled by 1/6: Div(v, 6) or Mul by 1/6 (either side); the scaled value.
Value sixth(Operation *op) {
  if (auto div = dyn_cast_or_null<edge::DivOp>(op))
    return isSplat(div.getRhs(), 6.0) ? div.getLhs() : Value();
  if (auto mul = dyn_cast_or_null<edge::MulOp>(op)) {
    if (isSplat(mul.getRhs(), 1.0 / 6.0))
      return mul.getLhs();
    if (isSplat(mul.getLhs(), 1.0 / 6.0))
      return mul.getRhs();
  }
  return Value();
}

/// clip(x + 3, 0, 6) with one user: x; the add and the clip in `ops`.
Value relu6Plus3(Value v, SmallVectorImpl<Operation *> &ops) {
  auto clip = v.getDefiningOp<edge::ClipOp>();
  if (!clip || !v.hasOneUse() || clip.getMin().convertToDouble() != 0.0 ||
      clip.getMax().convertToDouble() != 6.0)
    return Value();
  auto add = clip.getInput().getDefiningOp<edge::AddOp>();
  if (!add || !add->getResult(0).hasOneUse() || add->getAttr("act_min") ||
      add->getAttr("act_max"))
    return Value();
  Value x = isSplat(add.getRhs(), 3.0) ? add.getLhs()
            : isSplat(add.getLhs(), 3.0) ? add.getRhs()
                                         : Value();
  if (!x || x.getType() != add.getType())
    return Value(); // the constant must not broadcast x to a larger shape
  ops.append({add, clip});
  return x;
}

/// Mul(a, b) where one side is relu6Plus3(x) and the other x itself: x.
Value timesRelu6(edge::MulOp mul, SmallVectorImpl<Operation *> &ops) {
  if (!mul || mul->getAttr("act_min") || mul->getAttr("act_max"))
    return Value();
  for (auto [self, gate] : {std::pair{mul.getLhs(), mul.getRhs()},
                            std::pair{mul.getRhs(), mul.getLhs()}}) {
    SmallVector<Operation *> found;
    if (Value x = relu6Plus3(gate, found); x && x == self) {
      ops.append(found);
      return x;
    }
  }
  return Value();
}

/// Matches at the last op of either form:
///   (x * relu6(x + 3)) / 6     and     x * (relu6(x + 3) / 6)
struct FuseHardSwish : RewritePattern {
  FuseHardSwish(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}

  LogicalResult matchAndRewrite(Operation *root, PatternRewriter &rewriter) const override {
    if (!isa<edge::DivOp, edge::MulOp>(root) || root->getAttr("act_min") ||
        root->getAttr("act_max") || !getElementTypeOrSelf(root->getResult(0)).isF32())
      return failure();
    SmallVector<Operation *> ops;
    Value x;
    // (x * relu6(x + 3)) / 6
    if (Value scaled = sixth(root)) {
      auto mul = scaled.getDefiningOp<edge::MulOp>();
      if (mul && scaled.hasOneUse() && (x = timesRelu6(mul, ops)))
        ops.push_back(mul);
    }
    // x * (relu6(x + 3) / 6)
    if (!x)
      if (auto mul = dyn_cast<edge::MulOp>(root))
        for (auto [self, gate] : {std::pair{mul.getLhs(), mul.getRhs()},
                                  std::pair{mul.getRhs(), mul.getLhs()}}) {
          Operation *div = gate.getDefiningOp();
          Value inner = div && gate.hasOneUse() ? sixth(div) : Value();
          SmallVector<Operation *> found;
          if (inner && relu6Plus3(inner, found) == self && self) {
            ops = found;
            ops.push_back(div);
            x = self;
            break;
          }
        }
    if (!x || x.getType() != root->getResult(0).getType())
      return failure();
    auto hs = rewriter.create<edge::HardSwishOp>(root->getLoc(), x.getType(), x);
    for (Operation *op : ops)
      recordFusion(hs, op);
    for (NamedAttribute a : root->getDiscardableAttrs())
      if (a.getName() != "edge.fused")
        hs->setAttr(a.getName(), a.getValue());
    rewriter.replaceOp(root, hs.getResult());
    return success();
  }
};

struct FuseHardSwishPass : impl::FuseHardSwishPassBase<FuseHardSwishPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseHardSwishPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateFuseHardSwishPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseHardSwish>(patterns.getContext());
}

} // namespace edgec::fusion
