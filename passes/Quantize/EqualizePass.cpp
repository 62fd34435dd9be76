//===- EqualizePass.cpp - cross-layer equalization before int8 -------------===//
//
// Per-channel int8 weights still lose a channel whose range is small next to
// the next layer's view of it. For y = W2 relu(W1 x + b1), relu(v / s) =
// relu(v) / s for s > 0, so output channel i of the first layer may be
// divided by s_i and the second layer's input channel i multiplied by it
// without changing y. s_i = sqrt(r1_i / r2_i), r1_i the range of the first
// layer's channel i and r2_i that of the second's input channel i, makes the
// two ranges equal (Nagel et al., "Data-Free Quantization", cross-layer
// equalization).
//
//===----------------------------------------------------------------------===//

#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/TensorAttr.h"
#include "passes/Quantize/Passes.h"

#include <cmath>
#include <optional>

using namespace mlir;

namespace edgec::quant {
#define GEN_PASS_DEF_EQUALIZEPASS
#include "passes/Quantize/Passes.h.inc"

namespace {

std::optional<Tensor> constantOf(Value v) {
  auto c = v ? v.getDefiningOp<edge::ConstantOp>() : nullptr;
  if (!c || !getElementTypeOrSelf(v.getType()).isF32())
    return std::nullopt;
  return tensorFromAttr(c.getValue());
}

/// A layer's weight tensor viewed as [channels along `axis`] for its output
/// (first) or input (second) channels.
struct Weights {
  Tensor t;
  int64_t axis; ///< the axis of the channels being scaled
  int64_t count() const { return t.shape[axis]; }
  int64_t channelOf(int64_t k) const {
    int64_t inner = 1;
    for (size_t d = axis + 1; d < t.shape.size(); ++d)
      inner *= t.shape[d];
    return (k / inner) % t.shape[axis];
  }
  /// The largest |weight| of each channel, into `r` (sized by the caller).
  void ranges(std::vector<double> &r) const {
    for (int64_t k = 0; k < t.numElements(); ++k)
      r[channelOf(k)] = std::max<double>(r[channelOf(k)], std::fabs(t.f[k]));
  }
  void scale(const std::vector<double> &s, bool divide) {
    for (int64_t k = 0; k < t.numElements(); ++k)
      t.f[k] = (float)(divide ? t.f[k] / s[channelOf(k)] : t.f[k] * s[channelOf(k)]);
  }
};

/// The first layer's weights by output channel: conv [M, ..] axis 0; gemm B
/// [N, K] (transB) axis 0 or [K, N] axis 1.
std::optional<Weights> outputWeights(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    if (auto t = constantOf(conv.getWeight()))
      return Weights{std::move(*t), 0};
    return std::nullopt;
  }
  auto gemm = cast<edge::GemmOp>(op);
  if (auto t = constantOf(gemm.getB()))
    return Weights{std::move(*t), gemm.getTransB() ? 0 : 1};
  return std::nullopt;
}

/// The second layer's weights by input channel: conv [.., C, ..] axis 1 (a
/// depthwise conv [C, 1, ..] axis 0); gemm B [N, K] axis 1 or [K, N] axis 0.
std::optional<Weights> inputWeights(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    auto t = constantOf(conv.getWeight());
    if (!t)
      return std::nullopt;
    int64_t cin = cast<ShapedType>(conv.getInput().getType()).getDimSize(1);
    if (conv.getGroup() == 1)
      return Weights{*t, 1};
    if ((int64_t)conv.getGroup() == cin && t->shape[0] == cin) // depthwise, multiplier 1
      return Weights{*t, 0};
    return std::nullopt;
  }
  auto gemm = cast<edge::GemmOp>(op);
  if (auto t = constantOf(gemm.getB()))
    return Weights{std::move(*t), gemm.getTransB() ? 1 : 0};
  return std::nullopt;
}

Value layerInput(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op))
    return conv.getInput();
  auto gemm = dyn_cast<edge::GemmOp>(op);
  return gemm && !gemm.getTransA() ? gemm.getA() : Value();
}

