//===- QuantizePass.cpp - float ops to int8 on calibrated ranges ------------===//

#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Quantize/Calibration.h"
#include "passes/Quantize/Passes.h"
#include "passes/Quantize/QuantReport.h"
#include "edgec/Quant/QuantUtils.h"
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
  Quantizer(func::FuncOp f, const llvm::StringSet<> &keep, bool allSixteen,
            const llvm::StringSet<> &sixteenLayers, bool biasCorrection)
      : func(f), b(f.getContext()), keep(keep), allSixteen(allSixteen),
        sixteenLayers(sixteenLayers), biasCorrection(biasCorrection) {}
  LogicalResult run();

private:
  std::optional<QParams> rangeParams(Value v);
  Type resultType(Value result);
  Value quantized(Value v);
  Value layerInput(Value v);
  Value givenWeight(Value w, int64_t axis);
  Value weightPerChannel(Value w, int64_t axis, std::vector<double> &scales, double multiply,
                         ArrayRef<double> floors = {});
  std::vector<double> biasScaleFloors(Value bias, int64_t n, double inScale, double multiply);
  Value matmul(edge::MatMulOp op);
  Operation *recurrent(edge::RecurrentOp op);
  Value biasPerChannel(Operation *layer, Value bias, int64_t n, const std::vector<double> &scales,
                       double inScale, double multiply, ArrayRef<double> correction = {});
  std::vector<double> weightErrorMean(Operation *layer, Value w, Value qw,
                                      const std::vector<double> &scales, int64_t axis,
                                      double multiply);
  Value constantPerTensor(Value c);
  Value constantPerTensor(const Tensor &t, Operation *before, const std::string &name);
  Operation *rewrite(Operation *op);
  void replaceWithQuantized(Operation *old, Value q);

  func::FuncOp func;
  OpBuilder b;
  const llvm::StringSet<> &keep;
  bool allSixteen;                      ///< 16x8 everywhere
  const llvm::StringSet<> &sixteenLayers; ///< 16x8 for these layers, int8 elsewhere
  /// The op being rewritten works in 16x8: int16 activations (int8
  /// weights); its operands are converted to that width.
  bool sixteen = false;
  bool biasCorrection; ///< subtract weightErrorMean from conv / gemm biases
  /// The int8 [0] and int16 [1] twins of float values.
  llvm::DenseMap<Value, Value> qOf[2];
  bool failed = false; ///< a diagnostic was emitted: the pass fails
};

std::optional<QParams> Quantizer::rangeParams(Value v) {
  DenseF32ArrayAttr r;
  if (auto arg = dyn_cast<BlockArgument>(v))
    r = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(), kRangeAttr);
  else if (Operation *def = v.getDefiningOp())
    r = def->getAttrOfType<DenseF32ArrayAttr>(kRangeAttr);
  if (!r || r.size() != 2)
    return std::nullopt;
  return sixteen ? chooseInt16Params(r[0], r[1]) : chooseInt8Params(r[0], r[1]);
}

/// An int8 per-tensor element type, or null.
mlir::quant::UniformQuantizedType int8Element(Type t) {
  auto e = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(t));
  return e && e.getStorageType().isInteger(8) ? e : nullptr;
}

/// A per-tensor int8 or int16 element type (an activation's), or null.
mlir::quant::UniformQuantizedType activationElement(Type t) {
  auto e = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(t));
  return e && (e.getStorageType().isInteger(8) || e.getStorageType().isInteger(16)) ? e : nullptr;
}

/// The element type of the edge.quantize ops that read `v`, when there are
/// some and they agree: the parameters a QDQ model gives the tensor.
/// `orInt32`: an int32 per-tensor type counts too (a graph input that a
/// .tflite QUANTIZE rescales from int32).
Type quantizeUsersType(Value v, bool orInt32 = false) {
  Type t;
  for (Operation *u : v.getUsers()) {
    auto q = dyn_cast<edge::QuantizeOp>(u);
    if (!q)
      continue;
    Type e = activationElement(q.getType());
    if (auto wide = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(q.getType()));
        !e && orInt32 && wide && wide.getStorageType().isInteger(32))
      e = wide;
    if (!e || (t && t != e))
      return nullptr;
    t = e;
  }
  return t;
}

/// The float values of a constant, or of the dequantization of one.
std::optional<Tensor> floatValues(Value v) {
  if (auto c = v.getDefiningOp<edge::ConstantOp>(); c && getElementTypeOrSelf(v.getType()).isF32())
    return tensorFromAttr(c.getValue());
  auto deq = v.getDefiningOp<edge::DequantizeOp>();
  auto c = deq ? deq.getInput().getDefiningOp<edge::ConstantOp>() : nullptr;
  if (!c)
    return std::nullopt;
  Tensor q = tensorFromAttr(c.getValue());
  Tensor t = Tensor::zeros(DType::F32, q.shape);
  t.f = dequantizeValues(getElementTypeOrSelf(c.getType()), q.shape, q.i);
  return t;
}

