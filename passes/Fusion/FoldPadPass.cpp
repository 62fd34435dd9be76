//===- FoldPadPass.cpp - constant Pad into Conv / pooling padding -----------===//

#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace edgec::fusion {
#define GEN_PASS_DEF_FOLDPADPASS
#include "passes/Fusion/Passes.h.inc"

namespace {

/// The [top, left, bottom, right] padding of `pad` if it is a non-negative
/// constant pad of the two spatial dimensions of an NCHW tensor with `value`.
std::optional<SmallVector<int64_t, 4>> spatialPads(edge::PadOp pad, float value) {
  if (!pad || pad.getMode() != edge::PadMode::Constant)
    return std::nullopt;
  float v = pad.getValue().convertToFloat();
  if (!(v == value))
    return std::nullopt;
  ArrayRef<int64_t> p = pad.getPads();
  if (p.size() != 8 || p[0] || p[1] || p[4] || p[5])
    return std::nullopt;
  for (int64_t x : p)
    if (x < 0)
      return std::nullopt;
  return SmallVector<int64_t, 4>{p[2], p[3], p[6], p[7]};
}

SmallVector<int64_t, 4> addPads(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  return {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]};
}

/// conv2d(pad(x, 0)) -> conv2d(x) with the pad added to its own. With an
/// input dilation d, p zeros before the spread become p * d spread positions.
/// The pad may also be of quantized data read through a dequantize (a
/// .tflite PAD before a VALID convolution): it fills with the zero point,
/// the real 0 the convolution's own padding stands for.
struct FoldPadIntoConv : OpRewritePattern<edge::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(edge::Conv2DOp conv, PatternRewriter &rewriter) const override {
    auto deq = conv.getInput().getDefiningOp<edge::DequantizeOp>();
    auto pad = (deq ? deq.getInput() : conv.getInput()).getDefiningOp<edge::PadOp>();
    auto extra = spatialPads(pad, 0.f);
    if (!extra)
      return failure();
    for (int i = 0; i < 4; ++i)
      (*extra)[i] *= conv.inputDilation(i % 2);
    Value input = pad.getInput();
    if (deq)
      input = rewriter.create<edge::DequantizeOp>(
          deq.getLoc(),
          RankedTensorType::get(cast<ShapedType>(input.getType()).getShape(),
                                rewriter.getF32Type()),
          input);
    rewriter.modifyOpInPlace(conv, [&] {
      conv.setPads(addPads(conv.getPads(), *extra));
      conv.getInputMutable().assign(input);
      recordFusion(conv, pad);
    });
    return success();
  }
};

/// max_pool2d(pad(x, -inf)) and avg_pool2d(pad(x, 0)) -> pool with more padding.
template <typename PoolOp> struct FoldPadIntoPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;
  static constexpr bool kIsMax = std::is_same_v<PoolOp, edge::MaxPool2DOp>;

  LogicalResult matchAndRewrite(PoolOp pool, PatternRewriter &rewriter) const override {
    auto pad = pool.getInput().template getDefiningOp<edge::PadOp>();
    auto extra = spatialPads(pad, kIsMax ? -INFINITY : 0.f);
    if (!extra)
      return failure();
    if constexpr (!kIsMax) {
      // Zeros that were data count towards the average: the pool must count
      // padded positions, which it can only do if its own padding counts too.
      bool ownPads = llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; });
      if (ownPads && !pool.getCountIncludePad())
        return failure();
    }
    SmallVector<int64_t, 4> pads = addPads(pool.getPads(), *extra);
    // ceil_mode drops windows that start in the end padding: the output shape
    // may change when data becomes padding.
    ArrayRef<int64_t> in = cast<ShapedType>(pad.getInput().getType()).getShape();
    ArrayRef<int64_t> out = cast<ShapedType>(pool.getType()).getShape();
    auto k = pool.getKernel(), s = pool.getStrides(), d = pool.getDilations();
    if (windowOutputSize(in[2], k[0], s[0], pads[0], pads[2], d[0], pool.getCeilMode()) != out[2] ||
        windowOutputSize(in[3], k[1], s[1], pads[1], pads[3], d[1], pool.getCeilMode()) != out[3])
      return failure();
    rewriter.modifyOpInPlace(pool, [&] {
      pool.setPads(pads);
      if constexpr (!kIsMax)
        pool.setCountIncludePad(true);
      pool.getInputMutable().assign(pad.getInput());
      recordFusion(pool, pad);
    });
    return success();
  }
};

struct FoldPadPass : impl::FoldPadPassBase<FoldPadPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldPadPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void populateFoldPadPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldPadIntoConv, FoldPadIntoPool<edge::MaxPool2DOp>,
               FoldPadIntoPool<edge::AvgPool2DOp>>(patterns.getContext());
}

} // namespace edgec::fusion
