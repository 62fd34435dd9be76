//===- QuantEvaluator.h - the evaluator's int8 mode --------------*- C++ -*-===//
#pragma once

#include "edgec/Eval/Evaluator.h"

namespace edgec {

/// Evaluates an op with integer semantics (quant::hasIntegerSemantics)
/// bit-exactly as the generated int8 kernels do.
mlir::FailureOr<Tensor> evaluateQuantizedOp(mlir::Operation *op,
                                            llvm::ArrayRef<const Tensor *> operands);

} // namespace edgec
