//===- EdgeOps.h - edge dialect operations ----------------------*- C++ -*-===//
#pragma once

#include "edgec/IR/EdgeAttrs.h"
#include "edgec/IR/EdgeDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"

#include <array>
#include <functional>
#include <optional>

namespace edgec {
/// Real tensors (f32 or quantized) among an op's operands and results are all
/// f32 or all quantized.
mlir::LogicalResult verifySameRealKind(mlir::Operation *op);
} // namespace edgec

namespace mlir::OpTrait {
template <typename ConcreteType>
class EdgeSameRealKind : public TraitBase<ConcreteType, EdgeSameRealKind> {
public:
  static LogicalResult verifyTrait(Operation *op) { return edgec::verifySameRealKind(op); }
};
/// The result is a view of operand 0 (EdgeBase.td, Edge_View).
template <typename ConcreteType> class EdgeView : public TraitBase<ConcreteType, EdgeView> {};
/// Copies stored values whatever their type (Edge_MovesStorage).
template <typename ConcreteType>
class EdgeMovesStorage : public TraitBase<ConcreteType, EdgeMovesStorage> {};
/// Absorbs a following Relu / Clip as act_min / act_max (Edge_TakesClamp).
template <typename ConcreteType>
class EdgeTakesClamp : public TraitBase<ConcreteType, EdgeTakesClamp> {};
} // namespace mlir::OpTrait

namespace edgec::codegen {
class KernelWriter; // codegen/ops/KernelWriter.h: EdgeKernelOpInterface's writer
} // namespace edgec::codegen

namespace edgec::edge {
/// `shape` reduced over the sorted `axes`, viewed as [outer, len, inner];
/// none when the axes are not adjacent (ReduceOpInterface::getAdjacentView).
std::optional<std::array<int64_t, 3>> adjacentReductionView(llvm::ArrayRef<int64_t> shape,
                                                           llvm::ArrayRef<int64_t> axes);

/// Byte offsets of the parts of a layer's state (StateOpInterface) laid out
/// in order, each at a multiple of its element size, then the total bytes:
/// parts.size() + 1 values.
llvm::SmallVector<int64_t> statePartOffsets(llvm::ArrayRef<mlir::RankedTensorType> parts);

/// What an op with state (edge.svdf, edge.sequence_lstm) reads and writes besides its operands:
/// the model's state, which persists from one run to the next.
struct ModelStateResource : mlir::SideEffects::Resource::Base<ModelStateResource> {
  llvm::StringRef getName() override { return "ModelState"; }
};
} // namespace edgec::edge

#include "edgec/IR/EdgeInterfaces.h.inc"

#define GET_OP_CLASSES
#include "edgec/IR/EdgeOps.h.inc"

namespace edgec {
/// The numpy broadcast of two shapes, or failure if they are incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                            llvm::ArrayRef<int64_t> b);
/// Output length of a convolution / pooling window along one axis.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t padBegin,
                         int64_t padEnd, int64_t dilation, bool ceilMode);
/// Row-major bytes of a constant attribute (dense or dense_resource); splats
/// are expanded and i1 is one byte per element. Empty if the blob is missing.
std::vector<char> constantBytes(mlir::ElementsAttr attr);
/// Bytes per element of a tensor type, for quantized types their storage
/// (i1 counts as one byte).
int64_t elementBytes(mlir::Type elementType);
/// The quantized element type of `t`, or null for float and plain integers.
mlir::quant::QuantizedType quantizedElement(mlir::Type t);
/// The real function y = f(x) an elementwise unary op computes (relu, clip,
/// sigmoid, exp, ...), in double (RealFunctionOpInterface, defined with the
/// op in EdgeOps.td); null for other ops. The evaluator and the int8 lookup
/// tables both take the semantics from here.
std::function<double(double)> realFunction(mlir::Operation *op);

/// An activation function of edge.recurrent (ONNX's RNN / GRU / LSTM list):
/// its ONNX name, the kernel's enumerator and whether it takes alpha / beta,
/// with ONNX's defaults.
struct RecurrentActivation {
  const char *name;
  const char *kernelEnum;
  bool hasAlpha, hasBeta;
  float defaultAlpha, defaultBeta;
};
/// The activation named `name` (case-insensitive), or null.
const RecurrentActivation *recurrentActivation(llvm::StringRef name);
/// A quantized edge.recurrent's pre-activations and bias are Q3.12: int32
/// (int16 once saturated) at scale 2^-kRecurrentPreFraction.
constexpr int kRecurrentPreFraction = 12;
/// f(x) for the activation named `name`, in double (the evaluator's).
double applyRecurrentActivation(llvm::StringRef name, double alpha, double beta, double x);

/// On a quantized weight constant: the width its integers came in (4: a
/// weight-only int4 model's), so a kernel may store them that narrow.
inline constexpr const char *kWeightBitsAttr = "edge.weight_bits";

/// What an edge.reduce_* op computes over its axes (edge::ReduceOpInterface).
using ReduceKind = edge::ReduceKind;
std::optional<ReduceKind> reduceKindOf(mlir::Operation *op);
/// The shape a reduction of `in` over the axes in `reduced` gives: reduced
/// axes become 1 (`keepdims`) or go.
llvm::SmallVector<int64_t> reducedShape(llvm::ArrayRef<int64_t> in,
                                        llvm::function_ref<bool(int64_t)> reduced,
                                        bool keepdims);
/// Whether `param` holds one value per element of a row of `input` viewed
/// as [outer, inner] from `axis` on (edge.layer_norm's scale and bias): its
/// shape, aligned to the input's last dimensions, is 1 before `axis` and the
/// input's from it on.
bool isRowParameterShape(llvm::ArrayRef<int64_t> input, int64_t axis,
                         llvm::ArrayRef<int64_t> param);
/// Number of elements a normalized slice (start, end, step) selects.
int64_t sliceLength(int64_t start, int64_t end, int64_t step);
} // namespace edgec
