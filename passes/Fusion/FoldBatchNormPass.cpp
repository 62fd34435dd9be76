//===- FoldBatchNormPass.cpp - BatchNormalization into Conv / Gemm ----------===//

#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace edgec::fusion {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "passes/Fusion/Passes.h.inc"

namespace {

std::optional<Tensor> constantOf(Value v) {
  if (!v)
    return std::nullopt;
  auto c = v.getDefiningOp<edge::ConstantOp>();
  if (!c)
    return std::nullopt;
  return tensorFromAttr(c.getValue());
}

/// Per-channel s = scale / sqrt(var + eps) and t = bias - mean * s, in double.
struct ChannelAffine {
  std::vector<double> s, t;
};

std::optional<ChannelAffine> affineOf(edge::BatchNormOp bn) {
  auto scale = constantOf(bn.getScale()), bias = constantOf(bn.getBias());
  auto mean = constantOf(bn.getMean()), var = constantOf(bn.getVar());
  if (!scale || !bias || !mean || !var)
    return std::nullopt;
  double eps = bn.getEpsilon().convertToDouble();
  ChannelAffine a;
  for (int64_t c = 0; c < scale->numElements(); ++c) {
    double s = scale->f[c] / std::sqrt((double)var->f[c] + eps);
    a.s.push_back(s);
    a.t.push_back(bias->f[c] - mean->f[c] * s);
  }
  return a;
}

std::string blobName(Operation *op, const char *suffix) {
  std::string base = "folded";
  if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
    base = nl.getName().str();
  return base + suffix;
}

/// A producer BN may fold into: one user (the BN), no fused clamp before it.
bool foldableProducer(Operation *op) {
  return op && op->getResult(0).hasOneUse() && !op->hasAttr("act_min") && !op->hasAttr("act_max");
}

/// batch_norm(conv2d(x, W, b)) -> conv2d(x, W * s, b * s + t)
struct FoldIntoConv : OpRewritePattern<edge::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<edge::Conv2DOp>();
    if (!conv || !foldableProducer(conv))
      return failure();
    auto w = constantOf(conv.getWeight());
    std::optional<Tensor> b = conv.getBias() ? constantOf(conv.getBias()) : std::nullopt;
    auto affine = affineOf(bn);
    if (!w || (conv.getBias() && !b) || !affine)
      return failure();
    int64_t M = w->shape[0], per = w->numElements() / std::max<int64_t>(M, 1);
    Tensor nb = Tensor::zeros(DType::F32, {M});
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t q = 0; q < per; ++q)
        w->f[m * per + q] = (float)(w->f[m * per + q] * affine->s[m]);
      nb.f[m] = (float)((b ? b->f[m] : 0.0) * affine->s[m] + affine->t[m]);
    }
    rewriter.setInsertionPoint(conv);
    Value nw = materializeConstant(rewriter, conv.getWeight().getLoc(), *w,
                                   blobName(conv, "_weight_bn"));
    Value nbias = materializeConstant(rewriter, bn.getLoc(), nb, blobName(conv, "_bias_bn"));
    auto folded = rewriter.create<edge::Conv2DOp>(
        conv.getLoc(), bn.getType(), conv.getInput(), nw, nbias, conv.getStridesAttr(),
        conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(), FloatAttr(),
        FloatAttr(), conv.getInputDilationsAttr(), conv.getNumericsAttr());
    folded->setDiscardableAttrs(conv->getDiscardableAttrDictionary());
    recordFusion(folded, bn);
    rewriter.replaceOp(bn, folded.getOutput());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// batch_norm(gemm(A, B, C)) -> gemm(A, B * s, (beta * C) * s + t), beta = 1.
/// The channels of a 2-D result are its columns.
struct FoldIntoGemm : OpRewritePattern<edge::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto gemm = bn.getInput().getDefiningOp<edge::GemmOp>();
    if (!gemm || !foldableProducer(gemm))
      return failure();
    auto bw = constantOf(gemm.getB());
    std::optional<Tensor> c = gemm.getC() ? constantOf(gemm.getC()) : std::nullopt;
    auto affine = affineOf(bn);
    if (!bw || (gemm.getC() && !c) || !affine)
      return failure();
    ArrayRef<int64_t> out = cast<ShapedType>(gemm.getType()).getShape();
    int64_t M = out[0], N = out[1];
    // C as a full [M, N] or a per-column [N] tensor, whichever it broadcasts from.
    bool perColumn = !c || c->shape.size() < 2 || c->shape[0] == 1;
    Tensor nc = Tensor::zeros(DType::F32, perColumn ? std::vector<int64_t>{N}
                                                    : std::vector<int64_t>{M, N});
    double beta = gemm.getBeta().convertToDouble();
    int64_t rows = perColumn ? 1 : M;
    for (int64_t m = 0; m < rows; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double cv = 0;
        if (c) {
          int64_t cn = c->shape.empty() ? 1 : c->shape.back();
          int64_t cm = c->shape.size() < 2 ? 1 : c->shape[0];
          cv = c->f[(cm == 1 ? 0 : m) * cn + (cn == 1 ? 0 : n)];
        }
        nc.f[m * N + n] = (float)(beta * cv * affine->s[n] + affine->t[n]);
      }
    int64_t K = bw->numElements() / N;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k) {
        int64_t idx = gemm.getTransB() ? n * K + k : k * N + n;
        bw->f[idx] = (float)(bw->f[idx] * affine->s[n]);
      }
    rewriter.setInsertionPoint(gemm);
    Value nb = materializeConstant(rewriter, gemm.getB().getLoc(), *bw, blobName(gemm, "_B_bn"));
    Value ncv = materializeConstant(rewriter, bn.getLoc(), nc, blobName(gemm, "_C_bn"));
    auto folded = rewriter.create<edge::GemmOp>(
        gemm.getLoc(), bn.getType(), gemm.getA(), nb, ncv, gemm.getAlphaAttr(),
        rewriter.getF32FloatAttr(1.f), gemm.getTransAAttr(), gemm.getTransBAttr(), FloatAttr(),
        FloatAttr());
    folded->setDiscardableAttrs(gemm->getDiscardableAttrDictionary());
    recordFusion(folded, bn);
    rewriter.replaceOp(bn, folded.getOutput());
    rewriter.eraseOp(gemm);
    return success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldIntoConv, FoldIntoGemm>(patterns.getContext());
}

} // namespace edgec::fusion
