//===- QuantUtils.cpp - quantization parameters and integer constants ------===//

#include "edgec/Quant/QuantUtils.h"

#include "edgec/IR/EdgeOps.h"
#include "edgec/quant.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace edgec::quant {

FixedPoint quantizeMultiplier(double real) {
  if (!(real > 0) || !std::isfinite(real))
    return {0, 0};
  int shift = 0;
  double q = std::frexp(real, &shift); // real = q * 2^shift, q in [0.5, 1)
  int64_t fixed = std::llround(q * (double)(int64_t{1} << 31));
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31)
    return {0, 0}; // too small to matter: the product rounds to 0
  if (shift > 30)
    return {INT32_MAX, 30};
  return {(int32_t)fixed, shift};
}

QParams chooseInt8Params(double min, double max) {
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  QParams p;
  if (!(max > min)) { // all zero (or no data): any scale represents it
    p.scale = 1.0;
    p.zeroPoint = 0;
    return p;
  }
  p.scale = (max - min) / 255.0;
  double zp = -128.0 - min / p.scale;
  p.zeroPoint = (int32_t)std::clamp<double>(std::round(zp), -128, 127);
  return p;
}

QParams chooseInt16Params(double min, double max) {
  QParams p;
  p.qmin = -32768;
  p.qmax = 32767;
  double m = std::max(std::fabs(min), std::fabs(max));
  p.scale = m > 0 ? m / 32767.0 : 1.0;
  p.zeroPoint = 0;
  return p;
}

mlir::quant::UniformQuantizedType makeQuantType(MLIRContext *ctx, const QParams &p) {
  unsigned bits = p.qmin < -128 || p.qmax > 127 ? 16 : 8;
  return mlir::quant::UniformQuantizedType::get(
      mlir::quant::QuantizationFlags::Signed, IntegerType::get(ctx, bits), Float32Type::get(ctx),
      p.scale, p.zeroPoint, p.qmin, p.qmax);
}

int32_t requantizeFor(const QParams &out, int64_t acc, const FixedPoint &m) {
  return requantizeFor(out, out, acc, m);
}

int32_t requantizeFor(const QParams &in, const QParams &out, int64_t acc, const FixedPoint &m) {
  if (in.qmax > 127 || out.qmax > 127)
    return requantize_wide(acc, m.multiplier, m.shift);
  return requantize((int32_t)acc, m.multiplier, m.shift);
}

bool hasIntegerSemantics(Operation *op) {
  if (isa<edge::QuantizeOp, edge::DequantizeOp>(op))
    return true;
  if (isa<edge::ConstantOp>(op) || op->hasTrait<OpTrait::EdgeMovesStorage>())
    return false;
  return llvm::any_of(op->getResultTypes(), [](Type t) { return (bool)quantizedElement(t); });
}

QParams paramsOf(Type t) {
  auto q = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(t));
  if (!q)
    return {};
  return {q.getScale(), (int32_t)q.getZeroPoint(), (int32_t)q.getStorageTypeMin(),
          (int32_t)q.getStorageTypeMax()};
}

std::vector<double> channelScales(Type t, int64_t n) {
  Type e = getElementTypeOrSelf(t);
  if (auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(e))
    return std::vector<double>(pa.getScales().begin(), pa.getScales().end());
  return std::vector<double>(n, paramsOf(e).scale);
}

std::vector<float> dequantizeValues(Type element, ArrayRef<int64_t> shape, ArrayRef<int64_t> q) {
  std::vector<float> out(q.size());
  if (auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(element)) {
    int64_t axis = pa.getQuantizedDimension(), n = shape[axis], inner = 1;
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
    for (size_t k = 0; k < q.size(); ++k) {
      int64_t ch = ((int64_t)k / inner) % n;
      out[k] = dequantize_value((int32_t)q[k], (float)pa.getScales()[ch],
                                (int32_t)pa.getZeroPoints()[ch]);
    }
    return out;
  }
  QParams p = paramsOf(element);
  for (size_t k = 0; k < q.size(); ++k)
    out[k] = dequantize_value((int32_t)q[k], (float)p.scale, p.zeroPoint);
  return out;
}

