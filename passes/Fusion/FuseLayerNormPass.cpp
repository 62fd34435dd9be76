//===- FuseLayerNormPass.cpp - layer / RMS normalization into one op -------===//
//
// The importer writes LayerNormalization and RMSNormalization as the
// functions ONNX defines them by, and exporters that predate those ops (or
// that export a model's own RMSNorm module) write the same arithmetic:
//   layer: d = x - mean(x); d / sqrt(mean(d * d) + eps) * scale + bias
//   rms:   x / sqrt(mean(x * x) + eps) * scale
// with the square as Mul or Pow(., 2), the division as Div or a Mul by
// Reciprocal (or by Div(1, .)), scale and bias on either side. Eight to ten
// layers and as many full-size intermediates become one edge.layer_norm: one
// kernel that reads each row twice and writes it once, in place.
//
//===----------------------------------------------------------------------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"


using namespace mlir;

namespace edgec::fusion {
#define GEN_PASS_DEF_FUSELAYERNORMPASS
#include "passes/Fusion/Passes.h.inc"

namespace {

bool isFloat(Value v) { return getElementTypeOrSelf(v.getType()).isF32(); }

/// An element-wise op that carries no fused clamp.
bool plain(Operation *op) { return op && !op->getAttr("act_min") && !op->getAttr("act_max"); }

/// What a match found: the input, the axes' start, epsilon, the ops it
/// replaces (root last) and the optional scale and bias.
struct Match {
  Value x, scale, bias;
  int64_t axis = 0;
  double epsilon = 0;
  bool rms = false;
  SmallVector<Operation *> ops;
};

/// reduce_mean over the trailing axes [axis, rank) with keepdims: its input;
/// the axis in `axis`.
Value trailingMean(Value v, int64_t &axis) {
  auto m = v.getDefiningOp<edge::ReduceMeanOp>();
  if (!m || !m.getKeepdims() || !isFloat(v))
    return Value();
  auto axes = m.getAxes();
  int64_t rank = cast<ShapedType>(m.getInput().getType()).getRank();
  if (axes.empty() || axes.back() != rank - 1)
    return Value();
  for (size_t k = 1; k < axes.size(); ++k)
    if (axes[k] != axes[k - 1] + 1)
      return Value();
  axis = axes.front();
  return m.getInput();
}

/// t * t or Pow(t, 2): t.
Value square(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto mul = dyn_cast_or_null<edge::MulOp>(op))
    return plain(mul) && mul.getLhs() == mul.getRhs() ? mul.getLhs() : Value();
  if (auto pow = dyn_cast_or_null<edge::PowOp>(op))
    return plain(pow) && isSplat(pow.getRhs(), 2.0) ? pow.getLhs() : Value();
  return Value();
}

/// sqrt(mean(t^2 over trailing axes) + eps): fills t (returned), axis, eps
/// and the ops.
Value rootMeanSquare(Value den, Match &m) {
  auto sqrt = den.getDefiningOp<edge::SqrtOp>();
  auto add = sqrt ? sqrt.getInput().getDefiningOp<edge::AddOp>() : edge::AddOp();
  if (!add || !plain(add))
    return Value();
  for (auto [var, eps] : {std::pair{add.getLhs(), add.getRhs()}, std::pair{add.getRhs(), add.getLhs()}}) {
    std::optional<double> e = splat(eps);
    if (!e || !(*e >= 0.0) || var.getType() != add.getType())
      continue;
    auto mean = var.getDefiningOp<edge::ReduceMeanOp>();
    int64_t axis = 0;
    Value sq = trailingMean(var, axis);
    Value t = sq ? square(sq) : Value();
    if (!t)
      continue;
    m.epsilon = *e;
    m.axis = axis;
    m.ops.append({sq.getDefiningOp(), mean, add, sqrt});
    return t;
  }
  return Value();
}

/// The normalized value n = num / den, as Div(num, den) or num * inv with
/// inv = Reciprocal(den) or Div(1, den) (either side): fills `m` with the
/// input and the ops (n last).
bool normalized(Operation *n, Match &m) {
  if (!plain(n) || n->getNumResults() != 1 || !isFloat(n->getResult(0)))
    return false;
  SmallVector<std::pair<Value, Value>, 2> forms; // (num, den)
  SmallVector<Operation *, 2> invOps;
  if (auto div = dyn_cast<edge::DivOp>(n)) {
    forms.push_back({div.getLhs(), div.getRhs()});
    invOps.push_back(nullptr);
  } else if (auto mul = dyn_cast<edge::MulOp>(n)) {
    for (auto [num, inv] : {std::pair{mul.getLhs(), mul.getRhs()}, std::pair{mul.getRhs(), mul.getLhs()}}) {
      Operation *op = inv.getDefiningOp();
      Value den;
      if (auto r = dyn_cast_or_null<edge::ReciprocalOp>(op))
        den = r.getInput();
      else if (auto d = dyn_cast_or_null<edge::DivOp>(op); d && plain(d) && isSplat(d.getLhs(), 1.0))
        den = d.getRhs();
      if (den) {
        forms.push_back({num, den});
        invOps.push_back(op);
      }
    }
  }
  for (auto [k, form] : llvm::enumerate(forms)) {
    Match found;
    Value t = rootMeanSquare(form.second, found);
    if (!t || t != form.first || t.getType() != n->getResult(0).getType())
      continue;
    // Layer norm: t = x - mean(x) over the same axes. RMS: t is the input.
    found.x = t;
    found.rms = true;
    if (auto sub = t.getDefiningOp<edge::SubOp>(); sub && plain(sub)) {
      int64_t axis = -1;
      if (trailingMean(sub.getRhs(), axis) == sub.getLhs() && axis == found.axis &&
          sub.getLhs().getType() == t.getType()) {
        found.x = sub.getLhs();
        found.rms = false;
        found.ops.append({sub.getRhs().getDefiningOp(), sub});
      }
    }
    if (invOps[k])
      found.ops.push_back(invOps[k]);
    found.ops.push_back(n);
    m = std::move(found);
    return true;
  }
  return false;
}

/// The one user of `v` when it is `v` times (or plus, `add`) a row
/// parameter of `x` (isRowParameterShape): that user, and the
/// parameter in `param`.
Operation *rowParameterUser(Value v, const Match &m, bool add, Value &param) {
  if (!v.hasOneUse())
    return nullptr;
  Operation *user = *v.getUsers().begin();
  if (!plain(user) || !(add ? isa<edge::AddOp>(user) : isa<edge::MulOp>(user)) ||
      user->getResult(0).getType() != v.getType())
    return nullptr;
  Value other = user->getOperand(0) == v ? user->getOperand(1) : user->getOperand(0);
  auto t = dyn_cast<ShapedType>(other.getType());
  if (other == v || !t || !t.hasStaticShape() || !isFloat(other) ||
      !isRowParameterShape(cast<ShapedType>(m.x.getType()).getShape(), m.axis,
                                 t.getShape()))
    return nullptr;
  param = other;
  return user;
}

/// Every result of the matched ops but the last one's is read only inside
/// the match (nothing else needs the mean, the variance, ...).
bool selfContained(const Match &m) {
  llvm::SmallPtrSet<Operation *, 16> inside(m.ops.begin(), m.ops.end());
  for (Operation *op : ArrayRef(m.ops).drop_back())
    for (Operation *user : op->getUsers())
      if (!inside.contains(user))
        return false;
  return true;
}

/// Anchored at the normalized value (the Div or the Mul by the inverse
/// root); takes in the Mul by scale and the Add of bias that follow it.
struct FuseLayerNorm : RewritePattern {
  FuseLayerNorm(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}