/// The int8 type of an op's result: the one a QDQ model gives it, else the
/// one its calibrated range gives.
Type Quantizer::resultType(Value result) {
  if (Type e = quantizeUsersType(result))
    return withElement(result.getType(), e);
  // A result only a concatenation reads takes the concatenation's parameters
  // (its calibrated range holds the result's): the concatenation then copies
  // nothing, and the producer writes straight into its slice
  // (memory::concatInSlices) with one rounding instead of two.
  if (result.hasOneUse())
    if (auto concat = dyn_cast<edge::ConcatOp>(*result.getUsers().begin()))
      if (std::optional<QParams> p = rangeParams(concat.getOutput()))
        return withElement(result.getType(), makeQuantType(b.getContext(), *p));
  if (std::optional<QParams> p = rangeParams(result))
    return withElement(result.getType(), makeQuantType(b.getContext(), *p));
  return nullptr;
}

/// The quantized twin of float value `v`, creating an edge.quantize if needed.
Value Quantizer::quantized(Value v) {
  if (quantizedElement(v.getType()))
    return v;
  if (auto deq = v.getDefiningOp<edge::DequantizeOp>()) {
    // Activations are int8 / int16 per tensor; a per-axis or int32 constant
    // operand is requantized from its real values below.
    if (auto e = activationElement(deq.getInput().getType())) {
      // An op of the other width made it (mixed precision): requantized to
      // this width on the producer's calibrated range, which its
      // dequantization keeps (replaceWithQuantized).
      std::optional<QParams> p = rangeParams(v);
      if ((e.getStorageTypeIntegralWidth() == 16) == sixteen || !p || sixteenLayers.empty())
        return deq.getInput();
      Value &q = qOf[sixteen][v];
      if (!q) {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointAfter(deq);
        q = b.create<edge::QuantizeOp>(
            v.getLoc(), withElement(v.getType(), makeQuantType(b.getContext(), *p)),
            deq.getInput());
      }
      return q;
    }
  }
  auto &own = qOf[sixteen];
  if (Value q = own.lookup(v))
    return q;
  // A QDQ model quantizes the value itself.
  if (Type e = quantizeUsersType(v))
    for (Operation *u : v.getUsers())
      if (auto q = dyn_cast<edge::QuantizeOp>(u); q && getElementTypeOrSelf(q.getType()) == e)
        return own[v] = q;
  if (floatValues(v))
    return constantPerTensor(v);
  std::optional<QParams> p = rangeParams(v);
  if (!p)
    return nullptr;
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointAfterValue(v);
  Value q = b.create<edge::QuantizeOp>(v.getLoc(), withElement(v.getType(),
                                                               makeQuantType(b.getContext(), *p)),
                                       v);
  return own[v] = q;
}

/// The input of a conv / gemm: its kernels read int8 or int16 whatever they
/// write, so a value a layer of the other width made is read as it is (no
/// requantization, no second buffer); otherwise as quantized().
Value Quantizer::layerInput(Value v) {
  if (auto deq = v.getDefiningOp<edge::DequantizeOp>())
    if (activationElement(deq.getInput().getType()))
      return deq.getInput();
  return quantized(v);
}

/// Symmetric int8 per-channel weights along `axis`; `scales` receives s_w.
Value Quantizer::weightPerChannel(Value w, int64_t axis, std::vector<double> &scales,
                                  double multiply, ArrayRef<double> floors) {
  if (multiply == 1.0)
    if (Value given = givenWeight(w, axis)) {
      scales = channelScales(given.getType(), cast<ShapedType>(w.getType()).getDimSize(axis));
      return given;
    }
  std::optional<Tensor> values = floatValues(w);
  if (!values)
    return nullptr;
  const Tensor &t = *values;
  int64_t n = t.shape[axis], inner = 1;
  for (size_t d = axis + 1; d < t.shape.size(); ++d)
    inner *= t.shape[d];
  scales.assign(n, 0.0);
  for (int64_t k = 0; k < t.numElements(); ++k) {
    int64_t ch = (k / inner) % n;
    scales[ch] = std::max(scales[ch], std::fabs((double)t.f[k] * multiply));
  }
  // A channel whose weights are all zero (a pruned filter) takes the layer's
  // largest scale: its bias is then quantized as finely as its neighbours'
  // and its requantization multiplier stays in the range of theirs (the
  // kernels' one-multiply output stage needs every shift <= -1).
  double largest = 0;
  for (double s : scales)
    largest = std::max(largest, s);
  for (double &s : scales)
    s = (s > 0 ? s : largest > 0 ? largest : 127.0) / 127.0;
  // A channel whose weights are tiny next to its bias (1e-30 beside 0.5)
  // would need a bias beyond int32 at s_in * s_w: its scale is raised to the
  // floor that keeps the bias representable (its weights then round to 0,
  // which is what they are worth beside the bias).
  for (size_t ch = 0; ch < floors.size() && ch < scales.size(); ++ch)
    scales[ch] = std::max(scales[ch], floors[ch]);
  Tensor q = Tensor::zeros(DType::I8, t.shape);
  for (int64_t k = 0; k < t.numElements(); ++k) {
    int64_t ch = (k / inner) % n;
    q.i[k] = (int64_t)std::clamp<double>(std::round(t.f[k] * multiply / scales[ch]), -127, 127);
  }
  auto type = mlir::quant::UniformQuantizedPerAxisType::get(
      mlir::quant::QuantizationFlags::Signed, b.getIntegerType(8), b.getF32Type(), scales,
      std::vector<int64_t>(n, 0), axis, -127, 127);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(w.getDefiningOp());
  return materializeConstant(b, w.getLoc(), q, nodeName(w.getDefiningOp()) + "_q", type);
}

