//===- CppEmitter.h - the C++ emitter's state (private to codegen) -*- C++ -*-===//
//
// Shared by Emitter.cpp (the schedule, the parameters, the weights and the
// model's API) and Harness.cpp (the test program and its CMake project).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/Codegen/Emitter.h"
#include "edgec/Codegen/Target.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Names.h"
#include "edgec/Support/Tensor.h"
#include "passes/Memory/Planner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <set>
#include <string>
#include <vector>

namespace edgec::codegen::detail {

using Shape = std::vector<int64_t>;

Shape shapeOf(mlir::Value v);
int64_t numElements(mlir::Value v);
/// The C++ element type of `v` in the schedule ("" when unsupported).
std::string ctypeOf(mlir::Value v);
/// The element type of `v` in the C entry point: float16 tensors are passed
/// as their IEEE binary16 bits (uint16_t); the schedule sees them as edgec::f16.
std::string apiCtypeOf(mlir::Value v);
/// The .npy descr of a C element type, for the harness.
std::string harnessDtype(const std::string &ctype);
/// The .npy descr the harness reads or writes for `v` (as stored: float16 as '<f2').
std::string npyDescrOf(mlir::Value v);
int64_t bytesOf(mlir::Value v);
std::string upper(std::string s);

using namespace mlir;

class CppEmitter {
public:
  CppEmitter(ModuleOp module, func::FuncOp func, const Target &target, const EmitOptions &opts)
      : module(module), func(func), target(target), opts(opts) {}

  FailureOr<std::vector<GeneratedFile>> run();

private:
  LogicalResult emitOp(Operation *op);
  std::string expr(Value v);
  std::string weightArray(edge::ConstantOp c);
  std::string weightArray(const Tensor &t, const std::string &type, const std::string &nodeName);
  std::string newParams(Operation *op, const std::string &type, const std::string &fields);
  void call(Operation *op, const std::string &text);
  std::string scratch(Operation *op);
  std::string rawScratch(Operation *op);
  /// static_assert that the kernel's own scratch-size function (the kernel
  /// table's) fits the scratch planned for `op`; no-op for kernels without.
  void assertScratch(Operation *op, const std::string &templateArgs);
  InFlightDiagnostic unsupported(Operation *op);

  LogicalResult emitConv(edge::Conv2DOp op);
  LogicalResult emitQuantized(Operation *op);
  std::string binaryParams(Operation *op);
  FailureOr<std::pair<Shape, std::vector<Shape>>> collapseBroadcast(Operation *op,
                                                                    ArrayRef<Value> operands);
  std::string foldedBias(Value weight, Value bias, int64_t inputZero, const std::string &node);
  /// The bitmask and the non-zeros of a sparse layer's int8 weights.
  std::pair<std::string, std::string> sparseArrays(Value weight, const std::string &node);
  /// The sparse kernels use the DSP extension's 16-bit multiply-accumulates.
  bool sparseDsp(Operation *op);
  std::string intArray(const std::vector<int64_t> &values, const std::string &type,
                       const std::string &name);
  LogicalResult emitGemm(edge::GemmOp op);
  LogicalResult emitMatMul(edge::MatMulOp op);
  LogicalResult emitBinary(Operation *op, const char *functor);
  LogicalResult emitUnary(Operation *op, const char *functor, float alpha, float beta);
  template <typename PoolOp> LogicalResult emitPool(PoolOp op, const char *kernel, bool includePad);
  LogicalResult emitBatchNorm(edge::BatchNormOp op);
  template <typename ReduceOp> LogicalResult emitReduce(ReduceOp op);
  template <typename OpT>
  LogicalResult emitNormalize(OpT op, const char *kernel, const char *extraArgs = "");
  LogicalResult emitStridedCopy(Operation *op, const Shape &outShape, const Shape &inStrides,
                                int64_t offset);
  LogicalResult emitConcat(edge::ConcatOp op);
  LogicalResult emitPad(edge::PadOp op);
  LogicalResult emitGather(edge::GatherOp op);
  LogicalResult emitRecurrent(edge::RecurrentOp op);
  /// For a scatter onto a constant whose elements are all equal (zeros from
  /// ConstantOfShape, MaxUnpool): a statement filling the output with that
  /// value, so the scatter runs in place and the constant needs no array in
  /// flash. Empty otherwise.
  std::string scatterBase(Value data, Value out);

  std::string banner(const std::string &what) const;
  std::string header() const;
  std::string source() const;
  std::string weightsSource() const;
  std::string harnessSource() const;
  bool hasQuantizedIO() const;
  std::string floatArgs() const;
  std::string floatWrapper() const;
  std::string harnessCMake() const;

  ModuleOp module;
  mutable func::FuncOp func;
  const Target &target;
  const EmitOptions &opts;

  NameTable ids;                // identifiers in the generated .cpp
  NameTable apiNames;           // parameter names of the entry point
  llvm::DenseMap<Value, std::string> names;
  std::vector<std::string> inputParams, outputParams;
  std::string weightDecls, weightDefs, params, body;
  std::set<std::string> includes;
  int64_t arenaSize = 0, lowerBound = 0;
  int64_t arenaAlignment = memory::kDefaultArenaAlignment; ///< the plan's (the target's)
  bool paramsFailed = false; ///< a parameter did not fit its kernel field
};

} // namespace edgec::codegen::detail
