//===- QuantEvaluator.h - the evaluator's int8 mode --------------*- C++ -*-===//
#pragma once

#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeOps.h"

namespace edgec {

/// Evaluates an op with integer semantics (quant::hasIntegerSemantics)
/// bit-exactly as the generated int8 kernels do.
mlir::FailureOr<Tensor> evaluateQuantizedOp(mlir::Operation *op,
                                            llvm::ArrayRef<const Tensor *> operands);

/// The tensors of an edge.recurrent's operands by role, null when absent
/// (the float and the integer evaluation both read them so).
struct RecurrentOperands {
  const Tensor *x, *w, *r, *bias = nullptr, *lens = nullptr, *h0 = nullptr, *c0 = nullptr,
                       *peep = nullptr;
};
RecurrentOperands recurrentOperands(edge::RecurrentOp op, llvm::ArrayRef<const Tensor *> in);

} // namespace edgec