/// A QDQ model's own int8 weights: `w` dequantizes an int8 constant whose
/// zero points are 0 and whose scales are per tensor or per `axis` (the
/// output channels). Null otherwise; such weights are requantized from their
/// real values.
Value Quantizer::givenWeight(Value w, int64_t axis) {
  auto deq = w.getDefiningOp<edge::DequantizeOp>();
  if (!deq || !deq.getInput().getDefiningOp<edge::ConstantOp>())
    return nullptr;
  Type e = getElementTypeOrSelf(deq.getInput().getType());
  if (auto pt = int8Element(e))
    return pt.getZeroPoint() == 0 ? deq.getInput() : nullptr;
  auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(e);
  if (!pa || !pa.getStorageType().isInteger(8) || pa.getQuantizedDimension() != axis ||
      llvm::any_of(pa.getZeroPoints(), [](int64_t z) { return z != 0; }))
    return nullptr;
  return deq.getInput();
}

/// The bound on a quantized bias: int32 with room for the zero-point folding
/// of the blocked and sparse kernels (bias - zx * sum(w), |zx * sum(w)| below
/// 2^7 * 2^7 * K for a reduction of K < 2^16).
constexpr double kBiasBound = 1 << 30;

/// The smallest weight scale of each channel at which its bias fits
/// kBiasBound at scale s_in * s_w (0 without a bias).
std::vector<double> Quantizer::biasScaleFloors(Value bias, int64_t n, double inScale,
                                               double multiply) {
  std::vector<double> floors(n, 0.0);
  std::optional<Tensor> t = bias ? floatValues(bias) : std::nullopt;
  if (!t || (t->numElements() != n && t->numElements() != 1) || !(inScale > 0))
    return floors;
  for (int64_t k = 0; k < n; ++k)
    floors[k] = std::fabs(t->f[t->numElements() == 1 ? 0 : k] * multiply) / (inScale * kBiasBound);
  return floors;
}

/// Bias correction: the mean error the int8 weights `qw` (scales per
/// channel along `axis`) make against the float `w` * `multiply` on the
/// layer's input, per output channel: sum (W_q - W)[o, ..] * E[x][..], with
/// E[x] per input channel from kChannelMeanAttr. Empty when not asked for,
/// or when the layer has no recorded means.
std::vector<double> Quantizer::weightErrorMean(Operation *layer, Value w, Value qw,
                                               const std::vector<double> &scales, int64_t axis,
                                               double multiply) {
  auto means = layer->getAttrOfType<DenseF64ArrayAttr>(kChannelMeanAttr);
  std::optional<Tensor> wf = floatValues(w);
  auto qc = qw ? qw.getDefiningOp<edge::ConstantOp>() : nullptr;
  if (!biasCorrection || !means || !wf || !qc)
    return {};
  Tensor q = tensorFromAttr(qc.getValue());
  ArrayRef<double> mean = means.asArrayRef();
  const std::vector<int64_t> &shape = wf->shape;
  std::vector<double> delta(scales.size(), 0.0);
  if (auto conv = dyn_cast<edge::Conv2DOp>(layer)) {
    // [M, C / g, KH, KW]: output channel m reads input channels of its group.
    int64_t M = shape[0], Cg = shape[1], taps = shape[2] * shape[3];
    int64_t perGroup = M / conv.getGroup();
    // A spread input's mean is the input's, diluted by the zeros between
    // its elements.
    auto in = conv.getInput().getType().getShape();
    double spread = 1.0;
    for (unsigned i = 0; i < 2; ++i)
      spread *= double(in[2 + i]) / double((in[2 + i] - 1) * conv.inputDilation(i) + 1);
    for (int64_t k = 0; k < wf->numElements(); ++k) {
      int64_t m = k / (Cg * taps), c = (k / taps) % Cg + (m / perGroup) * Cg;
      if (c < (int64_t)mean.size())
        delta[m] += (q.i[k] * scales[m] - wf->f[k] * multiply) * mean[c] * spread;
    }
  } else {
    // Gemm B: [N, K] along axis 0 (transB), [K, N] along axis 1.
    int64_t rows = shape[0], cols = shape[1];
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        int64_t n = axis == 0 ? r : c, k = axis == 0 ? c : r;
        if (k < (int64_t)mean.size())
          delta[n] += (q.i[r * cols + c] * scales[n] - wf->f[r * cols + c] * multiply) * mean[k];
      }
  }
  return delta;
}

