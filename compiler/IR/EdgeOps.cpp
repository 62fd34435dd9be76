//===- EdgeOps.cpp - edge dialect verifiers and folders ------------------===//
//
// Verifiers check the ONNX shape rules with the actual values in the message,
// so an importer bug or a hand-written test shows exactly what is wrong.
//
//===----------------------------------------------------------------------===//

#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace edgec;
using namespace edgec::edge;

#include "edgec/IR/EdgeDialect.cpp.inc"
#include "edgec/IR/EdgeInterfaces.cpp.inc"

void EdgeDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "edgec/IR/EdgeOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += std::to_string(d);
  }
  return s + "]";
}

static ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }

FailureOr<SmallVector<int64_t>> edgec::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t edgec::windowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t padBegin,
                                int64_t padEnd, int64_t dilation, bool ceilMode) {
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t span = in + padBegin + padEnd - effective;
  if (span < 0)
    return 0;
  int64_t out = ceilMode ? (span + stride - 1) / stride + 1 : span / stride + 1;
  // ONNX (like PyTorch) drops a last window that starts inside the end padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

std::vector<char> edgec::constantBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t n = type.getNumElements();
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return {};
    ArrayRef<char> data = blob->getData();
    return std::vector<char>(data.begin(), data.end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return {};
  Type elt = type.getElementType();
  if (elt.isInteger(1)) {
    std::vector<char> out;
    for (bool b : dense.getValues<bool>())
      out.push_back(b ? 1 : 0);
    return out;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat())
    return std::vector<char>(raw.begin(), raw.end());
  std::vector<char> out;
  out.reserve(raw.size() * n);
  for (int64_t i = 0; i < n; ++i)
    out.insert(out.end(), raw.begin(), raw.end());
  return out;
}

//===----------------------------------------------------------------------===//
// edge.constant
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto valueType = cast<ShapedType>(getValue().getType());
  auto type = cast<ShapedType>(getType());
  Type expected = type.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(expected))
    expected = q.getStorageType();
  if (valueType.getShape() != type.getShape() || valueType.getElementType() != expected)
    return emitOpError("value type ") << getValue().getType() << " does not match result type "
                                      << getType();
  // A dense_resource must hold its bytes: a module printed with elided
  // resources parses with none, and its weights would silently be zeros.
  if (auto res = dyn_cast<DenseResourceElementsAttr>(getValue())) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return emitOpError("dense_resource '")
             << res.getRawHandle().getKey()
             << "' has no data (was the module printed with elided resources? `edgec import "
                "--full` prints them)";
    int64_t expectedBytes = valueType.getNumElements() * elementBytes(valueType.getElementType());
    if ((int64_t)blob->getData().size() != expectedBytes)
      return emitOpError("dense_resource '")
             << res.getRawHandle().getKey() << "' holds " << blob->getData().size()
             << " bytes, its type " << valueType << " needs " << expectedBytes;
  }
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// act_min / act_max (a fused Relu or Clip) only on real results, lo <= hi.
static LogicalResult verifyFusedActivation(Operation *op) {
  auto lo = op->getAttrOfType<FloatAttr>("act_min"), hi = op->getAttrOfType<FloatAttr>("act_max");
  if (!lo && !hi)
    return success();
  Type rt = getElementTypeOrSelf(op->getResult(0));
  if (!rt.isF32() && !isa<quant::QuantizedType>(rt))
    return op->emitOpError("a fused activation (act_min/act_max) needs a float result, got ")
           << getElementTypeOrSelf(op->getResult(0));
  if (lo && hi && !(lo.getValueAsDouble() <= hi.getValueAsDouble()))
    return op->emitOpError("act_min ") << lo.getValueAsDouble() << " must not exceed act_max "
                                       << hi.getValueAsDouble();
  return success();
}

static LogicalResult verifyBinary(Operation *op) {
  if (failed(verifyFusedActivation(op)))
    return failure();
  auto lhs = shapeOf(op->getOperand(0)), rhs = shapeOf(op->getOperand(1));
  auto out = shapeOf(op->getResult(0));
  auto expected = broadcastShapes(lhs, rhs);
  if (failed(expected))
    return op->emitOpError("operand shapes ") << shapeStr(lhs) << " and " << shapeStr(rhs)
                                              << " are not broadcast-compatible";
  if (ArrayRef<int64_t>(*expected) != out)
    return op->emitOpError("expected result shape ")
           << shapeStr(*expected) << ", got " << shapeStr(out);
  Type lt = getElementTypeOrSelf(op->getOperand(0)), rt = getElementTypeOrSelf(op->getOperand(1));
  // Quantized operands may differ in scale (the op rescales); the trait
  // EdgeSameRealKind keeps float and quantized apart.
  if (isa<quant::QuantizedType>(lt))
    return success();
  if (lt != rt || lt != getElementTypeOrSelf(op->getResult(0)))
    return op->emitOpError("operand and result element types differ: ")
           << lt << ", " << rt << " -> " << getElementTypeOrSelf(op->getResult(0));
  return success();
}

/// The numpy broadcast of `operands`' shapes as a tensor of `element`; an
/// error at `location` (when given) if they do not broadcast.
static LogicalResult inferBroadcast(std::optional<Location> location, ValueRange operands,
                                    Type element, SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return emitOptionalError(location, "operands must be ranked tensors");
    auto b = broadcastShapes(shape, t.getShape());
    if (failed(b)) {
      std::string shapes;
      for (Value o : operands)
        shapes += (shapes.empty() ? "" : " and ") + shapeStr(shapeOf(o));
      return emitOptionalError(location, "operand shapes ", shapes,
                               " are not broadcast-compatible");
    }
    shape = *b;
  }
  inferred.push_back(RankedTensorType::get(shape, element));
  return success();
}

#define EDGE_PREDICATE_INFER(Op)                                                                   \
  LogicalResult Op::inferReturnTypes(MLIRContext *ctx, std::optional<Location> location,           \
                                     ValueRange operands, DictionaryAttr, OpaqueProperties,        \
                                     RegionRange, SmallVectorImpl<Type> &inferred) {               \
    return inferBroadcast(location, operands, IntegerType::get(ctx, 1), inferred);                 \
  }
EDGE_PREDICATE_INFER(EqualOp)
EDGE_PREDICATE_INFER(LessOp)
EDGE_PREDICATE_INFER(LessOrEqualOp)
EDGE_PREDICATE_INFER(GreaterOp)
EDGE_PREDICATE_INFER(GreaterOrEqualOp)
EDGE_PREDICATE_INFER(AndOp)
EDGE_PREDICATE_INFER(OrOp)
EDGE_PREDICATE_INFER(XorOp)
#undef EDGE_PREDICATE_INFER