std::pair<int32_t, int32_t> outputClamp(Operation *op) {
  QParams p = paramsOf(op->getResult(0).getType());
  int32_t lo = p.qmin, hi = p.qmax;
  if (auto a = op->getAttrOfType<FloatAttr>("act_min"))
    lo = std::max(lo, quantize_value(a.getValue().convertToFloat(), (float)p.scale, p.zeroPoint,
                                     p.qmin, p.qmax));
  if (auto a = op->getAttrOfType<FloatAttr>("act_max"))
    hi = std::min(hi, quantize_value(a.getValue().convertToFloat(), (float)p.scale, p.zeroPoint,
                                     p.qmin, p.qmax));
  return {lo, std::max(lo, hi)};
}

int32_t LookupTable::operator()(int32_t q) const {
  return wide() ? lut_interp_s16(values.data(), q) : values[q + 128];
}

std::optional<LookupTable> unaryTable(Operation *op) {
  std::function<double(double)> f = realFunction(op);
  if (!f || op->getNumOperands() != 1 || tfliteLeakyRelu(op))
    return std::nullopt;
  if (isa<edge::SigmoidOp>(op) && tfliteNumerics(op)) {
    auto in = dyn_cast<mlir::quant::UniformQuantizedType>(
        getElementTypeOrSelf(op->getOperand(0).getType()));
    auto out = dyn_cast<mlir::quant::UniformQuantizedType>(
        getElementTypeOrSelf(op->getResult(0).getType()));
    if (!in || !out || in.getStorageTypeIntegralWidth() != 8 ||
        out.getStorageTypeIntegralWidth() != 8 || out.getScale() != 1.0 / 256 ||
        out.getZeroPoint() != -128)
      return std::nullopt;
    LookupTable t;
    t.values = tfliteLogisticTable(in.getScale(), (int32_t)in.getZeroPoint());
    if (t.values.empty())
      return std::nullopt;
    return t;
  }
  auto width = [](Type t) {
    auto e = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(t));
    return e ? (int)e.getStorageTypeIntegralWidth() : 0;
  };
  int bits = width(op->getOperand(0).getType());
  if ((bits != 8 && bits != 16) || width(op->getResult(0).getType()) != bits)
    return std::nullopt;
  QParams in = paramsOf(op->getOperand(0).getType()), out = paramsOf(op->getResult(0).getType());
  auto at = [&](int32_t q) {
    double y = f((q - in.zeroPoint) * in.scale);
    double v = std::isnan(y) ? out.zeroPoint : std::round(y / out.scale) + out.zeroPoint;
    return (int32_t)std::clamp<double>(v, out.qmin, out.qmax);
  };
  LookupTable t;
  if (bits == 16) {
    t.values = functionKnots16(f, in, out);
    return t;
  }
  for (int32_t q = -128; q < 128; ++q)
    t.values.push_back(at(q));
  return t;
}

std::vector<int32_t> functionKnots16(const std::function<double(double)> &f, const QParams &in,
                                     const QParams &out) {
  std::vector<int32_t> knots;
  for (int32_t i = 0; i < kLut16Knots; ++i) {
    double y = f((-32768 + 128 * i - in.zeroPoint) * in.scale);
    double v = std::isnan(y) ? out.zeroPoint : std::round(y / out.scale) + out.zeroPoint;
    knots.push_back((int32_t)std::clamp<double>(v, out.qmin, out.qmax));
  }
  return knots;
}

