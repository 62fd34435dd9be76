//===- QuantOps.cpp - ONNX QuantizeLinear / DequantizeLinear and QLinear* -===//
//
// Already-quantized models arrive in two forms. QDQ: QuantizeLinear and
// DequantizeLinear around float ops (what PyTorch and the ONNX Runtime
// quantizer write by default). QOperator: QLinearConv, QLinearMatMul and the
// com.microsoft QLinear* ops. Both import as edge.quantize / edge.dequantize
// around the float op, with the model's scales and zero points in
// `!quant.uniform` types; edge-quantize then turns each dequantize -> op ->
// quantize group into one int8 op with exactly those parameters.
//
// edgec's int8 is signed: uint8 tensors become int8 with the zero point and
// every value shifted by -128, which leaves the real values unchanged.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/Dialect/Quant/QuantTypes.h"

#include <cmath>
#include <limits>
#include <sstream>

using namespace mlir;

namespace edgec::onnx_import {
namespace {

/// The ONNX element type a quantized value had in the model (UINT8 or INT8),
/// kept on the op that produces it so that a no-op Cast can be recognised.
constexpr const char *kOnnxTypeAttr = "edge.onnx_type";

struct QuantSpec {
  Type element;       // the !quant.uniform element type
  DType storage;      // I8 or I32 after the uint8 -> int8 shift
  int32_t onnxType;   // UINT8, INT8 or INT32 as in the model
  int64_t axis = -1;  // -1: per tensor
};

/// Parameters from input `si` (scale) and `zi` (zero point, optional) of
/// node `c`, for a tensor of shape `shape`. `valueType` is the ONNX type of
/// the quantized tensor when known (a constant's), else 0; without zero point
/// or value the type defaults to UINT8 (ONNX's default).
FailureOr<QuantSpec> readSpec(NodeContext &c, size_t si, size_t zi, const Shape &shape,
                              int32_t valueType, const char *what) {
  std::optional<Tensor> scale = c.constantInput(si);
  if (!scale || !scale->isFloat())
    return c.error() << what << "_scale (input " << si
                     << ") must be a float compile-time constant", failure();
  std::optional<Tensor> zp;
  if (c.in(zi)) {
    zp = c.constantInput(zi);
    if (!zp || zp->isFloat())
      return c.error() << what << "_zero_point (input " << zi
                       << ") must be an integer compile-time constant", failure();
  }
  if (c.attrInt("block_size", 0) != 0)
    return c.fail("blocked quantization (block_size) is not supported");
  int32_t onnxType = valueType;
  if (zp) {
    int32_t zt = zp->dtype == DType::U8   ? onnx::TensorProto::UINT8
                 : zp->dtype == DType::I8 ? onnx::TensorProto::INT8
                 : zp->dtype == DType::I32 ? onnx::TensorProto::INT32
                                           : 0;
    if (!zt)
      return c.error() << what << "_zero_point has an unsupported element type (edgec "
                              "handles int8, uint8 and int32)", failure();
    if (onnxType && onnxType != zt)
      return c.error() << what << "_zero_point's element type differs from " << what << "'s",
             failure();
    onnxType = zt;
  }
  if (!onnxType)
    onnxType = (int32_t)c.attrInt("output_dtype", onnx::TensorProto::UINT8);
  if (onnxType != onnx::TensorProto::UINT8 && onnxType != onnx::TensorProto::INT8 &&
      onnxType != onnx::TensorProto::INT32)
    return c.error() << what << " uses ONNX element type " << onnxType
                     << "; edgec handles int8, uint8 and int32", failure();

  int64_t n = scale->numElements();
  QuantSpec spec;
  spec.onnxType = onnxType;
  spec.storage = onnxType == onnx::TensorProto::INT32 ? DType::I32 : DType::I8;
  if (n != 1) {
    if (scale->shape.size() != 1)
      return c.error() << what << "_scale of shape " << shapeToString(scale->shape)
                       << " must be a scalar or 1-D", failure();
    auto axis = c.axis(c.attrInt("axis", 1), (int64_t)shape.size(), "axis");
    if (failed(axis))
      return failure();
    if (shape[*axis] != n)
      return c.error() << what << "_scale has " << n << " values but axis " << *axis << " of "
                       << shapeToString(shape) << " has size " << shape[*axis], failure();
    spec.axis = *axis;
  }
  if (zp && zp->numElements() != n)
    return c.error() << what << "_scale has " << n << " values but " << what << "_zero_point "
                     << zp->numElements(), failure();
  int64_t shift = onnxType == onnx::TensorProto::UINT8 ? -128 : 0;
  int64_t qmin = spec.storage == DType::I32 ? std::numeric_limits<int32_t>::min() : -128;
  int64_t qmax = spec.storage == DType::I32 ? std::numeric_limits<int32_t>::max() : 127;
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  for (int64_t k = 0; k < n; ++k) {
    float s = scale->f[k];
    if (!(s > 0) || !std::isfinite(s))
      return c.error() << what << "_scale " << (std::ostringstream() << s).str()
                       << " must be positive and finite", failure();
    scales.push_back(s);
    zps.push_back((zp ? zp->i[k] : 0) + shift);
  }
  auto storageType = c.b.getIntegerType(spec.storage == DType::I32 ? 32 : 8);
  unsigned flags = mlir::quant::QuantizationFlags::Signed;
  if (spec.axis < 0)
    spec.element = mlir::quant::UniformQuantizedType::get(flags, storageType, c.b.getF32Type(),
                                                          scales[0], zps[0], qmin, qmax);
  else
    spec.element = mlir::quant::UniformQuantizedPerAxisType::get(
        flags, storageType, c.b.getF32Type(), scales, zps, spec.axis, qmin, qmax);
  return spec;
}

int32_t onnxTypeOf(DType t) {
  switch (t) {
  case DType::U8: return onnx::TensorProto::UINT8;
  case DType::I8: return onnx::TensorProto::INT8;
  case DType::I32: return onnx::TensorProto::INT32;
  default: return -1;
  }
}

Value tagged(Value v, int32_t onnxType, OpBuilder &b) {
  v.getDefiningOp()->setAttr(kOnnxTypeAttr, b.getI32IntegerAttr(onnxType));
  return v;
}

/// Input `xi` as a quantized value with the parameters of inputs `si` / `zi`:
/// a constant integer tensor becomes a quantized constant; a value some
/// QuantizeLinear or QLinear op produced must carry the same parameters.
FailureOr<Value> quantizedInput(NodeContext &c, size_t xi, size_t si, size_t zi,
                                const char *what) {
  auto x = c.required(xi, what);
  if (failed(x))
    return failure();
  Shape shape = NodeContext::shape(*x);
  if (std::optional<Tensor> t = c.constantInput(xi); t && !quantizedElement(x->getType())) {
    int32_t ot = onnxTypeOf(t->dtype);
    if (ot < 0)
      return c.error() << what << " must be an int8, uint8 or int32 tensor", failure();
    auto spec = readSpec(c, si, zi, shape, ot, what);
    if (failed(spec))
      return failure();
    Tensor q = Tensor::zeros(spec->storage, t->shape);
    for (int64_t k = 0; k < t->numElements(); ++k)
      q.i[k] = t->i[k] - (t->dtype == DType::U8 ? 128 : 0);
    return tagged(materializeConstant(c.b, c.loc, q, c.name, spec->element), ot, c.b);
  }
  Type have = getElementTypeOrSelf(x->getType());
  if (have.isInteger(8) && c.constantInput(si) && (!c.in(zi) || c.constantInput(zi))) {
    // A run-time int8 / uint8 tensor no QuantizeLinear produced (a quantized
    // graph input) with compile-time parameters: its real value
    // (x - zero) * scale in float, quantized again with the same parameters,
    // which gives x back exactly (the float error is far below half a step).
    int32_t ot = have.isUnsignedInteger() ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
    auto spec = readSpec(c, si, zi, shape, ot, what);
    if (failed(spec))
      return failure();
    if (spec->axis >= 0)
      return c.error() << what << " is a run-time tensor with per-axis parameters; edgec "
                              "quantizes run-time tensors per tensor", failure();
    Type f32 = c.b.getF32Type();
    auto asFloat = [&](Value v) {
      return c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(v), f32), v);
    };
    Value real = asFloat(*x);
    if (c.in(zi))
      real = buildBinary<edge::SubOp>(c, real, asFloat(c.in(zi)));
    if (real)
      real = buildBinary<edge::MulOp>(c, real, NodeContext::elementType(c.in(si)).isF32()
                                                   ? c.in(si)
                                                   : Value(asFloat(c.in(si))));
    if (!real)
      return failure();
    Value q = c.b.create<edge::QuantizeOp>(c.loc, c.tensorType(shape, spec->element), real);
    return tagged(q, spec->onnxType, c.b);
  }
  if (!isa<mlir::quant::QuantizedType>(have))
    return c.error() << what << " is a run-time " << have
                     << " tensor that no QuantizeLinear produced (a quantized graph input?); "
                        "edgec needs quantized values to come from QuantizeLinear or a "
                        "QLinear op, so give the model a float input", failure();
  int32_t ot = onnx::TensorProto::UINT8;
  if (auto a = x->getDefiningOp() ? x->getDefiningOp()->getAttrOfType<IntegerAttr>(kOnnxTypeAttr)
                                  : IntegerAttr())
    ot = (int32_t)a.getInt();
  auto spec = readSpec(c, si, zi, shape, ot, what);
  if (failed(spec))
    return failure();
  if (spec->element != have)
    return c.error() << what << " was quantized as " << have << " but is read as "
                     << spec->element << "; edgec needs the two to agree", failure();
  return *x;
}