/// Comparisons and logic: operands of one plain (not quantized) element
/// type, booleans for And / Or / Xor. (Shapes: inferReturnTypes.)
static LogicalResult verifyPredicate(Operation *op, bool logic) {
  Type lt = getElementTypeOrSelf(op->getOperand(0)), rt = getElementTypeOrSelf(op->getOperand(1));
  if (lt != rt || isa<quant::QuantizedType>(lt))
    return op->emitOpError("operands must have one plain element type, got ") << lt << " and "
                                                                              << rt;
  if (logic && !lt.isInteger(1))
    return op->emitOpError("operands must be booleans, got ") << lt;
  return success();
}
LogicalResult EqualOp::verify() { return verifyPredicate(*this, false); }
LogicalResult LessOp::verify() { return verifyPredicate(*this, false); }
LogicalResult LessOrEqualOp::verify() { return verifyPredicate(*this, false); }
LogicalResult GreaterOp::verify() { return verifyPredicate(*this, false); }
LogicalResult GreaterOrEqualOp::verify() { return verifyPredicate(*this, false); }
LogicalResult AndOp::verify() { return verifyPredicate(*this, true); }
LogicalResult OrOp::verify() { return verifyPredicate(*this, true); }
LogicalResult XorOp::verify() { return verifyPredicate(*this, true); }

/// cond ? x : y: the broadcast of all three, of x's element type.
LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> location,
                                        ValueRange operands, DictionaryAttr, OpaqueProperties,
                                        RegionRange, SmallVectorImpl<Type> &inferred) {
  if (operands.size() != 3)
    return emitOptionalError(location, "expects cond, x and y");
  return inferBroadcast(location, operands, getElementTypeOrSelf(operands[1]), inferred);
}

LogicalResult WhereOp::verify() {
  Type xt = getElementTypeOrSelf(getX()), yt = getElementTypeOrSelf(getY());
  if (xt != yt || xt != getElementTypeOrSelf(getOutput()) || isa<quant::QuantizedType>(xt))
    return emitOpError("x, y and the result must have one plain element type, got ")
           << xt << ", " << yt << " -> " << getElementTypeOrSelf(getOutput());
  return success();
}

std::optional<std::array<int64_t, 3>> edge::adjacentReductionView(ArrayRef<int64_t> shape,
                                                                  ArrayRef<int64_t> axes) {
  for (size_t q = 1; q < axes.size(); ++q)
    for (int64_t a = axes[q - 1] + 1; a < axes[q]; ++a)
      if (shape[a] != 1)
        return std::nullopt;
  auto prod = [&](int64_t from, int64_t to) {
    int64_t n = 1;
    for (int64_t d = from; d < to; ++d)
      n *= shape[d];
    return n;
  };
  int64_t lo = axes.empty() ? 0 : axes.front(), hi = axes.empty() ? 0 : axes.back() + 1;
  return std::array<int64_t, 3>{prod(0, lo), prod(lo, hi), prod(hi, (int64_t)shape.size())};
}

LogicalResult AddOp::verify() { return verifyBinary(*this); }
LogicalResult SubOp::verify() { return verifyBinary(*this); }
LogicalResult MulOp::verify() { return verifyBinary(*this); }
LogicalResult DivOp::verify() { return verifyBinary(*this); }
LogicalResult PowOp::verify() { return verifyBinary(*this); }
LogicalResult MaxOp::verify() { return verifyBinary(*this); }
LogicalResult MinOp::verify() { return verifyBinary(*this); }
LogicalResult ModOp::verify() { return verifyBinary(*this); }
LogicalResult FmodOp::verify() { return verifyBinary(*this); }

static LogicalResult verifyShift(Operation *op) {
  if (failed(verifyBinary(op)))
    return failure();
  if (!getElementTypeOrSelf(op->getResult(0)).isUnsignedInteger())
    return op->emitOpError("shifts unsigned integers only, got ")
           << getElementTypeOrSelf(op->getResult(0));
  return success();
}
LogicalResult ShiftLeftOp::verify() { return verifyShift(*this); }
LogicalResult ShiftRightOp::verify() { return verifyShift(*this); }

static LogicalResult verifyBitwise(Operation *op) {
  if (failed(verifyBinary(op)))
    return failure();
  Type t = getElementTypeOrSelf(op->getResult(0));
  if (!isa<IntegerType>(t) || t.isInteger(1))
    return op->emitOpError("takes integer tensors, got ") << t;
  return success();
}
LogicalResult BitwiseAndOp::verify() { return verifyBitwise(*this); }
LogicalResult BitwiseOrOp::verify() { return verifyBitwise(*this); }
LogicalResult BitwiseXorOp::verify() { return verifyBitwise(*this); }

LogicalResult ClipOp::verify() {
  if (getMin().convertToFloat() > getMax().convertToFloat())
    return emitOpError("min ") << getMin().convertToFloat() << " is greater than max "
                               << getMax().convertToFloat();
  return success();
}

