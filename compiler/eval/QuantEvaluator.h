//===- QuantEvaluator.h - the evaluator's int8 mode --------------*- C++ -*-===//
#pragma once

#include "edgec/Eval/Evaluator.h"

namespace edgec {

/// True if `op` computes on quantized integers (and is not a data movement
/// that the type-agnostic evaluator handles).
bool isQuantizedOp(mlir::Operation *op);

/// Evaluates a quantized op bit-exactly as the generated int8 kernels do.
mlir::FailureOr<Tensor> evaluateQuantizedOp(mlir::Operation *op,
                                            llvm::ArrayRef<const Tensor *> operands);

} // namespace edgec