FailureOr<Value> dequantized(NodeContext &c, size_t xi, size_t si, size_t zi, const char *what) {
  auto q = quantizedInput(c, xi, si, zi, what);
  if (failed(q))
    return failure();
  return c.b.create<edge::DequantizeOp>(c.loc, c.tensorType(NodeContext::shape(*q),
                                                            c.b.getF32Type()),
                                        *q).getResult();
}

/// Quantizes float `v` to the per-tensor parameters of inputs `si` / `zi`.
FailureOr<Value> quantizeTo(NodeContext &c, Value v, size_t si, size_t zi, const char *what) {
  Shape shape = NodeContext::shape(v);
  auto spec = readSpec(c, si, zi, shape, 0, what);
  if (failed(spec))
    return failure();
  if (spec->storage != DType::I8)
    return c.error() << what << " must be int8 or uint8", failure();
  if (spec->axis >= 0)
    return c.fail("per-axis quantization of a run-time tensor (activations) is not supported; "
                  "edgec quantizes activations per tensor");
  Value q = c.b.create<edge::QuantizeOp>(c.loc, c.tensorType(shape, spec->element), v);
  return tagged(q, spec->onnxType, c.b);
}

/// Scale or zero point input `k` shaped to broadcast against a tensor of
/// rank `rank`: a scalar as is, a 1-D tensor along the node's axis.
FailureOr<Value> broadcastParam(NodeContext &c, size_t k, int64_t rank, const char *what) {
  Value v = c.in(k);
  Shape s = NodeContext::shape(v);
  if (s.empty() || (s.size() == 1 && s[0] == 1))
    return v;
  // Blocked quantization (opset 21): one parameter per block_size elements
  // along the axis, the other dimensions as the tensor's. A constant
  // parameter is repeated to the tensor's shape at compile time.
  if (int64_t block = c.attrInt("block_size", 0); block > 0) {
    Shape xs = NodeContext::shape(c.in(0));
    auto axis = c.axis(c.attrInt("axis", 1), rank, "axis");
    if (failed(axis))
      return failure();
    if ((int64_t)s.size() != rank)
      return FailureOr<Value>(c.fail(std::string(what) + " of shape " + shapeToString(s) +
                                     " must have the input's rank " + std::to_string(rank) +
                                     " (block_size " + std::to_string(block) + ")"));
    for (int64_t d = 0; d < rank; ++d)
      if (d == *axis ? s[d] != (xs[d] + block - 1) / block : s[d] != xs[d])
        return FailureOr<Value>(c.fail(std::string(what) + " of shape " + shapeToString(s) +
                                       " does not block input shape " + shapeToString(xs) +
                                       " by block_size " + std::to_string(block) +
                                       " along axis " + std::to_string(*axis)));
    std::optional<Tensor> p = c.constantInput(k);
    if (!p)
      return FailureOr<Value>(
          c.fail(std::string(what) + " of a blocked quantization must be a constant"));
    Tensor full = Tensor::zeros(p->dtype, xs);
    Shape idx(rank, 0);
    for (int64_t e = 0; e < full.numElements(); ++e) {
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d)
        src = src * s[d] + (d == *axis ? idx[d] / block : idx[d]);
      if (full.isFloat())
        full.f[e] = p->f[src];
      else
        full.i[e] = p->i[src];
      for (int64_t d = rank; d-- > 0;)
        if (++idx[d] < xs[d])
          break;
        else
          idx[d] = 0;
    }
    return c.constant(full);
  }
  if (s.size() != 1)
    return FailureOr<Value>(c.fail(std::string(what) + " of shape " + shapeToString(s) +
                                   " must be a scalar or 1-D"));
  auto axis = c.axis(c.attrInt("axis", 1), rank, "axis");
  if (failed(axis))
    return failure();
  Shape b(rank, 1);
  b[*axis] = s[0];
  return c.reshape(v, b);
}