namespace {

/// The default activations of each cell (ONNX's): what bounds the hidden
/// state to [-1, 1] and what the integer kernel's two tables compute.
bool defaultRecurrentActivations(edge::RecurrentOp op) {
  static const char *const lstm[] = {"Sigmoid", "Tanh", "Tanh"};
  static const char *const gru[] = {"Sigmoid", "Tanh"};
  static const char *const rnn[] = {"Tanh"};
  ArrayRef<const char *> want = op.getCell() == edge::RecurrentCell::Lstm ? ArrayRef(lstm)
                                : op.getCell() == edge::RecurrentCell::Gru ? ArrayRef(gru)
                                                                           : ArrayRef(rnn);
  ArrayAttr acts = op.getActivations();
  for (size_t k = 0; k < acts.size(); ++k)
    if (cast<StringAttr>(acts[k]).getValue() != want[k % want.size()])
      return false;
  return true;
}

/// The largest |real value| a quantized per-tensor type holds.
double magnitudeOf(Type t) {
  QParams p = paramsOf(t);
  return std::max(std::fabs((p.qmin - p.zeroPoint) * p.scale),
                  std::fabs((p.qmax - p.zeroPoint) * p.scale));
}

} // namespace

std::string recurrentIntegerObstacle(Operation *o) {
  auto op = cast<edge::RecurrentOp>(o);
  if (!defaultRecurrentActivations(op))
    return "its activations are not the defaults (Sigmoid / Tanh), so its state is unbounded";
  if (op.getPeepholes())
    return "it has peepholes";
  if (op.getHiddenSize() > kRecurrentMaxHidden)
    return "its hidden size " + std::to_string(op.getHiddenSize()) + " is above " +
           std::to_string(kRecurrentMaxHidden);
  if (cast<ShapedType>(op.getInput().getType()).getShape()[2] > 65535)
    return "its input size is above 65535";
  if (Value h0 = op.getInitialH())
    if (quantizedElement(h0.getType())) {
      QParams p = paramsOf(h0.getType());
      // A range calibrated on states within [-1, 1] reaches 1 plus rounding.
      if (magnitudeOf(h0.getType()) > 1.0 + 2 * p.scale)
        return "its initial hidden state reaches beyond [-1, 1]";
    }
  return "";
}

RecurrentConstants recurrentConstants(Operation *o) {
  auto op = cast<edge::RecurrentOp>(o);
  RecurrentConstants k;
  QParams px = paramsOf(op.getInput().getType()), py = paramsOf(op.getOutput().getType());
  int64_t rows = op.numGates() * op.getHiddenSize();
  std::vector<double> sw = channelScales(op.getW().getType(), rows),
                      sr = channelScales(op.getR().getType(), rows);
  const double pre = std::ldexp(1.0, -kRecurrentPreFraction),
               state = std::ldexp(1.0, -kRecurrentStateFraction);
  // Every shift at most -1, so the kernel's two requantizations per gate row
  // are requantize_right (one multiply-accumulate and a shift): a multiplier
  // of 2^-1 or more is stored as M / 2^(shift + 1) at shift -1 (at least 24
  // significant bits for the multipliers a gate sees, below 2^6).
  auto rightShift = [](double real) {
    FixedPoint fp = quantizeMultiplier(real);
    if (fp.multiplier != 0 && fp.shift > -1) {
      int e = fp.shift + 1;
      fp.multiplier = (int32_t)(((int64_t)fp.multiplier + (int64_t(1) << (e - 1))) >> e);
      fp.shift = -1;
    }
    return fp;
  };
  for (int64_t q = 0; q < rows; ++q) {
    k.w.push_back(rightShift(px.scale * sw[q] / pre));
    k.r.push_back(rightShift(state * sr[q] / pre));
  }
  double c0 = op.getInitialC() ? magnitudeOf(op.getInitialC().getType()) : 0.0;
  double bound = (double)cast<ShapedType>(op.getInput().getType()).getShape()[0] + c0;
  k.cellShift = std::clamp(15 - (int32_t)std::ceil(std::log2(std::max(bound, 1.0))), 0,
                           kRecurrentPreFraction);
  double clip = op.getClip().convertToDouble();
  if (clip > 0) {
    k.clipHi = (int32_t)std::min<double>(32767, std::round(std::ldexp(clip, kRecurrentPreFraction)));
    k.clipLo = -k.clipHi;
  }
  k.inputZero = px.zeroPoint;
  k.outputZero = py.zeroPoint;
  const double cell = std::ldexp(1.0, -k.cellShift);
  if (Value h0 = op.getInitialH()) {
    QParams p = paramsOf(h0.getType());
    k.h0Zero = p.zeroPoint;
    k.h0 = quantizeMultiplier(p.scale / state);
  }
  if (Value c0v = op.getInitialC()) {
    QParams p = paramsOf(c0v.getType());
    k.c0Zero = p.zeroPoint;
    k.c0 = quantizeMultiplier(p.scale / cell);
  }
  k.outH = quantizeMultiplier(state / py.scale);
  k.outC = quantizeMultiplier(cell / py.scale);
  QParams q312{pre, 0, -32768, 32767}, q015{state, 0, -32768, 32767};
  k.sigmoid = functionKnots16([](double x) { return 1.0 / (1.0 + std::exp(-x)); }, q312, q015);
  k.tanh = functionKnots16([](double x) { return std::tanh(x); }, q312, q015);
  return k;
}