  LogicalResult matchAndRewrite(Operation *n, PatternRewriter &rewriter) const override {
    if (!isa<edge::DivOp, edge::MulOp>(n))
      return failure();
    Match m;
    if (!normalized(n, m))
      return failure();
    Value y = n->getResult(0);
    if (Operation *mul = rowParameterUser(y, m, false, m.scale)) {
      m.ops.push_back(mul);
      y = mul->getResult(0);
    }
    if (Operation *add = rowParameterUser(y, m, true, m.bias)) {
      m.ops.push_back(add);
      y = add->getResult(0);
    }
    if (!selfContained(m))
      return failure();
    Operation *root = m.ops.back();
    rewriter.setInsertionPoint(root);
    auto ln = rewriter.create<edge::LayerNormOp>(
        root->getLoc(), y.getType(), m.x, m.scale, m.bias, rewriter.getI64IntegerAttr(m.axis),
        rewriter.getF32FloatAttr((float)m.epsilon), rewriter.getBoolAttr(m.rms));
    for (NamedAttribute a : root->getDiscardableAttrs())
      ln->setAttr(a.getName(), a.getValue());
    // The nodes in program order, as the generated code's comment lists them.
    SmallVector<Operation *> merged(ArrayRef(m.ops).drop_back());
    llvm::sort(merged, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    for (Operation *op : merged)
      recordFusion(ln, op);
    rewriter.replaceOp(root, ln.getResult());
    // The chain is dead now; erased here, last first, rather than left to a
    // driver's clean-up (the pass runs on the ops it may anchor at only).
    // Constants only the chain read (epsilon, the 2 of a Pow) go with it.
    llvm::SetVector<Operation *> constants;
    for (Operation *op : merged)
      for (Value v : op->getOperands())
        if (auto c = v.getDefiningOp<edge::ConstantOp>())
          constants.insert(c);
    for (Operation *op : llvm::reverse(merged))
      rewriter.eraseOp(op);
    for (Operation *c : constants)
      if (c->use_empty())
        rewriter.eraseOp(c);
    return success();
  }
};

/// Runs on the float Div and Mul ops only, so that nothing else is touched:
/// a greedy run over the whole body would also fold, hoist and merge
/// constants, which is the other fusion passes' business.
struct FuseLayerNormPass : impl::FuseLayerNormPassBase<FuseLayerNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseLayerNormPatterns(patterns);
    SmallVector<Operation *> anchors;
    getOperation().walk([&](Operation *op) {
      if (isa<edge::DivOp, edge::MulOp>(op) && isFloat(op->getResult(0)))
        anchors.push_back(op);
    });
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingOps;
    if (failed(applyOpPatternsAndFold(anchors, std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace

void populateFuseLayerNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseLayerNorm>(patterns.getContext());
}

} // namespace edgec::fusion