/// int32 bias of `n` channels at scale s_in * s_w[c] (`bias` may be null).
/// A channel whose bias does not fit (a QDQ model's own weight scales, which
/// are kept) is an error naming the layer and the channel, never a clamp.
/// The integers of `bias` as a model stores them: an int32 quantized
/// constant read through edge.dequantize; none otherwise.
std::optional<Tensor> storedInt32(Value bias) {
  auto deq = bias ? bias.getDefiningOp<edge::DequantizeOp>() : nullptr;
  auto c = deq ? deq.getInput().getDefiningOp<edge::ConstantOp>() : nullptr;
  auto q = c ? quantizedElement(c.getType()) : nullptr;
  if (!q || !q.getStorageType().isInteger(32))
    return std::nullopt;
  return tensorFromAttr(c.getValue());
}

Value Quantizer::biasPerChannel(Operation *layer, Value bias, int64_t n,
                                const std::vector<double> &scales, double inScale,
                                double multiply, ArrayRef<double> correction) {
  std::optional<Tensor> t;
  if (bias) {
    t = floatValues(bias);
    if (!t || (t->numElements() != n && t->numElements() != 1))
      return nullptr;
  }
  Tensor q = Tensor::zeros(DType::I32, {n});
  std::vector<double> bs(n);
  // TFLite adds a layer's int32 bias as stored, whatever scale the file
  // gives it (the keyword models' are rounded to three digits): a layer with
  // TFLite's numerics takes the integers verbatim (docs/numerics.md).
  if (std::optional<Tensor> given = tfliteNumerics(layer) && correction.empty()
                                        ? storedInt32(bias)
                                        : std::nullopt;
      given && given->numElements() == n) {
    for (int64_t k = 0; k < n; ++k) {
      bs[k] = inScale * scales[k];
      q.i[k] = given->i[k];
    }
  } else {
  for (int64_t k = 0; k < n; ++k) {
    bs[k] = inScale * scales[k];
    double v = t ? t->f[t->numElements() == 1 ? 0 : k] * multiply : 0.0;
    if (!correction.empty())
      v -= correction[k];
    double r = std::round(v / bs[k]);
    if (!(std::fabs(r) <= kBiasBound)) {
      layer->emitError() << "(" << layer->getName().getStringRef() << ") int8 bias of channel "
                         << k << " is " << v << ", which is " << r
                         << " steps of its scale s_in * s_w = " << inScale << " * " << scales[k]
                         << ": beyond int32 (the model's own weight scale for that channel is "
                            "too small; keep the layer in float with --keep-float)";
      failed = true;
      return nullptr;
    }
    q.i[k] = (int64_t)r;
  }
  }
  auto type = mlir::quant::UniformQuantizedPerAxisType::get(
      mlir::quant::QuantizationFlags::Signed, b.getIntegerType(32), b.getF32Type(), bs,
      std::vector<int64_t>(n, 0), 0, INT32_MIN, INT32_MAX);
  return materializeConstant(b, bias ? bias.getLoc() : func.getLoc(), q, "bias_q", type);
}

/// A float constant operand of an elementwise op, quantized per tensor on its
/// own min / max.
Value Quantizer::constantPerTensor(Value v) {
  return qOf[sixteen][v] = constantPerTensor(*floatValues(v), v.getDefiningOp(),
                                    nodeName(v.getDefiningOp()) + "_q");
}

/// Real values `t` as an int8 (int16) constant, per tensor over [min, max]
/// widened to 0, inserted before `before`.
Value Quantizer::constantPerTensor(const Tensor &t, Operation *before, const std::string &name) {
  double lo = 0, hi = 0;
  for (float x : t.f) {
    lo = std::min<double>(lo, x);
    hi = std::max<double>(hi, x);
  }
  QParams p = sixteen ? chooseInt16Params(lo, hi) : chooseInt8Params(lo, hi);
  Tensor q = Tensor::zeros(sixteen ? DType::I16 : DType::I8, t.shape);
  for (int64_t k = 0; k < t.numElements(); ++k)
    q.i[k] = quantize_value(t.f[k], (float)p.scale, p.zeroPoint, p.qmin, p.qmax);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(before);
  return materializeConstant(b, before->getLoc(), q, name, makeQuantType(b.getContext(), p));
}

void Quantizer::replaceWithQuantized(Operation *old, Value q) {
  Value f = old->getResult(0);
  if (!f.use_empty()) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(q);
    auto deq = b.create<edge::DequantizeOp>(old->getLoc(), f.getType(), q);
    // Readers of the other width requantize on the same range.
    if (Attribute r = old->getAttr(kRangeAttr))
      deq->setAttr(kRangeAttr, r);
    f.replaceAllUsesWith(deq);
  }
  old->erase();
}

