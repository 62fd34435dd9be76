//===- QuantizePass.cpp - float ops to int8 on calibrated ranges ------------===//

#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Quantize/Passes.h"
#include "passes/Quantize/QuantUtils.h"
#include "edgec/quant.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace mlir;

namespace edgec::quant {
#define GEN_PASS_DEF_QUANTIZEPASS
#include "passes/Quantize/Passes.h.inc"

namespace {

std::string nodeName(Operation *op) {
  if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
    return nl.getName().str();
  return "";
}

RankedTensorType withElement(Type t, Type e) {
  return RankedTensorType::get(cast<ShapedType>(t).getShape(), e);
}

/// Rewrites one function. Values of the original float graph map to their
/// quantized twins; float users of a quantized value read it through one
/// edge.dequantize.
class Quantizer {
public:
  Quantizer(func::FuncOp f, const llvm::StringSet<> &keep) : func(f), b(f.getContext()), keep(keep) {}
  LogicalResult run();

private:
  std::optional<QParams> rangeParams(Value v);
  Value quantized(Value v);
  Value weightPerChannel(Value w, int64_t axis, std::vector<double> &scales, double multiply);
  Value biasPerChannel(Value bias, int64_t n, const std::vector<double> &scales, double inScale,
                       double multiply);
  Value constantPerTensor(Value c);
  Operation *rewrite(Operation *op);
  void replaceWithQuantized(Operation *old, Value q);

  func::FuncOp func;
  OpBuilder b;
  const llvm::StringSet<> &keep;
  llvm::DenseMap<Value, Value> qOf;
};

std::optional<QParams> Quantizer::rangeParams(Value v) {
  DenseF32ArrayAttr r;
  if (auto arg = dyn_cast<BlockArgument>(v))
    r = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(), kRangeAttr);
  else if (Operation *def = v.getDefiningOp())
    r = def->getAttrOfType<DenseF32ArrayAttr>(kRangeAttr);
  if (!r || r.size() != 2)
    return std::nullopt;
  return chooseInt8Params(r[0], r[1]);
}

/// The quantized twin of float value `v`, creating an edge.quantize if needed.
Value Quantizer::quantized(Value v) {
  if (quantizedElement(v.getType()))
    return v;
  if (auto deq = v.getDefiningOp<edge::DequantizeOp>())
    return deq.getInput();
  if (Value q = qOf.lookup(v))
    return q;
  if (v.getDefiningOp<edge::ConstantOp>())
    return constantPerTensor(v);
  std::optional<QParams> p = rangeParams(v);
  if (!p)
    return nullptr;
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointAfterValue(v);
  Value q = b.create<edge::QuantizeOp>(v.getLoc(), withElement(v.getType(),
                                                               makeInt8Type(b.getContext(), *p)),
                                       v);
  return qOf[v] = q;
}

/// Symmetric int8 per-channel weights along `axis`; `scales` receives s_w.
Value Quantizer::weightPerChannel(Value w, int64_t axis, std::vector<double> &scales,
                                  double multiply) {
  auto c = w.getDefiningOp<edge::ConstantOp>();
  if (!c || !getElementTypeOrSelf(w.getType()).isF32())
    return nullptr;
  Tensor t = tensorFromAttr(c.getValue());
  int64_t n = t.shape[axis], inner = 1;
  for (size_t d = axis + 1; d < t.shape.size(); ++d)
    inner *= t.shape[d];
  scales.assign(n, 0.0);
  for (int64_t k = 0; k < t.numElements(); ++k) {
    int64_t ch = (k / inner) % n;
    scales[ch] = std::max(scales[ch], std::fabs((double)t.f[k] * multiply));
  }
  for (double &s : scales)
    s = s > 0 ? s / 127.0 : 1.0;
  Tensor q = Tensor::zeros(DType::I8, t.shape);
  for (int64_t k = 0; k < t.numElements(); ++k) {
    int64_t ch = (k / inner) % n;
    q.i[k] = (int64_t)std::clamp<double>(std::round(t.f[k] * multiply / scales[ch]), -127, 127);
  }
  auto type = mlir::quant::UniformQuantizedPerAxisType::get(
      mlir::quant::QuantizationFlags::Signed, b.getIntegerType(8), b.getF32Type(), scales,
      std::vector<int64_t>(n, 0), axis, -127, 127);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(c);
  return materializeConstant(b, c.getLoc(), q, nodeName(c) + "_q", type);
}

/// int32 bias of `n` channels at scale s_in * s_w[c] (`bias` may be null).
Value Quantizer::biasPerChannel(Value bias, int64_t n, const std::vector<double> &scales,
                                double inScale, double multiply) {
  std::optional<Tensor> t;
  if (bias) {
    auto c = bias.getDefiningOp<edge::ConstantOp>();
    if (!c)
      return nullptr;
    t = tensorFromAttr(c.getValue());
    if (t->numElements() != n && t->numElements() != 1)
      return nullptr;
  }
  Tensor q = Tensor::zeros(DType::I32, {n});
  std::vector<double> bs(n);
  for (int64_t k = 0; k < n; ++k) {
    bs[k] = inScale * scales[k];
    double v = t ? t->f[t->numElements() == 1 ? 0 : k] * multiply : 0.0;
    q.i[k] = (int64_t)std::clamp<double>(std::round(v / bs[k]), INT32_MIN, INT32_MAX);
  }
  auto type = mlir::quant::UniformQuantizedPerAxisType::get(
      mlir::quant::QuantizationFlags::Signed, b.getIntegerType(32), b.getF32Type(), bs,
      std::vector<int64_t>(n, 0), 0, INT32_MIN, INT32_MAX);
  return materializeConstant(b, bias ? bias.getLoc() : func.getLoc(), q, "bias_q", type);
}

/// A float constant operand of an elementwise op, quantized per tensor on its
/// own min / max.
Value Quantizer::constantPerTensor(Value v) {
  auto c = v.getDefiningOp<edge::ConstantOp>();
  Tensor t = tensorFromAttr(c.getValue());
  double lo = 0, hi = 0;
  for (float x : t.f) {
    lo = std::min<double>(lo, x);
    hi = std::max<double>(hi, x);
  }
  QParams p = chooseInt8Params(lo, hi);
  Tensor q = Tensor::zeros(DType::I8, t.shape);
  for (int64_t k = 0; k < t.numElements(); ++k)
    q.i[k] = quantize_value(t.f[k], (float)p.scale, p.zeroPoint, p.qmin, p.qmax);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(c);
  return qOf[v] = materializeConstant(b, c.getLoc(), q, nodeName(c) + "_q",
                                      makeInt8Type(b.getContext(), p));
}

void Quantizer::replaceWithQuantized(Operation *old, Value q) {
  Value f = old->getResult(0);
  qOf[f] = q;
  if (!f.use_empty()) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(q);
    Value deq = b.create<edge::DequantizeOp>(old->getLoc(), f.getType(), q);
    f.replaceAllUsesWith(deq);
  }
  old->erase();
}