template <typename OpT> static LogicalResult verifyAxisOp(OpT op) {
  int64_t rank = cast<RankedTensorType>(op.getType()).getRank(), axis = (int64_t)op.getAxis();
  if (axis < 0 || axis >= rank)
    return op.emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifyAxisOp(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifyAxisOp(*this); }
LogicalResult HardmaxOp::verify() { return verifyAxisOp(*this); }

//===----------------------------------------------------------------------===//
// Conv / Gemm / MatMul
//===----------------------------------------------------------------------===//

static LogicalResult checkPair(Operation *op, StringRef name, ArrayRef<int64_t> v, size_t n,
                               int64_t minValue) {
  if (v.size() != n)
    return op->emitOpError() << name << " must have " << n << " entries, got " << v.size();
  for (int64_t x : v)
    if (x < minValue)
      return op->emitOpError() << name << " entries must be >= " << minValue << ", got "
                               << shapeStr(v);
  return success();
}

LogicalResult Conv2DOp::verify() {
  if (failed(verifyFusedActivation(*this)))
    return failure();
  auto in = shapeOf(getInput()), w = shapeOf(getWeight()), out = shapeOf(getOutput());
  if (in.size() != 4 || w.size() != 4 || out.size() != 4)
    return emitOpError("expected rank-4 input, weight and result, got ")
           << shapeStr(in) << ", " << shapeStr(w) << ", " << shapeStr(out);
  if (failed(checkPair(*this, "strides", getStrides(), 2, 1)) ||
      failed(checkPair(*this, "dilations", getDilations(), 2, 1)) ||
      failed(checkPair(*this, "pads", getPads(), 4, 0)))
    return failure();
  if (auto idil = getInputDilations())
    if (failed(checkPair(*this, "input_dilations", *idil, 2, 1)))
      return failure();
  int64_t g = getGroup();
  if (g < 1 || in[1] % g != 0 || w[0] % g != 0)
    return emitOpError("group ") << g << " must divide input channels " << in[1]
                                 << " and output channels " << w[0];
  if (w[1] * g != in[1])
    return emitOpError("weight has ") << w[1] << " input channels per group, expected "
                                      << in[1] / g << " (input " << shapeStr(in) << ", group "
                                      << g << ")";
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("bias shape ") << shapeStr(shapeOf(getBias())) << " must be [" << w[0]
                                      << "]";
  auto s = getStrides(), d = getDilations(), p = getPads();
  // The spread input: (n - 1) * input dilation + 1 positions.
  int64_t ih, iw;
  if (llvm::MulOverflow(in[2] - 1, inputDilation(0), ih) ||
      llvm::MulOverflow(in[3] - 1, inputDilation(1), iw) || ih >= (int64_t{1} << 40) ||
      iw >= (int64_t{1} << 40))
    return emitOpError("input_dilations ") << shapeStr(*getInputDilations())
                                            << " spread the input " << shapeStr(in)
                                            << " beyond 2^40 positions";
  ++ih;
  ++iw;
  int64_t oh = windowOutputSize(ih, w[2], s[0], p[0], p[2], d[0], false);
  int64_t ow = windowOutputSize(iw, w[3], s[1], p[1], p[3], d[1], false);
  SmallVector<int64_t> expected{in[0], w[0], oh, ow};
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return success();
}

LogicalResult GemmOp::verify() {
  if (failed(verifyFusedActivation(*this)))
    return failure();
  auto a = shapeOf(getA()), b = shapeOf(getB()), out = shapeOf(getOutput());
  if (a.size() != 2 || b.size() != 2 || out.size() != 2)
    return emitOpError("expected rank-2 operands and result, got ")
           << shapeStr(a) << ", " << shapeStr(b) << " -> " << shapeStr(out);
  int64_t m = getTransA() ? a[1] : a[0], ka = getTransA() ? a[0] : a[1];
  int64_t kb = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (ka != kb)
    return emitOpError("inner dimensions differ: A' is [") << m << ", " << ka << "], B' is ["
                                                           << kb << ", " << n << "]";
  if (out[0] != m || out[1] != n)
    return emitOpError("expected result shape [") << m << ", " << n << "], got " << shapeStr(out);
  if (getC()) {
    auto c = shapeOf(getC());
    auto bc = broadcastShapes(c, out);
    if (failed(bc) || ArrayRef<int64_t>(*bc) != out)
      return emitOpError("C of shape ") << shapeStr(c) << " does not broadcast to "
                                        << shapeStr(out);
  }
  return success();
}

LogicalResult MatMulOp::verify() {
  if (failed(verifyFusedActivation(*this)))
    return failure();
  auto a = shapeOf(getA()), b = shapeOf(getB()), out = shapeOf(getOutput());
  if (a.empty() || b.empty())
    return emitOpError("operands must have rank >= 1");
  SmallVector<int64_t> sa(a), sb(b);
  if (sa.size() == 1)
    sa.insert(sa.begin(), 1);
  if (sb.size() == 1)
    sb.push_back(1);
  if (sa.back() != sb[sb.size() - 2])
    return emitOpError("inner dimensions differ: ") << shapeStr(a) << " x " << shapeStr(b);
  auto batch = broadcastShapes(ArrayRef<int64_t>(sa).drop_back(2), ArrayRef<int64_t>(sb).drop_back(2));
  if (failed(batch))
    return emitOpError("batch dimensions do not broadcast: ") << shapeStr(a) << " x "
                                                              << shapeStr(b);
  SmallVector<int64_t> expected(*batch);
  if (a.size() > 1)
    expected.push_back(sa[sa.size() - 2]);
  if (b.size() > 1)
    expected.push_back(sb.back());
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling / normalization
//===----------------------------------------------------------------------===//

template <typename PoolOp> static LogicalResult verifyPool(PoolOp op) {
  auto in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  if (in.size() != 4 || out.size() != 4)
    return op.emitOpError("expected rank-4 input and result, got ")
           << shapeStr(in) << " -> " << shapeStr(out);
  if (failed(checkPair(op, "kernel", op.getKernel(), 2, 1)) ||
      failed(checkPair(op, "strides", op.getStrides(), 2, 1)) ||
      failed(checkPair(op, "dilations", op.getDilations(), 2, 1)) ||
      failed(checkPair(op, "pads", op.getPads(), 4, 0)))
    return failure();
  auto k = op.getKernel(), s = op.getStrides(), p = op.getPads(), d = op.getDilations();
  for (int i = 0; i < 2; ++i)
    if (p[i] >= k[i] * d[i] || p[i + 2] >= k[i] * d[i])
      return op.emitOpError("pads ") << shapeStr(p) << " must be smaller than the kernel "
                                     << shapeStr(k);
  bool ceil = op.getCeilMode();
  SmallVector<int64_t> expected{in[0], in[1],
                                windowOutputSize(in[2], k[0], s[0], p[0], p[2], d[0], ceil),
                                windowOutputSize(in[3], k[1], s[1], p[1], p[3], d[1], ceil)};
  if (ArrayRef<int64_t>(expected) != out)
    return op.emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                    << shapeStr(out);
  return success();
}

LogicalResult MaxPool2DOp::verify() { return verifyPool(*this); }
LogicalResult MaxPool2DIndicesOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2DOp::verify() { return verifyPool(*this); }

LogicalResult GlobalAvgPoolOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (in.size() < 3)
    return emitOpError("expected rank >= 3 input, got ") << shapeStr(in);
  SmallVector<int64_t> expected(in.size(), 1);
  expected[0] = in[0];
  expected[1] = in[1];
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return success();
}

LogicalResult BatchNormOp::verify() {
  auto in = shapeOf(getInput());
  if (in.size() < 2)
    return emitOpError("expected rank >= 2 input, got ") << shapeStr(in);
  if (getType() != getInput().getType())
    return emitOpError("result type must equal input type");
  for (Value v : {getScale(), getBias(), getMean(), getVar()})
    if (shapeOf(v) != ArrayRef<int64_t>{in[1]})
      return emitOpError("per-channel operand of shape ") << shapeStr(shapeOf(v))
                                                          << " must be [" << in[1] << "]";
  return success();
}

bool edgec::isRowParameterShape(ArrayRef<int64_t> input, int64_t axis, ArrayRef<int64_t> param) {
  int64_t rank = input.size(), lead = rank - (int64_t)param.size();
  if (lead < 0 || lead > axis)
    return false;
  for (int64_t d = lead; d < rank; ++d)
    if (param[d - lead] != (d < axis ? 1 : input[d]))
      return false;
  return true;
}

LogicalResult LayerNormOp::verify() {
  auto in = shapeOf(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)in.size())
    return emitOpError("axis ") << axis << " out of range for rank " << in.size();
  auto inType = cast<ShapedType>(getInput().getType()), outType = cast<ShapedType>(getType());
  if (inType.getShape() != outType.getShape() ||
      inType.getElementType().isF32() != outType.getElementType().isF32())
    return emitOpError("result must have the input's shape and be float when it is");
  if (!(getEpsilon().convertToDouble() >= 0.0))
    return emitOpError("epsilon must be non-negative, got ") << getEpsilon().convertToDouble();
  for (Value v : {getScale(), getBias()})
    if (v && !isRowParameterShape(in, axis, shapeOf(v)))
      return emitOpError("scale / bias of shape ")
             << shapeStr(shapeOf(v)) << " must hold one value per element of a row of "
             << shapeStr(in) << " from axis " << axis;
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename ReduceOp> static LogicalResult verifyReduce(ReduceOp op) {
  auto in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  auto axes = op.getAxes();
  SmallVector<int64_t> expected;
  for (int64_t a : axes)
    if (a < 0 || a >= (int64_t)in.size())
      return op.emitOpError("axis ") << a << " out of range for rank " << in.size();
  if (!llvm::is_sorted(axes) || std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return op.emitOpError("axes must be sorted and unique, got ") << shapeStr(axes);
  expected = reducedShape(
      in, [&](int64_t i) { return llvm::is_contained(axes, i); }, op.getKeepdims());
  if (ArrayRef<int64_t>(expected) != out)
    return op.emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                    << shapeStr(out);
  return success();
}

template <typename OpT> static LogicalResult verifyArgExtreme(OpT op) {
  auto in = shapeOf(op.getInput());
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0 || axis >= (int64_t)in.size())
    return op.emitOpError("axis ") << axis << " out of range for rank " << in.size();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < (int64_t)in.size(); ++d)
    if (d != axis)
      expected.push_back(in[d]);
    else if (op.getKeepdims())
      expected.push_back(1);
  if (ArrayRef<int64_t>(expected) != shapeOf(op.getOutput()))
    return op.emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                    << shapeStr(shapeOf(op.getOutput()));
  if (isa<quant::QuantizedType>(getElementTypeOrSelf(op.getInput())))
    return op.emitOpError("quantized input is not supported");
  return success();
}
LogicalResult ArgMaxOp::verify() { return verifyArgExtreme(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgExtreme(*this); }

LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceL1Op::verify() { return verifyReduce(*this); }
LogicalResult ReduceL2Op::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumSquareOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceLogSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceLogSumExpOp::verify() { return verifyReduce(*this); }

SmallVector<int64_t> edgec::reducedShape(ArrayRef<int64_t> in,
                                         function_ref<bool(int64_t)> reduced, bool keepdims) {
  SmallVector<int64_t> out;
  for (auto [i, d] : llvm::enumerate(in)) {
    if (!reduced((int64_t)i))
      out.push_back(d);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

/// The declared result must be what some set of at most |axes| axes gives:
/// with keepdims each dimension kept or 1, without it the input's dimensions
/// with between 1 and |axes| of them removed.
LogicalResult ReduceRuntimeAxesOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput()), axes = shapeOf(getAxes());
  if (axes.size() != 1 || axes[0] < 1)
    return emitOpError("axes must be a 1-D tensor of at least one element, got ")
           << shapeStr(axes);
  if (in.size() > 32)
    return emitOpError("rank ") << in.size() << " is over 32";
  auto bad = [&] {
    return emitOpError("result shape ") << shapeStr(out) << " is no reduction of "
                                        << shapeStr(in) << " over at most " << axes[0]
                                        << " axes (keepdims = " << getKeepdims() << ")";
  };
  if (getKeepdims()) {
    if (out.size() != in.size())
      return bad();
    for (auto [i, o] : llvm::zip(in, out))
      if (o != i && o != 1)
        return bad();
    return success();
  }
  int64_t removed = (int64_t)in.size() - (int64_t)out.size();
  if (removed < 1 || removed > axes[0])
    return bad();
  size_t k = 0;
  for (int64_t d : in)
    if (k < out.size() && out[k] == d)
      ++k;
  return k == out.size() ? success() : bad();
}

std::optional<ReduceKind> edgec::reduceKindOf(Operation *op) {
  if (auto r = dyn_cast<ReduceOpInterface>(op))
    return r.getReduceKind();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

static LogicalResult verifySameElementType(Operation *op) {
  Type in = getElementTypeOrSelf(op->getOperand(0)), out = getElementTypeOrSelf(op->getResult(0));
  if (in != out)
    return op->emitOpError("element type changes from ") << in << " to " << out;
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<ShapedType>(getInput().getType()), out = cast<ShapedType>(getType());
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ") << shapeStr(in.getShape()) << " ("
                                          << in.getNumElements() << " elements) to "
                                          << shapeStr(out.getShape()) << " ("
                                          << out.getNumElements() << " elements)";
  return verifySameElementType(*this);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) reads x directly.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult TransposeOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  auto perm = getPerm();
  if (perm.size() != in.size())
    return emitOpError("perm ") << shapeStr(perm) << " must have " << in.size() << " entries";
  SmallVector<bool> seen(in.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitOpError("perm ") << shapeStr(perm) << " is not a permutation";
    seen[p] = true;
    expected.push_back(in[p]);
  }
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return verifySameElementType(*this);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto out = shapeOf(getOutput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)out.size())
    return emitOpError("axis ") << axis << " out of range for rank " << out.size();
  int64_t sum = 0;
  for (Value v : getInputs()) {
    auto s = shapeOf(v);
    if (s.size() != out.size())
      return emitOpError("input of shape ") << shapeStr(s) << " has rank different from result "
                                            << shapeStr(out);
    for (size_t i = 0; i < s.size(); ++i)
      if ((int64_t)i != axis && s[i] != out[i])
        return emitOpError("input of shape ") << shapeStr(s) << " differs from result "
                                              << shapeStr(out) << " outside axis " << axis;
    sum += s[axis];
    if (getElementTypeOrSelf(v) != getElementTypeOrSelf(getOutput()) &&
        !isa<quant::QuantizedType>(getElementTypeOrSelf(v))) // rescaled when concatenated
      return emitOpError("input element type ") << getElementTypeOrSelf(v)
                                                << " differs from the result's";
  }
  if (sum != out[axis])
    return emitOpError("inputs add up to ") << sum << " along axis " << axis << ", result has "
                                            << out[axis];
  return success();
}

int64_t edgec::sliceLength(int64_t start, int64_t end, int64_t step) {
  // No overflow for any step (INT64_MAX / INT64_MIN select one element).
  if (step > 0)
    return end > start ? (int64_t)((uint64_t)(end - start - 1) / (uint64_t)step) + 1 : 0;
  return start > end ? (int64_t)((uint64_t)(start - end - 1) / (0 - (uint64_t)step)) + 1 : 0;
}

LogicalResult SliceOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  auto st = getStarts(), en = getEnds(), sp = getSteps();
  if (st.size() != in.size() || en.size() != in.size() || sp.size() != in.size())
    return emitOpError("starts, ends and steps must have one entry per dimension (")
           << in.size() << ")";
  SmallVector<int64_t> expected;
  for (size_t i = 0; i < in.size(); ++i) {
    if (sp[i] == 0)
      return emitOpError("step of dimension ") << i << " is 0";
    if (st[i] < 0 || st[i] > in[i] || en[i] < -1 || en[i] > in[i])
      return emitOpError("start ") << st[i] << " / end " << en[i] << " of dimension " << i
                                   << " not normalized for size " << in[i];
    expected.push_back(sliceLength(st[i], en[i], sp[i]));
  }
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return verifySameElementType(*this);
}