LayerNormConstants layerNormConstants(Operation *op, ArrayRef<float> scale, ArrayRef<float> bias) {
  auto ln = cast<edge::LayerNormOp>(op);
  QParams px = paramsOf(ln.getInput().getType()), py = paramsOf(ln.getOutput().getType());
  auto shape = cast<ShapedType>(ln.getInput().getType()).getShape();
  LayerNormConstants k;
  k.inner = 1;
  for (size_t d = ln.getAxis(); d < shape.size(); ++d)
    k.inner *= shape[d];
  k.inputZero = px.zeroPoint;
  k.outputZero = py.zeroPoint;
  k.qmin = py.qmin;
  k.qmax = py.qmax;
  // V <= n^2 (qmax - qmin)^2; the root's argument V 4^k + epsilon stays
  // below 2^61 with k as large as that allows (r then has ~30 bits).
  double n = (double)k.inner, range = (double)px.qmax - px.qmin;
  double eps = (double)ln.getEpsilon().convertToDouble() * n * n / (px.scale * px.scale);
  double bound = n * n * range * range + eps + 1.0;
  k.rootShift = std::max(0, (int)std::floor((61.0 - std::log2(bound)) / 2.0));
  k.epsilon = (int64_t)std::llround(std::min(eps * std::ldexp(1.0, 2 * k.rootShift), 0x1p61));
  // The output step: the largest |w_j / s_y| takes 30 bits of a_j.
  double wmax = 0;
  for (int64_t j = 0; j < k.inner; ++j)
    wmax = std::max(wmax, std::fabs(scale.empty() ? 1.0 : (double)scale[j]) / py.scale);
  int e = wmax > 0 ? (int)std::ceil(std::log2(wmax)) : 0;
  k.shift = std::clamp(kLayerNormFraction + 30 - e, kLayerNormFraction + 1, 48);
  for (int64_t j = 0; j < k.inner; ++j) {
    double w = scale.empty() ? 1.0 : (double)scale[j], c = bias.empty() ? 0.0 : (double)bias[j];
    k.a.push_back(std::llround(w / py.scale * std::ldexp(1.0, k.shift - kLayerNormFraction)));
    k.b.push_back(std::llround(
        std::clamp(c / py.scale * std::ldexp(1.0, k.shift), -0x1p60, 0x1p60)));
  }
  return k;
}

std::vector<int64_t> resampleWeightsQ14(llvm::ArrayRef<float> weights) {
  std::vector<int64_t> q;
  for (float w : weights)
    q.push_back((int64_t)std::lround((double)w * (1 << kResampleShift)));
  return q;
}

bool keepsInt8Data(Operation *op) { return isa<edge::RecurrentOp>(op); }