/// MatMul by a constant [K, N] matrix: an int8 Gemm on A viewed as
/// [rows, K], viewed back to the result's shape. Null if not of that form.
Value Quantizer::matmul(edge::MatMulOp op) {
  auto as = cast<ShapedType>(op.getA().getType()).getShape();
  auto bs = cast<ShapedType>(op.getB().getType()).getShape();
  auto ys = cast<ShapedType>(op.getType()).getShape();
  Type out = resultType(op.getResult());
  if (as.size() < 2 || bs.size() != 2 || !out)
    return nullptr;
  Value a = layerInput(op.getA());
  std::vector<double> ws;
  Value w = weightPerChannel(op.getB(), 1, ws, 1.0);
  if (!a || !w)
    return nullptr;
  Value bias = biasPerChannel(op, Value(), bs[1], ws, paramsOf(a.getType()).scale, 1.0);
  int64_t rows = cast<ShapedType>(op.getA().getType()).getNumElements() / as.back();
  Location loc = op.getLoc();
  Type ae = getElementTypeOrSelf(a.getType());
  if (as.size() != 2)
    a = b.create<edge::ReshapeOp>(loc, RankedTensorType::get({rows, as.back()}, ae), a);
  auto g = b.create<edge::GemmOp>(
      loc, RankedTensorType::get({rows, bs[1]}, getElementTypeOrSelf(out)), a, w, bias,
      b.getF32FloatAttr(1.f), b.getF32FloatAttr(1.f), b.getBoolAttr(false), b.getBoolAttr(false),
      op.getActMinAttr(), op.getActMaxAttr());
  if (auto fused = op->getAttr("edge.fused"))
    g->setAttr("edge.fused", fused);
  if (ys.size() == 2)
    return g;
  return b.create<edge::ReshapeOp>(loc, out, g.getResult());
}

/// An integer RNN / GRU / LSTM: int8 data in and out, W and R int8 per gate
/// row, the bias in Q3.12 (quant::recurrentConstants derives the rest).
/// Null, leaving it float, where quant::recurrentIntegerObstacle says no.
Operation *Quantizer::recurrent(edge::RecurrentOp op) {
  auto leaveFloat = [&](const std::string &why) -> Operation * {
    op->setAttr(kFloatReasonAttr, b.getStringAttr("no int8 kernel: " + why));
    return nullptr;
  };
  if (std::string why = recurrentIntegerObstacle(op); !why.empty())
    return leaveFloat(why);
  // int8 data: a 16x8 producer's value is requantized on its range.
  auto int8Of = [&](Value v) -> Value {
    Value q = quantized(v);
    if (!q || activationElement(q.getType()).getStorageTypeIntegralWidth() == 8)
      return q;
    std::optional<QParams> p = rangeParams(v);
    if (!p)
      return nullptr;
    return b.create<edge::QuantizeOp>(
        op.getLoc(), withElement(q.getType(), makeQuantType(b.getContext(), *p)), q);
  };
  Type out = resultType(op.getResult());
  Value x = int8Of(op.getInput());
  if (!out || !x)
    return nullptr;
  std::vector<double> ws, rs;
  Value w = weightPerChannel(op.getW(), 1, ws, 1.0), r = weightPerChannel(op.getR(), 1, rs, 1.0);
  if (!w || !r)
    return nullptr;
  Value bias;
  if (op.getBias()) {
    std::optional<Tensor> t = floatValues(op.getBias());
    if (!t)
      return nullptr;
    Tensor q = Tensor::zeros(DType::I32, t->shape);
    for (int64_t k = 0; k < t->numElements(); ++k) {
      double v = std::round(std::ldexp((double)t->f[k], kRecurrentPreFraction));
      if (!(std::fabs(v) < 2147483647.0))
        return nullptr; // a bias beyond 2^19 in a sigmoid / tanh layer: left float
      q.i[k] = (int64_t)v;
    }
    auto type = mlir::quant::UniformQuantizedType::get(
        mlir::quant::QuantizationFlags::Signed, b.getIntegerType(32), b.getF32Type(),
        std::ldexp(1.0, -kRecurrentPreFraction), 0, INT32_MIN, INT32_MAX);
    bias = materializeConstant(b, op.getBias().getLoc(), q, nodeName(op) + "_bias_q", type);
  }
  // A state that is a constant zero (PyTorch exports one) is no state.
  auto state = [&](Value v, Value &q) {
    if (!v)
      return true;
    if (std::optional<Tensor> t = floatValues(v))
      if (llvm::all_of(t->f, [](float x) { return x == 0.0f; }))
        return true;
    return (bool)(q = int8Of(v));
  };
  Value h0, c0;
  if (!state(op.getInitialH(), h0) || !state(op.getInitialC(), c0))
    return nullptr;
  auto q = b.create<edge::RecurrentOp>(
      op.getLoc(), out, x, w, r, bias, op.getSequenceLens(), h0, c0, Value(), op.getCellAttr(),
      op.getDirectionAttr(), op.getHiddenSizeAttr(), op.getActivationsAttr(),
      op.getActivationAlphaAttr(), op.getActivationBetaAttr(), op.getClipAttr(),
      op.getInputForgetAttr(), op.getLinearBeforeResetAttr());
  if (std::string why = recurrentIntegerObstacle(q); !why.empty()) { // a state beyond [-1, 1]
    q->erase();
    return leaveFloat(why);
  }
  if (!allSixteen)
    return q;
  // All 16x8: the rest of the model reads int16, on the same range.
  sixteen = true;
  std::optional<QParams> p = rangeParams(op.getResult());
  return b.create<edge::QuantizeOp>(
      op.getLoc(), withElement(out, makeQuantType(b.getContext(), *p)), q.getResult());
}

