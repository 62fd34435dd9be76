//===- Passes.h - fusion and graph simplification passes ---------*- C++ -*-===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <memory>
#include <optional>

namespace edgec::fusion {

#define GEN_PASS_DECL
#include "passes/Fusion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Fusion/Passes.h.inc"

void populateCollapseReshapesPatterns(mlir::RewritePatternSet &patterns);
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
void populateFoldPadPatterns(mlir::RewritePatternSet &patterns);
void populateFuseActivationPatterns(mlir::RewritePatternSet &patterns);
void populateFuseHardSwishPatterns(mlir::RewritePatternSet &patterns);
void populateFuseLayerNormPatterns(mlir::RewritePatternSet &patterns);

/// Records that the ONNX node(s) of `merged` now execute as part of `into`
/// (the `edge.fused` list of node names, shown in generated comments and the
/// report).
void recordFusion(mlir::Operation *into, mlir::Operation *merged);

/// The one value a float constant holds (a scalar, or every element alike).
std::optional<double> splat(mlir::Value v);
/// Whether `v` is a float constant whose every element is `value` (to a
/// relative 1e-6: exporters write 1/6 and epsilons rounded).
bool isSplat(mlir::Value v, double value);

} // namespace edgec::fusion