/// QuantizeLinear whose parameters edgec's static quantization cannot hold
/// (a scale or zero point computed at run time, as in DynamicQuantizeLinear,
/// or per-axis parameters on a run-time tensor), as float arithmetic:
/// saturate(round_half_even(x / scale) + zero_point), cast to the integer
/// type. Exact, but it runs no int8 kernel, so it warns.
/// The type QuantizeLinear produces: its zero point's, else output_dtype's
/// (opset 21), else uint8.
std::optional<DType> quantizedOutputType(NodeContext &c) {
  if (Value zp = c.in(2))
    return dtypeOf(NodeContext::elementType(zp));
  return dtypeFromOnnx((int32_t)c.attrInt("output_dtype", onnx::TensorProto::UINT8));
}

/// The 4- and 2-bit integers and the float8 types: no int8 kernel computes in
/// them, so QuantizeLinear / DequantizeLinear to and from them are float
/// arithmetic (folded for constants: weights stored in them become float).
bool isNarrowQuantType(DType t) {
  switch (t) {
  case DType::I4: case DType::U4: case DType::I2: case DType::U2: case DType::F8E4M3FN:
  case DType::F8E4M3FNUZ: case DType::F8E5M2: case DType::F8E5M2FNUZ: return true;
  default: return false;
  }
}

