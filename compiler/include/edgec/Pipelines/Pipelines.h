//===- Pipelines.h - named pass pipelines ------------------------*- C++ -*-===//
#pragma once

#include "mlir/Pass/PassManager.h"

#include <string>

namespace edgec {

struct CompilePipelineOptions {
  std::string planner = "greedy-by-size";
};

/// Everything between import and code generation, in order. For this release:
/// static memory planning followed by the always-on overlap check.
void buildCompilePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Registers the passes and the named pipeline `edge-compile-pipeline` for
/// edgec-opt, so any compile step can be reproduced from the command line.
void registerEdgePassesAndPipelines();

/// Registers the dialects edgec uses.
void registerEdgeDialects(mlir::DialectRegistry &registry);

} // namespace edgec