LogicalResult PadOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  auto pads = getPads();
  if (pads.size() != 2 * in.size())
    return emitOpError("pads must have ") << 2 * in.size() << " entries, got " << pads.size();
  bool reflect = getMode() == PadMode::Reflect;
  SmallVector<int64_t> expected;
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t d = in[i] + pads[i] + pads[i + in.size()];
    if (d < 0)
      return emitOpError("pads ") << shapeStr(pads) << " crop dimension " << i << " below zero";
    if (reflect && (pads[i] >= in[i] || pads[i + in.size()] >= in[i]) &&
        (pads[i] > 0 || pads[i + in.size()] > 0))
      return emitOpError("reflect pads ") << shapeStr(pads) << " must be smaller than dimension "
                                          << i << " (" << in[i] << ")";
    expected.push_back(d);
  }
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return success();
}

LogicalResult GatherOp::verify() {
  auto data = shapeOf(getData()), idx = shapeOf(getIndices()), out = shapeOf(getOutput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)data.size())
    return emitOpError("axis ") << axis << " out of range for rank " << data.size();
  SmallVector<int64_t> expected(data.begin(), data.begin() + axis);
  expected.append(idx.begin(), idx.end());
  expected.append(data.begin() + axis + 1, data.end());
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  if (getElementTypeOrSelf(getData()) != getElementTypeOrSelf(getOutput()))
    return emitOpError("data and result element types differ");
  return success();
}

