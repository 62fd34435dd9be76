//===- Registry.cpp - every op family's EdgeKernelOpInterface models ------===//

#include "Models.h"

#include "mlir/IR/OperationSupport.h"

using namespace mlir;

namespace edgec::codegen {

void attachKernelEmitters(MLIRContext &ctx) {
  ctx.getOrLoadDialect<edge::EdgeDialect>();
  auto conv = RegisteredOperationName::lookup(edge::Conv2DOp::getOperationName(), &ctx);
  if (conv && conv->hasInterface<edge::EdgeKernelOpInterface>())
    return; // attached before, in this context
  attachConvKernels(ctx);
  attachDataMovementKernels(ctx);
  attachElementwiseKernels(ctx);
  attachImageKernels(ctx);
  attachIndexingKernels(ctx);
  attachMatrixKernels(ctx);
  attachNormalizeKernels(ctx);
  attachPoolKernels(ctx);
  attachQuantizeKernels(ctx);
  attachRecurrentKernels(ctx);
  attachReduceKernels(ctx);
}

} // namespace edgec::codegen