LogicalResult quantizeInFloat(NodeContext &c, Value x, const char *why) {
  Value zp = c.in(2);
  std::optional<DType> out = quantizedOutputType(c);
  if (!out || (*out != DType::U8 && *out != DType::I8 && *out != DType::U16 &&
               *out != DType::I16 && *out != DType::I32 && !isNarrowQuantType(*out)))
    return c.fail("the quantized type must be uint8, int8, uint16, int16, int32, int4, uint4, "
                  "int2, uint2 or a float8 type");
  bool toFloat8 = isNarrowFloat(*out);
  if (!NodeContext::elementType(c.in(1)).isF32())
    return c.fail("y_scale must be a float tensor");
  int64_t rank = NodeContext::shape(x).size();
  auto scale = broadcastParam(c, 1, rank, "y_scale");
  FailureOr<Value> zpb = Value();
  if (zp)
    zpb = broadcastParam(c, 2, rank, "y_zero_point");
  if (failed(scale) || failed(zpb))
    return failure();
  if (!c.constantInput(0))
    emitWarning(c.loc) << "node '" << c.name << "' (QuantizeLinear): " << why
                       << "; it is computed in float arithmetic, not by int8 kernels";
  Type f32 = c.b.getF32Type();
  Value v = buildBinary<edge::DivOp>(c, x, *scale);
  if (!v)
    return failure();
  if (!toFloat8) // float8: the Cast rounds (to nearest even) and saturates
    v = c.b.create<edge::RoundOp>(c.loc, v.getType(), v);
  if (*zpb) {
    Value zf = c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(*zpb), f32), *zpb);
    v = buildBinary<edge::AddOp>(c, v, zf);
    if (!v)
      return failure();
  }
  Type outType = mlirTypeOf(c.b.getContext(), *out);
  if (toFloat8) {
    c.setOutput(c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(v), outType), v,
                                         c.attrInt("saturate", 1) != 0));
    return success();
  }
  // The type's range: the widths below 32 bits, signed or not.
  unsigned width = outType.getIntOrFloatBitWidth();
  bool isSigned = !outType.isUnsignedInteger();
  double lo = isSigned ? -std::ldexp(1.0, width - 1) : 0;
  double hi = isSigned ? std::ldexp(1.0, width - 1) - 1 : std::ldexp(1.0, width) - 1;
  v = c.b.create<edge::ClipOp>(c.loc, v.getType(), v, c.b.getF32FloatAttr(lo),
                               c.b.getF32FloatAttr(hi));
  c.setOutput(c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(v), outType), v));
  return success();
}

