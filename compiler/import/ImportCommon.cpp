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

} // namespace edgec
