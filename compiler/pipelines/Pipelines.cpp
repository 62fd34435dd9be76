//===- Pipelines.cpp - named pass pipelines --------------------------------===//

#include "edgec/Pipelines/Pipelines.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"
#include "passes/Kernels/Passes.h"
#include "passes/Memory/Passes.h"
#include "passes/Quantize/Passes.h"
#include "passes/Sparsity/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

namespace edgec {

void buildFusionPipeline(mlir::OpPassManager &pm) {
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createCollapseReshapesPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFoldPadPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFoldBatchNormPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFuseActivationPass());
}

void buildQuantizePipeline(mlir::OpPassManager &pm, const std::vector<std::string> &keepFloat,
                           int activationBits) {
  quant::QuantizePassOptions q;
  q.keepFloat = keepFloat;
  q.activationBits = activationBits;
  pm.addNestedPass<mlir::func::FuncOp>(quant::createQuantizePass(q));
}

void buildMemoryPipeline(mlir::OpPassManager &pm, const std::string &planner) {
  memory::PlanMemoryPassOptions plan;
  plan.strategy = planner;
  pm.addNestedPass<mlir::func::FuncOp>(memory::createPlanMemoryPass(plan));
  pm.addNestedPass<mlir::func::FuncOp>(memory::createVerifyMemoryPlanPass());
}

void buildCompilePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options) {
  if (options.fuse)
    buildFusionPipeline(pm);
  kernels::SelectKernelsPassOptions select;
  select.family = options.family;
  pm.addPass(kernels::createSelectKernelsPass(select));
  buildMemoryPipeline(pm, options.planner);
}

void registerEdgePassesAndPipelines() {
  memory::registerEdgeMemoryPasses();
  kernels::registerEdgeKernelsPasses();
  fusion::registerEdgeFusionPasses();
  quant::registerEdgeQuantizePasses();
  sparsity::registerEdgeSparsityPasses();
  mlir::PassPipelineRegistration<>(
      "edge-fusion-pipeline", "Reshape collapsing, Pad, BatchNorm and activation fusion",
      [](mlir::OpPassManager &pm) { buildFusionPipeline(pm); });
  mlir::PassPipelineRegistration<>(
      "edge-compile-pipeline",
      "The passes edgec compile runs between import and code generation",
      [](mlir::OpPassManager &pm) { buildCompilePipeline(pm, CompilePipelineOptions()); });
}

void registerEdgeDialects(mlir::DialectRegistry &registry) {
  registry.insert<edge::EdgeDialect, mlir::func::FuncDialect, mlir::quant::QuantizationDialect>();
}

} // namespace edgec
