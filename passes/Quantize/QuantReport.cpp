//===- QuantReport.cpp - per-layer error of a quantized model --------------===//

#include "passes/Quantize/QuantReport.h"
#include "passes/Quantize/Calibration.h"

#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Quant/QuantUtils.h"
#include "edgec/quant.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace edgec::quant {

Tensor quantizeTensor(const Tensor &t, Type element) {
  auto q = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(element));
  if (!q || !t.isFloat())
    return t;
  Tensor r = Tensor::zeros(q.getStorageType().isInteger(16) ? DType::I16 : DType::I8, t.shape);
  for (int64_t e = 0; e < r.numElements(); ++e)
    r.i[e] = quantize_value(t.f[e], (float)q.getScale(), (int32_t)q.getZeroPoint(),
                            (int32_t)q.getStorageTypeMin(), (int32_t)q.getStorageTypeMax());
  return r;
}

Tensor dequantizeTensor(const Tensor &t, Type element) {
  Type e = getElementTypeOrSelf(element);
  if (!isa<mlir::quant::QuantizedType>(e) || t.isFloat())
    return t;
  Tensor r = Tensor::zeros(DType::F32, t.shape);
  r.f = dequantizeValues(e, t.shape, t.i);
  return r;
}

namespace {

std::string nameOf(Operation *op) {
  if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
    return nl.getName().str();
  return "";
}

/// Signal and noise energy of one tensor over all samples.
struct Energy {
  double signal = 0, noise = 0;
  /// The first `count` elements (all by default).
  void add(const Tensor &ref, const Tensor &approx, int64_t count = INT64_MAX) {
    // at() reads float and integer storage alike (an integer output, like
    // MaxPool's Indices, compares exactly or not at all).
    if (ref.numElements() != approx.numElements())
      return;
    for (int64_t k = 0; k < std::min(count, ref.numElements()); ++k) {
      double r = ref.at(k), d = r - approx.at(k);
      signal += r * r;
      noise += d * d;
    }
  }
  /// SQNR in dB; +inf when exact, and 0 dB for a silent reference.
  double db() const {
    if (noise == 0)
      return std::numeric_limits<double>::infinity();
    return signal > 0 ? 10 * std::log10(signal / noise) : 0.0;
  }
};

bool isLayer(Operation *op) {
  return !isa<edge::ConstantOp, edge::QuantizeOp, edge::DequantizeOp, func::ReturnOp>(op) &&
         op->getNumResults() == 1 && !nameOf(op).empty();
}

/// Index of the largest element of each row (last axis) of `t`.
std::vector<int64_t> argmaxRows(const Tensor &t) {
  int64_t cols = t.shape.empty() ? 1 : t.shape.back();
  std::vector<int64_t> out;
  for (int64_t r = 0; cols > 0 && r < t.numElements() / cols; ++r) {
    int64_t best = 0;
    for (int64_t c = 1; c < cols; ++c)
      if (t.at(r * cols + c) > t.at(r * cols + best))
        best = c;
    out.push_back(best);
  }
  return out;
}

/// Values of a float input that fall outside the int8 (int16) range of the
/// quantized input they feed, and so saturate.
struct Saturation {
  int64_t total = 0, outside = 0;
  double lo = INFINITY, hi = -INFINITY; ///< finite values seen
  void add(const Tensor &t, Type element) {
    auto q = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(element));
    if (!q || !t.isFloat())
      return;
    double s = q.getScale(), z = (double)q.getZeroPoint();
    double a = (q.getStorageTypeMin() - z - 0.5) * s, b = (q.getStorageTypeMax() - z + 0.5) * s;
    for (float v : t.f) {
      if (!std::isfinite(v))
        continue;
      ++total;
      outside += v < a || v > b;
      lo = std::min<double>(lo, v);
      hi = std::max<double>(hi, v);
    }
  }
};

} // namespace