/// DequantizeLinear of a plain run-time integer tensor (a quantized graph
/// input, or the result of quantizeInFloat): (float(x) - zero_point) * scale.
LogicalResult dequantizeInFloat(NodeContext &c, Value x) {
  // The result has the scale's type: float, or float16 / bfloat16 (computed
  // in float, rounded once at the end).
  Type scaleType = NodeContext::elementType(c.in(1));
  if (!scaleType.isF32() && !scaleType.isF16() && !scaleType.isBF16())
    return c.fail("x_scale must be a float, float16 or bfloat16 tensor");
  int64_t rank = NodeContext::shape(x).size();
  auto scale = broadcastParam(c, 1, rank, "x_scale");
  FailureOr<Value> zp = Value();
  if (c.in(2))
    zp = broadcastParam(c, 2, rank, "x_zero_point");
  if (failed(scale) || failed(zp))
    return failure();
  Type f32 = c.b.getF32Type();
  Value v = c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(x), f32), x);
  if (*zp) {
    Value zf = c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(*zp), f32), *zp);
    v = buildBinary<edge::SubOp>(c, v, zf);
  }
  Value s = *scale;
  if (!scaleType.isF32())
    s = c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(s), f32), s);
  if (v)
    v = buildBinary<edge::MulOp>(c, v, s);
  if (!v)
    return failure();
  if (!scaleType.isF32())
    v = c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(v), scaleType), v);
  c.setOutput(v);
  return success();
}