/// The int8 version of `op`, or null when it stays float.
Operation *Quantizer::rewrite(Operation *op) {
  if (keep.contains(nodeName(op)) || op->getNumResults() != 1 ||
      !getElementTypeOrSelf(op->getResult(0).getType()).isF32())
    return nullptr;
  Value result = op->getResult(0);
  MLIRContext *ctx = b.getContext();
  auto ownType = [&]() -> Type {
    std::optional<QParams> p = rangeParams(result);
    return p ? withElement(result.getType(), makeInt8Type(ctx, *p)) : Type();
  };
  b.setInsertionPoint(op);
  Location loc = op->getLoc();
  auto copyAttrs = [&](Operation *from, Operation *to) {
    for (NamedAttribute a : from->getAttrs())
      if (a.getName() != kRangeAttr)
        to->setAttr(a.getName(), a.getValue());
    return to;
  };

  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    Type out = ownType();
    Value x = quantized(conv.getInput());
    std::vector<double> ws;
    Value w = weightPerChannel(conv.getWeight(), 0, ws, 1.0);
    if (!out || !x || !w)
      return nullptr;
    Value bias = biasPerChannel(conv.getBias(), ws.size(), ws, paramsOf(x.getType()).scale, 1.0);
    if (!bias)
      return nullptr;
    auto q = b.create<edge::Conv2DOp>(loc, out, x, w, bias, conv.getStridesAttr(),
                                      conv.getPadsAttr(), conv.getDilationsAttr(),
                                      conv.getGroupAttr(), FloatAttr(), FloatAttr());
    return copyAttrs(op, q);
  }
  if (auto gemm = dyn_cast<edge::GemmOp>(op)) {
    Type out = ownType();
    if (!out || gemm.getTransA())
      return nullptr;
    Value a = quantized(gemm.getA());
    std::vector<double> ws;
    double alpha = gemm.getAlpha().convertToDouble(), beta = gemm.getBeta().convertToDouble();
    Value w = weightPerChannel(gemm.getB(), gemm.getTransB() ? 0 : 1, ws, alpha);
    if (!a || !w)
      return nullptr;
    if (gemm.getC()) { // per-column bias only
      auto cs = cast<ShapedType>(gemm.getC().getType()).getShape();
      if (cs.size() == 2 && cs[0] != 1)
        return nullptr;
    }
    Value bias = biasPerChannel(gemm.getC(), ws.size(), ws, paramsOf(a.getType()).scale, beta);
    if (!bias)
      return nullptr;
    auto q = b.create<edge::GemmOp>(loc, out, a, w, bias, b.getF32FloatAttr(1.f),
                                    b.getF32FloatAttr(1.f), gemm.getTransAAttr(),
                                    gemm.getTransBAttr(), FloatAttr(), FloatAttr());
    copyAttrs(op, q);
    q.setAlphaAttr(b.getF32FloatAttr(1.f));
    q.setBetaAttr(b.getF32FloatAttr(1.f));
    return q;
  }
  if (isa<edge::AddOp, edge::SubOp, edge::MulOp>(op)) {
    Type out = ownType();
    Value l = quantized(op->getOperand(0)), r = quantized(op->getOperand(1));
    if (!out || !l || !r)
      return nullptr;
    OperationState st(loc, op->getName());
    st.addOperands({l, r});
    st.addTypes(out);
    return copyAttrs(op, b.create(st));
  }
  if (isa<edge::MaxPool2DOp, edge::AvgPool2DOp, edge::ReshapeOp, edge::TransposeOp,
          edge::SliceOp, edge::PadOp>(op)) {
    if (auto pad = dyn_cast<edge::PadOp>(op); pad && pad.getMode() != "constant")
      return nullptr;
    Value x = quantized(op->getOperand(0));
    if (!x)
      return nullptr;
    OperationState st(loc, op->getName());
    st.addOperands(x);
    st.addTypes(withElement(result.getType(), getElementTypeOrSelf(x.getType())));
    return copyAttrs(op, b.create(st));
  }
  if (isa<edge::GlobalAvgPoolOp, edge::ConcatOp, edge::ReluOp, edge::ClipOp, edge::SigmoidOp,
          edge::TanhOp, edge::SqrtOp, edge::HardSwishOp, edge::HardSigmoidOp, edge::LeakyReluOp>(
          op)) {
    Type out = ownType();
    SmallVector<Value> operands;
    for (Value v : op->getOperands()) {
      operands.push_back(quantized(v));
      if (!operands.back())
        return nullptr;
    }
    if (!out)
      return nullptr;
    OperationState st(loc, op->getName());
    st.addOperands(operands);
    st.addTypes(out);
    return copyAttrs(op, b.create(st));
  }
  if (auto sm = dyn_cast<edge::SoftmaxOp>(op)) {
    auto shape = cast<ShapedType>(sm.getType()).getShape();
    Value x = quantized(sm.getInput());
    if (!x || shape[sm.getAxis()] > 65535)
      return nullptr;
    auto q = b.create<edge::SoftmaxOp>(
        loc, withElement(result.getType(), makeInt8Type(ctx, softmaxOutputParams())), x,
        sm.getAxisAttr());
    return copyAttrs(op, q);
  }
  return nullptr;
}