bool keepsInputParams(Operation *op) {
  return isa<edge::MaxPool2DOp, edge::AvgPool2DOp, edge::ReshapeOp, edge::TransposeOp,
             edge::SliceOp, edge::GatherOp, edge::PadOp, edge::ResampleOp>(op);
}

std::vector<int32_t> softmaxExpTable(double inputScale, bool wide) {
  std::vector<int32_t> t;
  if (wide) {
    for (int i = 0; i < kLut16Knots; ++i)
      t.push_back((int32_t)std::min<long>(32767, std::lround(std::exp(-inputScale * 128 * i) *
                                                               32768.0)));
    return t;
  }
  for (int d = 0; d < 256; ++d)
    t.push_back((int32_t)std::lround(std::exp(-inputScale * d) * 65536.0));
  return t;
}

bool tfliteNumerics(Operation *op) {
  auto a = op->getAttrOfType<edge::NumericsAttr>("numerics");
  return a && a.getValue() == edge::Numerics::Tflite;
}

int32_t avgPoolRoundingZero(Operation *avgPool) {
  return tfliteNumerics(avgPool) ? 0 : paramsOf(avgPool->getResult(0).getType()).zeroPoint;
}

namespace {

// gemmlowp's exp_on_negative_values for a Q5.26 input, in raw int32 values
// (the algorithm as gemmlowp defines it: a Taylor polynomial around -1/8 on
// the input modulo 1/4, times exp(-2^k) for each bit k of the rest).

/// exp(a) for a in [-1/4, 0), Q0.31.
int32_t expOnQuarterInterval(int32_t a) {
  auto mul = saturating_rounding_doubling_high_mul;
  const int32_t x = a + (1 << 28); // a + 1/8
  const int32_t x2 = mul(x, x), x3 = mul(x2, x), x4 = mul(x2, x2);
  const int32_t x4Over4 = rounding_divide_by_pot(x4, 2);
  const int32_t poly = rounding_divide_by_pot(mul(x4Over4 + x3, 715827883) + x2, 1);
  const int32_t expMinusEighth = 1895147668;
  return expMinusEighth + mul(expMinusEighth, x + poly);
}

/// exp(a) for a value a <= 0 with `integerBits` (1..5) integer bits, Q0.31.
int32_t expOnNegativeValues(int32_t a, int integerBits) {
  const int fractionalBits = 31 - integerBits;
  const int32_t quarter = 1 << (fractionalBits - 2);
  const int32_t modQuarterMinusQuarter = (a & (quarter - 1)) - quarter;
  int32_t result =
      expOnQuarterInterval(saturating_left_shift(modQuarterMinusQuarter, integerBits));
  const int32_t remainder = modQuarterMinusQuarter - a;
  // exp(-2^k) in Q0.31 for k = -2..4, each where the input has bit k.
  static constexpr int32_t kExpOfMinusPot[] = {1672461947, 1302514674, 790015084, 290630308,
                                               39332535,   720401,     242};
  for (int k = -2; k <= 4 && k < integerBits; ++k)
    if (remainder & (1 << (fractionalBits + k)))
      result = saturating_rounding_doubling_high_mul(result, kExpOfMinusPot[k + 2]);
  return a == 0 ? INT32_MAX : result;
}

/// exp(a) for a Q5.26 value a <= 0, Q0.31.
int32_t expOnNegativeValuesQ5(int32_t a) { return expOnNegativeValues(a, 5); }

/// gemmlowp's logistic of a Q4.27 value, Q0.31: 1 / (1 + exp(-|a|)), or
/// one minus it for a < 0, and exactly 1/2 at 0.
int32_t logisticQ4(int32_t a) {
  if (a == 0)
    return 1 << 30;
  const int32_t positive = one_over_one_plus_x(expOnNegativeValues(a > 0 ? -a : a, 4));
  return a > 0 ? positive : INT32_MAX - positive;
}

} // namespace