LogicalResult quantizeLinear(NodeContext &c) {
  auto x = c.required(0, "x");
  if (failed(x))
    return failure();
  (void)c.attr("axis"); // per-tensor parameters ignore it; per-axis ones read it below
  if (!NodeContext::elementType(*x).isF32())
    return c.error() << "input x must be float, got " << NodeContext::elementType(*x),
           failure();
  if (std::optional<DType> out = quantizedOutputType(c); out && isNarrowQuantType(*out))
    return quantizeInFloat(c, *x, (std::string("edgec computes no layer in ") + dtypeName(*out)).c_str());
  if (c.attrInt("block_size", 0) > 0)
    return quantizeInFloat(c, *x, "edgec quantizes activations per tensor, and this is a "
                                  "blocked quantization");
  // Weights stored in float and quantized in the graph: quantize them now,
  // per axis if the scale says so.
  if (std::optional<Tensor> t = c.constantInput(0)) {
    auto spec = readSpec(c, 1, 2, t->shape, 0, "y");
    if (failed(spec))
      return failure();
    Type e = spec->element;
    Tensor q = Tensor::zeros(spec->storage, t->shape);
    int64_t inner = 1, n = 1;
    if (spec->axis >= 0) {
      n = t->shape[spec->axis];
      for (size_t d = spec->axis + 1; d < t->shape.size(); ++d)
        inner *= t->shape[d];
    }
    for (int64_t k = 0; k < t->numElements(); ++k) {
      int64_t ch = spec->axis >= 0 ? (k / inner) % n : 0;
      double s, zp;
      int64_t lo, hi;
      if (auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(e)) {
        s = pa.getScales()[ch], zp = pa.getZeroPoints()[ch];
        lo = pa.getStorageTypeMin(), hi = pa.getStorageTypeMax();
      } else {
        auto pt = cast<mlir::quant::UniformQuantizedType>(e);
        s = pt.getScale(), zp = pt.getZeroPoint();
        lo = pt.getStorageTypeMin(), hi = pt.getStorageTypeMax();
      }
      // ONNX rounds half to even.
      double v = std::nearbyint((double)t->f[k] / s) + zp;
      q.i[k] = (int64_t)std::clamp<double>(std::isnan(v) ? zp : v, lo, hi);
    }
    c.setOutput(tagged(materializeConstant(c.b, c.loc, q, c.name, e), spec->onnxType, c.b));
    return success();
  }
  if (failed(c.required(1, "y_scale")))
    return failure();
  std::optional<Tensor> scale = c.constantInput(1);
  if (!scale)
    return quantizeInFloat(c, *x, "y_scale is computed at run time");
  if (c.in(2) && !c.constantInput(2))
    return quantizeInFloat(c, *x, "y_zero_point is computed at run time");
  if (scale->numElements() > 1)
    return quantizeInFloat(c, *x, "edgec quantizes activations per tensor, and this is a "
                                  "per-axis quantization of a run-time tensor");
  auto q = quantizeTo(c, *x, 1, 2, "y");
  if (failed(q))
    return failure();
  c.setOutput(*q);
  return success();
}