LogicalResult measureQuantizationError(func::FuncOp reference, func::FuncOp quantized,
                                       const std::vector<Sample> &samples, const Tensor *labels,
                                       const std::vector<std::string> &keepFloat, bool warn) {
  if (samples.empty())
    return success();
  int64_t rowsPerSample = 0;
  if (labels) {
    auto out0 = cast<ShapedType>(reference.getResultTypes()[0]);
    int64_t cols = out0.getRank() ? out0.getShape().back() : 1;
    rowsPerSample = out0.getNumElements() / std::max<int64_t>(cols, 1);
    if (labels->isFloat())
      return quantized.emitError("--eval-labels must hold integer class indices, not floats");
    if (labels->numElements() != rowsPerSample * (int64_t)samples.size())
      return quantized.emitError("--eval-labels has ")
             << labels->numElements() << " labels but the evaluation inputs give "
             << rowsPerSample * (int64_t)samples.size() << " predictions ("
             << samples.size() << " samples x " << rowsPerSample << ")";
    // A label outside [0, classes) can never be predicted: a wrong file.
    for (int64_t k = 0; k < labels->numElements(); ++k)
      if (labels->i[k] < 0 || labels->i[k] >= cols)
        return quantized.emitError("--eval-labels: label ")
               << k << " is " << labels->i[k] << ", outside the model's " << cols
               << " classes [0, " << cols << ")";
  }

  llvm::DenseMap<Operation *, Energy> layer;
  std::vector<Energy> args(quantized.getNumArguments()), outputs(quantized.getNumResults());
  std::vector<Saturation> saturation(quantized.getNumArguments());
  int64_t correctFloat = 0, correctQuant = 0, labelIndex = 0;
  // A node the importer wrote as several ops (LayerNormalization: mean,
  // sub, mul, ...) has one name for all of them: its ops pair up by kind and
  // order among the node's ops of that kind, and fall back to the node's
  // last value (a MatMul that became Reshape, Gemm, Reshape; a Div that
  // became a Mul).
  auto keyOf = [](llvm::StringMap<int> &seen, Operation *op) {
    std::string key = nameOf(op) + "\x1f" + op->getName().getStringRef().str();
    return key + "\x1f" + std::to_string(seen[key]++);
  };
  for (const Sample &sample : samples) {
    llvm::StringMap<Tensor> ref;
    llvm::StringMap<int> seenFloat, seenQuant;
    auto floatOut = evaluateFunction(reference, sample, [&](Operation *op, const Tensor &t) {
      if (isLayer(op) && t.isFloat()) {
        ref[nameOf(op)] = t;
        ref[keyOf(seenFloat, op)] = t;
      }
    });
    if (failed(floatOut))
      return failure();
    Sample inputs;
    for (auto [k, t] : llvm::enumerate(sample)) {
      Type argType = quantized.getArgumentTypes()[k];
      inputs.push_back(quantizeTensor(t, argType));
      saturation[k].add(t, argType);
      if (t.isFloat())
        args[k].add(t, dequantizeTensor(inputs.back(), argType));
    }
    auto quantOut = evaluateFunction(quantized, inputs, [&](Operation *op, const Tensor &t) {
      // Only real-valued results compare with the float model's (a node's
      // integer side output, like MaxPool's Indices, shares its name).
      if (!isLayer(op) || (!t.isFloat() && !quantizedElement(op->getResult(0).getType())))
        return;
      auto it = ref.find(keyOf(seenQuant, op));
      if (it == ref.end())
        it = ref.find(nameOf(op));
      if (it == ref.end() || it->second.numElements() != t.numElements())
        return;
      int64_t rows = rowsRead(op), count = INT64_MAX;
      if (rows != INT64_MAX && !t.shape.empty() && t.shape[0] > 0)
        count = t.numElements() / t.shape[0] * rows;
      layer[op].add(it->second, dequantizeTensor(t, op->getResult(0).getType()), count);
    });
    if (failed(quantOut))
      return failure();
    for (size_t k = 0; k < outputs.size(); ++k)
      outputs[k].add((*floatOut)[k],
                     dequantizeTensor((*quantOut)[k], quantized.getResultTypes()[k]));
    if (labels) {
      std::vector<int64_t> pf = argmaxRows((*floatOut)[0]), pq = argmaxRows((*quantOut)[0]);
      for (size_t r = 0; r < pf.size(); ++r, ++labelIndex) {
        correctFloat += pf[r] == labels->i[labelIndex];
        correctQuant += pq[r] == labels->i[labelIndex];
      }
    }
  }

  Builder b(quantized.getContext());
  llvm::DenseMap<Value, double> sqnrOf;
  for (BlockArgument arg : quantized.getArguments())
    sqnrOf[arg] = args[arg.getArgNumber()].db();
  llvm::StringSet<> keep;
  for (const std::string &k : keepFloat)
    keep.insert(k);
  quantized.walk([&](Operation *op) {
    if (!isLayer(op))
      return;
    // The value a layer reads, looking through conversions.
    double worstInput = std::numeric_limits<double>::infinity();
    for (Value v : op->getOperands()) {
      while (v.getDefiningOp<edge::QuantizeOp>() || v.getDefiningOp<edge::DequantizeOp>())
        v = v.getDefiningOp()->getOperand(0);
      if (auto it = sqnrOf.find(v); it != sqnrOf.end())
        worstInput = std::min(worstInput, it->second);
    }
    if (getElementTypeOrSelf(op->getResult(0).getType()).isF32() &&
        !op->hasTrait<OpTrait::EdgeView>()) {
      // The quantizer may have said why already (edge-quantize).
      if (!op->hasAttr(kFloatReasonAttr))
        op->setAttr(kFloatReasonAttr, b.getStringAttr(keep.contains(nameOf(op)) ? "--keep-float"
                                                                                 : "no int8 kernel"));
    }
    auto it = layer.find(op);
    if (it == layer.end())
      return;
    double db = it->second.db();
    sqnrOf[op->getResult(0)] = db;
    op->setAttr(kSqnrAttr, b.getF64FloatAttr(db));
    if (std::isfinite(worstInput))
      op->setAttr(kSqnrDropAttr, b.getF64FloatAttr(std::max(0.0, worstInput - db)));
    else if (std::isfinite(db))
      op->setAttr(kSqnrDropAttr, b.getF64FloatAttr(0.0));
  });
  for (auto [k, sat] : llvm::enumerate(saturation)) {
    if (!warn || sat.total == 0 || (double)sat.outside <= kSaturationFraction * sat.total)
      continue;
    auto q = cast<mlir::quant::UniformQuantizedType>(
        getElementTypeOrSelf(quantized.getArgumentTypes()[k]));
    double s = q.getScale(), z = (double)q.getZeroPoint();
    std::string name = "#" + std::to_string(k);
    if (auto n = quantized.getArgAttrOfType<StringAttr>(k, "edge.name"))
      name = "'" + n.str() + "'";
    warnQuantization(
        quantized, quantized.getArgument(k).getLoc(),
        llvm::formatv("{0}% of the values of input {1} over the {2} sample(s) measured lie "
                      "outside its int{3} range [{4}, {5}] and saturate (they span [{6}, {7}]): "
                      "calibrate on data that covers them (--range minmax keeps the extremes)",
                      g3(100.0 * sat.outside / sat.total), name, samples.size(),
                      q.getStorageTypeIntegralWidth(), g3((q.getStorageTypeMin() - z) * s),
                      g3((q.getStorageTypeMax() - z) * s), g3(sat.lo), g3(sat.hi)));
  }
  SmallVector<double> outDb;
  for (const Energy &e : outputs)
    outDb.push_back(e.db());
  quantized->setAttr(kOutputSqnrAttr, b.getDenseF64ArrayAttr(outDb));
  quantized->setAttr(kEvalSamplesAttr, b.getI64IntegerAttr((int64_t)samples.size()));
  if (labels && labelIndex > 0) {
    quantized->setAttr(kFloatAccuracyAttr, b.getF64FloatAttr((double)correctFloat / labelIndex));
    quantized->setAttr(kQuantAccuracyAttr, b.getF64FloatAttr((double)correctQuant / labelIndex));
  }
  return success();
}

} // namespace edgec::quant
