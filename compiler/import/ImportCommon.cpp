//===- ImportCommon.cpp - what the ONNX and .tflite importers share -------===//

#include "ImportCommon.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace edgec {

LogicalResult finishImport(ModuleOp module, Block &body, Location loc) {
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (op.getDialect() && op.getDialect()->getNamespace() == "edge" && op.use_empty())
      op.erase();
  if (failed(verify(module))) {
    emitError(loc) << "internal error: the imported module does not verify";
    return failure();
  }
  return success();
}

int64_t checkedElementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > kMaxElements / d))
      return -1;
    n *= d;
  }
  return n;
}

} // namespace edgec