LogicalResult dequantizeLinear(NodeContext &c) {
  auto x = c.required(0, "x");
  if (failed(x) || failed(c.required(1, "x_scale")))
    return failure();
  (void)c.attr("axis"); // per-tensor parameters ignore it; per-axis ones read it below
  // A run-time integer tensor that no QuantizeLinear produced (a quantized
  // graph input, a dynamically quantized value) dequantizes in float; so does
  // one whose parameters are computed at run time.
  Type xt = NodeContext::elementType(*x);
  // Weight-only int4 / int2 (per tensor or per axis, compile-time values and
  // parameters): the 4- and 2-bit integers are int8 / uint8 integers, so the
  // weight becomes an int8 quantized constant with the model's own scales,
  // exactly as a QDQ int8 weight is, and int8 kernels use its values as they
  // are (not requantized from floats).
  DType xd = dtypeOf(xt);
  bool subByte = xd == DType::I4 || xd == DType::U4 || xd == DType::I2 || xd == DType::U2;
  if (subByte && c.attrInt("block_size", 0) == 0 && c.constantInput(0) && c.constantInput(1) &&
      (!c.in(2) || c.constantInput(2))) {
    bool isUnsigned = xd == DType::U4 || xd == DType::U2;
    auto widen = [&](size_t k) {
      Tensor t = *c.constantInput(k), w = Tensor::zeros(isUnsigned ? DType::U8 : DType::I8, t.shape);
      w.i = t.i;
      c.inputs[k] = materializeConstant(c.b, c.loc, w, c.name);
    };
    widen(0);
    if (c.in(2))
      widen(2);
    auto d = dequantized(c, 0, 1, 2, "x");
    if (failed(d))
      return failure();
    if (xd == DType::I4)
      if (auto deq = d->getDefiningOp<edge::DequantizeOp>())
        if (Operation *k = deq.getInput().getDefiningOp())
          k->setAttr(kWeightBitsAttr, c.b.getI64IntegerAttr(4));
    c.setOutput(*d);
    return success();
  }
  // float8 values and blocked parameters: float arithmetic (folded for
  // constants: such weights become float weights).
  if (isNarrowQuantType(xd) || c.attrInt("block_size", 0) > 0)
    return dequantizeInFloat(c, *x);
  bool plainInteger = isa<IntegerType>(xt) && !c.constantInput(0);
  bool runtimeParams = !c.constantInput(1) || (c.in(2) && !c.constantInput(2));
  if ((plainInteger || runtimeParams) && !quantizedElement(x->getType()))
    return dequantizeInFloat(c, *x);
  auto d = dequantized(c, 0, 1, 2, "x");
  if (failed(d))
    return failure();
  c.setOutput(*d);
  return success();
}

/// Builds `floatOp` on dequantized inputs and quantizes its one result. Each
/// entry of `inputs` names a quantized input and its (tensor, scale, zero
/// point) input indices; `bias`, if given, is passed on as the last input.
struct QInput {
  std::string name;
  size_t x, scale, zp;
};

LogicalResult qlinear(NodeContext &c, const char *floatOp, const std::vector<QInput> &inputs,
                      const char *y, size_t yScale, size_t yZp, Value bias = {}) {
  std::vector<Value> floats;
  for (const QInput &in : inputs) {
    auto d = dequantized(c, in.x, in.scale, in.zp, in.name.c_str());
    if (failed(d))
      return failure();
    floats.push_back(*d);
  }
  if (bias)
    floats.push_back(bias);
  Handler h = findHandler(floatOp, c.onnxOpset);
  if (!h)
    return c.fail(std::string("internal: no handler for ") + floatOp);
  NodeContext inner(c.node, c.name, c.onnxOpset, c.b, c.loc, floats);
  inner.onnxOpset = c.onnxOpset;
  if (failed(h(inner)))
    return failure();
  c.readAttributes.insert(inner.readAttributes.begin(), inner.readAttributes.end());
  auto q = quantizeTo(c, inner.outputs.at(0), yScale, yZp, y);
  if (failed(q))
    return failure();
  c.setOutput(*q);
  return success();
}

/// QLinearConv's optional int32 bias, at scale x_scale * w_scale[c].
FailureOr<Value> qlinearConvBias(NodeContext &c) {
  if (!c.in(8))
    return Value();
  std::optional<Tensor> b = c.constantInput(8), xs = c.constantInput(1), ws = c.constantInput(4);
  if (!b || b->dtype != DType::I32)
    return c.fail("bias B (input 8) must be an int32 compile-time constant");
  if (!xs || !ws || !xs->isFloat() || !ws->isFloat() || xs->numElements() != 1)
    return c.fail("x_scale and w_scale must be float constants");
  int64_t n = b->numElements();
  if (ws->numElements() != 1 && ws->numElements() != n)
    return c.error() << "bias has " << n << " elements but w_scale has " << ws->numElements(),
           failure();
  SmallVector<double> scales;
  for (int64_t k = 0; k < n; ++k)
    scales.push_back((double)xs->f[0] * ws->f[ws->numElements() == 1 ? 0 : k]);
  auto type = mlir::quant::UniformQuantizedPerAxisType::get(
      mlir::quant::QuantizationFlags::Signed, c.b.getI32Type(), c.b.getF32Type(), scales,
      SmallVector<int64_t>(n, 0), 0, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max());
  Value q = materializeConstant(c.b, c.loc, *b, c.name + "_bias", type);
  return c.b.create<edge::DequantizeOp>(c.loc, c.tensorType(b->shape, c.b.getF32Type()), q)
      .getResult();
}