Value layerBias(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op))
    return conv.getBias();
  return cast<edge::GemmOp>(op).getC();
}

/// Operand 1 is the weight of both (conv2d's weight, gemm's B), 2 the bias.
constexpr unsigned kWeightOperand = 1, kBiasOperand = 2;

/// Equalizes `second` with the layer producing its input, if that is a
/// conv2d / gemm with one user, constant weights and bias, and at most a
/// ReLU clamp (act_min = 0, no act_max: positively homogeneous).
bool equalizePair(Operation *second, OpBuilder &b) {
  Value in = layerInput(second);
  if (!in || !in.hasOneUse())
    return false;
  // Pooling commutes with a positive scale per channel: look through it.
  Operation *first = in.getDefiningOp();
  while (first && isa<edge::MaxPool2DOp, edge::AvgPool2DOp, edge::GlobalAvgPoolOp>(first) &&
         first->getOperand(0).hasOneUse())
    first = first->getOperand(0).getDefiningOp();
  if (!first || !isa<edge::Conv2DOp, edge::GemmOp>(first) ||
      !first->getResult(0).hasOneUse() || first->hasAttr("act_max"))
    return false;
  if (auto lo = first->getAttrOfType<FloatAttr>("act_min"); lo && lo.getValueAsDouble() != 0.0)
    return false;
  if (auto gemm = dyn_cast<edge::GemmOp>(first); gemm && gemm.getTransA())
    return false;
  std::optional<Weights> w1 = outputWeights(first), w2 = inputWeights(second);
  Value biasValue = layerBias(first);
  std::optional<Tensor> bias = constantOf(biasValue);
  if (!w1 || !w2 || w1->count() != w2->count() || (biasValue && !bias) ||
      (bias && bias->numElements() != w1->count()))
    return false;
  size_t n = (size_t)w1->count();
  std::vector<double> r1(n, 0.0), r2(n, 0.0), s(n, 1.0);
  w1->ranges(r1);
  w2->ranges(r2);
  bool any = false;
  for (size_t i = 0; i < s.size(); ++i)
    if (r1[i] > 0 && r2[i] > 0 && std::isfinite(r1[i] / r2[i])) {
      s[i] = std::sqrt(r1[i] / r2[i]);
      any |= s[i] != 1.0;
    }
  if (!any)
    return false;
  w1->scale(s, /*divide=*/true);
  w2->scale(s, /*divide=*/false);
  auto replace = [&](Operation *op, unsigned operand, const Tensor &t, const char *suffix) {
    b.setInsertionPoint(op);
    std::string name = "equalized";
    if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
      name = nl.getName().str();
    op->setOperand(operand, materializeConstant(b, op->getOperand(operand).getLoc(), t,
                                                name + suffix));
  };
  replace(first, kWeightOperand, w1->t, "_weight_eq");
  replace(second, kWeightOperand, w2->t, "_weight_eq");
  if (bias) {
    for (int64_t i = 0; i < bias->numElements(); ++i)
      bias->f[i] = (float)(bias->f[i] / s[i]);
    replace(first, kBiasOperand, *bias, "_bias_eq");
  }
  return true;
}

struct EqualizePass : impl::EqualizePassBase<EqualizePass> {
  void runOnOperation() override {
    OpBuilder b(&getContext());
    SmallVector<Operation *> layers;
    getOperation().walk([&](Operation *op) {
      if (isa<edge::Conv2DOp, edge::GemmOp>(op))
        layers.push_back(op);
    });
    // In program order: a layer is equalized with its producer after that
    // producer was equalized with its own (one sweep, as DFQ's first).
    for (Operation *op : layers)
      equalizePair(op, b);
    // Constants the old weights left unused.
    getOperation().walk([](edge::ConstantOp c) {
      if (c->use_empty())
        c->erase();
    });
  }
};

} // namespace
} // namespace edgec::quant