std::vector<int32_t> tfliteSoftmaxExpTable(double inputScale, std::string *why) {
  // TFLite's PreprocessSoftmaxScaling with 5 integer bits for the scaled
  // difference, and CalculateInputRadius for the smallest difference kept.
  constexpr int kScaledDiffIntegerBits = 5;
  double real = std::min(inputScale * (double)(int64_t{1} << (31 - kScaledDiffIntegerBits)),
                         (double)((int64_t{1} << 31) - 1));
  FixedPoint m = quantizeMultiplier(real);
  if (m.multiplier == 0 || m.shift < 0) {
    if (why)
      *why = "input scale " + std::to_string(inputScale) +
             " is below 2^-26, the smallest TFLite's softmax takes";
    return {};
  }
  const double radius = std::floor(((1 << kScaledDiffIntegerBits) - 1) *
                                   (double)(int64_t{1} << (31 - kScaledDiffIntegerBits)) /
                                   (double)(int64_t{1} << m.shift));
  const int32_t diffMin = -(int32_t)radius;
  std::vector<int32_t> table(256, 0);
  for (int32_t d = 0; d < 256; ++d) {
    if (-d < diffMin)
      continue;
    // MultiplyByQuantizedMultiplierGreaterThanOne: |d| 2^shift <= 31 * 2^26.
    int32_t scaled = saturating_rounding_doubling_high_mul(-d * (1 << m.shift), m.multiplier);
    table[d] = expOnNegativeValuesQ5(scaled);
  }
  return table;
}

