//===- QuantEvaluator.h - the evaluator's int8 mode --------------*- C++ -*-===//
#pragma once

#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeOps.h"

namespace edgec {

/// Evaluates an op with integer semantics (quant::hasIntegerSemantics)
/// bit-exactly as the generated int8 kernels do.
mlir::FailureOr<Tensor> evaluateQuantizedOp(mlir::Operation *op,
                                            llvm::ArrayRef<const Tensor *> operands);

/// One run of an op with state (edge::StateOpInterface) as its kernel
/// computes it, reading and updating `state` (one tensor per part, already
/// at its initial value on the first run).
mlir::FailureOr<Tensor> evaluateWithState(mlir::Operation *op,
                                          llvm::ArrayRef<const Tensor *> operands,
                                          llvm::MutableArrayRef<Tensor> state);

/// The tensors of an edge.recurrent's operands by role, null when absent
/// (the float and the integer evaluation both read them so).
struct RecurrentOperands {
  const Tensor *x, *w, *r, *bias = nullptr, *lens = nullptr, *h0 = nullptr, *c0 = nullptr,
                       *peep = nullptr;
};
RecurrentOperands recurrentOperands(edge::RecurrentOp op, llvm::ArrayRef<const Tensor *> in);

/// `op.inputIndex(i, o, k, length)` for every output position `o` < `outLen`
/// and tap `k` < `taps` along spatial axis `i`, at [o * taps + k]: the
/// convolution loops of both evaluations read it instead of the op's
/// attributes once per tap (which took most of an int8 compile's time).
inline std::vector<int64_t> inputIndexTable(edge::Conv2DOp op, unsigned i, int64_t outLen,
                                            int64_t taps, int64_t length) {
  std::vector<int64_t> table(outLen * taps);
  for (int64_t o = 0; o < outLen; ++o)
    for (int64_t k = 0; k < taps; ++k)
      table[o * taps + k] = op.inputIndex(i, o, k, length);
  return table;
}

} // namespace edgec
