//===- SelectKernelsPass.cpp - the kernel of every layer --------------------===//

#include "passes/Kernels/KernelTable.h"
#include "passes/Kernels/Passes.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace edgec::kernels {
#define GEN_PASS_DEF_SELECTKERNELSPASS
#include "passes/Kernels/Passes.h.inc"

namespace {

struct SelectKernelsPass : impl::SelectKernelsPassBase<SelectKernelsPass> {
  using SelectKernelsPassBase::SelectKernelsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    module->setAttr(edge::kFamilyAttr, edge::KernelFamilyAttr::get(&getContext(), family));
    bool legal = true;
    module.walk([&](Operation *op) {
      if (!isComputeOp(op))
        return;
      if (const KernelRow *row = selectRow(op, family)) {
        op->setAttr(edge::kKernelAttr, kernelAttr(*row, op, family));
        return;
      }
      legal = false;
      std::string types;
      llvm::raw_string_ostream os(types);
      llvm::interleaveComma(op->getOperandTypes(), os);
      os << " -> ";
      llvm::interleaveComma(op->getResultTypes(), os);
      op->emitError() << "no kernel for '" << op->getName() << "' on these types in family '"
                      << edge::stringifyKernelFamily(family) << "'";
      op->emitRemark() << "operand and result types: " << types;
    });
    if (!legal)
      signalPassFailure();
  }
};

} // namespace
} // namespace edgec::kernels