LogicalResult CastOp::verify() {
  if (shapeOf(getInput()) != shapeOf(getOutput()))
    return emitOpError("shape changes from ") << shapeStr(shapeOf(getInput())) << " to "
                                              << shapeStr(shapeOf(getOutput()));
  return success();
}

LogicalResult BitcastOp::verify() {
  if (shapeOf(getInput()) != shapeOf(getOutput()))
    return emitOpError("shape changes from ") << shapeStr(shapeOf(getInput())) << " to "
                                              << shapeStr(shapeOf(getOutput()));
  Type from = getElementTypeOrSelf(getInput()), to = getElementTypeOrSelf(getOutput());
  if (isa<mlir::quant::QuantizedType>(from) || isa<mlir::quant::QuantizedType>(to))
    return emitOpError("does not bitcast quantized tensors");
  // A bool is stored as a byte (ONNX BitCast takes bool to uint8).
  auto bits = [](Type t) { return t.isInteger(1) ? 8u : t.getIntOrFloatBitWidth(); };
  if (bits(from) != bits(to))
    return emitOpError("element types ") << from << " and " << to << " differ in width";
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

std::function<double(double)> edgec::realFunction(Operation *op) {
  if (auto f = dyn_cast<RealFunctionOpInterface>(op))
    return [f](double x) mutable { return f.applyReal(x); };
  return {};
}

quant::QuantizedType edgec::quantizedElement(Type t) {
  return dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(t));
}

int64_t edgec::elementBytes(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t))
    t = q.getStorageType();
  return std::max<int64_t>(t.getIntOrFloatBitWidth() / 8, 1);
}

LogicalResult edgec::verifySameRealKind(Operation *op) {
  int floats = 0, quantized = 0;
  auto count = [&](Type t) {
    Type e = getElementTypeOrSelf(t);
    floats += e.isF32();
    quantized += isa<quant::QuantizedType>(e);
  };
  for (Type t : op->getOperandTypes())
    count(t);
  for (Type t : op->getResultTypes())
    count(t);
  if (floats && quantized)
    return op->emitOpError("mixes float and quantized tensors; insert edge.quantize or "
                           "edge.dequantize");
  return success();
}

/// Per-tensor uniform quantization with an 8/16/32-bit storage type.
static LogicalResult checkPerTensor(Operation *op, Type t, const char *what) {
  auto q = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(t));
  if (!q)
    return op->emitOpError(what) << " must be per-tensor uniform quantized, got "
                                 << getElementTypeOrSelf(t);
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (!getElementTypeOrSelf(getInput()).isF32() &&
      failed(checkPerTensor(*this, getInput().getType(), "a quantized input")))
    return failure();
  return checkPerTensor(*this, getOutput().getType(), "the result");
}

LogicalResult DequantizeOp::verify() {
  if (!getElementTypeOrSelf(getOutput()).isF32())
    return emitOpError("the result must be f32, got ") << getElementTypeOrSelf(getOutput());
  // Per-axis input: a QDQ model's weights, dequantized per output channel.
  auto in = cast<RankedTensorType>(getInput().getType());
  if (auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(in.getElementType())) {
    int32_t axis = pa.getQuantizedDimension();
    if (axis < 0 || axis >= in.getRank() ||
        in.getDimSize(axis) != (int64_t)pa.getScales().size())
      return emitOpError("the input's ") << pa.getScales().size() << " scales along axis "
                                         << axis << " do not match its shape";
    return success();
  }
  return checkPerTensor(*this, getInput().getType(), "the input");
}

//===----------------------------------------------------------------------===//
// Custom assembly
//===----------------------------------------------------------------------===//

/// `: T` when operand and result types agree, `: T -> U` otherwise (a
/// quantized activation with its own output scale).
static ParseResult parseUnaryTypes(OpAsmParser &parser, Type &in, Type &out) {
  if (parser.parseType(in))
    return failure();
  out = in;
  if (succeeded(parser.parseOptionalArrow()))
    return parser.parseType(out);
  return success();
}

static void printUnaryTypes(OpAsmPrinter &printer, Operation *, Type in, Type out) {
  printer << in;
  if (out != in)
    printer << " -> " << out;
}

/// `dense<...> : tensor<4xi8>` for a plain constant; a quantized constant
/// adds its result type: `dense<...> : tensor<4xi8> as tensor<4x!quant...>`.
static ParseResult parseConstantValue(OpAsmParser &parser, ElementsAttr &value, Type &type) {
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  value = dyn_cast<ElementsAttr>(attr);
  if (!value)
    return parser.emitError(parser.getCurrentLocation(), "expected an elements attribute");
  type = value.getType();
  if (succeeded(parser.parseOptionalKeyword("as")))
    return parser.parseType(type);
  return success();
}

static void printConstantValue(OpAsmPrinter &printer, Operation *, ElementsAttr value, Type type) {
  printer.printAttribute(value);
  if (value.getType() != type)
    printer << " as " << type;
}

#define GET_OP_CLASSES
#include "edgec/IR/EdgeOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Indexing with run-time indices, scans, resampling
//===----------------------------------------------------------------------===//

static LogicalResult checkAxis(Operation *op, int64_t axis, size_t rank) {
  if (axis < 0 || axis >= (int64_t)rank)
    return op->emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}

LogicalResult GatherElementsOp::verify() {
  auto data = shapeOf(getData()), idx = shapeOf(getIndices()), out = shapeOf(getOutput());
  if (failed(checkAxis(*this, getAxis(), data.size())))
    return failure();
  if (idx.size() != data.size())
    return emitOpError("indices have rank ") << idx.size() << ", data " << data.size();
  if (idx != out)
    return emitOpError("result shape ") << shapeStr(out) << " differs from the indices' "
                                        << shapeStr(idx);
  if (getElementTypeOrSelf(getData()) != getElementTypeOrSelf(getOutput()))
    return emitOpError("data and result element types differ");
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  auto data = shapeOf(getData()), idx = shapeOf(getIndices()), upd = shapeOf(getUpdates());
  if (failed(checkAxis(*this, getAxis(), data.size())))
    return failure();
  if (idx != upd || idx.size() != data.size())
    return emitOpError("indices ") << shapeStr(idx) << " and updates " << shapeStr(upd)
                                   << " must have one shape of the data's rank";
  if (shapeOf(getOutput()) != data || getData().getType() != getOutput().getType() ||
      getElementTypeOrSelf(getUpdates()) != getElementTypeOrSelf(getData()))
    return emitOpError("result, data and updates must agree in type");
  return success();
}