LogicalResult qlinearConv(NodeContext &c) {
  auto bias = qlinearConvBias(c);
  if (failed(bias))
    return failure();
  return qlinear(c, "Conv", {{"x", 0, 1, 2}, {"w", 3, 4, 5}}, "y", 6, 7, *bias);
}

LogicalResult qlinearMatMul(NodeContext &c) {
  return qlinear(c, "MatMul", {{"a", 0, 1, 2}, {"b", 3, 4, 5}}, "y", 6, 7);
}

template <const char *Op> LogicalResult qlinearBinary(NodeContext &c) {
  return qlinear(c, Op, {{"A", 0, 1, 2}, {"B", 3, 4, 5}}, "C", 6, 7);
}

template <const char *Op> LogicalResult qlinearUnary(NodeContext &c) {
  return qlinear(c, Op, {{"X", 0, 1, 2}}, "Y", 3, 4);
}

LogicalResult qlinearGlobalAveragePool(NodeContext &c) {
  if (c.attrInt("channels_last", 0) != 0)
    return c.fail("channels_last = 1 is not supported");
  return qlinear(c, "GlobalAveragePool", {{"X", 0, 1, 2}}, "Y", 3, 4);
}

LogicalResult qlinearConcat(NodeContext &c) {
  // Y_scale, Y_zero_point, then (tensor, scale, zero point) per input.
  if (c.numInputs() < 5 || (c.numInputs() - 2) % 3)
    return c.fail("expects Y_scale, Y_zero_point and (tensor, scale, zero point) triples");
  std::vector<QInput> inputs;
  for (size_t k = 2; k < c.numInputs(); k += 3)
    inputs.push_back({"input_" + std::to_string(k), k, k + 1, k + 2});
  return qlinear(c, "Concat", inputs, "Y", 0, 1);
}

constexpr char kAdd[] = "Add", kMul[] = "Mul", kSigmoid[] = "Sigmoid", kLeakyRelu[] = "LeakyRelu",
               kAveragePool[] = "AveragePool";

} // namespace

bool castIsQuantizedNoOp(mlir::Value x, int64_t to) {
  if (!quantizedElement(x.getType()) || !x.getDefiningOp())
    return false;
  auto a = x.getDefiningOp()->getAttrOfType<IntegerAttr>(kOnnxTypeAttr);
  return a && a.getInt() == to;
}

void registerQuantOps(std::vector<OpEntry> &table) {
  table.insert(table.end(), {
      {"", "QuantizeLinear", 10, quantizeLinear},
      {"", "DequantizeLinear", 10, dequantizeLinear},
      {"", "QLinearConv", 10, qlinearConv},
      {"", "QLinearMatMul", 10, qlinearMatMul},
      {"com.microsoft", "QLinearAdd", 1, qlinearBinary<kAdd>},
      {"com.microsoft", "QLinearMul", 1, qlinearBinary<kMul>},
      {"com.microsoft", "QLinearSigmoid", 1, qlinearUnary<kSigmoid>},
      {"com.microsoft", "QLinearLeakyRelu", 1, qlinearUnary<kLeakyRelu>},
      {"com.microsoft", "QLinearAveragePool", 1, qlinearUnary<kAveragePool>},
      {"com.microsoft", "QLinearGlobalAveragePool", 1, qlinearGlobalAveragePool},
      {"com.microsoft", "QLinearConcat", 1, qlinearConcat},
  });
}

} // namespace edgec::onnx_import
