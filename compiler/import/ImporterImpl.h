//===- ImporterImpl.h - shared state of the ONNX importer --------*- C++ -*-===//
//
// One handler per ONNX op builds edge ops through a NodeContext, which gives
// typed access to inputs and attributes and reports errors that name the node.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ImportCommon.h"
#include "edgec/Eval/Evaluator.h"
#include "edgec/Support/Names.h"
#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <set>
#include <vector>

namespace edgec::onnx_import {

using Shape = std::vector<int64_t>;

/// Largest constant the importer creates itself (ConstantOfShape, Range,
/// folded results, decomposition tables), in elements: 2^24, 64 MB of float,
/// far beyond the flash of any target. A larger one is a diagnostic (or, when
/// folding, left to run time) rather than gigabytes allocated at compile time.
inline constexpr int64_t kMaxConstantElements = int64_t(1) << 24;

class NodeContext {
public:
  NodeContext(const onnx::NodeProto &node, std::string name, int opset, mlir::OpBuilder &b,
              mlir::Location loc, std::vector<mlir::Value> inputs)
      : node(node), name(std::move(name)), opset(opset), b(b), loc(loc),
        inputs(std::move(inputs)) {}

  const onnx::NodeProto &node;
  std::string name;
  int opset;
  /// The model's default-domain (ai.onnx) opset, for handlers of other
  /// domains that build standard ops.
  int onnxOpset = 0;
  mlir::OpBuilder &b;
  mlir::Location loc;
  std::vector<mlir::Value> inputs;
  std::vector<mlir::Value> outputs;
  /// The static shape the model declares for each output, where it does.
  std::vector<std::optional<Shape>> declaredOutputShapes;

  // Inputs ------------------------------------------------------------------
  size_t numInputs() const { return inputs.size(); }
  /// Input i, or a null Value when absent or given as "".
  mlir::Value in(size_t i) const { return i < inputs.size() ? inputs[i] : mlir::Value(); }
  /// Input i, failing with a diagnostic when absent.
  mlir::FailureOr<mlir::Value> required(size_t i, const char *what);
  /// The value of input i when it is a compile-time constant.
  std::optional<Tensor> constantInput(size_t i) const;
  /// Input i as constant integers, or a diagnostic saying it must be constant.
  mlir::FailureOr<Shape> constantInts(size_t i, const char *what);

  // Attributes --------------------------------------------------------------
  /// The attribute named `n`, or null; either way `n` counts as read.
  const onnx::AttributeProto *attr(const char *n) const;
  /// Every attribute name a handler asked for: after it, an attribute the
  /// model sets that nobody read is refused unless it holds its default
  /// (unreadAttributeProblem), so no attribute is silently ignored.
  mutable std::set<std::string> readAttributes;
  int64_t attrInt(const char *n, int64_t dflt) const;
  float attrFloat(const char *n, float dflt) const;
  std::string attrString(const char *n, const std::string &dflt) const;
  std::optional<Shape> attrInts(const char *n) const;
  std::optional<std::vector<float>> attrFloats(const char *n) const;

  // Building ----------------------------------------------------------------
  static Shape shape(mlir::Value v);
  static mlir::Type elementType(mlir::Value v) { return mlir::getElementTypeOrSelf(v.getType()); }
  mlir::RankedTensorType tensorType(const Shape &s, mlir::Type elt) const {
    return mlir::RankedTensorType::get(s, elt);
  }
  mlir::Value reshape(mlir::Value v, const Shape &s);
  mlir::Value constant(const Tensor &t);
  /// Normalizes an axis against `rank`, with a diagnostic if out of range.
  mlir::FailureOr<int64_t> axis(int64_t a, int64_t rank, const char *what);

  /// Fails with a diagnostic when a constant of `shape` that this node would
  /// create exceeds kMaxConstantElements (or has a negative dimension).
  mlir::LogicalResult checkConstantShape(const Shape &shape, const std::string &what);

  /// Emits an error naming this node and its op; returns failure().
  mlir::InFlightDiagnostic error();
  mlir::LogicalResult fail(const std::string &message);