/// Longest int8 mean: its int32 sum of (x - zero) cannot overflow.
constexpr int64_t kMaxMeanLength = int64_t(1) << 23;

/// The int8 version of `op`, or null when it stays float.
Operation *Quantizer::rewrite(Operation *op) {
  if (keep.contains(nodeName(op)) || op->getNumResults() != 1 ||
      !getElementTypeOrSelf(op->getResult(0).getType()).isF32())
    return nullptr;
  Value result = op->getResult(0);
  MLIRContext *ctx = b.getContext();
  sixteen = allSixteen || sixteenLayers.contains(nodeName(op));
  // Data movement and pooling keep their input's parameters, and so its
  // width, unless named.
  if (keepsInputParams(op) && !sixteen)
    if (auto deq = op->getOperand(0).getDefiningOp<edge::DequantizeOp>())
      if (auto e = activationElement(deq.getInput().getType()))
        sixteen = e.getStorageTypeIntegralWidth() == 16;
  auto ownType = [&]() -> Type { return resultType(result); };
  b.setInsertionPoint(op);
  Location loc = op->getLoc();
  auto copyAttrs = [&](Operation *from, Operation *to) {
    for (NamedAttribute a : from->getAttrs())
      if (a.getName() != kRangeAttr && a.getName() != kChannelMeanAttr)
        to->setAttr(a.getName(), a.getValue());
    return to;
  };

  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    Type out = ownType();
    Value x = layerInput(conv.getInput());
    if (!out || !x)
      return nullptr;
    double sx = paramsOf(x.getType()).scale;
    int64_t channels = cast<ShapedType>(conv.getWeight().getType()).getDimSize(0);
    std::vector<double> ws;
    Value w = weightPerChannel(conv.getWeight(), 0, ws, 1.0,
                               biasScaleFloors(conv.getBias(), channels, sx, 1.0));
    if (!w)
      return nullptr;
    Value bias = biasPerChannel(op, conv.getBias(), ws.size(), ws, sx, 1.0,
                                weightErrorMean(op, conv.getWeight(), w, ws, 0, 1.0));
    if (!bias)
      return nullptr;
    auto q = b.create<edge::Conv2DOp>(loc, out, x, w, bias, conv.getStridesAttr(),
                                      conv.getPadsAttr(), conv.getDilationsAttr(),
                                      conv.getGroupAttr(), FloatAttr(), FloatAttr(),
                                      conv.getInputDilationsAttr(), conv.getNumericsAttr());
    return copyAttrs(op, q);
  }
  if (auto gemm = dyn_cast<edge::GemmOp>(op)) {
    Type out = ownType();
    if (!out || gemm.getTransA())
      return nullptr;
    Value a = layerInput(gemm.getA());
    if (!a)
      return nullptr;
    double alpha = gemm.getAlpha().convertToDouble(), beta = gemm.getBeta().convertToDouble();
    int64_t axis = gemm.getTransB() ? 0 : 1;
    int64_t channels = cast<ShapedType>(gemm.getB().getType()).getDimSize(axis);
    // The floors are of alpha * B's scale, against beta * C.
    std::vector<double> ws;
    Value w = weightPerChannel(gemm.getB(), axis, ws, alpha,
                               biasScaleFloors(gemm.getC(), channels,
                                               paramsOf(a.getType()).scale, beta));
    if (!w)
      return nullptr;
    if (gemm.getC()) { // per-column bias only
      auto cs = cast<ShapedType>(gemm.getC().getType()).getShape();
      if (cs.size() == 2 && cs[0] != 1)
        return nullptr;
    }
    Value bias =
        biasPerChannel(op, gemm.getC(), ws.size(), ws, paramsOf(a.getType()).scale, beta,
                       weightErrorMean(op, gemm.getB(), w, ws, axis, alpha));
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
  if (keepsInt8Data(op))
    sixteen = false; // int8 data, int16 state inside, whatever the layer list says
  if (auto rec = dyn_cast<edge::RecurrentOp>(op))
    return recurrent(rec);
  if (auto mm = dyn_cast<edge::MatMulOp>(op))
    if (Value q = matmul(mm))
      return q.getDefiningOp();
  // Max and Min rescale both inputs to a common scale as Add does; the
  // rescale is monotonic, so the larger input stays the larger.
  if (isa<edge::AddOp, edge::SubOp, edge::MulOp, edge::MaxOp, edge::MinOp>(op)) {
    Type out = ownType();
    Value l = quantized(op->getOperand(0)), r = quantized(op->getOperand(1));
    if (!out || !l || !r)
      return nullptr;
    OperationState st(loc, op->getName());
    st.addOperands({l, r});
    st.addTypes(out);
    return copyAttrs(op, b.create(st));
  }
  // x / c for a constant c (the "/ 6" of an exported hard-swish): an int8
  // Mul by 1 / c, whose scale folds into the Mul's requantization.
  if (auto div = dyn_cast<edge::DivOp>(op)) {
    std::optional<Tensor> c = floatValues(div.getRhs());
    Type out = ownType();
    Value l = c ? quantized(div.getLhs()) : Value();
    if (!out || !l)
      return nullptr;
    for (float &v : c->f) {
      if (!std::isfinite(v) || v == 0.0f)
        return nullptr; // x / 0 is not a scale
      v = (float)(1.0 / v);
    }
    Value r = constantPerTensor(*c, op, nodeName(op) + "_reciprocal_q");
    OperationState st(loc, edge::MulOp::getOperationName());
    st.addOperands({l, r});
    st.addTypes(out);
    return copyAttrs(op, b.create(st));
  }
  if (keepsInputParams(op)) {
    if (auto pad = dyn_cast<edge::PadOp>(op); pad && pad.getMode() != edge::PadMode::Constant)
      return nullptr;
    Value x = quantized(op->getOperand(0));
    if (!x)
      return nullptr;
    OperationState st(loc, op->getName());
    st.addOperands(x);
    st.addOperands(op->getOperands().drop_front()); // a gather's indices
    st.addTypes(withElement(result.getType(), getElementTypeOrSelf(x.getType())));
    return copyAttrs(op, b.create(st));
  }
  // Every elementwise real function becomes a 256-entry table in int8, 513
  // knots to interpolate between in 16x8.
  if (isa<edge::GlobalAvgPoolOp, edge::ConcatOp>(op) || realFunction(op)) {
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
  // Mean over adjacent axes (ReduceMean of a pooled head, LayerNorm's
  // mean): int8 in, int8 out, the count folded into the requantization.
  if (auto mean = dyn_cast<edge::ReduceMeanOp>(op)) {
    std::optional<std::array<int64_t, 3>> view = mean.getAdjacentView();
    Type out = ownType();
    Value x = view && (*view)[1] <= kMaxMeanLength ? quantized(mean.getInput()) : Value();
    if (!out || !x)
      return nullptr;
    auto q = b.create<edge::ReduceMeanOp>(loc, out, x, mean.getAxesAttr(),
                                          mean.getKeepdimsAttr(), mean.getNumericsAttr());
    return copyAttrs(op, q);
  }
  // Layer / RMS norm on integers (layer_norm_q): int8 or int16 read as
  // made, its own output parameters, scale and bias kept float constants
  // whose integer steps layerNormConstants derives.
  if (auto ln = dyn_cast<edge::LayerNormOp>(op)) {
    std::optional<Tensor> w, c;
    if ((ln.getScale() && !(w = floatValues(ln.getScale()))) ||
        (ln.getBias() && !(c = floatValues(ln.getBias()))))
      return nullptr;
    Type out = ownType();
    Value x = layerInput(ln.getInput());
    if (!out || !x)
      return nullptr;
    auto shape = cast<ShapedType>(x.getType()).getShape();
    int64_t inner = 1;
    for (size_t d = ln.getAxis(); d < shape.size(); ++d)
      inner *= shape[d];
    if (inner > (paramsOf(x.getType()).qmax > 127 ? kLayerNormMaxInner16 : kLayerNormMaxInner8))
      return nullptr;
    auto q = b.create<edge::LayerNormOp>(loc, out, x, ln.getScale(), ln.getBias(),
                                         ln.getAxisAttr(), ln.getEpsilonAttr(), ln.getRmsAttr());
    LayerNormConstants k = layerNormConstants(q, w ? ArrayRef<float>(w->f) : ArrayRef<float>(),
                                              c ? ArrayRef<float>(c->f) : ArrayRef<float>());
    // |Y| < 2^25 and |a_j| < 2^31 keep Y a_j + b_j in int64.
    if (llvm::any_of(k.a, [](int64_t v) { return v <= -(int64_t{1} << 31) || v >= (int64_t{1} << 31); })) {
      q->erase();
      return nullptr;
    }
    return copyAttrs(op, q);
  }
  if (auto sm = dyn_cast<edge::SoftmaxOp>(op)) {
    auto shape = cast<ShapedType>(sm.getType()).getShape();
    Value x = quantized(sm.getInput());
    if (!x || shape[sm.getAxis()] > 65535)
      return nullptr;
    // TFLite's softmax writes the model's own output type (int8 at 1/256, or
    // int16 at 1/65536 from int8); edgec's picks its fixed parameters.
    Type out = tfliteNumerics(op) ? ownType()
                                  : withElement(result.getType(),
                                                makeQuantType(ctx, softmaxOutputParams(sixteen)));
    if (!out)
      return nullptr;
    auto q = b.create<edge::SoftmaxOp>(loc, out, x, sm.getAxisAttr(), sm.getNumericsAttr());
    return copyAttrs(op, q);
  }
  return nullptr;
}

/// quantize(dequantize(q)) is q when the types agree, and a requantization
/// of q otherwise: what a QDQ pair between two int8 ops leaves behind.
void foldConversions(Block &body) {
  for (auto q : llvm::make_early_inc_range(body.getOps<edge::QuantizeOp>())) {
    auto deq = q.getInput().getDefiningOp<edge::DequantizeOp>();
    if (!deq || !activationElement(deq.getInput().getType()))
      continue;
    if (deq.getInput().getType() == q.getType()) {
      q.getResult().replaceAllUsesWith(deq.getInput());
      q->erase();
    } else {
      q.getInputMutable().assign(deq.getInput());
    }
  }
}

LogicalResult Quantizer::run() {
  Block &body = func.getBody().front();
  bool anyRange = false;
  func.walk([&](Operation *op) {
    anyRange |= op->hasAttr(kRangeAttr) || isa<edge::QuantizeOp, edge::DequantizeOp>(op);
  });
  if (!anyRange)
    return func.emitError("quantization needs calibrated ranges (edge.range) or a model with "
                          "QuantizeLinear / DequantizeLinear; run calibration first"), failure();

  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (!isa<edge::ConstantOp>(op))
      ops.push_back(&op);
  for (Operation *op : ops)
    if (Operation *q = rewrite(op))
      replaceWithQuantized(op, q->getResult(0));
  if (failed)
    return failure();

  foldConversions(body);

  // Graph inputs read only through edge.quantize to one type become quantized.
  SmallVector<Type> argTypes(func.getArgumentTypes());
  for (BlockArgument arg : body.getArguments()) {
    bool allQuantize = !arg.use_empty() && llvm::all_of(arg.getUsers(), [](Operation *u) {
      return isa<edge::QuantizeOp>(u);
    });
    Type e = allQuantize ? quantizeUsersType(arg, /*orInt32=*/true) : Type();
    if (!e || !getElementTypeOrSelf(arg.getType()).isF32())
      continue;
    arg.setType(withElement(arg.getType(), e));
    argTypes[arg.getArgNumber()] = arg.getType();
    for (Operation *u : llvm::make_early_inc_range(arg.getUsers())) {
      u->getResult(0).replaceAllUsesWith(arg);
      u->erase();
    }
  }
  // Results produced by quantized ops are returned quantized.
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
  // What stays float reads the model's quantized constants as float ones.
  for (auto deq : llvm::make_early_inc_range(body.getOps<edge::DequantizeOp>())) {
    std::optional<Tensor> t = floatValues(deq.getResult());
    if (!t)
      continue;
    b.setInsertionPoint(deq);
    Operation *c = deq.getInput().getDefiningOp();
    deq.getResult().replaceAllUsesWith(
        materializeConstant(b, deq.getLoc(), *t, nodeName(c) + "_f"));
    deq->erase();
    if (c->use_empty())
      c->erase();
  }
  func.walk([](Operation *op) { op->removeAttr("edge.onnx_type"); });
  func.walk([](Operation *op) {
    op->removeAttr(kRangeAttr);
    op->removeAttr(kChannelMeanAttr);
  });
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
    // Every --keep-float name must be a layer: a typo used to keep nothing.
    llvm::StringMap<std::string> fusedInto;
    llvm::StringSet<> layers;
    getOperation().walk([&](Operation *op) {
      if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
        layers.insert(nl.getName().strref());
      if (auto fused = op->getAttrOfType<ArrayAttr>("edge.fused"))
        for (Attribute a : fused)
          if (auto s = dyn_cast<StringAttr>(a); s && isa<NameLoc>(op->getLoc()))
            fusedInto[s.strref()] = cast<NameLoc>(op->getLoc()).getName().str();
    });
    bool unknown = false;
    auto check = [&](ArrayRef<std::string> names, StringRef flag) {
      for (const std::string &s : names) {
        if (layers.contains(s))
          continue;
        unknown = true;
        auto host = fusedInto.find(s);
        if (host != fusedInto.end())
          getOperation().emitError() << flag << " names node '" << s
                                     << "', which was fused into node '" << host->second
                                     << "': name that one";
        else
          getOperation().emitError() << flag << " names '" << s
                                     << "', which is not a node of the model (`edgec inspect` "
                                        "lists them)";
      }
    };
    check(keepFloat, "--keep-float");
    check(int16Layers, "--int16");
    if (unknown)
      return signalPassFailure();
    llvm::StringSet<> sixteen;
    for (const std::string &s : int16Layers)
      sixteen.insert(s);
    // A recurrent layer named in --int16 stays as it is: say so.
    getOperation().walk([&](Operation *op) {
      auto nl = dyn_cast<NameLoc>(op->getLoc());
      if (nl && keepsInt8Data(op) && sixteen.contains(nl.getName().strref()))
        op->emitWarning() << "--int16 names '" << nl.getName().strref()
                          << "', a recurrent layer: it reads and writes int8 (its state is "
                             "int16 inside) and stays so";
    });
    if (activationBits != 8 && activationBits != 16) {
      getOperation().emitError("activation-bits must be 8 or 16, got ") << activationBits.getValue();
      return signalPassFailure();
    }
    if (!requireRanges) { // a float compile: only a model's own QDQ ops quantize it
      bool any = false;
      getOperation().walk([&](Operation *op) {
        any |= op->hasAttr(kRangeAttr) || isa<edge::QuantizeOp, edge::DequantizeOp>(op);
      });
      if (!any)
        return;
    }
    Quantizer q(getOperation(), keep, activationBits == 16, sixteen, biasCorrection);
    if (failed(q.run()))
      signalPassFailure();
  }
};

} // namespace
} // namespace edgec::quant