std::vector<int32_t> tfliteLogisticTable(double inputScale, int32_t inputZero, std::string *why) {
  // logistic_common.cc: s_x 2^27 as frexp's mantissa (rounded to Q31) and
  // exponent, and CalculateInputRadius's bound on |x - zero point|.
  constexpr int kInputIntegerBits = 4;
  const double real = (double)(float)inputScale * (double)(1 << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = std::frexp(real, &shift);
  const int64_t multiplier = std::llround(q * (double)(int64_t{1} << 31));
  if (shift < 0 || shift > 30 || multiplier >= (int64_t{1} << 31)) {
    if (why)
      *why = "input scale " + std::to_string(inputScale) +
             " is outside the range TFLite's int8 LOGISTIC takes (2^-27 to 2^3)";
    return {};
  }
  const double radius = std::floor(((1 << kInputIntegerBits) - 1) *
                                   (double)(int64_t{1} << (31 - kInputIntegerBits)) /
                                   (double)(int64_t{1} << shift));
  std::vector<int32_t> table(256);
  for (int32_t x = -128; x < 128; ++x) {
    const int32_t d = x - inputZero;
    int32_t y;
    if (d <= -radius) {
      y = -128;
    } else if (d >= radius) {
      y = 127;
    } else {
      const int32_t q4 = requantize(d, (int32_t)multiplier, shift);
      y = clamp_i32(rounding_divide_by_pot(logisticQ4(q4), 23) - 128, -128, 127);
    }
    table[x + 128] = y;
  }
  return table;
}

std::optional<LeakyReluFixed> tfliteLeakyRelu(Operation *op) {
  auto lr = dyn_cast<edge::LeakyReluOp>(op);
  if (!lr || !tfliteNumerics(op) || !isa<mlir::quant::UniformQuantizedType>(
                                          getElementTypeOrSelf(lr.getInput().getType())))
    return std::nullopt;
  QParams pi = paramsOf(lr.getInput().getType()), po = paramsOf(lr.getOutput().getType());
  float si = (float)pi.scale, so = (float)po.scale, alpha = lr.getAlpha().convertToFloat();
  // leaky_relu_common.cc: both products and quotients in float.
  return LeakyReluFixed{pi.zeroPoint, po.zeroPoint, quantizeMultiplier((double)(si / so)),
                        quantizeMultiplier((double)(si * alpha / so))};
}

SvdfFixed svdfConstants(Operation *op) {
  auto svdf = cast<edge::SvdfOp>(op);
  QParams x = paramsOf(svdf.getInput().getType()), wf = paramsOf(svdf.getWeightsFeature().getType()),
          wt = paramsOf(svdf.getWeightsTime().getType()), y = paramsOf(svdf.getOutput().getType()),
          s = paramsOf(cast<RankedTensorType>(svdf.getStateType()).getElementType());
  // The scales are float32 values (a .tflite file stores them so); the
  // products and quotients are float32 operations, then widened.
  float sx = (float)x.scale, swf = (float)wf.scale, swt = (float)wt.scale, sy = (float)y.scale,
        ss = (float)s.scale;
  return SvdfFixed{quantizeMultiplier((double)(sx * swf / ss)),
                   quantizeMultiplier((double)(ss * swt / sy)),
                   x.zeroPoint,
                   s.zeroPoint,
                   y.zeroPoint,
                   s.qmin,
                   s.qmax};
}

SequenceLstmFixed sequenceLstmConstants(Operation *op) {
  auto lstm = cast<edge::SequenceLstmOp>(op);
  // unidirectional_sequence_lstm.cc's two float32 constants.
  const float gateInScale = 0.00024414062f, gateOutScale = 0.00003051757f;
  QParams x = paramsOf(lstm.getInput().getType()),
          h = paramsOf(cast<RankedTensorType>(lstm.getHiddenStateType()).getElementType()),
          c = paramsOf(cast<RankedTensorType>(lstm.getCellStateType()).getElementType());
  SequenceLstmFixed k;
  for (int g = 0; g < 4; ++g) {
    float sw = (float)paramsOf(lstm.getInputWeights()[g].getType()).scale,
          sr = (float)paramsOf(lstm.getRecurrentWeights()[g].getType()).scale;
    k.input[g] = quantizeMultiplier((double)((float)x.scale * sw) / (double)gateInScale);
    k.recurrent[g] = quantizeMultiplier((double)((float)h.scale * sr) / (double)gateInScale);
  }
  double sc = (double)(float)c.scale, sg = (double)gateOutScale;
  k.forgetCell = quantizeMultiplier(sg * sc / sc);
  k.inputCell = quantizeMultiplier(sg * sg / sc);
  k.hidden = quantizeMultiplier(sg * sg / (double)(float)h.scale);
  k.inZero = x.zeroPoint;
  k.hiddenZero = h.zeroPoint;
  double clip = lstm.getCellClip().convertToDouble();
  if (clip > 0) {
    k.clip = true;
    k.cellClip = (int32_t)(int16_t)std::min(std::max(clip / sc, -32768.0), 32767.0);
  }
  // CheckedLog2 in float, then Tanh's input shift (15 + power) - 3; a
  // negative one becomes a right shift of the input times 3, a positive one
  // TFLite's power-of-two case, 3 << shift.
  float log2 = std::log((float)c.scale) * (1.0f / std::log(2.0f));
  int power = (int)std::round(log2);
  int shift = 15 + power - 3;
  k.cellTanhMultiplier = shift < 0 ? kLstmGateMultiplier : kLstmGateMultiplier << shift;
  k.cellTanhShift = shift < 0 ? -shift : 0;
  return k;
}

QParams softmaxOutputParams(bool wide) {
  if (wide)
    return {1.0 / 32767.0, 0, -32768, 32767};
  return {1.0 / 256.0, -128, -128, 127};
}

AddParams addParams(Operation *op) {
  return addParams(op->getOperand(0).getType(), op->getOperand(1).getType(),
                   op->getResult(0).getType(), tfliteNumerics(op) && isa<edge::SubOp>(op));
}

AddParams addParams(Type a, Type b, Type out, bool floatMultipliers) {
  QParams pa = paramsOf(a), pb = paramsOf(b), po = paramsOf(out);
  AddParams r;
  // int16 inputs (zero point 0) leave room for 15 bits of headroom, int8 for 20.
  if (pa.qmax > 127 || pb.qmax > 127)
    r.leftShift = 15;
  r.inZero[0] = pa.zeroPoint;
  r.inZero[1] = pb.zeroPoint;
  r.outZero = po.zeroPoint;
  if (floatMultipliers) {
    float twiceMax = 2 * std::max((float)pa.scale, (float)pb.scale);
    r.in[0] = quantizeMultiplier((double)((float)pa.scale / twiceMax));
    r.in[1] = quantizeMultiplier((double)((float)pb.scale / twiceMax));
    r.out = quantizeMultiplier(
        (double)(twiceMax / ((float)(1 << r.leftShift) * (float)po.scale)));
    return r;
  }
  double twiceMax = 2 * std::max(pa.scale, pb.scale);
  r.in[0] = quantizeMultiplier(pa.scale / twiceMax);
  r.in[1] = quantizeMultiplier(pb.scale / twiceMax);
  r.out = quantizeMultiplier(twiceMax / ((double)(1 << r.leftShift) * po.scale));
  return r;
}

std::vector<FixedPoint> channelMultipliers(Operation *op) {
  Value x = op->getOperand(0), w = op->getOperand(1);
  int64_t channels = isa<edge::GemmOp>(op)
                         ? cast<ShapedType>(op->getResult(0).getType()).getShape()[1]
                         : cast<ShapedType>(w.getType()).getShape()[0];
  double sx = paramsOf(x.getType()).scale, sy = paramsOf(op->getResult(0).getType()).scale;
  // TFLite's fully connected layer with one weight scale multiplies the two
  // float scales in float (GetQuantizedConvolutionMultipler); per channel,
  // and everywhere else, the product is in double.
  bool floatProduct = tfliteNumerics(op) && isa<edge::GemmOp>(op) &&
                      !isa<mlir::quant::UniformQuantizedPerAxisType>(
                          getElementTypeOrSelf(w.getType()));
  std::vector<FixedPoint> out;
  for (double sw : channelScales(w.getType(), channels))
    out.push_back(quantizeMultiplier(
        (floatProduct ? (double)((float)sx * (float)sw) : sx * sw) / sy));
  return out;
}

FixedPoint rescaleMultiplier(const QParams &in, const QParams &out) {
  return quantizeMultiplier(in.scale / out.scale);
}

FixedPoint rescaleMultiplier(Type in, Type out) {
  return rescaleMultiplier(paramsOf(in), paramsOf(out));
}

FixedPoint mulMultiplier(Operation *op) {
  QParams pa = paramsOf(op->getOperand(0).getType()), pb = paramsOf(op->getOperand(1).getType());
  QParams py = paramsOf(op->getResult(0).getType());
  return quantizeMultiplier(pa.scale * pb.scale / py.scale);
}

FixedPoint meanMultiplier(Operation *op) {
  auto in = cast<ShapedType>(op->getOperand(0).getType());
  auto out = cast<ShapedType>(op->getResult(0).getType());
  int64_t count = in.getNumElements() / std::max<int64_t>(out.getNumElements(), 1);
  QParams px = paramsOf(in), py = paramsOf(out);
  if (tfliteNumerics(op) && count > 0) {
    // TFLite's QuantizedMeanOrSum (reference/reduce.h): M, e for s_x / s_y,
    // then M' = M * 2^k / count (truncated), e' = e - k, with k = floor(log2
    // count) limited to 32 and to 31 + e (so e' >= -31).
    FixedPoint m = quantizeMultiplier(px.scale / py.scale);
    int k = std::max(0, std::min({63 - (int)llvm::countl_zero((uint64_t)count), 32,
                                  31 + (int)m.shift}));
    return {(int32_t)(((int64_t)m.multiplier << k) / count), (int32_t)(m.shift - k)};
  }
  return quantizeMultiplier(px.scale / (py.scale * (double)count));
}

} // namespace edgec::quant