LogicalResult Quantizer::run() {
  Block &body = func.getBody().front();
  bool anyRange = false;
  func.walk([&](Operation *op) { anyRange |= op->hasAttr(kRangeAttr); });
  if (!anyRange)
    return func.emitError("quantization needs calibrated ranges (edge.range); run calibration "
                          "first"), failure();

  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (!isa<edge::ConstantOp>(op))
      ops.push_back(&op);
  for (Operation *op : ops)
    if (Operation *q = rewrite(op))
      replaceWithQuantized(op, q->getResult(0));

  // Graph inputs read only through edge.quantize become int8 inputs.
  SmallVector<Type> argTypes(func.getArgumentTypes());
  for (BlockArgument arg : body.getArguments()) {
    bool allQuantize = !arg.use_empty() && llvm::all_of(arg.getUsers(), [](Operation *u) {
      return isa<edge::QuantizeOp>(u);
    });
    if (!allQuantize || !getElementTypeOrSelf(arg.getType()).isF32())
      continue;
    Value q = qOf.lookup(arg);
    if (!q)
      continue;
    arg.setType(q.getType());
    argTypes[arg.getArgNumber()] = q.getType();
    q.replaceAllUsesWith(arg);
    q.getDefiningOp()->erase();
  }
  // Results produced by int8 ops are returned as int8.
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Type> resultTypes;
  for (OpOperand &operand : ret->getOpOperands()) {
    if (auto deq = operand.get().getDefiningOp<edge::DequantizeOp>())
      operand.set(deq.getInput());
    resultTypes.push_back(operand.get().getType());
  }
  func.setType(FunctionType::get(func.getContext(), argTypes, resultTypes));

  // Float constants and conversions nobody reads any more.
  SmallVector<Operation *> all;
  for (Operation &op : body.without_terminator())
    all.push_back(&op);
  for (Operation *op : llvm::reverse(all))
    if (op->use_empty() && isa<edge::ConstantOp, edge::QuantizeOp, edge::DequantizeOp>(op))
      op->erase();
  func.walk([](Operation *op) { op->removeAttr(kRangeAttr); });
  for (unsigned k = 0; k < func.getNumArguments(); ++k)
    func.removeArgAttr(k, kRangeAttr);
  return success();
}

struct QuantizePass : impl::QuantizePassBase<QuantizePass> {
  using QuantizePassBase::QuantizePassBase;
  void runOnOperation() override {
    llvm::StringSet<> keep;
    for (const std::string &s : keepFloat)
      keep.insert(s);
    Quantizer q(getOperation(), keep);
    if (failed(q.run()))
      signalPassFailure();
  }
};

} // namespace
} // namespace edgec::quant