LogicalResult GatherNDOp::verify() {
  auto data = shapeOf(getData()), idx = shapeOf(getIndices()), out = shapeOf(getOutput());
  int64_t b = getBatchDims(), r = data.size(), q = idx.size();
  if (q < 1 || b < 0 || b >= std::min(r, q))
    return emitOpError("batch_dims ") << b << " must be below both ranks";
  int64_t last = idx.back();
  if (last < 1 || last > r - b)
    return emitOpError("index tuples of length ") << last << " do not fit data of rank " << r;
  SmallVector<int64_t> expected(idx.begin(), idx.end() - 1);
  expected.append(data.begin() + b + last, data.end());
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return success();
}

LogicalResult ScatterNDOp::verify() {
  auto data = shapeOf(getData()), idx = shapeOf(getIndices()), upd = shapeOf(getUpdates());
  if (idx.empty() || idx.back() < 1 || idx.back() > (int64_t)data.size())
    return emitOpError("index tuples do not fit data of rank ") << data.size();
  SmallVector<int64_t> expected(idx.begin(), idx.end() - 1);
  expected.append(data.begin() + idx.back(), data.end());
  if (ArrayRef<int64_t>(expected) != upd)
    return emitOpError("expected updates of shape ") << shapeStr(expected) << ", got "
                                                     << shapeStr(upd);
  if (getData().getType() != getOutput().getType())
    return emitOpError("result and data types differ");
  return success();
}

LogicalResult TopKIndicesOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (failed(checkAxis(*this, getAxis(), in.size())))
    return failure();
  int64_t k = static_cast<int64_t>(getK());
  if (k < 0 || k > in[getAxis()])
    return emitOpError("k = ") << k << " exceeds the axis size " << in[getAxis()];
  SmallVector<int64_t> expected(in.begin(), in.end());
  expected[getAxis()] = k;
  if (ArrayRef<int64_t>(expected) != out)
    return emitOpError("expected result shape ") << shapeStr(expected);
  return success();
}

