//===- Evaluator.h - reference evaluator for the edge dialect ---*- C++ -*-===//
//
// Executes edge-dialect IR on the host in float (and exact int64 for shape
// arithmetic). It is the oracle for generated code, the constant folder of the
// importer, and later the engine of calibration.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/Support/Tensor.h"
#include "edgec/Support/TensorAttr.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>

namespace mlir::func {
class FuncOp;
}

namespace edgec {

/// Evaluates one op of the edge dialect. Emits an error on the op and fails
/// when the op is not supported by the evaluator.
mlir::FailureOr<Tensor> evaluateOp(mlir::Operation *op, llvm::ArrayRef<const Tensor *> operands);

/// Called after each op with its result, e.g. to collect per-layer outputs.
using EvalObserver = std::function<void(mlir::Operation *, const Tensor &)>;

/// What the layers with state (edge::StateOpInterface) keep from one run of
/// a function to the next, per op and part of its state: the evaluator's copy
/// of the state the generated code keeps in its arena. An op without an entry
/// starts from its initial state.
struct ModelState {
  llvm::DenseMap<mlir::Operation *, std::vector<Tensor>> perOp;
};

/// Runs a function of edge ops on the given inputs (in argument order).
/// Input shapes and types must match the function signature exactly. With
/// `state`, layers with state start from it and leave theirs in it (a run of
/// a stream); without, each starts from its initial state (a fresh model).
mlir::FailureOr<std::vector<Tensor>> evaluateFunction(mlir::func::FuncOp func,
                                                      const std::vector<Tensor> &inputs,
                                                      const EvalObserver &observer = {},
                                                      ModelState *state = nullptr);

} // namespace edgec