  void setOutput(mlir::Value v) { outputs = {v}; }
};

using Handler = mlir::LogicalResult (*)(NodeContext &);

struct OpEntry {
  const char *domain;
  const char *op;
  int sinceVersion;
  Handler handler;
};

/// Handlers, grouped by category, each registering its table rows.
void registerElementwiseOps(std::vector<OpEntry> &table);
void registerNNOps(std::vector<OpEntry> &table);
void registerTensorOps(std::vector<OpEntry> &table);
void registerQuantOps(std::vector<OpEntry> &table);
void registerCompositeOps(std::vector<OpEntry> &table);
void registerRecurrentOps(std::vector<OpEntry> &table);
void registerSignalOps(std::vector<OpEntry> &table);
void registerTransformerOps(std::vector<OpEntry> &table);

/// The default-domain handler of `op` at `opset`, or null.
Handler findHandler(const std::string &op, int opset);

/// True if Cast(to) of `x` only restates its type: `x` is a quantized value
/// whose ONNX element type was already `to` (uint8 activations in QDQ models).
bool castIsQuantizedNoOp(mlir::Value x, int64_t to);

/// Converts an ONNX TensorProto (raw, typed-field or external data).
/// Files read for external data are appended to `externalFiles` when given.
mlir::FailureOr<Tensor> tensorFromProto(const onnx::TensorProto &t, const std::string &baseDir,
                                        std::string &error,
                                        std::vector<std::string> *externalFiles = nullptr);
/// Maps an ONNX element type to the edge type; fails on unsupported types.
/// TensorProto element types added after ONNX 1.12 (Debian's library), by number.
enum : int32_t {
  kOnnxFloat8E4M3FN = 17,
  kOnnxFloat8E4M3FNUZ = 18,
  kOnnxFloat8E5M2 = 19,
  kOnnxFloat8E5M2FNUZ = 20,
  kOnnxUint4 = 21,
  kOnnxInt4 = 22,
  kOnnxFloat4E2M1 = 23,
  kOnnxFloat8E8M0 = 24,
  kOnnxUint2 = 25,
  kOnnxInt2 = 26,
};
std::optional<DType> dtypeFromOnnx(int32_t onnxType);
/// The TensorProto element type of an edgec element type.
int32_t onnxElementType(DType t);
/// "ONNX type FLOAT8E4M3FN (17)": for diagnostics.
std::string onnxTypeDescription(int32_t onnxType);

} // namespace edgec::onnx_import

namespace edgec::onnx_import {

/// Builders for handlers that decompose an ONNX op into several edge ops.
/// Each returns a null Value after reporting a diagnostic on the node.

/// The broadcast shape of `a` and `b`, or a diagnostic on the node.
inline std::optional<Shape> broadcastFor(NodeContext &c, mlir::Value a, mlir::Value b) {
  auto shape = broadcastShapes(NodeContext::shape(a), NodeContext::shape(b));
  if (mlir::failed(shape)) {
    c.error() << "input shapes " << shapeToString(NodeContext::shape(a)) << " and "
              << shapeToString(NodeContext::shape(b)) << " cannot be broadcast together";
    return std::nullopt;
  }
  return Shape(shape->begin(), shape->end());
}

template <typename OpT> mlir::Value buildBinary(NodeContext &c, mlir::Value a, mlir::Value b) {
  std::optional<Shape> shape = broadcastFor(c, a, b);
  if (!shape)
    return {};
  return c.b.create<OpT>(c.loc, c.tensorType(*shape, NodeContext::elementType(a)), a, b,
                         mlir::FloatAttr(), mlir::FloatAttr());
}

/// OpT built with the result types it infers from `operands` (its own shape
/// rule, InferTypeOpInterface: the importer does not restate it); null,
/// without a diagnostic, when the op rejects the operands.
template <typename OpT> mlir::Value buildInferred(NodeContext &c, mlir::ValueRange operands) {
  llvm::SmallVector<mlir::Type, 1> types;
  if (mlir::failed(OpT::inferReturnTypes(c.b.getContext(), std::nullopt, operands, {},
                                         mlir::OpaqueProperties(nullptr), {},
                                         types)))
    return {};
  return c.b.create<OpT>(c.loc, mlir::TypeRange(types), operands);
}

/// A comparison or logic op with broadcasting and an i1 result.
template <typename OpT> mlir::Value buildPredicate(NodeContext &c, mlir::Value a, mlir::Value b) {
  if (mlir::Value v = buildInferred<OpT>(c, {a, b}))
    return v;
  c.error() << "input shapes " << shapeToString(NodeContext::shape(a)) << " and "
            << shapeToString(NodeContext::shape(b)) << " cannot be broadcast together";
  return {};
}

mlir::Value buildWhere(NodeContext &c, mlir::Value cond, mlir::Value x, mlir::Value y);
mlir::Value buildTranspose(NodeContext &c, mlir::Value x, const Shape &perm);
/// Slice of `x` along `axis` from `start` (size `len`, step `step`).
mlir::Value buildSlice(NodeContext &c, mlir::Value x, int64_t axis, int64_t start, int64_t len,
                       int64_t step = 1);
mlir::Value buildConcat(NodeContext &c, const std::vector<mlir::Value> &parts, int64_t axis);
/// Repeats `x` `times` times along `axis` (a concat of copies).
mlir::Value buildRepeat(NodeContext &c, mlir::Value x, int64_t axis, int64_t times);
/// Broadcasts `x` to `shape` (ONNX Expand rules; the result is the
/// broadcast of both shapes).
mlir::Value buildExpand(NodeContext &c, mlir::Value x, const Shape &shape);
template <typename ReduceOp>
mlir::Value buildReduce(NodeContext &c, mlir::Value x, const Shape &axes, bool keep) {
  Shape s = NodeContext::shape(x), out;
  for (size_t k = 0; k < s.size(); ++k) {
    bool reduced = std::find(axes.begin(), axes.end(), (int64_t)k) != axes.end();
    if (!reduced) out.push_back(s[k]);
    else if (keep) out.push_back(1);
  }
  return c.b.create<ReduceOp>(c.loc, c.tensorType(out, NodeContext::elementType(x)), x, axes,
                              keep);
}
/// A scalar constant of `x`'s element type.
mlir::Value scalarLike(NodeContext &c, mlir::Value x, double v);

} // namespace edgec::onnx_import