LogicalResult ResampleOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  int64_t a = getAxis();
  if (failed(checkAxis(*this, a, in.size())))
    return failure();
  if (in.size() != out.size())
    return emitOpError("rank changes");
  for (size_t k = 0; k < in.size(); ++k)
    if ((int64_t)k != a && in[k] != out[k])
      return emitOpError("only axis ") << a << " may change size";
  int64_t n = out[a] * getTaps();
  if (getTaps() < 1 || (int64_t)getIndices().size() != n || (int64_t)getWeights().size() != n)
    return emitOpError("expected ") << n << " indices and weights";
  for (int64_t i : getIndices())
    if (i < -2 || i >= in[a])
      return emitOpError("tap index ") << i << " out of range for axis size " << in[a];
  if (getElementTypeOrSelf(getInput().getType()) != getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("input and output must have the same element type (a quantized resample "
                       "keeps its input's parameters)");
  return success();
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

static const RecurrentActivation kRecurrentActivations[] = {
    {"Sigmoid", "kActSigmoid", false, false, 0, 0},
    {"Tanh", "kActTanh", false, false, 0, 0},
    {"Relu", "kActRelu", false, false, 0, 0},
    {"Affine", "kActAffine", true, true, 1, 0},
    {"LeakyRelu", "kActLeakyRelu", true, false, 0.01f, 0},
    {"ThresholdedRelu", "kActThresholdedRelu", true, false, 1, 0},
    {"ScaledTanh", "kActScaledTanh", true, true, 1, 1},
    {"HardSigmoid", "kActHardSigmoid", true, true, 0.2f, 0.5f},
    {"Elu", "kActElu", true, false, 1, 0},
    {"Softsign", "kActSoftsign", false, false, 0, 0},
    {"Softplus", "kActSoftplus", false, false, 0, 0},
};

const RecurrentActivation *edgec::recurrentActivation(StringRef name) {
  for (const RecurrentActivation &a : kRecurrentActivations)
    if (name.equals_insensitive(a.name))
      return &a;
  return nullptr;
}

double edgec::applyRecurrentActivation(StringRef name, double a, double b, double x) {
  const RecurrentActivation *act = recurrentActivation(name);
  StringRef n = act ? act->name : "";
  if (n == "Sigmoid")
    return 1 / (1 + std::exp(-x));
  if (n == "Tanh")
    return std::tanh(x);
  if (n == "Relu")
    return x > 0 ? x : 0;
  if (n == "Affine")
    return a * x + b;
  if (n == "LeakyRelu")
    return x < 0 ? a * x : x;
  if (n == "ThresholdedRelu")
    return x > a ? x : 0;
  if (n == "ScaledTanh")
    return a * std::tanh(b * x);
  if (n == "HardSigmoid")
    return std::clamp(a * x + b, 0.0, 1.0);
  if (n == "Elu")
    return x < 0 ? a * (std::exp(x) - 1) : x;
  if (n == "Softsign")
    return x / (1 + std::fabs(x));
  if (n == "Softplus")
    return std::log1p(std::exp(x));
  return x;
}

LogicalResult RoiAlignOp::verify() {
  auto x = shapeOf(getInput()), r = shapeOf(getRois()), b = shapeOf(getBatchIndices());
  if (x.size() != 4 || r.size() != 2 || r[1] != 4 || b.size() != 1 || b[0] != r[0])
    return emitOpError("expected input [N, C, H, W], rois [R, 4] and batch_indices [R], got ")
           << shapeStr(x) << ", " << shapeStr(r) << " and " << shapeStr(b);
  if (getOutputHeight() < 1 || getOutputWidth() < 1 || (int64_t)getSamplingRatio() < 0)
    return emitOpError("output sizes must be positive and sampling_ratio non-negative");
  SmallVector<int64_t> expected{r[0], x[1], (int64_t)getOutputHeight(), (int64_t)getOutputWidth()};
  if (shapeOf(getOutput()) != ArrayRef<int64_t>(expected))
    return emitOpError("expected result shape ") << shapeStr(expected);
  return success();
}

LogicalResult DetOp::verify() {
  auto in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (in.size() < 2 || in[in.size() - 1] != in[in.size() - 2])
    return emitOpError("expected [..., M, M], got ") << shapeStr(in);
  if (out != in.drop_back(2))
    return emitOpError("expected result shape ") << shapeStr(in.drop_back(2)) << ", got "
                                                 << shapeStr(out);
  return success();
}

LogicalResult GridSampleOp::verify() {
  auto in = shapeOf(getInput()), g = shapeOf(getGrid()), out = shapeOf(getOutput());
  if (in.size() != 4 || g.size() != 4 || g[3] != 2 || g[0] != in[0])
    return emitOpError("expected input [N, C, H, W] and grid [N, H_out, W_out, 2], got ")
           << shapeStr(in) << " and " << shapeStr(g);
  SmallVector<int64_t> expected{in[0], in[1], g[1], g[2]};
  if (out != ArrayRef<int64_t>(expected))
    return emitOpError("expected result shape ") << shapeStr(expected) << ", got "
                                                 << shapeStr(out);
  return success();
}

int64_t RecurrentOp::numGates() {
  switch (getCell()) {
  case RecurrentCell::Lstm: return 4;
  case RecurrentCell::Gru: return 3;
  case RecurrentCell::Rnn: return 1;
  }
  return 1;
}

int64_t RecurrentOp::numDirections() {
  return getDirection() == RecurrentDirection::Bidirectional ? 2 : 1;
}

LogicalResult RecurrentOp::verify() {
  RecurrentCell cell = getCell();
  bool lstm = cell == RecurrentCell::Lstm;
  if (!lstm && (getInitialC() || getPeepholes() || getInputForget()))
    return emitOpError("initial_c, peepholes and input_forget are LSTM-only");
  if (cell != RecurrentCell::Gru && getLinearBeforeReset())
    return emitOpError("linear_before_reset is GRU-only");
  auto x = shapeOf(getInput());
  if (x.size() != 3)
    return emitOpError("input must be [T, B, I], got ") << shapeStr(x);
  int64_t t = x[0], b = x[1], i = x[2], h = getHiddenSize(), d = numDirections(),
          g = numGates();
  if (h < 1)
    return emitOpError("hidden_size ") << h << " must be positive";
  auto expect = [&](Value v, SmallVector<int64_t> want, StringRef what) -> LogicalResult {
    if (!v || shapeOf(v) == ArrayRef<int64_t>(want))
      return success();
    return emitOpError(what) << " must be " << shapeStr(want) << ", got " << shapeStr(shapeOf(v));
  };
  if (failed(expect(getW(), {d, g * h, i}, "W")) || failed(expect(getR(), {d, g * h, h}, "R")) ||
      failed(expect(getBias(), {d, 2 * g * h}, "bias")) ||
      failed(expect(getSequenceLens(), {b}, "sequence_lens")) ||
      failed(expect(getInitialH(), {d, b, h}, "initial_h")) ||
      failed(expect(getInitialC(), {d, b, h}, "initial_c")) ||
      failed(expect(getPeepholes(), {d, 3 * h}, "peepholes")) ||
      failed(expect(getOutput(), {t + (lstm ? 2 : 1), d, b, h}, "the result")))
    return failure();
  size_t perDirection = lstm ? 3 : cell == RecurrentCell::Gru ? 2 : 1;
  auto acts = getActivations();
  if (acts.size() != perDirection * d)
    return emitOpError("expected ") << perDirection * d << " activations, got " << acts.size();
  if (getActivationAlpha().size() != acts.size() || getActivationBeta().size() != acts.size())
    return emitOpError("activation_alpha and activation_beta need one entry per activation");
  for (Attribute a : acts)
    if (!recurrentActivation(cast<StringAttr>(a).getValue()))
      return emitOpError("unknown activation '") << cast<StringAttr>(a).getValue() << "'";
  // The integer layer (float and quantized operands do not mix: the
  // dialect's own check): int8 data, int8 weights per gate row, an int32
  // bias at scale 2^-12, no peepholes.
  auto storage = [](Value v) -> unsigned {
    auto q = v ? quantizedElement(v.getType()) : nullptr;
    return q ? q.getStorageTypeIntegralWidth() : 0;
  };
  if (!storage(getOutput()))
    return success();
  if (getPeepholes())
    return emitOpError("a quantized layer has no peepholes");
  for (Value v : {getOutput(), getInput(), getW(), getR(), getInitialH(), getInitialC()})
    if (v && storage(v) != 8)
      return emitOpError("a quantized layer takes and gives int8 data and weights");
  for (Value v : {getInput(), getOutput(), getInitialH(), getInitialC()})
    if (v && !isa<mlir::quant::UniformQuantizedType>(quantizedElement(v.getType())))
      return emitOpError("a quantized layer's data is quantized per tensor");
  if (Value bias = getBias()) {
    auto q = dyn_cast_or_null<mlir::quant::UniformQuantizedType>(quantizedElement(bias.getType()));
    if (!q || q.getStorageTypeIntegralWidth() != 32 || q.getScale() != std::ldexp(1.0, -kRecurrentPreFraction) ||
        q.getZeroPoint() != 0)
      return emitOpError("a quantized layer's bias is int32 at scale 2^-12 (Q3.12)");
  }
  for (Value v : {getW(), getR()})
    if (auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(quantizedElement(v.getType()));
        pa && pa.getQuantizedDimension() != 1)
      return emitOpError("quantized W and R have scales per gate row (axis 1)");
  return success();
}

//===----------------------------------------------------------------------===//
// layers with state
//===----------------------------------------------------------------------===//

namespace edgec::edge {
SmallVector<int64_t> statePartOffsets(ArrayRef<RankedTensorType> parts) {
  SmallVector<int64_t> offsets;
  int64_t at = 0;
  for (RankedTensorType t : parts) {
    int64_t bytes = cast<mlir::quant::QuantizedType>(t.getElementType())
                        .getStorageTypeIntegralWidth() / 8;
    at = (at + bytes - 1) / bytes * bytes;
    offsets.push_back(at);
    at += t.getNumElements() * bytes;
  }
  offsets.push_back(at);
  return offsets;
}
} // namespace edgec::edge

//===----------------------------------------------------------------------===//
// edge.svdf
//===----------------------------------------------------------------------===//

namespace {
/// The per-tensor quantized element of `t` with `bits`-bit signed storage
/// (any of `bits`), or null.
mlir::quant::UniformQuantizedType perTensorSigned(Type t, std::initializer_list<unsigned> bits) {
  auto q = dyn_cast<mlir::quant::UniformQuantizedType>(getElementTypeOrSelf(t));
  if (!q || !q.isSigned())
    return nullptr;
  for (unsigned b : bits)
    if (q.getStorageTypeIntegralWidth() == b)
      return q;
  return nullptr;
}
} // namespace

SmallVector<RankedTensorType> SvdfOp::getStateTensorTypes() {
  return {cast<RankedTensorType>(getStateType())};
}

LogicalResult SvdfOp::verify() {
  auto x = shapeOf(getInput()), wf = shapeOf(getWeightsFeature()),
       wt = shapeOf(getWeightsTime()), y = shapeOf(getOutput());
  if (x.size() != 2 || wf.size() != 2 || wt.size() != 2 || y.size() != 2)
    return emitOpError("input, weights_feature, weights_time and output must be 2-D");
  int64_t batch = x[0], filters = wf[0], memory = wt[1], rank = getRank();
  if (wf[1] != x[1])
    return emitOpError("weights_feature ") << shapeStr(wf) << " does not take the input "
                                           << shapeStr(x);
  if (wt[0] != filters || memory < 1)
    return emitOpError("weights_time must be [") << filters << ", M >= 1], got " << shapeStr(wt);
  if (rank < 1 || filters % rank != 0)
    return emitOpError("rank ") << rank << " does not divide the " << filters << " filters";
  int64_t units = filters / rank;
  if (y[0] != batch || y[1] != units)
    return emitOpError("output must be [") << batch << ", " << units << "], got " << shapeStr(y);
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{units})
    return emitOpError("bias must be [") << units << "], got " << shapeStr(shapeOf(getBias()));
  if (!perTensorSigned(getInput().getType(), {8}) ||
      !perTensorSigned(getWeightsFeature().getType(), {8}) ||
      !perTensorSigned(getOutput().getType(), {8}))
    return emitOpError("input, weights_feature and output must be per-tensor int8");
  auto time = perTensorSigned(getWeightsTime().getType(), {8, 16});
  if (!time)
    return emitOpError("weights_time must be per-tensor int8 or int16");
  if (getBias() && !perTensorSigned(getBias().getType(), {32}))
    return emitOpError("bias must be per-tensor int32");
  auto state = dyn_cast<RankedTensorType>(getStateType());
  auto sq = state ? perTensorSigned(state, {8, 16}) : nullptr;
  if (!sq || sq.getStorageTypeIntegralWidth() != time.getStorageTypeIntegralWidth())
    return emitOpError("state_type must be per-tensor quantized with weights_time's "
                       "storage (i")
           << time.getStorageTypeIntegralWidth() << ")";
  if (state.getShape() != ArrayRef<int64_t>{batch, filters * memory})
    return emitOpError("state_type must be [") << batch << ", " << filters * memory << "], got "
                                               << shapeStr(state.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// edge.sequence_lstm
//===----------------------------------------------------------------------===//

int64_t SequenceLstmOp::getBatch() { return shapeOf(getInput())[getTimeMajor() ? 1 : 0]; }
int64_t SequenceLstmOp::getSteps() { return shapeOf(getInput())[getTimeMajor() ? 0 : 1]; }
int64_t SequenceLstmOp::getInputSize() { return shapeOf(getInput())[2]; }
int64_t SequenceLstmOp::getHiddenSize() { return shapeOf(getInputWeights()[0])[0]; }

SmallVector<RankedTensorType> SequenceLstmOp::getStateTensorTypes() {
  return {cast<RankedTensorType>(getHiddenStateType()),
          cast<RankedTensorType>(getCellStateType())};
}

LogicalResult SequenceLstmOp::verify() {
  if (getInputWeights().size() != 4 || getRecurrentWeights().size() != 4 ||
      getBiases().size() != 4)
    return emitOpError("takes 4 input weights, 4 recurrent weights and 4 biases (gates input, "
                       "forget, cell, output), got ")
           << getInputWeights().size() << ", " << getRecurrentWeights().size() << " and "
           << getBiases().size();
  auto x = shapeOf(getInput()), y = shapeOf(getOutput());
  if (x.size() != 3 || y.size() != 3)
    return emitOpError("input and output must be 3-D ([batch, steps, features], or [steps, "
                       "batch, features] with time_major)");
  auto w0 = shapeOf(getInputWeights()[0]);
  if (w0.size() != 2)
    return emitOpError("the input gate's input weights must be 2-D [hidden, input], got ")
           << shapeStr(w0);
  int64_t in = x[2], hidden = w0[0];
  static const char *gates[] = {"input", "forget", "cell", "output"};
  for (int g = 0; g < 4; ++g) {
    auto w = shapeOf(getInputWeights()[g]), r = shapeOf(getRecurrentWeights()[g]),
         b = shapeOf(getBiases()[g]);
    if (w != ArrayRef<int64_t>{hidden, in})
      return emitOpError("the ") << gates[g] << " gate's input weights must be [" << hidden
                                 << ", " << in << "], got " << shapeStr(w);
    if (r != ArrayRef<int64_t>{hidden, hidden})
      return emitOpError("the ") << gates[g] << " gate's recurrent weights must be [" << hidden
                                 << ", " << hidden << "], got " << shapeStr(r);
    if (b != ArrayRef<int64_t>{hidden})
      return emitOpError("the ") << gates[g] << " gate's bias must be [" << hidden << "], got "
                                 << shapeStr(b);
    auto wq = perTensorSigned(getInputWeights()[g].getType(), {8}),
         rq = perTensorSigned(getRecurrentWeights()[g].getType(), {8});
    if (!wq || !rq || wq.getZeroPoint() != 0 || rq.getZeroPoint() != 0)
      return emitOpError("the ") << gates[g]
                                 << " gate's weights must be per-tensor int8 with zero point 0";
    if (!perTensorSigned(getBiases()[g].getType(), {32}))
      return emitOpError("the ") << gates[g] << " gate's bias must be per-tensor int32";
  }
  if (y[0] != x[0] || y[1] != x[1] || y[2] != hidden)
    return emitOpError("output must be [") << x[0] << ", " << x[1] << ", " << hidden << "], got "
                                           << shapeStr(y);
  if (!perTensorSigned(getInput().getType(), {8}) || !perTensorSigned(getOutput().getType(), {8}))
    return emitOpError("input and output must be per-tensor int8");
  int64_t batch = getBatch();
  auto h = dyn_cast<RankedTensorType>(getHiddenStateType());
  auto c = dyn_cast<RankedTensorType>(getCellStateType());
  auto hq = h ? perTensorSigned(h, {8}) : nullptr;
  auto cq = c ? perTensorSigned(c, {16}) : nullptr;
  if (!hq)
    return emitOpError("hidden_state_type must be per-tensor int8");
  if (!cq || cq.getZeroPoint() != 0)
    return emitOpError("cell_state_type must be per-tensor int16 with zero point 0");
  // TFLite's int16 tanh reads the cell state at 2^round(log2 s_c), as
  // 3 << (15 + log2 s_c - 3) or a right shift: beyond these bounds its int32
  // input product or its shift would overflow.
  if (!(cq.getScale() >= 0x1p-40 && cq.getScale() <= 4.0))
    return emitOpError("cell_state_type's scale must be within 2^-40 and 4 (TFLite's int16 tanh "
                       "of the cell state), got ")
           << cq.getScale();
  for (RankedTensorType t : {h, c})
    if (t.getNumElements() != batch * hidden)
      return emitOpError("each state must hold batch x hidden = ")
             << batch * hidden << " elements, got " << shapeStr(t.getShape());
  // The output is a copy of the hidden state's integers after each step.
  if (getElementTypeOrSelf(getOutput().getType()) != hq)
    return emitOpError("output must have the hidden state's quantization (")
           << Type(hq) << "), got " << getElementTypeOrSelf(getOutput().getType());
  if (getCellClip().convertToFloat() < 0)
    return emitOpError("cell_clip must be >= 0 (0: no clip), got ")
           << getCellClip().convertToFloat();
  return success();
}
