//===- Pipelines.h - named pass pipelines ------------------------*- C++ -*-===//
#pragma once

#include "edgec/IR/EdgeAttrs.h"
#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace edgec {

struct CompilePipelineOptions {
  std::string planner = "greedy-by-size";
  edge::KernelFamily family = edge::KernelFamily::Portable;
  bool fuse = true; ///< run the fusion passes (edgec --no-fuse turns them off)
};

/// Graph simplification before quantization and planning: reshape chains
/// collapsed, constant Pad folded into Conv/pooling, BatchNormalization into
/// Conv/Gemm, Relu/Clip into their producer (`edge-fusion-pipeline`).
void buildFusionPipeline(mlir::OpPassManager &pm);

/// Quantization on calibrated ranges or a model's own QDQ parameters
/// (`edge-quantize`): int8, or int16 activations with `activationBits` 16;
/// the named nodes stay float.
void buildQuantizePipeline(mlir::OpPassManager &pm, const std::vector<std::string> &keepFloat,
                           int activationBits = 8);

/// Static memory planning and the always-on overlap check.
void buildMemoryPipeline(mlir::OpPassManager &pm, const std::string &planner);

/// Everything between import and code generation of a float model: fusion, then
/// static memory planning followed by the always-on overlap check.
void buildCompilePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Registers the passes and the named pipeline `edge-compile-pipeline` for
/// edgec-opt, so any compile step can be reproduced from the command line.
void registerEdgePassesAndPipelines();

/// Registers the dialects edgec uses.
void registerEdgeDialects(mlir::DialectRegistry &registry);

} // namespace edgec
