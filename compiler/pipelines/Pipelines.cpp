//===- Pipelines.cpp - named pass pipelines --------------------------------===//

#include "edgec/Pipelines/Pipelines.h"
#include "edgec/Codegen/Target.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Fusion/Passes.h"
#include "passes/Kernels/Passes.h"
#include "passes/Memory/Passes.h"
#include "passes/Quantize/Passes.h"
#include "passes/Sparsity/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

#include <cstdlib>

namespace edgec {

llvm::cl::ValuesClass CompilePipelineOptions::familyValues() {
  return kernels::familyOptionValues();
}

void buildFusionPipeline(mlir::OpPassManager &pm) {
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createCollapseReshapesPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFoldPadPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFoldBatchNormPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFuseHardSwishPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFuseLayerNormPass());
  pm.addNestedPass<mlir::func::FuncOp>(fusion::createFuseActivationPass());
}

void buildSimplifyPipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
  if (o.fuse)
    buildFusionPipeline(pm);
  // Channels that are zero or never read go first: exact, and every later
  // step (calibration, quantization, planning) sees the smaller model.
  if (!o.keepChannels)
    pm.addNestedPass<mlir::func::FuncOp>(sparsity::createPruneChannelsPass());
}

void buildPrunePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
  if (o.prune.empty())
    return;
  sparsity::MagnitudePrunePassOptions p;
  if (o.prune.find(':') != std::string::npos)
    p.nm = o.prune;
  else
    p.sparsity = std::strtod(o.prune.c_str(), nullptr);
  p.scope = o.pruneScope;
  pm.addNestedPass<mlir::func::FuncOp>(sparsity::createMagnitudePrunePass(p));
  pm.addNestedPass<mlir::func::FuncOp>(sparsity::createPruneChannelsPass());
}

void buildCalibratePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
  if (!o.quantized())
    return;
  quant::CalibratePassOptions c;
  c.samples = o.calibration;
  c.range = o.range;
  c.progress = o.progress;
  c.channelMeans = o.biasCorrection;
  if (o.equalize)
    pm.addNestedPass<mlir::func::FuncOp>(quant::createEqualizePass());
  pm.addNestedPass<mlir::func::FuncOp>(quant::createCalibratePass(c, o.samples));
}

void buildQuantizePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
  // A QDQ / QLinear model carries its own quantization: edge-quantize turns it
  // into integer ops with the model's scales, calibrated or not.
  quant::QuantizePassOptions q;
  q.keepFloat = o.keepFloat;
  q.int16Layers = o.int16;
  q.activationBits = o.quantize == "int16x8" ? 16 : 8;
  q.requireRanges = o.quantized();
  q.biasCorrection = o.biasCorrection;
  pm.addNestedPass<mlir::func::FuncOp>(quant::createQuantizePass(q));
}

void buildLowerPipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
  // Kernels are chosen on the final types (scratch depends on them); the
  // sparse cost model may then replace a dense kernel by a sparse one.
  kernels::SelectKernelsPassOptions k;
  k.family = o.family;
  k.tuning = o.tuning;
  pm.addPass(kernels::createSelectKernelsPass(k));
  pm.addNestedPass<mlir::func::FuncOp>(sparsity::createAnalyzeSparsityPass());
  sparsity::SelectSparseKernelsPassOptions s;
  s.mode = o.sparsity;
  s.alignment = o.alignment;
  s.ramBudget = o.ramBudget;
  pm.addPass(sparsity::createSelectSparseKernelsPass(s));
  // The order is chosen on the layers run whole (what the report's source
  // order bound describes); the streams then take what they can on it.
  if (o.schedule) {
    memory::ScheduleMemoryPassOptions order;
    order.alignment = o.alignment;
    pm.addNestedPass<mlir::func::FuncOp>(memory::createScheduleMemoryPass(order));
  }
  if (o.streamRows > 0) {
    memory::StreamRowsPassOptions stream;
    stream.rows = o.streamRows;
    pm.addNestedPass<mlir::func::FuncOp>(memory::createStreamRowsPass(stream));
  }
  memory::PlanMemoryPassOptions plan;
  plan.strategy = o.planner;
  plan.alignment = o.alignment;
  pm.addNestedPass<mlir::func::FuncOp>(memory::createPlanMemoryPass(plan));
  pm.addNestedPass<mlir::func::FuncOp>(memory::createVerifyMemoryPlanPass());
}

void buildCompilePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
  buildSimplifyPipeline(pm, o);
  buildPrunePipeline(pm, o);
  buildCalibratePipeline(pm, o);
  buildQuantizePipeline(pm, o);
  buildLowerPipeline(pm, o);
}

void registerEdgePassesAndPipelines() {
  memory::registerEdgeMemoryPasses();
  kernels::registerEdgeKernelsPasses();
  fusion::registerEdgeFusionPasses();
  quant::registerEdgeQuantizePasses();
  sparsity::registerEdgeSparsityPasses();
  mlir::PassPipelineRegistration<>(
      "edge-fusion-pipeline", "Reshape collapsing, Pad, BatchNorm, hard-swish, layer norm and activation fusion",
      [](mlir::OpPassManager &pm) { buildFusionPipeline(pm); });
  mlir::PassPipelineRegistration<CompilePipelineOptions>(
      "edge-compile-pipeline",
      "Everything edgec compile runs between import and code generation",
      [](mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
        buildCompilePipeline(pm, o);
      });
  // One alias per built-in target: its kernel family, the other options free.
  static std::vector<std::pair<std::string, std::string>> aliases;
  for (const codegen::Target &t : codegen::builtinTargets())
    aliases.emplace_back("edge-compile-" + t.name,
                         "edge-compile-pipeline with family=" +
                             edge::stringifyKernelFamily(t.kernels).str() +
                             " alignment=" + std::to_string(t.alignment) + " (target " + t.name +
                             ")");
  size_t k = 0;
  for (const codegen::Target &t : codegen::builtinTargets()) {
    edge::KernelFamily family = t.kernels;
    int64_t alignment = t.alignment;
    mlir::PassPipelineRegistration<CompilePipelineOptions>(
        aliases[k].first, aliases[k].second,
        [family, alignment](mlir::OpPassManager &pm, const CompilePipelineOptions &o) {
          // The target fixes family and alignment; every other option is the caller's.
          CompilePipelineOptions withTarget;
          withTarget.copyOptionValuesFrom(o);
          withTarget.family = family;
          withTarget.alignment = alignment;
          buildCompilePipeline(pm, withTarget);
        });
    ++k;
  }
}

void registerEdgeDialects(mlir::DialectRegistry &registry) {
  registry.insert<edge::EdgeDialect, mlir::func::FuncDialect, mlir::quant::QuantizationDialect>();
}

} // namespace edgec
